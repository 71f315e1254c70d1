"""Test settings: the application's settings, pointed at the test database.

The suite runs on PostgreSQL (TEST_DATABASE_URL, by default the local server). Where none
answers, it falls back to SQLite and skips the tests marked `postgres` — unless
REQUIRE_POSTGRES=1 (as in CI), where a missing PostgreSQL stops the run with a clear message.
"""

from __future__ import annotations

import hashlib
import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

_POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rcm")


def _postgres_answers(url: str) -> str | None:
    """None when the server answers, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


_problem = _postgres_answers(_POSTGRES_URL)
if _problem and os.environ.get("REQUIRE_POSTGRES") == "1":
    raise SystemExit(f"REQUIRE_POSTGRES=1 but PostgreSQL at {_POSTGRES_URL} does not answer: {_problem}")
os.environ["DATABASE_URL"] = _POSTGRES_URL if _problem is None else "sqlite:///:memory:"
USING_POSTGRES = _problem is None

from rcm_tracker.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production

if USING_POSTGRES:
    # One test database per checkout (and per TEST_DATABASE_NAME), so two clones on one machine
    # — a developer's tree and a CI run — never drop each other's database mid-run.
    _checkout = hashlib.sha1(str(BASE_DIR).encode(), usedforsecurity=False).hexdigest()[:8]  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", f"test_rcm_{_checkout}")}  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # serve from the finders: the suite never runs collectstatic
WHITENOISE_USE_FINDERS = True
# Tasks run at once, in the test's process; retries wait until a test runs them (core/tasks.py).
TASKS = {"default": {"BACKEND": "core.tasks.EagerBackend"}}
