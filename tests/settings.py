"""Test settings: the application's settings, pointed at the test database.

The suite runs on PostgreSQL (TEST_DATABASE_URL, by default the local server). Where none
answers, it falls back to SQLite and skips the tests marked `postgres` — unless
REQUIRE_POSTGRES=1 (as in CI), where a missing PostgreSQL stops the run with a clear message
(both decided in tests/conftest.py, so importing these settings opens no connection).
`TEST_DATABASE_URL=sqlite://` asks for SQLite (`make run`'s database) on purpose: CI's second run.
"""

from __future__ import annotations

import hashlib
import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

# Static: nothing here opens a connection. Whether PostgreSQL answers is checked once pytest starts
# (`pytest_configure` in tests/conftest.py), which falls back to SQLite or, with REQUIRE_POSTGRES=1, stops.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rcm")
USING_POSTGRES = not TEST_DATABASE_URL.startswith("sqlite:")
os.environ["DATABASE_URL"] = TEST_DATABASE_URL if USING_POSTGRES else "sqlite:///:memory:"

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
# The benchmark app, for `seed_synthetic`'s tests (bench/); production settings never install it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
