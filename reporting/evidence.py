"""What an evidence file really is, decided by its bytes, never by its name."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
PNG = "image/png"
JPEG = "image/jpeg"
CSV = "text/csv"
TEXT = "text/plain"

# Content type → the extensions a file of that type may carry, the first being the stored one.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    ODT: (".odt",),
    ODS: (".ods",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    CSV: (".csv", ".txt"),
    TEXT: (".txt", ".csv"),
}
ALLOWED_EXTENSIONS = sorted({ext for exts in ALLOWED_TYPES.values() for ext in exts})
HUMAN_TYPES = gettext_lazy("PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, CSV or TXT")


class EvidenceFileError(ValueError):
    """The file is refused; `code` tells the API which status to answer (413 or 415)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class InspectedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def safe_original_name(name: str) -> str:
    """The user's file name as data: no directories, no control characters, bounded length."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return cleaned[:200] or "file"


# The longest `mimetype` an accepted OpenDocument has is 47 bytes; nothing more is ever unpacked.
_MIMETYPE_READ_BYTES = 64


def _zip_member_type(stream: IO[bytes]) -> str | None:
    """The type a ZIP container declares, from its member names and at most 64 unpacked bytes.

    Never `archive.read()`: a member of a few hundred KB can unpack to gigabytes (a zip bomb).
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    head = member.read(_MIMETYPE_READ_BYTES)
                declared = head.decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS) else None
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still text.
        if exc.start < len(sample) - 4:
            try:
                text = sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
        else:
            text = sample[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= len(text) // 100


def detect_content_type(stream: IO[bytes], *, extension: str) -> str | None:
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        detected = _zip_member_type(stream)
        stream.seek(0)
        return detected
    if head and _looks_like_text(head):
        return CSV if extension == ".csv" else TEXT
    return None


def inspect_file(stream: IO[bytes], *, name: str, size: int, max_bytes: int) -> InspectedFile:
    """Check size and real type; hash the content. Raises EvidenceFileError naming the problem."""
    original = safe_original_name(name)
    if size > max_bytes:
        raise EvidenceFileError(
            _("“%(name)s” is %(size)s MB; files may be at most %(max)s MB.")
            % {
                "name": original,
                "size": number_format(size / 1_048_576, 1),
                "max": number_format(max_bytes / 1_048_576, 0),
            },
            code="too_large",
        )
    if size == 0:
        raise EvidenceFileError(_("“%(name)s” is empty.") % {"name": original}, code="invalid")
    extension = PurePath(original).suffix.lower()
    content_type = detect_content_type(stream, extension=extension)
    if content_type is None:
        raise EvidenceFileError(
            _("“%(name)s” is not a file type we accept (%(types)s), whatever its name says.")
            % {"name": original, "types": HUMAN_TYPES},
            code="unsupported_type",
        )
    if extension not in ALLOWED_TYPES[content_type]:
        raise EvidenceFileError(
            (
                _("“%(name)s” is named %(extension)s but its content is %(type)s; rename it or upload the right file.")
                if extension
                else _(
                    "“%(name)s” is named without an extension but its content is %(type)s; "
                    "rename it or upload the right file."
                )
            )
            % {"name": original, "extension": extension, "type": ALLOWED_TYPES[content_type][0].lstrip(".").upper()},
            code="unsupported_type",
        )
    stream.seek(0)
    digest = hashlib.file_digest(stream, "sha256")  # type: ignore[arg-type]  # uploads and files have readinto
    stream.seek(0)
    return InspectedFile(
        content_type=content_type,
        extension=ALLOWED_TYPES[content_type][0] if content_type not in (CSV, TEXT) else extension,
        size=size,
        sha256=digest.hexdigest(),
        original_name=original,
    )
