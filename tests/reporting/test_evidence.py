"""File checks by content: what the bytes are, not what the name says."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest

from reporting import evidence
from reporting.evidence import EvidenceFileError, inspect_file, safe_original_name
from tests.conftest import PDF_BYTES

MB = 1_048_576


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Informe de avance")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["commitment", "status"])
    workbook.save(buffer)
    return buffer.getvalue()


def opendocument_bytes(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def inspect(content: bytes, name: str, max_bytes: int = 20 * MB) -> evidence.InspectedFile:
    return inspect_file(io.BytesIO(content), name=name, size=len(content), max_bytes=max_bytes)


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF_BYTES, "informe.pdf", evidence.PDF),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "foto.png", evidence.PNG),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "foto.JPG", evidence.JPEG),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "foto.jpeg", evidence.JPEG),
        (docx_bytes(), "plan.docx", evidence.DOCX),
        (xlsx_bytes(), "datos.xlsx", evidence.XLSX),
        (opendocument_bytes(evidence.ODT), "plan.odt", evidence.ODT),
        (opendocument_bytes(evidence.ODS), "datos.ods", evidence.ODS),
        ("país;estado\nMéxico;en curso\n".encode(), "datos.csv", evidence.CSV),
        ("Acta de la reunión técnica".encode("cp1252"), "acta.txt", evidence.TEXT),
    ],
)
def test_accepted_types_are_recognised_by_content(content, name, content_type):
    facts = inspect(content, name)
    assert facts.content_type == content_type
    assert facts.size == len(content)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "informe.pdf", "not a file type we accept"),
        (b"<html><script>alert(1)</script></html>\x00", "page.pdf", "not a file type we accept"),
        (opendocument_bytes("application/x-anything"), "plan.docx", "not a file type we accept"),
        (b"PK\x03\x04 broken zip", "plan.xlsx", "not a file type we accept"),
        (PDF_BYTES, "informe.docx", "content is PDF"),
        (PDF_BYTES, "informe", "without an extension"),
        (docx_bytes(), "plan.exe", "content is DOCX"),
        (b"", "empty.txt", "empty"),
    ],
)
def test_wrong_content_behind_a_name_is_refused(content, name, message):
    with pytest.raises(EvidenceFileError, match=message):
        inspect(content, name)


def test_oversized_files_are_refused_naming_the_limit():
    with pytest.raises(EvidenceFileError, match="at most 1 MB") as raised:
        inspect(PDF_BYTES + b"0" * MB, "big.pdf", max_bytes=MB)
    assert raised.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\ana\\informe.pdf", "informe.pdf"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        (".htaccess", "htaccess"),
        ("bad\x00name\n.pdf", "badname.pdf"),
        ("", "file"),
    ],
)
def test_original_names_lose_their_path_tricks(name, kept):
    assert safe_original_name(name) == kept


def test_the_hash_is_the_sha256_of_the_content():
    import hashlib

    assert inspect(PDF_BYTES, "a.pdf").sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
