"""`manage.py backup` and `manage.py restore`, run as cron and an operator run them: in subprocesses
against a scratch database of their own, with data written through the real reporting service."""

from __future__ import annotations

import copy
import hashlib
import io
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from psycopg import sql

from reporting.management import archive

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rcm").rsplit("/", 1)[0]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n%%EOF\n"

# Three of Mexico's implementations get two reports each, every report with a link and a PDF.
POPULATE = f"""
import io
from accounts.models import User
from reporting.models import Implementation
from reporting.services import FileInput, LinkInput, report_update

official = User.objects.get(username="ana.mex")
for n, implementation in enumerate(Implementation.objects.filter(country__iso3="MEX").order_by("pk")[:3]):
    for step in (1, 2):
        data = {PDF!r} + f"% report {{n}}.{{step}}\\n".encode()
        report_update(
            implementation=implementation, by=official, status="in_progress", progress=20 * step,
            summary=f"Step {{step}} on action {{n}}.",
            links=[LinkInput(url="https://www.gob.mx/inm", title="INM")],
            files=[FileInput(stream=io.BytesIO(data), name=f"informe-{{n}}-{{step}}.pdf", size=len(data))],
        )
"""

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass
class Site:
    """One installation: its database, media folder and backup folder, and the archive made of it."""

    database_url: str
    base: Path
    env: dict[str, str] = field(init=False)
    archive: Path = field(init=False)

    def __post_init__(self) -> None:
        self.env = {
            **os.environ,
            # pytest-django points this at the test settings, which would replace DATABASE_URL.
            "DJANGO_SETTINGS_MODULE": "rcm_tracker.settings",
            "DATABASE_URL": self.database_url,
            "DEBUG": "0",
            "SECRET_KEY": "backup-test-" + secrets.token_hex(16),
            "ALLOWED_HOSTS": "localhost",
            "MEDIA_ROOT": str(self.media),
            "BACKUP_DIR": str(self.base / "backups"),
            "RCM_PASSWORD": "a-long-enough-passphrase",
        }

    @property
    def media(self) -> Path:
        return self.base / "media"

    def manage(self, *args: str, stdin: str = "", expect: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == expect, f"manage.py {' '.join(args)}: {result.stdout}\n{result.stderr}"
        return result

    def build(self) -> None:
        """A site as a newcomer sets it up, with reports and evidence, then backed up."""
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("loaddata", "member_countries", "-v", "0")
        self.manage("load_declarations", *map(str, sorted((ROOT / "fixtures" / "declarations").glob("*.txt"))))
        self.manage("add_user", "ana.mex", "--role", "official", "--country", "MEX")
        self.manage("shell", "-c", POPULATE)
        output = self.manage("backup").stdout
        (self.archive,) = (self.base / "backups").glob("rcm-*.tar.gz")
        assert str(self.archive) in output and "6 evidence files" in output

    def media_files(self) -> dict[str, str]:
        return {
            path.relative_to(self.media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.media.rglob("*"))
            if path.is_file()
        }


def pg_snapshot(url: str) -> Snapshot:
    """Every row of every table, in a stable order."""
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            table: sorted(conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table))).fetchall(), key=repr)
            for table in sorted(tables)
        }


def sqlite_snapshot(path: Path) -> Snapshot:
    conn = sqlite3.connect(path)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608 (own names)
            for table in sorted(tables)
            if not table.startswith("sqlite_")
        }
    finally:
        conn.close()


def assert_populated(snapshot: Snapshot, media: dict[str, str]) -> None:
    """The data the round trip has to bring back is really there (a test of an empty site proves nothing)."""
    assert len(snapshot["declarations_declaration"]) == 2
    assert len(snapshot["declarations_commitment"]) == 28
    assert len(snapshot["reporting_implementation"]) > 200
    assert len(snapshot["reporting_statusupdate"]) == 6
    assert len(snapshot["reporting_evidence"]) == 12
    assert len(snapshot["audit_auditentry"]) >= 6 + 2 + 1  # reports, declarations, the user
    assert len([name for name in media if name.startswith("evidence/")]) == 6


def assert_evidence_files_match_rows(url: str, media: Path) -> None:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT file, sha256 FROM reporting_evidence WHERE kind = 'file'").fetchall()
    assert len(rows) == 6
    for name, digest in rows:
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == digest


def rewrite_archive(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> None:
    """A copy of the archive with some members' bytes changed and everything else as it was."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            stream = old.extractfile(member)
            assert stream is not None
            data = change(member.name, stream.read())
            info = copy.copy(member)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def flip_evidence_byte(name: str, data: bytes) -> bytes:
    if name.startswith("media/evidence/") and name.endswith(".pdf"):
        return data[:-3] + bytes([data[-3] ^ 0x01]) + data[-2:]
    return data


def change_manifest_digit(name: str, data: bytes) -> bytes:
    """One digit of the creation date: still valid JSON, so only the manifest's checksum can tell."""
    if name != archive.MANIFEST:
        return data
    at = data.index(b'"created_at": "') + len(b'"created_at": "') + 3
    return data[:at] + (b"1" if data[at : at + 1] != b"1" else b"2") + data[at + 1 :]


@pytest.fixture(scope="module")
def pg_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    name = f"rcm_backup_{secrets.token_hex(4)}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        site = Site(f"{SERVER}/{name}", tmp_path_factory.mktemp("pg-site"))
        site.build()
        yield site
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.postgres
def test_restore_brings_back_every_row_and_file_after_damage(pg_site: Site) -> None:
    before, media_before = pg_snapshot(pg_site.database_url), pg_site.media_files()
    assert_populated(before, media_before)

    # Damage with the tables in place: a declaration deleted under the foreign keys, history
    # rewritten, the audit trail emptied, the evidence folder gone and a stray file left behind.
    with psycopg.connect(pg_site.database_url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM declarations_declaration WHERE title LIKE 'Darien%'")
        conn.execute("UPDATE reporting_statusupdate SET summary = 'rewritten'")
        conn.execute("DELETE FROM audit_auditentry")
    for name in media_before:
        (pg_site.media / name).unlink()
    (pg_site.media / "evidence" / "stray.pdf").write_bytes(PDF)
    assert pg_snapshot(pg_site.database_url) != before

    output = pg_site.manage("restore", str(pg_site.archive), "--yes").stdout
    assert "Restored PostgreSQL database" in output
    assert pg_snapshot(pg_site.database_url) == before
    assert pg_site.media_files() == media_before
    assert_evidence_files_match_rows(pg_site.database_url, pg_site.media)

    # Worse: every table dropped and the whole media folder removed.
    with psycopg.connect(pg_site.database_url) as conn:
        for (table,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall():
            conn.execute(sql.SQL("DROP TABLE {} CASCADE").format(sql.Identifier(table)))
    for path in sorted(pg_site.media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    pg_site.media.rmdir()

    pg_site.manage("restore", str(pg_site.archive), "--yes")
    assert pg_snapshot(pg_site.database_url) == before
    assert pg_site.media_files() == media_before
    assert_evidence_files_match_rows(pg_site.database_url, pg_site.media)
    assert not [path.name for path in pg_site.media.iterdir() if path.name.startswith(".")]  # no staging left


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("change", "stdin", "message"),
    [
        (flip_evidence_byte, "", "does not match its sha256 in the manifest"),
        (change_manifest_digit, "", "manifest.json does not match its checksum"),
        (None, "no\n", "not confirmed: nothing was changed"),
    ],
    ids=["evidence-byte", "manifest-byte", "not-confirmed"],
)
def test_a_refused_restore_changes_nothing(
    pg_site: Site, tmp_path: Path, change: Callable[[str, bytes], bytes] | None, stdin: str, message: str
) -> None:
    archive_file = pg_site.archive
    if change is not None:
        archive_file = tmp_path / "tampered.tar.gz"
        rewrite_archive(pg_site.archive, archive_file, change)
    # Something the restore would undo, so "nothing changed" is visible.
    with psycopg.connect(pg_site.database_url) as conn:
        conn.execute("UPDATE reporting_statusupdate SET summary = 'after the backup' WHERE sequence = 2")
    before, media_before = pg_snapshot(pg_site.database_url), pg_site.media_files()

    result = pg_site.manage("restore", str(archive_file), *(["--yes"] if change else []), stdin=stdin, expect=1)

    assert message in result.stderr
    assert pg_snapshot(pg_site.database_url) == before
    assert pg_site.media_files() == media_before


def test_sqlite_round_trip(tmp_path: Path) -> None:
    """The `make run` setup: the SQLite file is copied with SQLite's backup API and put back the same way."""
    database = tmp_path / "db.sqlite3"
    site = Site(f"sqlite:///{database}", tmp_path)
    site.build()
    before, media_before = sqlite_snapshot(database), site.media_files()
    assert_populated(before, media_before)
    with tarfile.open(site.archive, "r:gz") as tar:
        assert sorted(tar.getnames())[:2] == ["database.sqlite3", "manifest.json"]

    conn = sqlite3.connect(database)
    with conn:
        conn.execute("DELETE FROM declarations_declaration WHERE title LIKE 'Darien%'")
        conn.execute("DELETE FROM audit_auditentry")
    conn.close()
    for name in media_before:
        (site.media / name).unlink()

    site.manage("restore", str(site.archive), "--yes")
    assert sqlite_snapshot(database) == before
    assert site.media_files() == media_before

    # An archive from code with a migration this checkout lacks is refused before anything changes.
    def add_future_migration(name: str, data: bytes) -> bytes:
        if name != archive.MANIFEST:
            return data
        body = archive.unseal(data)
        body["migrations"]["reporting"].append("9999_from_the_future")
        return archive.seal(body)

    newer = tmp_path / "newer.tar.gz"
    rewrite_archive(site.archive, newer, add_future_migration)
    result = site.manage("restore", str(newer), "--yes", expect=1)
    assert "reporting.9999_from_the_future" in result.stderr
    assert sqlite_snapshot(database) == before


def test_an_unreadable_archive_is_refused(tmp_path: Path, media_root: Path) -> None:
    garbage = tmp_path / "rcm-garbage.tar.gz"
    garbage.write_bytes(b"\x1f\x8b" + secrets.token_bytes(2048))
    with pytest.raises(CommandError, match="cannot read the archive"):
        call_command("restore", str(garbage), "--yes")
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"), "--yes")
    assert not [path for path in media_root.iterdir() if path.name != "evidence"]  # staging removed


def test_an_archive_without_manifest_is_refused(tmp_path: Path, media_root: Path) -> None:
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("database.dump")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"PGDM"))
    with pytest.raises(CommandError, match=r"no manifest\.json inside"):
        call_command("restore", str(other), "--yes")
    assert not list(media_root.iterdir())
