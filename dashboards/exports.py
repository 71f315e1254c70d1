"""The dashboard for a meeting: CSV (one block per declaration) and XLSX (one sheet per declaration)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Sequence

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import export_filename
from core.spreadsheets import safe_row
from dashboards.figures import Dashboard, DeclarationBlock, Figures

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(value: int | None) -> str:
    return "" if value is None else f"{value}%"


def block_rows(block: DeclarationBlock) -> list[list[str | int]]:
    """The matrix as rows: header, one row per commitment, then the per-country completion."""
    header: list[str | int] = [
        _("No."),
        _("Recommended action"),
        *(c.iso3 for c in block.countries),
        _("Completion"),
        _("Avg. progress"),
    ]
    rows = [header]
    for row in block.rows:
        rows.append(
            [
                row.commitment.number,
                row.commitment.shown.text,
                *(cell.labelled if cell else "" for cell in row.cells),
                _percent(row.figures.completion),
                _percent(row.figures.average_progress),
            ]
        )
    rows.append(["", _("Completion per country"), *(_percent(f.completion) for f in block.country_figures), "", ""])
    return rows


def summary_rows(country_figures: Sequence[tuple[object, Figures]]) -> list[list[str | int]]:
    labels = [str(label) for _code, label, _n in Figures().ordered_counts()]
    header: list[str | int] = [
        _("Country"),
        *labels,
        _("Total"),
        _("Completion"),
        _("Avg. progress"),
        _("Stale"),
        _("Awaiting review"),
        _("Completion (validated)"),
    ]
    rows: list[list[str | int]] = [header]
    for country, figures in country_figures:
        rows.append(
            [
                str(country),
                *(n for _code, _label, n in figures.ordered_counts()),
                figures.total,
                _percent(figures.completion),
                _percent(figures.average_progress),
                figures.stale,
                figures.pending,
                _percent(figures.validated_completion),
            ]
        )
    return rows


def _filename(extension: str, parts: Sequence[str] = ()) -> str:
    """`rcm-dashboard-darien-mex-2026-12-03.xlsx`: what the file holds, then the day it was made."""
    return export_filename("dashboard", parts, extension)


def dashboard_csv(board: Dashboard, *, name_parts: Sequence[str] = ()) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for block in board.blocks:
        writer.writerow(safe_row([block.declaration.shown.text]))
        writer.writerows(safe_row(row) for row in block_rows(block))
        writer.writerow([])
    writer.writerow([_("Summary per country")])
    writer.writerows(safe_row(row) for row in summary_rows(board.country_figures))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv", name_parts)}"'
    return response


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique within the workbook.
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or _("Declaration")
    name, counter = base, 2
    while name in used:
        name, counter = f"{base[:26]} {counter}", counter + 1
    used.add(name)
    return name


def dashboard_xlsx(board: Dashboard, *, name_parts: Sequence[str] = ()) -> FileResponse:
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")
    for row in summary_rows(board.country_figures):
        summary.append(safe_row(row))
    used = {summary.title}
    for block in board.blocks:
        sheet = workbook.create_sheet(_sheet_title(block.declaration.shown.text, used))
        sheet.append(safe_row([block.declaration.shown.text]))
        sheet["A1"].font = Font(bold=True, size=13)
        for row in block_rows(block):
            sheet.append(safe_row(row))
        sheet.column_dimensions["B"].width = 80
        sheet.freeze_panes = "C3"
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=_filename("xlsx", name_parts), content_type=XLSX_TYPE)
