"""Many clients report at once, through a real multi-process server, and the history stays whole.

The row lock in `report_update` and the If-Match check only matter when requests really overlap,
which the test client (one process, one request at a time) never does. So this test builds its
own database from scratch with the same commands an operator runs, starts gunicorn with four
worker processes on it, and lets sixteen client threads report on a few Mexican implementations
at once: with a fresh ETag (wins or 412), with a stale one (always 412), or without one (always
201). Then it reads the database directly and checks that the history and the current state agree.

The operations are drawn at random (the seed is printed; CONCURRENCY_SEED=<n> repeats a run).
To look for rare interleavings, run it twenty times and stop at the first failure:

    for i in $(seq 20); do TEST_DATABASE_NAME=test_rcm_$USER .venv/bin/pytest -q -p no:cacheprovider \\
        tests/test_concurrency.py || break; done
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.conftest import ROOT, SEED_FILES

pytestmark = pytest.mark.postgres

WORKERS = 4
CLIENT_THREADS = 16
REQUEST_BUDGET = 400  # every request of the test, tokens and reads included
TARGETS = 4  # Mexican implementations reported on; the first gets about half of the reports
OFFICIALS = ("ana.concurrency", "bruno.concurrency")
GUNICORN = Path(sys.executable).with_name("gunicorn")
ETAG = re.compile(r'^"implementation-(\d+)-v(\d+)"$')


# --- a database and a server of our own ---------------------------------------------------------


@dataclass(frozen=True)
class Database:
    name: str
    params: dict[str, Any]  # psycopg connection keywords

    @property
    def url(self) -> str:
        user = quote(str(self.params["user"]), safe="")
        password = quote(str(self.params["password"]), safe="")
        credentials = f"{user}:{password}" if password else user
        return f"postgres://{credentials}@{self.params['host']}:{self.params['port']}/{self.name}"


def _server_params() -> dict[str, Any]:
    """The PostgreSQL server the suite runs on (tests/settings.py), whatever the test database."""
    default = settings.DATABASES["default"]
    return {
        "host": default["HOST"] or "127.0.0.1",
        "port": default["PORT"] or 5432,
        "user": default["USER"],
        "password": default["PASSWORD"] or "",
    }


@pytest.fixture
def scratch_database() -> Iterator[Database]:
    """An empty database for this run only, dropped afterwards even when the test fails."""
    params = _server_params()
    database = Database(name=f"rcm_concurrency_{secrets.token_hex(4)}", params=params)
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
    try:
        yield database
    finally:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
            # FORCE: a worker that did not exit in time must not keep the database alive.
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))


def _production_env(database: Database) -> dict[str, str]:
    """The settings of a deployment without TLS: nothing inherited from the test settings."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "DEBUG", "SECURE_", "API_THROTTLE_", "ALLOWED_HOSTS"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "rcm_tracker.settings",
        "DEBUG": "0",
        "SECRET_KEY": f"concurrency-test-{secrets.token_urlsafe(32)}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        # Every client comes from 127.0.0.1: the limits would be measured instead of the locking.
        "API_THROTTLE_USER": "100000/minute",
        "API_THROTTLE_TOKEN": "100000/minute",
        "DATABASE_URL": database.url,
        "LOG_LEVEL": "WARNING",
    }


def _manage(env: dict[str, str], *args: str, **extra_env: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    port: int
    password: str
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def server(scratch_database: Database, tmp_path: Path) -> Iterator[Server]:
    """gunicorn, four worker processes, on a database set up as an operator would set it up."""
    env = _production_env(scratch_database)
    password = secrets.token_urlsafe(18)
    _manage(env, "migrate", "--noinput")
    _manage(env, "loaddata", "member_countries")
    _manage(env, "load_declarations", *map(str, SEED_FILES))
    for username in OFFICIALS:
        _manage(env, "add_user", username, "--role", "official", "--country", "MEX", RCM_PASSWORD=password)

    served = Server(port=_free_port(), password=password, log=tmp_path / "gunicorn.log")
    with served.log.open("wb") as log:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "rcm_tracker.wsgi:application",
                f"--bind=127.0.0.1:{served.port}",
                f"--workers={WORKERS}",
                # Two threads per worker: eight requests in the database at once, not four.
                "--worker-class=gthread",
                "--threads=2",
                "--timeout=30",
                "--graceful-timeout=5",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers stop with the master
        )
    try:
        _wait_until_healthy(served, process)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_until_healthy(served: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with code {process.returncode}:\n{served.log_tail()}")
        try:
            if call(served.port, "GET", "/healthz").status == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"/healthz did not answer 200 within 30 s:\n{served.log_tail()}")


# --- the clients -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    kind: str  # token, list, read, seed, blind, fresh, stale-v0, stale-read
    implementation: int | None
    status: int
    headers: dict[str, str]
    body: Any
    sent_version: int | None = None  # the version named by If-Match


def call(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    payload: dict[str, Any] | None = None,
    if_match: str | None = None,
    kind: str = "",
    implementation: int | None = None,
    sent_version: int | None = None,
) -> Answer:
    """One request on its own connection: no retry or keep-alive that could hide a failure."""
    headers = {"Accept": "application/json"}
    body = None
    if payload is not None:
        body = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    if if_match:
        headers["If-Match"] = if_match
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()
    parsed: Any = raw.decode(errors="replace")
    if answer_headers.get("content-type", "").startswith(("application/json", "application/problem+json")):
        parsed = json.loads(raw)
    return Answer(kind, implementation, response.status, answer_headers, parsed, sent_version)


def _version(etag: str, implementation: int) -> int:
    match = ETAG.match(etag)
    assert match and int(match[1]) == implementation, etag
    return int(match[2])


class Client:
    """The operations of the test; each returns every answer it received, in order."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.port = port
        self.tokens = tokens
        self.counter = iter(range(1, 1_000_000))
        self.lock = threading.Lock()

    def _report(self, user: str, implementation: int, kind: str, etag: str | None = None) -> Answer:
        with self.lock:
            number = next(self.counter)
        rng = random.Random(number)
        payload: dict[str, Any] = (
            {"status": "in_progress", "progress": rng.randint(1, 99)}
            if rng.random() < 0.7
            else {"status": "planned", "progress": None}
        )
        payload["summary"] = f"Concurrency test report {number} ({kind}) by {user}."
        return call(
            self.port,
            "POST",
            f"/api/v1/implementations/{implementation}/updates/",
            token=self.tokens[user],
            payload=payload,
            if_match=etag,
            kind=kind,
            implementation=implementation,
            sent_version=None if etag is None or etag == "*" else _version(etag, implementation),
        )

    def _read(self, user: str, implementation: int) -> Answer:
        return call(
            self.port,
            "GET",
            f"/api/v1/implementations/{implementation}/",
            token=self.tokens[user],
            kind="read",
            implementation=implementation,
        )

    def run(self, kind: str, user: str, implementation: int) -> list[Answer]:
        if kind in ("blind", "seed"):
            # `If-Match: *`: knowingly unconditional (without any If-Match the API answers 428).
            return [self._report(user, implementation, kind, "*")]
        if kind == "stale-v0":
            # Every target was reported on once before the rush: version 0 is always behind.
            return [self._report(user, implementation, kind, f'"implementation-{implementation}-v0"')]
        read = self._read(user, implementation)
        if read.status != 200:
            return [read]
        if kind == "fresh":
            return [read, self._report(user, implementation, kind, read.headers["etag"])]
        # stale-read: our own report lands between the read and the conditional one.
        own = self._report(user, implementation, "blind", "*")
        return [read, own, self._report(user, implementation, kind, read.headers["etag"])]


OPERATION_COST = {"fresh": 2, "blind": 1, "stale-v0": 1, "stale-read": 3}


def plan(rng: random.Random, targets: list[int], budget: int) -> list[tuple[str, str, int]]:
    """(kind, user, implementation) triples whose requests fit in the budget."""
    kinds, weights = zip(*{"fresh": 5, "blind": 2, "stale-v0": 1, "stale-read": 1}.items(), strict=True)
    operations = []
    while budget >= max(OPERATION_COST.values()):
        kind = rng.choices(kinds, weights)[0]
        implementation = targets[0] if rng.random() < 0.5 else rng.choice(targets[1:])
        operations.append((kind, rng.choice(OFFICIALS), implementation))
        budget -= OPERATION_COST[kind]
    return operations


# --- the test --------------------------------------------------------------------------------------


def test_concurrent_reports_through_gunicorn_keep_history_and_current_state_consistent(
    server: Server, scratch_database: Database
):
    seed = int(os.environ.get("CONCURRENCY_SEED") or secrets.randbelow(10**6))
    rng = random.Random(seed)
    started = time.monotonic()
    answers: list[Answer] = []

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        # Every client signs in at the same moment: one token per user must come out of it.
        logins = list(
            pool.map(
                lambda user: call(
                    server.port,
                    "POST",
                    "/api/v1/auth/token/",
                    payload={"username": user, "password": server.password},
                    kind="token",
                ),
                [OFFICIALS[i % len(OFFICIALS)] for i in range(CLIENT_THREADS)],
            )
        )
        answers += logins
        assert [a.status for a in logins] == [200] * CLIENT_THREADS, [a.body for a in logins]
        tokens = {user: {a.body["token"] for a in logins[i :: len(OFFICIALS)]} for i, user in enumerate(OFFICIALS)}
        assert all(len(keys) == 1 for keys in tokens.values()), tokens
        client = Client(server.port, {user: keys.pop() for user, keys in tokens.items()})

        listing = call(
            server.port,
            "GET",
            "/api/v1/implementations/?country=MEX&page_size=100",
            token=client.tokens[OFFICIALS[0]],
            kind="list",
        )
        answers.append(listing)
        assert listing.status == 200, listing.body
        targets = [row["id"] for row in listing.body["results"][:TARGETS]]
        assert len(targets) == TARGETS

        for implementation in targets:  # one report each, so that version 0 is stale everywhere
            answers += client.run("seed", OFFICIALS[0], implementation)

        operations = plan(rng, targets, REQUEST_BUDGET - len(answers))
        rush_started = time.monotonic()
        for result in pool.map(lambda op: client.run(*op), operations):
            answers += result
        rush_seconds = time.monotonic() - rush_started

    seconds = time.monotonic() - started
    statuses = Counter(a.status for a in answers)
    by_kind = Counter((a.kind, a.status) for a in answers)
    summary = (
        f"seed={seed}: {len(answers)} requests ({len(operations)} operations) in {seconds:.1f} s, "
        f"the concurrent part in {rush_seconds:.1f} s; statuses {dict(sorted(statuses.items()))}; "
        f"{dict(sorted(by_kind.items()))}"
    )
    print(summary)
    log = server.log_tail()

    # --- the answers ------------------------------------------------------------------------------
    assert len(answers) <= REQUEST_BUDGET
    assert not [a for a in answers if a.status >= 500], f"{summary}\n{log}"
    assert "Traceback" not in log, log
    expected = {
        "token": {200},
        "list": {200},
        "read": {200},
        "seed": {201},
        "blind": {201},
        "fresh": {201, 412},
        "stale-v0": {412},
        "stale-read": {412},
    }
    unexpected = [(a.kind, a.status, a.body) for a in answers if a.status not in expected[a.kind]]
    assert not unexpected, f"{summary}\n{unexpected[:5]}"
    for answer in answers:
        if answer.status == 412:
            assert answer.body["status"] == 412 and answer.body["title"] == "Precondition failed"
            current = answer.body["current"]
            assert current["id"] == answer.implementation
            assert answer.sent_version is not None and current["version"] > answer.sent_version
            assert _version(answer.headers["etag"], current["id"]) == current["version"]
        elif answer.status == 201 and answer.sent_version is not None:
            # The precondition held at the moment of writing: the update follows the version read.
            assert answer.body["sequence"] == answer.sent_version + 1
    assert by_kind[("fresh", 201)] > 0, summary  # otherwise If-Match would be untested

    created: dict[int, set[int]] = defaultdict(set)  # implementation → ids of the 201 answers
    created_sequences: dict[int, list[int]] = defaultdict(list)
    for answer in answers:
        if answer.status == 201:
            assert answer.implementation is not None
            created[answer.implementation].add(answer.body["id"])
            created_sequences[answer.implementation].append(answer.body["sequence"])

    # --- the database -----------------------------------------------------------------------------
    with psycopg.connect(**scratch_database.params, dbname=scratch_database.name) as db:
        stored: dict[int, list[tuple[int, int, str, int | None, Any]]] = defaultdict(list)
        for implementation_id, update_id, sequence, status, progress, reported_at in db.execute(
            "SELECT implementation_id, id, sequence, status, progress, reported_at"
            " FROM reporting_statusupdate ORDER BY implementation_id, sequence"
        ):
            stored[implementation_id].append((update_id, sequence, status, progress, reported_at))
        current = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT id, status, progress, version, latest_update_id, last_reported_at"
                " FROM reporting_implementation WHERE id = ANY(%s)",
                [targets],
            )
        }

    # Nothing was written except what a 201 answered, so every 412 wrote nothing.
    assert set(stored) == set(created), summary
    for implementation in targets:
        history = stored[implementation]
        count = len(history)
        assert {update_id for update_id, *_ in history} == created[implementation], summary
        assert [sequence for _, sequence, *_ in history] == list(range(1, count + 1)), summary
        assert sorted(created_sequences[implementation]) == list(range(1, count + 1)), summary
        latest_id, _, latest_status, latest_progress, latest_at = history[-1]
        assert current[implementation] == (latest_status, latest_progress, count, latest_id, latest_at), summary
    assert seconds < 60, summary
