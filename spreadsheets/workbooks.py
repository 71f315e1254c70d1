"""Reporting from a spreadsheet: a country's implementations out as XLSX or CSV, filled offline, back in.

The file is never trusted. Each row is checked against the database when the file is uploaded
(the preview) and again at confirmation, with the form's rules (`validate_report`), and written
through the form's service (`report_update`), so a spreadsheet can do nothing the form cannot.
Between preview and confirmation the rows travel signed inside the page: no temporary storage,
and a payload changed on the way is refused.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import User
from core.spreadsheets import safe_row
from declarations.models import MemberCountry
from declarations.selectors import translated
from reporting.models import REPORTABLE_STATUSES, Implementation, Status
from reporting.services import validate_report

if TYPE_CHECKING:
    pass

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Every line of the sheet counts, blank or not: a file of a million empty-looking rows must stop early,
# not after they are all parsed. A real sheet has its rows and a few blank lines between them.
MAX_LINES = 2 * MAX_ROWS
# An XLSX is a zip: a small file can unpack to gigabytes. A full sheet of 5,000 rows with long texts
# and summaries unpacks to 12 MB; a country's real report to a few hundred KB. The sizes are those the
# archive declares, and Python's zipfile never unpacks a member past its declared size.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
SHEET_TITLE = gettext_lazy("Report")
_PAYLOAD_SALT = "commitments.spreadsheet-import.rows"
# A preview older than this is refused at confirmation: the page has been left open too long to
# be what the person last looked at.
PAYLOAD_MAX_AGE_SECONDS = 24 * 60 * 60

STATUS_LABELS = dict(Status.choices)  # lazy: each label in the language of the moment


def reportable_labels() -> list[str]:
    return [str(label) for _code, label in REPORTABLE_STATUSES]


@dataclass(frozen=True)
class Column:
    key: str
    header: StrOrPromise
    width: int
    editable: bool = False
    wrap: bool = False


COLUMNS = [
    Column("id", "id", 8),
    # The first word of each header names the column on upload, in any of the site's languages.
    Column("declaration", gettext_lazy("Declaration"), 28, wrap=True),
    Column("number", gettext_lazy("Number"), 9),
    Column("commitment", gettext_lazy("Commitment"), 60, wrap=True),
    Column("status", gettext_lazy("Status"), 18, editable=True),
    Column("progress", gettext_lazy("Progress (%)"), 13, editable=True),
    Column("summary", gettext_lazy("Summary of what was done (for the new report)"), 60, editable=True, wrap=True),
    Column("version", gettext_lazy("Version (do not change)"), 12),
]
KEYS = [column.key for column in COLUMNS]
# What an upload must have; the other columns are there for the person filling it in.
REQUIRED_KEYS = ("id", "status", "progress", "summary", "version")
COLUMN_NAMES = {
    "status": gettext_lazy("Status"),
    "progress": gettext_lazy("Progress"),
    "summary": gettext_lazy("Summary"),
}


class SpreadsheetError(Exception):
    """The upload cannot be used at all (not a spreadsheet, wrong columns, too large); the message says why."""


# --------------------------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------------------------


def sheet_rows(implementations: Iterable[Implementation]) -> Iterator[list[Any]]:
    """One row per implementation, in the order of COLUMNS; the summary is left for the new report."""
    for item in implementations:
        yield [
            item.pk,
            item.commitment.declaration.shown.text,
            item.commitment.number,
            item.commitment.shown.text,
            str(STATUS_LABELS[item.status]),
            item.progress,
            "",
            item.version,
        ]


def build_csv(implementations: Iterable[Implementation]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    writer.writerows(["" if value is None else value for value in safe_row(row)] for row in sheet_rows(implementations))
    # The BOM makes spreadsheet programs open accented text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def build_xlsx(country: MemberCountry, implementations: Iterable[Implementation]) -> bytes:
    """The report sheet: read-only columns locked, status and progress checked as they are typed.

    The protection has no password on purpose: it prevents slips, not intent; what comes back
    is checked on upload whatever the sheet allowed.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(SHEET_TITLE)
    sheet.append(headers())
    for row in sheet_rows(implementations):
        sheet.append(safe_row(row))
    last = sheet.max_row

    editable_fill = PatternFill("solid", start_color="FFF8E1")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
            cell.alignment = Alignment(wrap_text=column.wrap, vertical="top")
            if column.editable:
                cell.protection = Protection(locked=False)
                cell.fill = editable_fill
    sheet.column_dimensions["A"].hidden = True  # the id ties a row to its implementation; nobody needs to read it
    sheet.freeze_panes = "B2"

    if last > 1:
        status_letter = get_column_letter(KEYS.index("status") + 1)
        progress_letter = get_column_letter(KEYS.index("progress") + 1)
        statuses = DataValidation(
            type="list",
            formula1='"' + ",".join(reportable_labels()) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Status"),
            error=_("Choose a status from the list."),
        )
        statuses.add(f"{status_letter}2:{status_letter}{last}")
        progress = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Progress"),
            error=_("A whole number from 0 to 100, or empty."),
        )
        progress.add(f"{progress_letter}2:{progress_letter}{last}")
        sheet.add_data_validation(statuses)
        sheet.add_data_validation(progress)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"

    sheet.protection.sheet = True
    # Resizing and filtering do not change what is reported: allow them.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    _add_instructions(workbook, country)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_instructions(workbook: Workbook, country: MemberCountry) -> None:
    sheet = workbook.create_sheet(_("How to fill in"))
    downloaded = formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
    lines = [
        _("Report of %(country)s — downloaded %(when)s") % {"country": country.name, "when": downloaded},
        "",
        _("Fill in only the yellow columns of the “%(sheet)s” sheet: Status, Progress (%%) and Summary.")
        % {"sheet": SHEET_TITLE},
        _("A row whose status and progress you leave as they are, with an empty summary, is not reported again."),
        _("Each row you change needs a summary of what was done (for “Not applicable”, the reason)."),
        _("Completed is 100%, Not started is 0%; leave progress empty when it cannot be measured."),
        _("Statuses: %(statuses)s.") % {"statuses": ", ".join(reportable_labels())},
        "",
        _("Upload the file on the country's page (“Upload a filled spreadsheet”). You will see every change,"),
        _("and any problem, before anything is saved. Rows reported by someone else since this download"),
        _("are refused: download the spreadsheet again to see the latest reports."),
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 110
    sheet.protection.sheet = True


# --------------------------------------------------------------------------------------------
# Upload: read the file into rows
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One row as the file has it, every cell as text; `line` is the row number a spreadsheet program shows."""

    line: int
    id: str
    status: str
    progress: str
    summary: str
    version: str


_NOT_XLSX = gettext_lazy(
    "The file is not a readable Excel workbook (.xlsx). Save it again as .xlsx or as CSV (UTF-8) and upload it."
)
_NOT_SPREADSHEET = gettext_lazy(
    "Upload the spreadsheet as an Excel workbook (.xlsx) or as CSV (.csv); “%(name)s” is neither."
)
_OLD_EXCEL = gettext_lazy(
    "Old Excel files (.xls) cannot be read. In Excel, choose File › Save As › Excel Workbook (.xlsx)."
)


def read_upload(upload: UploadedFile) -> list[SheetRow]:
    """The rows of an uploaded XLSX or CSV file; SpreadsheetError (a sentence for the user) when unusable."""
    name = upload.name or _("the file")
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("The file is %(size)s; the most that can be uploaded is %(max)s. Upload one country's report at a time.")
            % {"size": filesizeformat(size), "max": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("The file is larger than %(max)s, the most that can be uploaded.")
            % {"max": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    extension = PurePath(name).suffix.lower()
    # The content decides, not the name: a workbook renamed .csv is still a workbook.
    if data.startswith(b"PK\x03\x04"):
        cells = _xlsx_cells(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or extension == ".xls":
        raise SpreadsheetError(str(_OLD_EXCEL))
    elif extension in (".xlsx", ".xlsm"):
        raise SpreadsheetError(str(_NOT_XLSX))
    elif extension in (".csv", ".txt"):
        cells = _csv_cells(data)
    else:
        raise SpreadsheetError(_NOT_SPREADSHEET % {"name": name})
    return _rows(cells)


# The most XML elements a sheet or its shared strings may hold: a full 5,000-row report has about 85,000 in
# its sheet. Checked before openpyxl sees the file, because openpyxl parses a whole sheet that lacks a
# `<dimension>` just to size it, and holds a whole row in memory (so one row of a million cells is a bomb).
MAX_XML_ELEMENTS = 150_000
MAX_COLUMNS = 64
_TOO_BIG = gettext_lazy("The workbook unpacks to far more data than a report holds; it cannot be read.")


def _xlsx_cells(data: bytes) -> Iterator[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise SpreadsheetError(str(_TOO_BIG))
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml":
                    _check_xml_size(archive, info.filename)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError):
        raise SpreadsheetError(str(_NOT_XLSX)) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # A damaged workbook makes openpyxl raise almost anything (KeyError, ValueError, XML errors…).
    except Exception:
        raise SpreadsheetError(str(_NOT_XLSX)) from None
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        # Read-only sheets parse lazily: damage can surface while iterating, so it is inside the try.
        yield from (list(values) for values in sheet.iter_rows(values_only=True))
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError(str(_NOT_XLSX)) from None
    finally:
        workbook.close()


# A row or cell opening tag, with or without a namespace prefix (`<row `, `<x:c>`, `<c/>`).
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")


def _check_xml_size(archive: zipfile.ZipFile, name: str) -> None:
    """Stream one part of the workbook and refuse it past MAX_XML_ELEMENTS elements (every `<` that opens
    a tag), MAX_LINES rows or MAX_COLUMNS cells in a row: the work stops as soon as the file shows itself
    too big, and it is a byte scan, not a parse."""
    elements = rows = cells = 0
    pending = b""
    with archive.open(name) as member:
        while True:
            chunk = member.read(1 << 16)
            window = pending + chunk
            # Tags are short: one that starts 64 bytes before the window's end is whole in it; the
            # rest waits for the next chunk (all of it at the end of the member).
            done = len(window) if not chunk else max(0, len(window) - 64)
            scanned = window[:done]
            elements += scanned.count(b"<") - scanned.count(b"</") - scanned.count(b"<?") - scanned.count(b"<!")
            for match in _ROW_OR_CELL.finditer(window, 0, len(window) if not chunk else done + 64):
                if match.start() >= done:
                    break
                if match.group(1) == b"row":
                    rows, cells = rows + 1, 0
                else:
                    cells += 1
                if rows > MAX_LINES:
                    raise SpreadsheetError(
                        _("The spreadsheet has more than %(max)s lines; split it into smaller files.")
                        % {"max": formats.number_format(MAX_LINES, force_grouping=True)}
                    )
                if cells > MAX_COLUMNS:
                    raise SpreadsheetError(str(_TOO_BIG))
            if elements > MAX_XML_ELEMENTS:
                raise SpreadsheetError(str(_TOO_BIG))
            if not chunk:
                return
            pending = window[done:]


def _csv_cells(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _(
                "The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)”; "
                "in LibreOffice, choose the character set Unicode (UTF-8)."
            )
        ) from None
    if "\x00" in text:
        raise SpreadsheetError(_("The file is not a CSV text file. Upload the spreadsheet as .xlsx or .csv."))
    first_line = text.split("\n", 1)[0]
    # Spreadsheet programs in Spanish-speaking locales save CSV with semicolons.
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise SpreadsheetError(
            _("The CSV file cannot be read near line %(line)s: %(error)s.") % {"line": reader.line_num, "error": exc}
        ) from None


def headers() -> list[str]:
    return [str(column.header) for column in COLUMNS]


def _first_word(text: str) -> str:
    match = re.match(r"[^\\W\\d_]+", text.strip().casefold())
    return match.group(0) if match else ""


def _in_every_language(entries: Callable[[], dict[str, str]]) -> dict[str, str]:
    """`entries()` as each of the site's languages gives it, merged: an upload reads in any of them."""
    merged: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            merged |= entries()
    return merged


def _header_keys() -> dict[str, str]:
    """First word of each header, in every language, → its key: a file downloaded in Spanish uploads
    the same whoever sends it back, and so does an English one."""
    keys = {column.key: column.key for column in COLUMNS}
    return keys | _in_every_language(lambda: {_first_word(str(column.header)): column.key for column in COLUMNS})


def _header_key(value: Any, keys: dict[str, str]) -> str:
    """“Progress (%)” → progress: the first word names the column, whatever follows it."""
    return keys.get(_first_word(_cell_text(value)), "")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 40 as 40.0
    return str(value).strip()


def _rows(cells: Iterable[list[Any]]) -> list[SheetRow]:
    lines = enumerate(cells, start=1)
    header: list[Any] = []
    for _line, values in lines:
        if any(_cell_text(value) for value in values):
            header = values
            break
    if not header:
        raise SpreadsheetError(_("The spreadsheet is empty."))
    positions: dict[str, int] = {}
    keys = _header_keys()
    for index, value in enumerate(header):
        key = _header_key(value, keys)
        if key in KEYS and key not in positions:
            positions[key] = index
    missing = [key for key in REQUIRED_KEYS if key not in positions]
    if missing:
        raise SpreadsheetError(
            _(
                "The first row must name the columns of the downloaded spreadsheet; missing: %(missing)s. "
                "Download the spreadsheet again and fill in that copy."
            )
            % {"missing": ", ".join(missing)}
        )
    rows: list[SheetRow] = []
    for line, values in lines:
        if line > MAX_LINES:
            raise SpreadsheetError(
                _("The spreadsheet has more than %(max)s lines; split it into smaller files.")
                % {"max": formats.number_format(MAX_LINES, force_grouping=True)}
            )
        texts = {
            key: _cell_text(values[index]) if index < len(values) else ""
            for key, index in positions.items()
            if key in REQUIRED_KEYS
        }
        if not any(texts.values()):
            continue  # blank lines, and rows that only carry formatting
        if len(rows) == MAX_ROWS:
            raise SpreadsheetError(
                _("The spreadsheet has more than %(max)s rows; split it into smaller files.")
                % {"max": formats.number_format(MAX_ROWS, force_grouping=True)}
            )
        rows.append(SheetRow(line=line, **texts))
    if not rows:
        raise SpreadsheetError(_("The spreadsheet has its column names but no rows below them."))
    return rows


# --------------------------------------------------------------------------------------------
# Compare with the current state
# --------------------------------------------------------------------------------------------


@dataclass
class RowCheck:
    """What one row would do: nothing (unchanged), a new update, or nothing because of `errors`."""

    row: SheetRow
    implementation: Implementation | None = None
    status: str = ""  # the status code, once understood
    progress: int | None = None  # as entered; `stored_progress` is what the update would hold
    stored_progress: int | None = None
    changed: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.changed and not self.errors

    @property
    def target(self) -> Implementation:
        if self.implementation is None:
            raise ValueError(f"row {self.row.line} names no implementation")
        return self.implementation

    @property
    def new_status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.row.status))


@dataclass
class ImportPreview:
    country: MemberCountry
    checks: list[RowCheck]

    @property
    def changes(self) -> list[RowCheck]:
        return [check for check in self.checks if check.ok]

    @property
    def errors(self) -> list[RowCheck]:
        return [check for check in self.checks if check.errors]

    @property
    def unchanged(self) -> int:
        return sum(1 for check in self.checks if not check.changed and not check.errors)


@functools.cache  # the labels are fixed while the process runs; a file's every row looks them up
def _statuses_by_text() -> dict[str, str]:
    by_text = {code.casefold(): code for code in Status.values}
    return by_text | _in_every_language(lambda: {str(label).casefold(): code for code, label in Status.choices})


def _parse_status(text: str) -> str | None:
    """A status label (as the drop-down offers, in any of the site's languages) or its code, in any case."""
    return _statuses_by_text().get(" ".join(text.split()).casefold())


def parse_int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else None


def check_rows(*, country: MemberCountry, rows: Sequence[SheetRow]) -> ImportPreview:
    """Check every row against the current state in one query; nothing is written."""
    ids = {pk for pk in (parse_int(row.id) for row in rows) if pk is not None}
    implementations = (
        Implementation.objects.select_related("commitment__declaration", "country")
        .prefetch_related(*translated(declaration="commitment__declaration", commitment=None))
        .in_bulk(ids)
    )
    first_line: dict[int, int] = {}
    checks = []
    for row in rows:
        pk = parse_int(row.id)
        implementation = implementations.get(pk) if pk is not None else None
        check = RowCheck(row=row, implementation=implementation)
        checks.append(check)
        if implementation is None or pk is None:
            check.errors.append(
                _("The id column is empty: this row was not in the downloaded spreadsheet.")
                if not row.id
                else _(
                    "No action has the id “%(id)s”: the hidden id column was changed. Download the spreadsheet again."
                )
                % {"id": row.id}
            )
            continue
        if implementation.country_id != country.pk:
            check.errors.append(
                _("This row is %(other)s's, not %(country)s's: upload only the spreadsheet downloaded for %(country)s.")
                % {"other": implementation.country.name, "country": country.name}
            )
            continue
        if pk in first_line:
            check.errors.append(
                _("The same action is already on row %(line)s; keep one of the two.") % {"line": first_line[pk]}
            )
            continue
        first_line[pk] = row.line
        _check_values(check, row, implementation)
    return ImportPreview(country=country, checks=checks)


def _check_values(check: RowCheck, row: SheetRow, implementation: Implementation) -> None:
    status = _parse_status(row.status)
    progress = parse_int(row.progress.removesuffix("%").strip())
    if status is None:
        check.errors.append(
            _("Status: “%(status)s” is not a status; choose one of: %(statuses)s.")
            % {"status": row.status, "statuses": ", ".join(reportable_labels())}
            if row.status
            else _("Status: choose one from the list.")
        )
    if row.progress and progress is None:
        check.errors.append(
            _("Progress: “%(progress)s” is not a whole number from 0 to 100.") % {"progress": row.progress}
        )
    if status is None or check.errors:
        check.changed = True  # shown in the preview, with its errors
        return
    check.status, check.progress = status, progress
    version = parse_int(row.version)
    if version != implementation.version and not row.summary:
        # Reported by someone else since the download, and nothing written here: the row differs from
        # today's state only because the state moved. Every report needs a summary, so there is
        # nothing in it to save either way.
        return
    check.changed = (status, progress) != (implementation.status, implementation.progress) or bool(row.summary)
    if not check.changed:
        return
    if version is None:
        check.errors.append(_("The version column is empty or was changed: download the spreadsheet again."))
    elif version != implementation.version:
        now = str(STATUS_LABELS[implementation.status]) + (
            f", {implementation.progress}%" if implementation.progress is not None else ""
        )
        check.errors.append(
            _(
                "Reported again since your download (now: %(now)s). Download the spreadsheet again to see the "
                "latest report, then enter this row there."
            )
            % {"now": now}
        )
    try:
        check.stored_progress = validate_report(status=status, progress=progress, summary=row.summary)
    except ValidationError as exc:
        check.errors += [
            f"{COLUMN_NAMES.get(name, name.capitalize())}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]


# --------------------------------------------------------------------------------------------
# Between preview and confirmation: the rows to write, signed
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedImport:
    country_iso3: str
    file_name: str
    rows: list[SheetRow]


def sign_import(*, preview: ImportPreview, user: User, file_name: str) -> str:
    """Only the rows the preview would write travel on; the user's id binds them to this person."""
    return signing.dumps(
        {
            "user": user.pk,
            "country": preview.country.iso3,
            "file": file_name,
            "rows": [
                [
                    check.row.line,
                    check.row.id,
                    check.row.status,
                    check.row.progress,
                    check.row.summary,
                    check.row.version,
                ]
                for check in preview.changes
            ],
        },
        salt=_PAYLOAD_SALT,
        compress=True,
    )


def unsign_import(payload: str, *, user: User) -> SignedImport:
    try:
        data = signing.loads(payload, salt=_PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise SpreadsheetError(_("This preview is more than a day old. Upload the file again.")) from None
    except signing.BadSignature:
        raise SpreadsheetError(
            _(
                "The rows sent back with the preview are not the ones that were checked, so nothing was saved. "
                "Upload the file again."
            )
        ) from None
    if data.get("user") != user.pk:
        raise SpreadsheetError(_("This preview was made for someone else. Upload the file again."))
    rows = [
        SheetRow(int(line), str(pk), str(s), str(p), str(summary), str(v))
        for line, pk, s, p, summary, v in data["rows"]
    ]
    return SignedImport(country_iso3=str(data["country"]), file_name=str(data["file"]), rows=rows)
