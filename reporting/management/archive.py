"""The backup archive shared by `manage.py backup` and `manage.py restore`.

One gzipped tar file:

    manifest.json          what the archive holds, with the sha256 of every other member
    database.dump          `pg_dump --format=custom` of a PostgreSQL database, or
    database.sqlite3       a consistent copy of an SQLite database
    media/evidence/...     the evidence files, under their storage names (Evidence.file)

The manifest carries a checksum of its own content, so an edited or corrupted manifest is
refused like a corrupted file. It is a checksum, not a signature: whoever can rewrite the
archive can recompute it, so keep backups where only the operators can write.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.management.base import CommandError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "rcm-tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
EVIDENCE_DIR = "evidence"
DATABASE_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1 << 20

# OPTIONS that dj-database-url takes from the URL's query string, as libpq's environment variables.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def engine_of(db: dict[str, Any]) -> str:
    engine = str(db.get("ENGINE", ""))
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise CommandError(f"backups cover PostgreSQL and SQLite databases, not {engine or 'an unnamed engine'}")


def describe_database(db: dict[str, Any]) -> str:
    """Where the database lives, for people; never includes the password."""
    if engine_of(db) == "sqlite":
        return f"SQLite file {db['NAME']}"
    where = f"{db.get('HOST') or 'local socket'}{':' + str(db['PORT']) if db.get('PORT') else ''}"
    return f"PostgreSQL database {db['NAME']!r} on {where}"


def libpq_environment(db: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the URL's parts as PG* variables.

    The password travels in PGPASSWORD rather than on the command line, where `ps` would show
    it to every user of the machine. Variables already set (PGSSLROOTCERT…) are kept because
    Django's own connection honours them too, so both connect to the same place.
    """
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in _LIBPQ_OPTIONS.items():
        value = (db.get("OPTIONS") or {}).get(option)
        if value:
            env[variable] = str(value)
    return env


def run_client(args: list[str], *, env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; a failure becomes a CommandError with its own words."""
    if shutil.which(args[0]) is None:
        raise CommandError(f"{args[0]} is not installed: apt-get install postgresql-client (same major version)")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (no shell)
    if result.returncode != 0:
        detail = " ".join(line.strip() for line in result.stderr.strip().splitlines()[-5:]) or "no message"
        raise CommandError(f"{args[0]} failed (exit code {result.returncode}): {detail}")


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def seal(body: dict[str, Any]) -> bytes:
    """The manifest as written: its content plus a checksum of that content."""
    sealed = {**body, "checksum": hashlib.sha256(_canonical(body)).hexdigest()}
    return json.dumps(sealed, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def unseal(raw: bytes) -> dict[str, Any]:
    """The manifest's content, once its format and checksum are right; CommandError otherwise."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{MANIFEST} is not valid JSON ({exc}); the archive is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(f"{MANIFEST} does not describe an RCM Tracker backup")
    if manifest.get("version") != FORMAT_VERSION:
        raise CommandError(
            f"the archive is format version {manifest.get('version')!r}; this code reads version {FORMAT_VERSION}"
        )
    checksum = manifest.pop("checksum", None)
    if checksum != hashlib.sha256(_canonical(manifest)).hexdigest():
        raise CommandError(f"{MANIFEST} does not match its checksum: it was edited or damaged")
    _check_shape(manifest)
    return manifest


def _check_shape(manifest: dict[str, Any]) -> None:
    """The fields restore relies on, with the types it relies on (a sealed manifest can still be odd)."""
    database = manifest.get("database")
    evidence = manifest.get("evidence")
    migrations = manifest.get("migrations")
    problems = []
    if not isinstance(database, dict) or database.get("engine") not in DATABASE_MEMBERS:
        problems.append("database.engine")
    elif database.get("file") != DATABASE_MEMBERS[database["engine"]] or not _is_sha256(database.get("sha256")):
        problems.append("database.file/sha256")
    if not isinstance(evidence, dict) or not isinstance(evidence.get("files"), dict):
        problems.append("evidence.files")
    else:
        for name, digest in evidence["files"].items():
            if not is_evidence_name(name) or not _is_sha256(digest):
                problems.append(f"evidence.files[{name!r}]")
                break
    if not isinstance(migrations, dict) or not all(
        isinstance(names, list) and all(isinstance(n, str) for n in names) for names in migrations.values()
    ):
        problems.append("migrations")
    if problems:
        raise CommandError(f"{MANIFEST} is malformed ({', '.join(problems)})")


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def is_evidence_name(name: object) -> bool:
    """A storage name under evidence/ that cannot point anywhere else once joined to MEDIA_ROOT."""
    if not isinstance(name, str) or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    return (
        len(parts) >= 2
        and parts[0] == EVIDENCE_DIR
        and not PurePosixPath(name).is_absolute()
        and all(part not in ("", ".", "..") for part in parts)
        and name == "/".join(parts)
    )


def evidence_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """(storage name, path) of every regular file under MEDIA_ROOT/evidence, in a stable order."""
    root = media_root / EVIDENCE_DIR
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(media_root).as_posix(), path


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def known_migrations() -> dict[str, set[str]]:
    """The migrations this checkout's code has on disk, per app (no database needed)."""
    known: dict[str, set[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        known.setdefault(app, set()).add(name)
    return known


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy an SQLite database with its online backup API.

    Reading, it copies a consistent snapshot even while a server writes; writing, it replaces
    the pages inside one transaction under SQLite's locks, so readers see old or new, never a mix.
    """
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()
