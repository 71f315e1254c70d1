"""Implementations as CSV (streamed row by row) and XLSX, with the same columns as the API.

Machine-read: the column names are the API's keys and every code (status, ISO3, review state) stays
a code in any language. Only `status_label`, a convenience for people, follows the request language.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from core.api import utc_iso
from core.spreadsheets import safe_row
from reporting.history import state_of_row
from reporting.models import Implementation, Status
from reporting.selectors import implementation_rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    "id",
    "declaration",
    "declaration_title",
    "commitment",
    "commitment_number",
    "commitment_text",
    "country",
    "status",
    "status_label",
    "progress",
    "last_reported_at",
    "version",
    "review_state",
]
# Rows fetched per round trip: bounded memory whatever the number of rows.
CHUNK = 2000


def status_labels() -> dict[str, str]:
    """Resolved while the request's language is active: a streamed body is written after the view returns."""
    return {code: str(label) for code, label in Status.choices}


def export_rows(implementations: QuerySet[Implementation], labels: dict[str, str]) -> Iterator[list[Any]]:
    # Plain rows, only the columns exported: no model instances, no declaration text per row.
    rows = implementation_rows(implementations, "commitment__declaration__title")
    for row in rows.iterator(chunk_size=CHUNK):
        state = state_of_row(row)
        yield [
            row["id"],
            row["commitment__declaration_id"],
            row["commitment__declaration__title"],
            row["commitment_id"],
            row["commitment__number"],
            row["commitment__text"],
            row["country__iso3"],
            state.status,
            labels.get(state.status, state.status),
            state.progress,
            utc_iso(state.reported_at) or "",
            state.version,
            state.review_state,
        ]


class _Echo:
    """A file-like object that hands each CSV line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # No byte-order mark: this file is for programs (the first column is `id`, not `\ufeffid`); the
    # dashboard's CSV, which is for people's spreadsheet programs, keeps one.
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in safe_row(row)])


def _filename(extension: str) -> str:
    return f"rcm-implementations-{timezone.localdate():%Y-%m-%d}.{extension}"


def implementations_csv(implementations: QuerySet[Implementation]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(export_rows(implementations, status_labels())), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def implementations_xlsx(implementations: QuerySet[Implementation]) -> FileResponse:
    workbook = Workbook(write_only=True)  # rows go straight to disk, not into a tree in memory
    sheet = workbook.create_sheet("Implementations")
    sheet.append(COLUMNS)
    for row in export_rows(implementations, status_labels()):
        sheet.append(safe_row(row))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_TYPE)
