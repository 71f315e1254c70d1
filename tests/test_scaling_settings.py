"""Scale-out is wired by environment variables: S3 media and a read replica, each off by default."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

from tests.conftest import ROOT

SHOW = (
    "import json, rcm_tracker.settings as s; "
    "print(json.dumps({'storage': s.STORAGES['default'], 'databases': sorted(s.DATABASES), "
    "'replica_test': s.DATABASES.get('replica', {}).get('TEST')}))"
)


def settings_with(**env: str) -> dict[str, object]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "S3_", "DATABASE_"))}
    environ.update(DEBUG="1", **env)
    result = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    shown: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return shown


def test_defaults_are_the_file_system_and_one_database():
    shown = settings_with()
    assert shown["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert shown["databases"] == ["default"]


def test_a_bucket_sends_media_to_s3_and_a_replica_url_adds_the_replica():
    shown = settings_with(
        AWS_STORAGE_BUCKET_NAME="rcm-evidence",
        S3_ENDPOINT_URL="https://minio.internal:9000",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/rcm",
    )
    storage = shown["storage"]
    assert isinstance(storage, dict)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "rcm-evidence"
    assert storage["OPTIONS"]["endpoint_url"] == "https://minio.internal:9000"
    assert storage["OPTIONS"]["default_acl"] is None
    assert shown["databases"] == ["default", "replica"]
    assert shown["replica_test"] == {"MIRROR": "default"}


def test_the_s3_backend_is_installed():
    module = importlib.import_module("storages.backends.s3")  # pinned in requirements.txt (no type stubs)
    assert module.S3Storage.__name__ == "S3Storage"
