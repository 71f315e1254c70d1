"""The text of a declaration file: .txt, .docx or .pdf, read within bounds whatever the file holds.

Pure Python like the rest of the parser: problems are :class:`ParseError` codes with parameters,
translated by the callers. Every limit is here, so the web upload and the command refuse alike:
a declaration is a few pages, and a file that unpacks or extracts to far more is not one.
"""

from __future__ import annotations

import logging
import re
import string
import zipfile
from collections.abc import Iterator, Mapping
from io import BytesIO
from pathlib import PurePath
from typing import IO, Any

from declarations.parser.cleaning import decode_text
from declarations.parser.errors import ParseError

EXTENSIONS = (".txt", ".docx", ".pdf")
# A declaration is a few pages; anything far larger is not one, and would only cost memory.
MAX_FILE_BYTES = 5 * 1024 * 1024
# A .docx is a zip: a few hundred kilobytes can unpack to a gigabyte (a 175 KB one reached 925 MB).
# The sizes are read from the zip's directory before anything is inflated, and zipfile never
# inflates an entry past the size its directory declares.
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_DOCX_ENTRIES = 2_000
# Pictures may take most of those 50 MB; the XML that python-docx builds into a tree may not. What a
# tree costs is counted in elements (memory: 80 KB of `<w:p/>` repeated unpacks to 30 MB and five
# million elements, over a gigabyte once built) and in paragraphs and runs (python-docx's time, about
# 20 µs each). A declaration of 5,000 characters with every word in a run of its own holds 21,000
# elements and 850 paragraphs and runs.
MAX_DOCX_XML_BYTES = 10 * 1024 * 1024
MAX_DOCX_ELEMENTS = 200_000
MAX_DOCX_TEXT_PIECES = 30_000
MAX_PDF_PAGES = 200
# More text than this is not a declaration (the longest are a few tens of thousands of characters),
# and the parser is only promised to take under a second per 250 KB.
MAX_TEXT_CHARS = 1_000_000


def read_declaration(data: bytes, name: str) -> str:
    """The text of a declaration file given as bytes; its name's extension says how to read it."""
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise ParseError("unsupported_type", extension=extension or name)
    if len(data) > MAX_FILE_BYTES:
        raise ParseError("too_large", size=str(len(data)), limit=str(MAX_FILE_BYTES))
    if not data:
        raise ParseError("empty")
    if extension == ".docx":
        text = docx_text(BytesIO(data))
    elif extension == ".pdf":
        text = pdf_text(BytesIO(data))
    else:
        text = decode_text(data)
    if len(text) > MAX_TEXT_CHARS:
        raise ParseError("text_too_long", limit=f"{MAX_TEXT_CHARS:,}")
    return text


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------


def docx_text(stream: IO[bytes]) -> str:
    """The paragraphs of a Word document, table cells included, one per line in document order."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ParseError("not_docx") from None
    with archive:
        entries = archive.infolist()
        unpacked = sum(info.file_size for info in entries)
        if len(entries) > MAX_DOCX_ENTRIES or unpacked > MAX_DOCX_UNPACKED_BYTES:
            raise ParseError("docx_too_large", size=str(unpacked), limit=str(MAX_DOCX_UNPACKED_BYTES))
        _check_docx_xml(archive, [info for info in entries if _is_xml(info.filename)])
    stream.seek(0)
    import docx  # about 0.1 s to import (lxml): paid by the upload, not by every process start

    try:
        document = docx.Document(stream)
        text = "\n".join(_docx_lines(document, _style_levels(document)))
    except Exception as exc:
        # python-docx lets zip, XML and missing-part errors of a damaged file through as they are.
        raise ParseError("not_docx") from exc
    if not text.strip():
        raise ParseError("docx_no_text")
    return text


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


# A paragraph or a run (`<w:p>`, `<w:r …>`, whatever the prefix): what python-docx spends its time on.
_TEXT_PIECE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?[pr][\s/>]")


def _check_docx_xml(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> None:
    """Refuse XML that would make too large a tree, counting its tags as the parts inflate.

    Tags are counted in the raw bytes, a chunk at a time, by C code (bytes.count and a regular
    expression), not by parsing: a parser loop in Python costs seconds over a hostile part.
    Comments and processing instructions are not told apart, so the count can only be high.
    """
    xml_bytes = sum(info.file_size for info in parts)
    if xml_bytes > MAX_DOCX_XML_BYTES:
        raise ParseError("docx_too_large", size=str(xml_bytes), limit=str(MAX_DOCX_XML_BYTES))
    elements = pieces = 0
    for info in parts:
        try:
            with archive.open(info) as part:
                for tags in _tag_runs(part):
                    elements += tags.count(b"<") - tags.count(b"</") - tags.count(b"<?") - tags.count(b"<!")
                    pieces += len(_TEXT_PIECE.findall(tags))
                    if elements > MAX_DOCX_ELEMENTS or pieces > MAX_DOCX_TEXT_PIECES:
                        raise ParseError(
                            "docx_too_complex", elements=f"{MAX_DOCX_ELEMENTS:,}", pieces=f"{MAX_DOCX_TEXT_PIECES:,}"
                        )
        except ParseError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ParseError("not_docx") from exc


def _tag_runs(part: IO[bytes], chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """The part's bytes in chunks that never cut a tag in two (each ends before a `<`)."""
    carry = b""
    while chunk := part.read(chunk_size):
        data = carry + chunk
        cut = data.rfind(b"<")
        data, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        yield data
    yield carry


def _docx_lines(container: Any, levels: Mapping[str, int | None]) -> Iterator[str]:
    sub_item = 0
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):  # a table
            yield from _docx_table_lines(block, levels)
            continue
        level = _list_level(block, levels)
        if level is None:
            yield block.text
        elif level == 0:
            sub_item = 0
            # Word keeps automatic numbering out of the text; the parser needs a marker to see the list.
            yield f"- {block.text}"
        else:
            letter = string.ascii_lowercase[sub_item % 26]
            sub_item += 1
            yield f"{'    ' * level}{letter}) {block.text}"


def _docx_table_lines(table: Any, levels: Mapping[str, int | None]) -> Iterator[str]:
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once for every grid cell it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            yield from _docx_lines(cell, levels)


# A paragraph without a style of its own takes the document's default paragraph style.
_DEFAULT_STYLE = ""
# What paragraph properties that say nothing of numbering give: the style decides.
_UNSET = -1


def _style_levels(document: Any) -> dict[str, int | None]:
    """The list level each paragraph style sets, read once per document.

    python-docx finds a paragraph's default style by scanning every style of the document, for
    every paragraph: ten thousand empty paragraphs took 18 s that way.
    """
    from docx.enum.style import WD_STYLE_TYPE

    styles = document.styles.element
    levels: dict[str, int | None] = {}
    for style in styles.style_lst:
        if style.type == WD_STYLE_TYPE.PARAGRAPH and style.styleId is not None:
            level = _numbering(style.pPr)
            levels[style.styleId] = None if level == _UNSET else level
    default = styles.default_for(WD_STYLE_TYPE.PARAGRAPH)
    levels[_DEFAULT_STYLE] = levels.get(default.styleId) if default is not None else None
    return levels


def _numbering(properties: Any) -> int | None:
    """The list level paragraph properties set: None when they switch numbering off, _UNSET when silent."""
    numbering = properties.numPr if properties is not None else None
    if numbering is None:
        return _UNSET
    if numbering.numId is not None and numbering.numId.val == 0:
        return None  # numId 0 is Word's way of switching a style's list off for one paragraph
    return int(numbering.ilvl.val) if numbering.ilvl is not None else 0


def _list_level(paragraph: Any, levels: Mapping[str, int | None]) -> int | None:
    """The list level of an automatically numbered or bulleted paragraph; None for plain text."""
    own = _numbering(paragraph._p.pPr)
    if own != _UNSET:
        return own
    style_id = paragraph._p.style
    # Like python-docx, an unknown style id falls back to the default paragraph style.
    return levels.get(style_id, levels[_DEFAULT_STYLE]) if style_id else levels[_DEFAULT_STYLE]


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def pdf_text(stream: IO[bytes]) -> str:
    """The text layer of a PDF, page by page (a form feed between pages, as a page break)."""
    import pypdf  # imported on use, like python-docx
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are explained to the user, not logged
    try:
        reader = pypdf.PdfReader(stream)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError("pdf_encrypted")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise ParseError("pdf_too_many_pages", pages=str(len(pages)), limit=str(MAX_PDF_PAGES))
        texts: list[str] = []
        total = 0
        for page in pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise ParseError("text_too_long", limit=f"{MAX_TEXT_CHARS:,}")
            texts.append(text)
    except ParseError:
        raise
    except FileNotDecryptedError:
        raise ParseError("pdf_encrypted") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise ParseError("not_pdf") from None
    except Exception as exc:  # pypdf raises many kinds on damaged files; none may become a 500
        if type(exc).__name__ == "DependencyError":  # AES needs the `cryptography` package
            raise ParseError("pdf_encrypted") from None
        raise ParseError("not_pdf") from exc
    text = "\f".join(texts)
    if not text.strip():
        raise ParseError("pdf_no_text")
    return text
