"""PDF files made in the tests, by hand: a text layer in Helvetica, or pages with no text at all."""

from __future__ import annotations

import io
import zlib

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
LINES_PER_PAGE = 50


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: list[str]) -> bytes:
    body = [b"BT /F1 10 Tf 13 TL 50 800 Td"]
    body += [b"(" + _escape(line) + b") Tj T*" for line in lines]
    body.append(b"ET")
    return b"\n".join(body)


def make_pdf(text: str | None, *, pages: int | None = None) -> bytes:
    """A PDF whose text layer holds `text`, one line per line; with text None, `pages` blank
    pages holding only a drawn rectangle, as a scan without recognised text has no text either."""
    if text is None:
        contents = [b"0.5 g 50 50 200 200 re f"] * (pages or 1)
    else:
        lines = text.splitlines() or [""]
        contents = [_content(lines[i : i + LINES_PER_PAGE]) for i in range(0, len(lines), LINES_PER_PAGE)]
    objects: list[bytes] = []
    count = len(contents)
    first_page = 4
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(count))
    objects.append(b"<</Type/Catalog/Pages 2 0 R>>")
    objects.append(f"<</Type/Pages/Kids[{kids}]/Count {count}>>".encode())
    objects.append(b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>")
    for i, content in enumerate(contents):
        page = (
            f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 {PAGE_WIDTH} {PAGE_HEIGHT}]"
            f"/Resources<</Font<</F1 3 0 R>>>>/Contents {first_page + 2 * i + 1} 0 R>>"
        )
        objects.append(page.encode())
        packed = zlib.compress(content)
        objects.append(f"<</Length {len(packed)}/Filter/FlateDecode>>stream\n".encode() + packed + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """The same PDF protected by a password (RC4, which pypdf writes without extra packages)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
