"""`manage.py backup [--dir DIR]`: the database and the evidence files in one archive.

Writes DIR/rcm-YYYYmmdd-HHMMSS.tar.gz (DIR from --dir, else $BACKUP_DIR, else backups/ in the
project) holding a `pg_dump --format=custom` (or, on SQLite, a consistent copy of the file),
every file under MEDIA_ROOT/evidence and a manifest with their checksums; see
reporting/management/archive.py for the layout and `manage.py restore` for the way back.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import tempfile
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import timezone

from reporting.management import archive
from reporting.models import Evidence, EvidenceKind


class _HashingReader:
    """Hashes exactly the bytes tarfile copies, so the manifest describes the archive, not the disk."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    with path.open("rb") as stream:
        info = tar.gettarinfo(arcname=arcname, fileobj=stream)
        # Owners and modes of the server mean nothing on the machine that restores.
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        reader = _HashingReader(stream)
        tar.addfile(info, cast(IO[bytes], reader))
    return reader.digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _dump_postgres(db: dict[str, Any], target: Path) -> None:
    archive.run_client(
        ["pg_dump", "--format=custom", "--no-password", "--file", str(target), "--dbname", str(db["NAME"])],
        env=archive.libpq_environment(db),
    )


def _copy_sqlite(db: dict[str, Any], target: Path) -> None:
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file::memory:"):
        raise CommandError("the database is in memory: there is nothing on disk to back up")
    source_path = Path(name)
    if not source_path.is_file():
        raise CommandError(f"the SQLite database {name} does not exist")
    archive.sqlite_copy(source_path, target)


def _archive_path(directory: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    candidate = directory / f"rcm-{stamp}.tar.gz"
    counter = 2
    while candidate.exists():  # two backups in one second: never overwrite the first
        candidate = directory / f"rcm-{stamp}-{counter}.tar.gz"
        counter += 1
    return candidate


class Command(BaseCommand):
    help = "Archive the database and the evidence files into one .tar.gz (see `manage.py restore`)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dir", metavar="DIR", help="Folder for the archive (default: $BACKUP_DIR, else backups/ in the project)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        db = connections["default"].settings_dict
        engine = archive.engine_of(db)
        directory = Path(options["dir"] or os.environ.get("BACKUP_DIR") or Path(settings.BASE_DIR) / "backups")
        directory.mkdir(parents=True, exist_ok=True)
        media_root = Path(settings.MEDIA_ROOT)
        try:
            migrations = archive.applied_migrations(connections["default"])
        except DatabaseError as exc:
            raise CommandError(f"cannot read the {archive.describe_database(db)}: {exc}") from None

        # Temporary files live beside the archive: same disk (the final rename is atomic) and no
        # half-written archive ever carries the rcm-*.tar.gz name a cron clean-up or restore looks for.
        with tempfile.TemporaryDirectory(prefix=".rcm-backup-", dir=directory) as work:
            dump = Path(work) / archive.DATABASE_MEMBERS[engine]
            # Database first, then the rows, then the files: a file is stored before its row commits,
            # so every evidence row in the dump — and in the query below — already has its file on disk
            # (as `<name>.part` if the rename that follows the commit has not happened yet).
            if engine == "postgresql":
                _dump_postgres(db, dump)
            else:
                _copy_sqlite(db, dump)
            recorded = dict(Evidence.objects.filter(kind=EvidenceKind.FILE).values_list("file", "sha256"))

            partial = Path(work) / "archive.tar.gz"
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                database_sha = _add_file(tar, dump, dump.name)
                files: dict[str, str] = {}
                total = 0
                for name, path in archive.evidence_files(media_root):
                    files[name] = _add_file(tar, path, archive.MEDIA_PREFIX + name)
                    total += path.stat().st_size
                warnings = self._check_evidence(recorded, files)
                manifest = {
                    "format": archive.FORMAT,
                    "version": archive.FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(timespec="seconds"),
                    "database": {
                        "engine": engine,
                        "name": Path(str(db["NAME"])).name if engine == "sqlite" else str(db["NAME"]),
                        "file": dump.name,
                        "size": dump.stat().st_size,
                        "sha256": database_sha,
                    },
                    "evidence": {"count": len(files), "bytes": total, "files": files},
                    "migrations": migrations,
                    "warnings": warnings,
                }
                # Last, because it lists the checksums of the bytes written above.
                _add_bytes(tar, archive.MANIFEST, archive.seal(manifest))
            partial.chmod(0o600)  # the dump holds password hashes and personal data
            target = _archive_path(directory)
            os.replace(partial, target)

        if options["verbosity"] >= 1:
            size = target.stat().st_size
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up {archive.describe_database(db)} and {len(files)} evidence files "
                    f"to {target} ({size / 1_048_576:.1f} MB, {time.monotonic() - started:.1f} s)."
                )
            )

    def _check_evidence(self, recorded: dict[str, str], files: dict[str, str]) -> list[str]:
        """Problems that already exist in the data: reported, and kept in the manifest, never fatal."""
        warnings = []
        for name, digest in sorted(recorded.items()):
            if name not in files:
                warnings.append(f"evidence file {name} is recorded in the database but missing from MEDIA_ROOT")
            elif digest and digest != files[name]:
                warnings.append(f"evidence file {name} differs from the sha256 recorded when it was uploaded")
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        return warnings
