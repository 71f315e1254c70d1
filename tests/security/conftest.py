"""Hostile inputs for the security suite, made here rather than stored, and the bound every one must hold."""

from __future__ import annotations

import functools
import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

MB = 1_048_576
# What a hostile file may cost one worker: the bound asserted by every test that sends one.
MAX_PEAK_BYTES = 100 * MB
MAX_SECONDS = 2.0


@dataclass
class Cost:
    peak_bytes: int = 0
    seconds: float = 0.0

    def assert_bounded(self) -> None:
        assert self.peak_bytes < MAX_PEAK_BYTES, f"peak {self.peak_bytes / MB:.0f} MB"
        assert self.seconds < MAX_SECONDS, f"took {self.seconds:.1f} s"


@contextmanager
def bounded() -> Iterator[Cost]:
    """Measure the Python heap's peak (tracemalloc sees every bytes object zlib hands back) and the wall time.

    Time is measured with tracemalloc on, which slows Python down: an upper bound of the real cost.
    """
    cost = Cost()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        cost.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def deflated_member(archive: zipfile.ZipFile, name: str, *, size: int, chunk: bytes = b"\0" * MB) -> None:
    """Write `size` bytes of `chunk` repeated as one deflated member, without holding them in memory."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        written = 0
        while written < size:
            piece = chunk[: size - written]
            member.write(piece)
            written += len(piece)


@functools.lru_cache
def opendocument_bomb(*, unpacked: int) -> bytes:
    """An .odt whose `mimetype` member is a deflated bomb (the attack of finding 1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        deflated_member(archive, "mimetype", size=unpacked)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture
def mex_update(mex_implementation, official_mex):
    from reporting.services import report_update

    return report_update(
        implementation=mex_implementation, by=official_mex, status="in_progress", progress=20, summary="Started."
    )


def sheet_bomb(*, rows: int) -> bytes:
    """An .xlsx with the report's headers, then `rows` rows with one filled cell in a column the import
    does not read, and no `<dimension>` (the attack of finding 2): a few hundred KB, tens of MB unpacked."""
    import openpyxl

    from spreadsheets.workbooks import headers

    template = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(headers())
    workbook.save(template)
    header = "".join(
        f'<c r="{letter}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for letter, text in zip("ABCDEFGH", headers(), strict=True)
    )
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, source.read(info.filename))
        sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        sheet.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(sheet, "w", force_zip64=True) as member:
            member.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                + f'<row r="1">{header}</row>'.encode()
            )
            # Rows and cells without `r` attributes are numbered by their order: all alike, so they deflate ~300:1.
            row = b'<row><c/><c t="inlineStr"><is><t>x</t></is></c></row>'
            for start in range(0, rows, 10_000):
                member.write(row * min(10_000, rows - start))
            member.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
