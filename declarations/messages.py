"""The parser's problem codes in the reader's language: the parser names problems, this module words them.

The parser (declarations.parser) is pure Python and never translates; the web pages, the API and
the command all word its codes here, so a problem reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from declarations.parser import ParseError, Problem

MESSAGES: Mapping[str, Promise] = {
    "empty": _("the file is empty"),
    "not_text": _("the file is not a readable text file"),
    "internal_error": _("the text could not be read as a declaration because of an unexpected error in the parser"),
    "no_actions": _("no recommended actions found"),
    "no_signatories": _("no signatory Member Country recognised"),
    "collective_signatories": _(
        "the signatories are named only as “%(phrase)s”: every Member Country is assumed; check them"
    ),
    "no_title": _("no title found"),
    "unsupported_type": _("only .txt, .docx and .pdf files can be read, not %(extension)s"),
    "too_large": _("the file is %(size)s; a declaration file is at most %(limit)s"),
    "text_too_long": _("the file holds more than %(limit)s characters of text, far more than a declaration"),
    "not_docx": _("the file is not a readable Word (.docx) document"),
    "docx_too_large": _("the Word document unpacks to %(size)s, far more than a declaration (at most %(limit)s)"),
    "docx_too_complex": _(
        "the Word document holds more than %(elements)s XML elements or %(pieces)s paragraphs and runs of text, "
        "far more than a declaration"
    ),
    "docx_no_text": _("the Word document has no text"),
    "not_pdf": _("the file is not a readable PDF"),
    "pdf_encrypted": _("the PDF is protected by a password; save it without the protection and try again"),
    "pdf_too_many_pages": _("the PDF has %(pages)s pages; a declaration has at most %(limit)s"),
    "pdf_no_text": _(
        "the PDF has no text layer (a scanned image?); run it through text recognition (OCR) or paste the text instead"
    ),
    "too_long_for_browser": _(
        "the text is too long to be checked in the browser; load it with manage.py load_declarations"
    ),
    "no_such_file": _("no such file"),
    "is_directory": _("it is a directory, not a file"),
    "unreadable": _("cannot be read (%(reason)s)"),
}
_BYTE_SIZES = {"size", "limit"}
_SIZED_CODES = {"too_large", "docx_too_large"}


def problem_message(code: str, params: Mapping[str, str] | None = None) -> str:
    """One problem in the active language; an unknown code reads as the parser's English."""
    values = dict(params or {})
    if code in _SIZED_CODES:
        values = {k: filesizeformat(int(v)) if k in _BYTE_SIZES else v for k, v in values.items()}
    template = MESSAGES.get(code)
    if template is None:
        return str(ParseError(code, **values))
    return str(template) % values if values else str(template)


def error_message(error: ParseError) -> str:
    return problem_message(error.code, error.params)


def problem_messages(problems: tuple[Problem, ...]) -> list[str]:
    return [problem_message(problem.code, problem.params) for problem in problems]
