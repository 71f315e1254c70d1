"""The README's "Using the API" block, run as written against a server set up as `make run` sets it up.

Once on SQLite (`make run`'s database) and once on PostgreSQL (a scratch database). The block runs
unchanged under bash except for the server's port (a free one instead of 8000, which a developer's
`make run` may hold); `curl` is wrapped only to log each answer's status on stderr, so the test sees
every command succeed. `informe.pdf` is made by the test, as a reader would bring their own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PDF_BYTES, ROOT, SEED_FILES, SPANISH_SEED_FILES
from tests.test_concurrency import Database, _free_port, scratch_database  # noqa: F401

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl, as the README's reader does")

README = ROOT / "README.md"


def readme_api_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using the API") :]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "the README's Using the API section has no sh block"
    return match.group(1)


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"


def _make_run_env(database_url: str) -> dict[str, str]:
    """`make run`'s environment (RUN_ENV := DEBUG=1) over the given database; nothing from the test settings."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "DEBUG", "SECURE_"))}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "rcm_tracker.settings", "DEBUG": "1", "DATABASE_URL": database_url}


def _seed(env: dict[str, str]) -> None:
    """What `make seed` runs: migrate, countries, the seeds, their Spanish versions, the demo users."""
    _manage(env, "migrate", "--noinput")
    _manage(env, "loaddata", "member_countries")
    _manage(env, "load_declarations", *map(str, SEED_FILES))
    for path in SPANISH_SEED_FILES:
        _manage(env, "load_declarations", "--translation-of", path.name, "--unofficial", str(path))
    _manage(env, "seed_demo")


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[int]:
    """The development server (`manage.py runserver`, as `make run`) on a free port; yields the port."""
    if request.param == "sqlite":
        env = _make_run_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    else:
        database: Database = request.getfixturevalue("scratch_database")
        env = _make_run_env(database.url)
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    _seed(env)
    port = _free_port()
    log = (tmp_path / "runserver.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"runserver did not start:\n{(tmp_path / 'runserver.log').read_text()[-3000:]}")
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.mark.parametrize("served", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_the_readme_api_block_runs_as_written(served: int, tmp_path: Path) -> None:
    block = readme_api_block()
    assert "127.0.0.1:8000" in block
    script = block.replace("127.0.0.1:8000", f"127.0.0.1:{served}")
    work = tmp_path / "reader"
    work.mkdir()
    (work / "informe.pdf").write_bytes(PDF_BYTES)
    prelude = (
        "set -euo pipefail\n"
        # Log each response's status and URL on stderr; stdout stays what the block pipes and reads.
        "curl() { command curl -w '%{stderr}HTTP %{http_code} %{method} %{url_effective}\\n' \"$@\"; }\n"
    )
    result = subprocess.run(
        ["/bin/bash", "-c", prelude + script],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    answers = re.findall(r"^HTTP (\d{3}) (\S+) (\S+)$", result.stderr, re.M)
    commands = len(re.findall(r"\bcurl -s\b", block))
    assert len(answers) == commands, result.stderr
    failed = [answer for answer in answers if not answer[0].startswith("2")]
    assert not failed, f"{failed}\n{result.stdout[-3000:]}"

    # What the block's comments promise.
    assert (work / "downloaded.pdf").read_bytes() == PDF_BYTES
    rows = list(csv.DictReader(io.StringIO((work / "mex.csv").read_text(encoding="utf-8-sig"))))
    assert rows and {row["country"] for row in rows} == {"MEX"}
    base = f"http://127.0.0.1:{served}/api/v1"
    token = _token(base, "observer")
    eight = _get(base + "/implementations/8/", token)
    darien = [d for d in _get(base + "/declarations/", token)["results"] if "Darien" in d["title"]]
    assert (eight["country"], eight["commitment_number"], eight["declaration"]) == ("MEX", 1, darien[0]["id"])
    # The update the block reported, with its evidence, then accepted by the secretariat.
    assert (eight["status"], eight["progress"], eight["review_state"]) == ("in_progress", 60, "accepted")
    listed = _get(base + "/implementations/?country=MEX&page_size=500", token)
    assert 8 in [row["id"] for row in listed["results"]]


def _token(base: str, username: str) -> str:
    request = urllib.request.Request(  # noqa: S310 -- local
        base + "/auth/token/",
        data=json.dumps({"username": username, "password": "rcm-demo-2026"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 -- local
        token: str = json.load(response)["token"]
        return token


def _get(url: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310 -- local
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 -- local
        data: dict[str, Any] = json.load(response)
        return data
