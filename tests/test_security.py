"""Security headers on every kind of response, and Django's deployment checks under production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/api/v1/countries/"])
def test_headers_on_public_and_api_responses(client, path):
    response = client.get(path)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_headers_on_a_signed_in_page(login_as, darien):
    response = login_as("official_mex").get(reverse("declarations:declaration-detail", args=[darien.pk]))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()  # nothing the policy would have to allow


def test_api_docs_and_schema_are_for_signed_in_users(client, login_as):
    assert client.get("/api/v1/docs/")["Location"].startswith(reverse("login"))
    assert client.get("/api/v1/schema/").status_code == 401
    assert login_as("observer").get("/api/v1/schema/").status_code == 200


def test_api_docs_run_under_the_site_wide_policy(login_as):
    response = login_as("observer").get("/api/v1/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "script-src 'self';" in policy
    assert "<style>" not in response.content.decode() and "<script>" not in response.content.decode()


def test_session_and_csrf_cookies_are_http_only(client, official_mex):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": official_mex.username, "password": PASSWORD})
    assert response.cookies["sessionid"]["httponly"]


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        # Only what a production host would have: not the test run's DEBUG, SECURE_* or the
        # browser tests' DJANGO_ALLOW_ASYNC_UNSAFE.
        **{k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECURE_", "DJANGO_"))},
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "rcm.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "rcm_tracker.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="rcm_tracker.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=tmp_path,  # no .env there to fill the gap
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
