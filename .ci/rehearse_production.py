"""A production start, rehearsed: DEBUG=0 on a scratch PostgreSQL database, as docs/deploy.md describes it.

migrate (the Member Countries come with it), collectstatic, gunicorn on a free 127.0.0.1 port, a task
worker, /healthz 200, then an official signs in and reports over HTTP with the reverse proxy's headers
(Host, X-Forwarded-Proto, X-Forwarded-For). Everything it starts or creates is removed at the end,
whatever happens. Run by .ci/run; by hand: `.venv/bin/python .ci/rehearse_production.py`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("REHEARSAL_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
HOST = "rcm.example.org"
PASSWORD = "rehearsal-" + secrets.token_hex(8)


def say(message: str) -> None:
    print(f"rehearsal: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 -- our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise SystemExit(f"rehearsal: manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def request(
    base: str, method: str, path: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    proxy = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(  # noqa: S310 -- http://127.0.0.1 only
        base + path, data=data, method=method, headers={**proxy, **(headers or {})}
    )
    if data is not None:
        call.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:  # noqa: S310 -- 127.0.0.1 only
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"rehearsal FAILED: {what}")
    say(f"ok — {what}")


def main() -> None:
    name = f"rcm_rehearsal_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="rcm-rehearsal-"))
    processes: list[subprocess.Popen[bytes]] = []
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE"))},
            "DJANGO_SETTINGS_MODULE": "rcm_tracker.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{SERVER}/{name}",
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "BEHIND_TLS_PROXY": "1",
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "RCM_SITE_URL": f"https://{HOST}",
            "RCM_PASSWORD": PASSWORD,
        }
        (workdir / "media").mkdir()
        manage(env, "migrate", "--noinput")
        say("migrate done (the Member Countries come with it)")
        manage(env, "collectstatic", "--noinput")
        say("collectstatic done")
        manage(env, "load_declarations", *sorted(str(p) for p in (ROOT / "fixtures" / "declarations").glob("*.txt")))
        manage(env, "add_user", "official_mex", "--role", "official", "--country", "MEX")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        logs = workdir / "logs"
        logs.mkdir()
        gunicorn = Path(sys.executable).parent / "gunicorn"
        for command, log in [
            ([str(gunicorn), "rcm_tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"], "web.log"),
            ([sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.5"], "worker.log"),
        ]:
            processes.append(
                subprocess.Popen(  # noqa: S603 -- our own commands
                    command, cwd=ROOT, env=env, stdout=(logs / log).open("wb"), stderr=subprocess.STDOUT
                )
            )

        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline:
            try:
                status, _headers, body = request(base, "GET", "/healthz")
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.5)
        expect(status == 200, "/healthz answers 200 under gunicorn with DEBUG=0")
        health = json.loads(body)
        expect(health["queue_oldest_seconds"] == 0, "/healthz reports the queue: no due task waiting")

        status, _headers, page = request(base, "GET", "/accounts/login/")
        expect(status == 200 and b'<html lang="en"' in page, "the sign-in page renders (no 500 with DEBUG=0)")
        stylesheet = page.decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        status, headers, _css = request(base, "GET", stylesheet)
        expect(status == 200 and "text/css" in headers.get("Content-Type", ""), f"collected static file {stylesheet}")

        status, _headers, body = request(
            base, "POST", "/api/v1/auth/token/", {"username": "official_mex", "password": PASSWORD}
        )
        expect(status == 200, "the official signs in (token)")
        auth = {"Authorization": f"Token {json.loads(body)['token']}"}
        status, _headers, body = request(base, "GET", "/api/v1/implementations/?country=MEX&page_size=1", headers=auth)
        implementation = json.loads(body)["results"][0]["id"]
        status, headers, _body = request(base, "GET", f"/api/v1/implementations/{implementation}/", headers=auth)
        expect(status == 200 and "ETag" in headers, "an implementation with its ETag")
        status, headers, body = request(
            base,
            "POST",
            f"/api/v1/implementations/{implementation}/updates/",
            {"status": "in_progress", "progress": 40, "summary": "Rehearsal report."},
            headers={**auth, "If-Match": headers["ETag"]},
        )
        expect(status == 201 and json.loads(body)["reported_at"].endswith("Z"), "the official reports (201)")

        scheduled = 0
        for _ in range(60):  # the worker schedules them as it starts
            with psycopg.connect(f"{SERVER}/{name}") as database:
                row = database.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = %s AND status = 'READY'",
                    ("core.schedule.run_daily_jobs",),
                ).fetchone()
            scheduled = row[0] if row else 0
            if scheduled:
                break
            time.sleep(0.5)
        expect(scheduled == 1, "the worker is up and scheduled the daily jobs in the queue")
        say("passed")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
        say("cleaned up (processes stopped, database dropped, files removed)")


if __name__ == "__main__":
    main()
