"""Word files made to cost a reader far more than their size, for the parser's tests and the security suite."""

from __future__ import annotations

import io
import zipfile

import docx


def element_bomb(count: int, element: bytes = b"<w:p/>") -> bytes:
    """A real Word file whose body is `element` repeated `count` times: tiny deflated, huge as a tree."""
    plain = io.BytesIO()
    docx.Document().save(plain)
    source = zipfile.ZipFile(plain)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "word/document.xml":
                archive.writestr(info, data)
                continue
            head, _, _ = data.partition(b"<w:body>")
            with archive.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                for written in range(0, count, 10_000):
                    part.write(element * min(10_000, count - written))
                part.write(b"</w:body></w:document>")
    return buffer.getvalue()
