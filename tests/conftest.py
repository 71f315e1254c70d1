"""Shared fixtures: the Member Countries and the two seed declarations, and one named user per role."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from declarations.models import Declaration, DeclarationTranslation, MemberCountry
from declarations.parser import parse_declaration
from declarations.services import declaration_load
from reporting.models import Implementation, StatusUpdate
from reporting.services import report_update
from tests.factories import SMALL, implementation

ROOT = Path(__file__).resolve().parent.parent
SEED_FILES = sorted((ROOT / "fixtures" / "declarations").glob("*.txt"))
# The team's Spanish versions, each named after the original it translates (as `make seed` loads them).
SPANISH_SEED_FILES = sorted((ROOT / "fixtures" / "declarations" / "es").glob("*.txt"))
PASSWORD = "correct-horse-battery-staple"


def manage_py(*args: str, database: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """`python manage.py ARGS` as a script runs it: the project's settings, its own SQLite file."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rcm_tracker.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _postgres_problem(url: str) -> str | None:
    """None when the PostgreSQL server of `url` answers, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def pytest_configure(config: pytest.Config) -> None:
    """PostgreSQL asked for but not answering: SQLite instead (its tests skip), or with REQUIRE_POSTGRES=1 a stop."""
    if not getattr(settings, "USING_POSTGRES", False):
        return
    url = os.environ["DATABASE_URL"]  # tests/settings.py set it from TEST_DATABASE_URL
    problem = _postgres_problem(url)
    if problem is None:
        return
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError(f"REQUIRE_POSTGRES=1 but PostgreSQL at {url} does not answer: {problem}")
    settings.USING_POSTGRES = False
    os.environ["DATABASE_URL"] = "sqlite:///:memory:"
    before = settings.DATABASES["default"]
    settings.DATABASES["default"] = dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=before["CONN_MAX_AGE"], conn_health_checks=True
    )
    # No connection has been made yet: let Django read the changed DATABASES afresh.
    connections.__dict__.pop("settings", None)
    connections._settings = None  # type: ignore[attr-defined]
    for alias in list(connections.settings):
        if hasattr(connections._connections, alias):  # type: ignore[attr-defined]
            del connections[alias]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if getattr(settings, "USING_POSTGRES", False):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TEST_DATABASE_URL or start the local server)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def load_reference_data() -> None:
    """Countries, seed declarations and their Spanish versions, as `make run` loads them; a no-op when there."""
    if not MemberCountry.objects.exists():
        call_command("loaddata", "member_countries", verbosity=0)
    if not Declaration.objects.exists():
        call_command("load_declarations", *map(str, SEED_FILES), stdout=io.StringIO())
    if not DeclarationTranslation.objects.exists():
        for path in SPANISH_SEED_FILES:
            call_command(
                "load_declarations", str(path), translation_of=path.name, unofficial=True, stdout=io.StringIO()
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def rcm_data(db: None) -> None:
    """Reference data for tests that run after a transactional (flushing) test too."""
    load_reference_data()


def _make_user(username: str, role: str, country: str | None = None) -> User:
    return user_create(username=username, role=role, country_iso3=country, password=PASSWORD)


@pytest.fixture
def official_mex(rcm_data: None) -> User:
    return _make_user("ana.mex", Role.OFFICIAL, "MEX")


@pytest.fixture
def official_gtm(rcm_data: None) -> User:
    return _make_user("luis.gtm", Role.OFFICIAL, "GTM")


@pytest.fixture
def secretariat(rcm_data: None) -> User:
    return _make_user("sofia.secretariat", Role.SECRETARIAT)


@pytest.fixture
def observer(rcm_data: None) -> User:
    return _make_user("olga.observer", Role.OBSERVER)


@pytest.fixture
def login_as(client: Client, request: pytest.FixtureRequest) -> Callable[[str], Client]:
    """`login_as("official_mex")` → a client signed in as that named user; "anonymous" → not signed in."""

    def _login(who: str) -> Client:
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        return client

    return _login


@pytest.fixture
def darien(rcm_data: None) -> Declaration:
    return Declaration.objects.get(title__icontains="Darien")


@pytest.fixture
def global_compact(rcm_data: None) -> Declaration:
    return Declaration.objects.get(title__icontains="Global Compact")


@pytest.fixture
def tmp_text(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Every test stores evidence in its own folder, so a test can count the files it left."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def mex_implementation(darien: Declaration) -> Any:
    from reporting.models import Implementation

    return Implementation.objects.select_related("country", "commitment").get(
        commitment__declaration=darien, commitment__number=1, country__iso3="MEX"
    )


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def signal_handlers_kept() -> Iterator[None]:
    """A worker run in-process (`call_command("worker", "--batch")`) installs its own SIGINT/SIGTERM
    handlers and keeps them; a later test (gunicorn, subprocesses) must see the defaults again."""
    import signal

    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in names}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


@pytest.fixture(autouse=True)
def empty_task_queue() -> None:
    """Retries another test left waiting in the eager backend never run in this one."""
    from django_tasks import default_task_backend

    if hasattr(default_task_backend, "deferred"):
        default_task_backend.deferred.clear()


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Throttling counts requests in the cache; each test starts with a clean count."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """`api("official_gtm")` → a DRF client authenticated with that user's token; "anonymous" → none."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def _client(who: str) -> APIClient:
        client = APIClient()
        if who != "anonymous":
            token, _ = Token.objects.get_or_create(user=request.getfixturevalue(who))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _client


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """A request in Spanish leaves Spanish active on the test's thread (as a server thread would
    until its next request): every test starts and ends in the site's language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# A small declaration and a known set of reports on it (tests.factories.SMALL).
@pytest.fixture
def small(rcm_data) -> Declaration:
    return declaration_load(parsed=parse_declaration(SMALL), source_text=SMALL).declaration


@pytest.fixture
def reported(small, official_mex, official_gtm):
    """MEX: 1 completed, 2 in progress 50%, 3 not reported. GTM: 1 ongoing, 2 not started, 3 stale planned 20%."""
    report_update(
        implementation=implementation(small, 1, "MEX"), by=official_mex, status="completed", progress=None, summary="a"
    )
    report_update(
        implementation=implementation(small, 2, "MEX"), by=official_mex, status="in_progress", progress=50, summary="b"
    )
    report_update(
        implementation=implementation(small, 1, "GTM"), by=official_gtm, status="ongoing", progress=None, summary="c"
    )
    report_update(
        implementation=implementation(small, 2, "GTM"),
        by=official_gtm,
        status="not_started",
        progress=None,
        summary="d",
    )
    old = report_update(
        implementation=implementation(small, 3, "GTM"), by=official_gtm, status="planned", progress=20, summary="e"
    )
    long_ago = timezone.now() - datetime.timedelta(days=400)
    StatusUpdate.objects.filter(pk=old.pk).update(reported_at=long_ago)
    Implementation.objects.filter(pk=old.implementation_id).update(last_reported_at=long_ago)
    return small


@pytest.fixture
def shared_cache(settings: Any, tmp_path: Path) -> None:
    """A cache every process shares, as Redis is in production: only there are API tokens cached
    (accounts/authentication.py), so the query counts of that setup are pinned with it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
