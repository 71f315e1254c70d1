"""Reading declaration files (.txt, .docx, .pdf) within bounds: pure, no Django."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest

from declarations.parser import ParseError, decode_text, parse_declaration
from declarations.parser.files import (
    MAX_DOCX_ELEMENTS,
    MAX_DOCX_TEXT_PIECES,
    MAX_DOCX_UNPACKED_BYTES,
    MAX_FILE_BYTES,
    MAX_PDF_PAGES,
    read_declaration,
)
from tests.declarations.parsing.bombs import element_bomb
from tests.declarations.parsing.pdfs import encrypt_pdf, make_pdf

CORPUS = Path(__file__).resolve().parent / "corpus"
ROOT = Path(__file__).resolve().parents[3]


def code_of(data: bytes, name: str) -> str:
    with pytest.raises(ParseError) as raised:
        read_declaration(data, name)
    return raised.value.code


def word_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_parser_package_imports_no_django():
    """The parser's purity, checked in a fresh interpreter: importing all of it loads no Django module."""
    modules = "cleaning countries dates document errors files lines lists places result titles".split()  # noqa: SIM905
    script = (
        "import sys\n"
        f"for name in {modules!r}: __import__('declarations.parser.' + name)\n"
        "import declarations.parser\n"
        "declarations.parser.parse_declaration('The Vice-Ministers of Belize and Mexico agreed:\\n1. Act.')\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.name)
def test_every_corpus_text_reads_the_same_out_of_a_pdf(path):
    """PDF text loses blank lines and has no wrapping width: the parse must not depend on them."""
    text = path.read_text(encoding="utf-8")
    from_pdf = read_declaration(make_pdf(text), path.with_suffix(".pdf").name)
    assert "\n\n" not in from_pdf
    assert parse_declaration(from_pdf).as_dict() == parse_declaration(text).as_dict()


def test_decoding_nothing_is_a_parse_error_without_any_settings():
    with pytest.raises(ParseError) as raised:
        decode_text(b"")
    assert raised.value.code == "empty"


def test_a_word_document_is_read_paragraph_by_paragraph():
    text = read_declaration(word_file("DECLARATION OF X", "", "The Vice-Ministers agreed:"), "x.docx")
    assert text.splitlines() == ["DECLARATION OF X", "", "The Vice-Ministers agreed:"]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.txt", "empty"),
        (b"", "empty.pdf", "empty"),
        (bytes(range(256)) * 8, "junk.txt", "not_text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "scan.png", "unsupported_type"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "scan.txt", "not_text"),
        (b"PK\x05\x06" + bytes(18), "archive.zip", "unsupported_type"),
        (b"PK\x05\x06" + bytes(18), "archive.docx", "not_docx"),
        (b"%PDF-1.4\nnot really", "broken.pdf", "not_pdf"),
        (b"%PDF-1.4\nnot really", "broken.docx", "not_docx"),
        (b"a" * (MAX_FILE_BYTES + 1), "huge.txt", "too_large"),
        (b"migration" * (MAX_FILE_BYTES // 9), "one-word.txt", "text_too_long"),
    ],
)
def test_files_that_hold_no_declaration_text(data, name, code):
    assert code_of(data, name) == code


def test_a_scanned_pdf_says_it_has_no_text_layer():
    assert code_of(make_pdf(None, pages=2), "scan.pdf") == "pdf_no_text"
    assert "no text layer" in str(ParseError("pdf_no_text"))


def test_a_password_protected_pdf_says_so():
    protected = encrypt_pdf(
        make_pdf("DECLARATION\n\nThe Vice-Ministers of Belize and Mexico agreed:\n1. Act."), "secret"
    )
    assert code_of(protected, "locked.pdf") == "pdf_encrypted"


def test_a_pdf_of_too_many_pages_is_refused_before_reading_them():
    assert code_of(make_pdf(None, pages=MAX_PDF_PAGES + 1), "long.pdf") == "pdf_too_many_pages"


def test_a_docx_zip_bomb_is_refused_quickly_with_bounded_memory():
    """A few hundred kilobytes that would unpack to far more than any declaration: refused from the
    zip's directory, before anything is inflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"<w:t>" + b" " * (1024 * 1024) + b"</w:t>"
            for _ in range(MAX_DOCX_UNPACKED_BYTES // len(chunk) + 8):
                entry.write(chunk)
    bomb = buffer.getvalue()
    assert len(bomb) < MAX_FILE_BYTES // 4  # small on disk

    tracemalloc.start()
    started = time.perf_counter()
    try:
        code = code_of(bomb, "bomb.docx")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == "docx_too_large"
    assert elapsed < 1.0
    assert peak < 5 * len(bomb) + 2 * 1024 * 1024  # never near the unpacked size


@pytest.mark.parametrize(
    ("count", "code"),
    [
        (8_000_000, "docx_too_large"),  # the attack as found: ~150 KB, 48 MB of XML, 925 MB once built
        (1_500_000, "docx_too_complex"),  # under the XML size cap: the element count stops it
        (MAX_DOCX_TEXT_PIECES + 1, "docx_too_complex"),  # few elements, but python-docx's time is per paragraph
    ],
)
def test_a_docx_that_would_build_a_huge_tree_is_refused_before_building_it(count, code):
    bomb = element_bomb(count)
    assert len(bomb) < 200_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert code_of(bomb, "bomb.docx") == code
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 10 * 1024 * 1024


def test_elements_that_are_not_text_are_bounded_too():
    assert code_of(element_bomb(MAX_DOCX_ELEMENTS, b'<w:bookmarkEnd w:id="1"/>'), "marks.docx") == "docx_too_complex"


def test_a_long_declaration_in_word_is_still_read():
    """A thousand numbered paragraphs, each word a run of its own (as Word saves after editing): well
    inside the bounds."""
    document = docx.Document()
    for number in range(1, 1001):
        paragraph = document.add_paragraph(style="List Number")
        for word in f"Strengthen cooperation on action {number} among Member Countries.".split():
            paragraph.add_run(word + " ")
    buffer = io.BytesIO()
    document.save(buffer)
    lines = read_declaration(buffer.getvalue(), "long.docx").splitlines()
    assert len(lines) == 1000
    assert lines[999] == "- Strengthen cooperation on action 1000 among Member Countries. "
