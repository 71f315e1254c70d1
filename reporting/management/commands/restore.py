"""`manage.py restore FILE [--yes]`: put back what `manage.py backup` archived.

Nothing is touched until the whole archive has been read and checked: the manifest's own
checksum, the sha256 of the database copy and of every evidence file, and that this code has
every migration the archived database had. Then, once confirmed, the database is replaced
(pg_restore in one transaction, or SQLite's backup API) and the evidence folder is swapped for
the verified copy by renaming. Any failure before that point: exit code 1, nothing changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import tarfile
import tempfile
import time
import zlib
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reporting.management import archive

# A real manifest is a few hundred bytes per evidence file; a huge one is not ours.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Copy one member to target; its sha256."""
    source = tar.extractfile(member)
    if source is None:
        raise CommandError(f"{member.name} in the archive has no content")
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, target.open("xb") as out:
        for chunk in iter(lambda: source.read(archive.CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def unpack_verified(path: Path, staging: Path) -> dict[str, Any]:
    """Extract the archive into staging and check every byte against the manifest; the manifest."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        with tarfile.open(path, "r:gz") as tar:
            members: dict[str, tarfile.TarInfo] = {}
            for member in tar.getmembers():  # reads the whole archive: a truncated one fails here
                if member.name in members:
                    raise CommandError(f"{path}: {member.name} appears twice in the archive")
                members[member.name] = member
            if archive.MANIFEST not in members:
                raise CommandError(f"{path}: no {archive.MANIFEST} inside: not an archive made by `manage.py backup`")
            manifest_member = members[archive.MANIFEST]
            source = tar.extractfile(manifest_member)
            if source is None or manifest_member.size > MAX_MANIFEST_BYTES:
                raise CommandError(f"{path}: {archive.MANIFEST} is not a readable file")
            manifest = archive.unseal(source.read())

            database = manifest["database"]
            expected = {database["file"]: database["sha256"]}
            expected.update(
                {archive.MEDIA_PREFIX + name: digest for name, digest in manifest["evidence"]["files"].items()}
            )
            unexpected = sorted(set(members) - set(expected) - {archive.MANIFEST})
            missing = sorted(set(expected) - set(members))
            if unexpected or missing:
                raise CommandError(
                    f"{path}: the archive does not match its manifest "
                    f"({len(missing)} listed files missing, {len(unexpected)} unlisted entries"
                    f"{', e.g. ' + (missing + unexpected)[0] if missing or unexpected else ''})"
                )
            for name, digest in expected.items():
                member = members[name]
                if not member.isreg():
                    raise CommandError(f"{path}: {name} is not a regular file")
                if _extract(tar, member, staging / name) != digest:
                    raise CommandError(
                        f"{path}: {name} does not match its sha256 in the manifest (damaged or altered archive)"
                    )
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise CommandError(f"{path}: cannot read the archive ({exc})") from None
    return manifest


def missing_migrations(archived: dict[str, list[str]]) -> list[str]:
    """Migrations this code has but the archived database had not applied (`migrate` fixes those).

    Refuses an archive whose database is ahead of this code: the code could not use it.
    Apps that are no longer installed are ignored; their rows in django_migrations are inert.
    """
    known = archive.known_migrations()
    ahead = sorted(
        f"{app}.{name}" for app, names in archived.items() if app in known for name in names if name not in known[app]
    )
    if ahead:
        raise CommandError(
            f"the archived database has migrations this code does not ({', '.join(ahead[:3])}"
            f"{', …' if len(ahead) > 3 else ''}): restore it with the version of the code that made it"
        )
    return sorted(
        f"{app}.{name}" for app, names in known.items() for name in names if name not in set(archived.get(app, []))
    )


def _restore_postgres(db: dict[str, Any], dump: Path) -> None:
    # One transaction: if any statement fails, pg_restore rolls everything back and the
    # database is as it was. --no-owner: the new machine's role owns the restored tables.
    try:
        archive.run_client(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                "--dbname",
                str(db["NAME"]),
                str(dump),
            ],
            env=archive.libpq_environment(db),
        )
    except CommandError as exc:
        raise CommandError(f"{exc}; the database was not changed (one transaction)") from None


def _restore_sqlite(db: dict[str, Any], copy: Path) -> None:
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file::memory:"):
        raise CommandError("the database is in memory: there is no file to restore into")
    target = Path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        archive.sqlite_copy(copy, target)
    except sqlite3.Error as exc:
        raise CommandError(f"cannot write the SQLite database {name} ({exc}); it was not changed") from None


def _swap(new: Path, target: Path, parking: Path) -> None:
    """Put new in target's place: two renames on one file system, undone if the second fails."""
    had_old = target.exists()
    if had_old:
        os.rename(target, parking)
    try:
        os.rename(new, target)
    except OSError:
        if had_old:
            os.rename(parking, target)
        raise


class Command(BaseCommand):
    help = "Restore the database and the evidence files from an archive made by `manage.py backup`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE", help="An archive made by `manage.py backup` (.tar.gz).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        path = Path(options["file"])
        db = connections["default"].settings_dict
        engine = archive.engine_of(db)
        media_root = Path(settings.MEDIA_ROOT)
        evidence_dir = media_root / archive.EVIDENCE_DIR
        if evidence_dir.is_symlink() or os.path.ismount(evidence_dir):
            # Renaming would replace the link or mount with a plain folder on another disk.
            raise CommandError(f"{evidence_dir} is a symlink or mount point: point MEDIA_ROOT at the real folder")
        media_root.mkdir(parents=True, exist_ok=True)
        # Beside the evidence folder, on the same file system, so the final swap is a rename.
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root))
        keep_staging = False
        try:
            manifest = unpack_verified(path, staging)
            if manifest["database"]["engine"] != engine:
                raise CommandError(
                    f"{path} holds a {archive.ENGINE_NAMES[manifest['database']['engine']]} database but "
                    f"DATABASE_URL names {archive.describe_database(db)}"
                )
            behind = missing_migrations(manifest["migrations"])
            self._confirm(path, manifest, db, media_root, assume_yes=options["yes"])

            connections.close_all()  # our own session must not hold locks pg_restore waits for
            copy = staging / manifest["database"]["file"]
            if engine == "postgresql":
                _restore_postgres(db, copy)
            else:
                _restore_sqlite(db, copy)
            verified = staging / archive.MEDIA_PREFIX / archive.EVIDENCE_DIR
            verified.mkdir(parents=True, exist_ok=True)  # an archive without evidence still empties the folder
            try:
                _swap(verified, evidence_dir, staging / "replaced-evidence")
            except OSError as exc:
                keep_staging = True
                raise CommandError(
                    f"the database was restored but the evidence folder was not ({exc}); "
                    f"the verified files are in {verified}: move that folder to {evidence_dir}"
                ) from None
        finally:
            if not keep_staging:
                shutil.rmtree(staging, ignore_errors=True)

        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {archive.describe_database(db)} and {manifest['evidence']['count']} evidence files "
                f"from {path} ({time.monotonic() - started:.1f} s)."
            )
        )
        if behind:
            self.stdout.write(
                f"The backup predates {len(behind)} migration(s) of this code: run `python manage.py migrate` now."
            )

    def _confirm(
        self, path: Path, manifest: dict[str, Any], db: dict[str, Any], media_root: Path, *, assume_yes: bool
    ) -> None:
        current = sum(1 for _ in archive.evidence_files(media_root))
        self.stdout.write(
            f"{path} was made {manifest['created_at']} from database {manifest['database']['name']!r} "
            f"with {len(manifest['evidence']['files'])} evidence files; every file checks out.\n"
            f"Restoring it replaces:\n"
            f"  - the tables of the {archive.describe_database(db)}\n"
            f"  - the evidence folder {media_root / archive.EVIDENCE_DIR} ({current} files now)"
        )
        for warning in manifest.get("warnings") or []:
            self.stdout.write(f"  (noted when the backup was made: {warning})")
        if assume_yes:
            return
        self.stdout.write('Type "yes" to go ahead: ', ending="")
        self.stdout.flush()
        if sys.stdin.readline().strip().lower() != "yes":
            raise CommandError("not confirmed: nothing was changed")
