"""Problems as codes with parameters: the parser never translates, its callers do.

A :class:`ParseError` is raised only when there is no text at all to look at (an empty file, a
binary one). Everything else the parser can say about a text — no actions found, signatories
named only collectively — is a :class:`Problem` listed in the result, so that a person can
still see the text and correct the draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# English wording of every code, for logs and for callers without a translation catalogue.
# The web pages and the command translate the codes themselves (declarations.messages).
ENGLISH: Mapping[str, str] = MappingProxyType(
    {
        "empty": "the file is empty",
        "not_text": "the file is not a readable text file",
        "internal_error": "the text could not be read as a declaration because of an unexpected error in the parser",
        "no_actions": "no recommended actions found",
        "no_signatories": "no signatory Member Country recognised",
        "collective_signatories": (
            "the signatories are named only as “%(phrase)s”: every Member Country is assumed; check them"
        ),
        "no_title": "no title found",
        "unsupported_type": "only .txt, .docx and .pdf files can be read, not %(extension)s",
        "too_large": "the file is %(size)s bytes; a declaration file is at most %(limit)s bytes",
        "text_too_long": "the file holds more than %(limit)s characters of text, far more than a declaration",
        "not_docx": "the file is not a readable Word (.docx) document",
        "docx_too_large": (
            "the Word document unpacks to %(size)s bytes, far more than a declaration (at most %(limit)s)"
        ),
        "docx_too_complex": (
            "the Word document holds more than %(elements)s XML elements or %(pieces)s paragraphs and runs of text, "
            "far more than a declaration"
        ),
        "docx_no_text": "the Word document has no text",
        "not_pdf": "the file is not a readable PDF",
        "pdf_encrypted": "the PDF is protected by a password; save it without the protection and try again",
        "pdf_too_many_pages": "the PDF has %(pages)s pages; a declaration has at most %(limit)s",
        "pdf_no_text": (
            "the PDF has no text layer (a scanned image?); run it through text recognition (OCR) "
            "or paste the text instead"
        ),
        "too_long_for_browser": (
            "the text is too long to be checked in the browser; load it with manage.py load_declarations"
        ),
        "no_such_file": "no such file",
        "is_directory": "it is a directory, not a file",
        "unreadable": "cannot be read (%(reason)s)",
    }
)
# Without these a declaration cannot be loaded; the other problems only ask for a check.
BLOCKING = frozenset({"no_actions", "no_signatories"})


@dataclass(frozen=True)
class Problem:
    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING

    def __str__(self) -> str:
        return english(self.code, self.params)


def english(code: str, params: Mapping[str, str]) -> str:
    template = ENGLISH.get(code, code)
    return template % dict(params) if params else template


class ParseError(ValueError):
    """There is no usable text; ``code`` and ``params`` say why (``str()`` gives the English)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(english(code, params))
        self.code = code
        self.params: dict[str, str] = params
