"""Reporting from a spreadsheet: download, fill in offline, upload, check the preview, confirm."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from audit.models import AuditEntry
from declarations.models import MemberCountry
from reporting.models import Implementation, StatusUpdate
from reporting.services import report_update
from spreadsheets.workbooks import MAX_ROWS, SheetRow, check_rows, sign_import
from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

MEX_ROWS = 28  # 10 Darien actions + 18 of the Global Compact declaration


# --- helpers: what a person does with the file ------------------------------------------------


def download(client: Client, iso3: str = "MEX", extension: str = "xlsx") -> bytes:
    response = client.get(reverse(f"spreadsheets:spreadsheet-{extension}", args=[iso3]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def edit_xlsx(content: bytes, changes: dict[int, dict[str, Any]]) -> bytes:
    """Set cells by implementation id and column key, as someone filling the sheet would."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Report"]
    keys = [str(cell.value).split()[0].lower() for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = changes.get(row[0].value)
        for key, value in (values or {}).items():
            row[keys.index(key)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, content: bytes, *, name: str = "report.xlsx", country: str = "MEX") -> Any:
    return client.post(
        reverse("spreadsheets:import-upload"), {"country": country, "file": SimpleUploadedFile(name, content)}
    )


def confirm(client: Client, preview_response: Any) -> Any:
    return client.post(reverse("spreadsheets:import-confirm"), {"payload": preview_response.context["payload"]})


def mex(darien_number: int) -> Implementation:
    return Implementation.objects.get(
        country__iso3="MEX", commitment__declaration__title__icontains="Darien", commitment__number=darien_number
    )


def latest(implementation: Implementation) -> StatusUpdate:
    return implementation.updates.order_by("-sequence")[0]


def problems(response: Any) -> dict[int, list[str]]:
    """Row id → errors, from the preview."""
    return {int(check.row.id): check.errors for check in response.context["preview"].errors if check.row.id.isdigit()}


@pytest.fixture
def official(login_as, official_mex):
    return login_as("official_mex")


# --- the download --------------------------------------------------------------------------------


def test_the_xlsx_has_a_row_per_implementation_locked_except_the_report_columns(official, darien):
    mex(1).__class__.objects.filter(pk=mex(1).pk).update(version=4, status="planned", progress=20)
    workbook = load_workbook(io.BytesIO(download(official)))
    sheet = workbook["Report"]
    assert workbook.active.title == "Report"
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "id" and header[2:6] == ["Number", "Commitment", "Status", "Progress (%)"]
    assert header[-1] == "Version (do not change)"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == MEX_ROWS
    first = next(row for row in rows if row[0] == mex(1).pk)
    assert first[1:3] == (darien.title, 1)
    assert first[4:] == ("Planned", 20, None, 4)  # current status and progress, empty summary, version
    assert sheet.column_dimensions["A"].hidden
    assert sheet.protection.sheet
    second = sheet[2]
    locked = {header[i]: second[i].protection.locked for i in range(len(header))}
    assert [name for name, is_locked in locked.items() if not is_locked] == [
        "Status",
        "Progress (%)",
        "Summary of what was done (for the new report)",
    ]
    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert validations["list"].formula1 == '"Not started,Planned,In progress,Completed,Ongoing,Not applicable"'
    assert str(validations["list"].sqref) == f"E2:E{MEX_ROWS + 1}"
    assert (validations["whole"].formula1, validations["whole"].formula2) == ("0", "100")


def test_the_csv_has_the_same_columns_and_a_bom(official):
    content = download(official, extension="csv")
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,Declaration,Number,Commitment,Status,Progress (%),Summary")
    assert len(lines) >= MEX_ROWS + 1


# --- the round trip --------------------------------------------------------------------------------


def test_round_trip_writes_the_changed_rows_only(official, official_mex):
    content = edit_xlsx(
        download(official),
        {
            mex(1).pk: {"status": "In progress", "progress": 40, "summary": "Roadmap meetings held."},
            mex(2).pk: {"status": "completed", "progress": None, "summary": "Dialogue concluded."},
            mex(3).pk: {"status": "Not applicable", "progress": None, "summary": "No border with Panama."},
        },
    )
    preview = upload(official, content)
    assert preview.status_code == 200
    shown = preview.context["preview"]
    assert [check.row.id for check in shown.changes] == [str(mex(n).pk) for n in (1, 2, 3)]
    assert (len(shown.errors), shown.unchanged) == (0, MEX_ROWS - 3)
    html = preview.content.decode()
    assert "Save 3 updates" in html
    assert not StatusUpdate.objects.exists()  # nothing is written before the confirmation

    response = confirm(official, preview)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:country-detail", args=["MEX"])
    states = {n: (i.status, i.progress, i.version, latest(i).reported_by) for n, i in ((n, mex(n)) for n in (1, 2, 3))}
    assert states == {
        1: ("in_progress", 40, 1, official_mex),
        2: ("completed", 100, 1, official_mex),
        3: ("not_applicable", None, 1, official_mex),
    }
    assert StatusUpdate.objects.count() == 3
    assert Implementation.objects.filter(country__iso3="MEX", version=0).count() == MEX_ROWS - 3
    entry = AuditEntry.objects.get(action="report.import")
    assert entry.actor == official_mex
    assert entry.changes["via"] == "spreadsheet" and "on_behalf_of" not in entry.changes
    assert sorted(entry.changes["updates"]) == sorted(StatusUpdate.objects.values_list("pk", flat=True))
    page = official.get(response["Location"])
    assert "3 updates saved from “report.xlsx”" in page.content.decode()


def test_a_summary_alone_is_a_new_report_of_the_same_status(official, official_mex):
    report_update(implementation=mex(1), by=official_mex, status="in_progress", progress=40, summary="First.")
    content = edit_xlsx(download(official), {mex(1).pk: {"summary": "Still at 40%: the second meeting moved."}})
    response = confirm(official, upload(official, content))
    assert response.status_code == 302
    assert list(StatusUpdate.objects.filter(implementation=mex(1)).values_list("summary", flat=True)) == [
        "Still at 40%: the second meeting moved.",
        "First.",
    ]


def test_uploading_the_download_unchanged_has_nothing_to_save(official):
    response = upload(official, download(official))
    assert response.status_code == 200
    assert response.context["preview"].unchanged == MEX_ROWS
    assert "Nothing to save" in response.content.decode()


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ","), ("utf-8-sig", ";"), ("utf-8", "\t")]
)
def test_csv_round_trip_with_or_without_bom_and_with_semicolons(official, encoding, delimiter):
    import csv

    text = download(official, extension="csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        if row[0] == str(mex(4).pk):
            row[4:7] = ["in_progress", "35", "Campaña en radio y redes sociales."]  # a code, and accents
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    response = upload(official, buffer.getvalue().encode(encoding), name="report.csv")
    assert response.status_code == 200, response.context["form"].errors if response.context else response
    assert [c.row.id for c in response.context["preview"].changes] == [str(mex(4).pk)]
    assert confirm(official, response).status_code == 302
    assert latest(mex(4)).summary == "Campaña en radio y redes sociales."


def test_statuses_are_read_as_labels_or_codes_in_any_case(official):
    content = edit_xlsx(
        download(official),
        {
            mex(1).pk: {"status": "  in progress ", "progress": 10, "summary": "a"},
            mex(2).pk: {"status": "ONGOING", "summary": "b"},
            mex(3).pk: {"status": "not_started", "summary": "c"},
        },
    )
    response = upload(official, content)
    assert [check.status for check in response.context["preview"].changes] == ["in_progress", "ongoing", "not_started"]


# --- per-row errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"status": "Finished", "summary": "x"}, "“Finished” is not a status"),
        ({"status": "In progress", "progress": 150, "summary": "x"}, "between 0 and 100"),
        ({"status": "In progress", "progress": "about half", "summary": "x"}, "is not a whole number"),
        ({"status": "Completed", "progress": 50, "summary": "x"}, "A completed action is at 100%"),
        ({"status": "In progress", "progress": 100, "summary": "x"}, "100% means completed"),
        ({"status": "Not started", "progress": 30, "summary": "x"}, "An action not started is at 0%"),
        ({"status": "Not applicable", "progress": 10, "summary": "x"}, "Leave progress empty"),
        ({"status": "Planned", "progress": 10}, "Summary: Describe what was done"),
        ({"status": "Not applicable"}, "Summary: Explain why this action does not apply"),
        ({"status": "Planned", "summary": "x", "version": None}, "The version column is empty or was changed"),
        ({"status": "Planned", "summary": "x", "version": 7}, "Reported again since your download"),
    ],
)
def test_each_bad_row_is_reported_and_left_out(official, cells, expected):
    good = {"status": "Planned", "progress": 10, "summary": "A plan was drafted."}
    content = edit_xlsx(download(official), {mex(1).pk: cells, mex(2).pk: good})
    response = upload(official, content)
    assert response.status_code == 200
    errors = problems(response)
    assert list(errors) == [mex(1).pk]
    assert expected in " ".join(errors[mex(1).pk])
    html = response.content.decode()
    assert 'href="#row-' in html and "1 row has problems" in html
    assert "Save 1 update" in html  # the valid row can still be saved; the bad one is left out
    assert confirm(official, response).status_code == 302
    assert list(StatusUpdate.objects.values_list("implementation_id", flat=True)) == [mex(2).pk]


def test_an_unknown_id_a_missing_id_and_a_repeated_row_are_errors(official):
    workbook = load_workbook(io.BytesIO(download(official)))
    sheet = workbook["Report"]
    sheet.append([999999, "", "", "", "Planned", 10, "Made up", 0])
    sheet.append([None, "", "", "", "Planned", 10, "Typed in by hand", 0])
    duplicate = [cell.value for cell in sheet[2]]
    duplicate[4:7] = ["Planned", 10, "Twice"]
    sheet.append(duplicate)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(official, buffer.getvalue())
    errors = [" ".join(check.errors) for check in response.context["preview"].errors]
    assert len(errors) == 3
    assert "No action has the id “999999”" in errors[0]
    assert "The id column is empty" in errors[1]
    assert "The same action is already on row 2" in errors[2]


def test_a_row_of_another_country_is_refused(official):
    gtm = Implementation.objects.filter(country__iso3="GTM").order_by("pk")[0]
    content = edit_xlsx(download(official), {mex(1).pk: {"status": "Planned", "summary": "x"}})
    workbook = load_workbook(io.BytesIO(content))
    workbook["Report"].append([gtm.pk, "", "", "", "Completed", 100, "Not ours", 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(official, buffer.getvalue())
    assert problems(response)[gtm.pk] == [
        "This row is Guatemala's, not Mexico's: upload only the spreadsheet downloaded for Mexico."
    ]
    confirm(official, response)
    assert not StatusUpdate.objects.filter(implementation__country__iso3="GTM").exists()


def test_a_file_of_another_country_is_refused_row_by_row(login_as, official_mex, secretariat):
    gtm_file = download(login_as("secretariat"), "GTM")
    client = login_as("official_mex")
    gtm_ids = list(Implementation.objects.filter(country__iso3="GTM").values_list("pk", flat=True))
    content = edit_xlsx(gtm_file, {pk: {"status": "Planned", "summary": "x"} for pk in gtm_ids})
    response = upload(client, content, country="MEX")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert len(preview.errors) == len(gtm_ids) and not preview.changes
    assert 'name="payload"' not in response.content.decode()  # no confirmation offered
    assert all("Guatemala's, not Mexico's" in check.errors[0] for check in preview.errors)


def test_a_row_reported_after_the_download_is_stale_and_not_written(official, official_mex):
    content = edit_xlsx(
        download(official),
        {
            mex(1).pk: {"status": "Completed", "progress": 100, "summary": "Done, says the file."},
            mex(2).pk: {"status": "Planned", "progress": 5, "summary": "Plan."},
        },
    )
    report_update(implementation=mex(1), by=official_mex, status="in_progress", progress=60, summary="In the form.")
    response = upload(official, content)
    assert problems(response) == {
        mex(1).pk: [
            "Reported again since your download (now: In progress, 60%). Download the spreadsheet again to see "
            "the latest report, then enter this row there."
        ]
    }
    confirm(official, response)
    assert (mex(1).status, mex(1).version, mex(2).status) == ("in_progress", 1, "planned")


def test_an_untouched_row_reported_since_the_download_is_not_an_error(official, official_mex):
    content = download(official)
    report_update(implementation=mex(1), by=official_mex, status="in_progress", progress=60, summary="In the form.")
    response = upload(official, content)
    preview = response.context["preview"]
    assert (preview.unchanged, preview.errors, preview.changes) == (MEX_ROWS, [], [])


def test_a_report_between_preview_and_confirmation_writes_nothing_at_all(official, official_mex):
    content = edit_xlsx(
        download(official),
        {
            mex(1).pk: {"status": "Completed", "progress": 100, "summary": "Done."},
            mex(2).pk: {"status": "Planned", "progress": 5, "summary": "Plan."},
        },
    )
    preview = upload(official, content)
    assert len(preview.context["preview"].changes) == 2
    report_update(implementation=mex(2), by=official_mex, status="ongoing", progress=None, summary="Meanwhile.")
    response = confirm(official, preview)
    assert response.status_code == 409
    assert "changed since the preview" in response.content.decode()
    assert list(problems(response)) == [mex(2).pk]
    assert StatusUpdate.objects.count() == 1  # only the form's report: the spreadsheet's row 1 was not written
    assert mex(1).version == 0


def test_a_conflict_inside_the_transaction_rolls_back_every_row(official, official_mex, monkeypatch):
    """Someone reports between the final check and the row lock: all rows already written roll back."""
    content = edit_xlsx(
        download(official),
        {n.pk: {"status": "Planned", "progress": 5, "summary": "Plan."} for n in (mex(1), mex(2), mex(3))},
    )
    preview = upload(official, content)
    real = report_update
    calls = []

    def racing_report_update(**kwargs):
        calls.append(kwargs["implementation"].pk)
        if len(calls) == 3:  # a colleague's form report lands just before the third row's lock
            real(implementation=mex(3), by=official_mex, status="ongoing", progress=None, summary="Form.")
        return real(**kwargs)

    monkeypatch.setattr("spreadsheets.services.report_update", racing_report_update)
    response = confirm(official, preview)
    assert response.status_code == 409
    assert "could not be saved" in response.content.decode()
    assert (mex(1).version, mex(2).version, mex(3).version) == (0, 0, 0)
    assert not StatusUpdate.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["report", "report.import"]).exists()


# --- files that cannot be used ---------------------------------------------------------------------


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.xlsx", PDF_BYTES, "is not a readable Excel workbook"),
        ("report.xlsx", b"PK\x03\x04 not really a zip", "is not a readable Excel workbook"),
        ("informe.pdf", PDF_BYTES, "Upload the spreadsheet as an Excel workbook (.xlsx) or as CSV (.csv)"),
        ("report.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Old Excel files (.xls) cannot be read"),
        ("report.csv", b"", "The submitted file is empty"),
        ("report.csv", b"\n ,, \n", "The spreadsheet is empty"),
        ("report.csv", _csv(["name,value", "a,1"]), "missing: id, status, progress, summary, version"),
        ("report.csv", _csv(["id,status,progress,summary,version"]), "no rows below them"),
        ("report.csv", "id,status\nñ".encode("latin-1"), "is not in UTF-8"),
        ("report.csv", b"id,status\x00,progress", "not a CSV text file"),
        ("report.csv", b"a" * (2 * 1024 * 1024 + 1), "the most that can be uploaded is 2.0"),
    ],
)
def test_an_unusable_file_gets_a_clear_message(official, name, content, expected):
    response = upload(official, content, name=name)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem; nothing was saved." in html
    assert expected in html.replace("&#x27;", "'")
    assert not StatusUpdate.objects.exists()


def test_more_than_5000_rows_are_refused(official):
    lines = ["id,status,progress,summary,version"] + [f"{n},Planned,1,x,0" for n in range(MAX_ROWS + 1)]
    response = upload(official, _csv(lines), name="big.csv")
    assert response.status_code == 400
    assert "more than 5,000 rows" in response.content.decode()


def test_an_empty_upload_form_says_what_is_missing(official):
    response = official.post(reverse("spreadsheets:import-upload"), {"country": "MEX"})
    assert response.status_code == 400
    assert "Filled spreadsheet: This field is required." in response.content.decode()


# --- the signed rows between preview and confirmation --------------------------------------------


def test_a_tampered_payload_is_refused(official):
    content = edit_xlsx(download(official), {mex(1).pk: {"status": "Planned", "summary": "x"}})
    payload = upload(official, content).context["payload"]
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    response = official.post(reverse("spreadsheets:import-confirm"), {"payload": forged})
    assert response.status_code == 400
    assert "are not the ones that were checked" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_a_payload_is_bound_to_the_user_who_previewed_it(official, official_mex, rcm_data):
    from accounts.models import Role
    from accounts.services import user_create

    content = edit_xlsx(download(official), {mex(1).pk: {"status": "Planned", "summary": "x"}})
    payload = upload(official, content).context["payload"]
    colleague = user_create(username="pedro.mex", role=Role.OFFICIAL, country_iso3="MEX", password="x-very-long-pw")
    other = Client()
    other.force_login(colleague)
    response = other.post(reverse("spreadsheets:import-confirm"), {"payload": payload})
    assert response.status_code == 400
    assert "made for someone else" in response.content.decode()


# --- the secretariat on a country's behalf ------------------------------------------------------


def test_the_secretariat_imports_on_behalf_of_a_country(login_as, secretariat):
    client = login_as("secretariat")
    page = client.get(reverse("spreadsheets:import-upload"), {"country": "MEX"})
    assert '<select name="country"' in page.content.decode()
    content = edit_xlsx(download(client), {mex(1).pk: {"status": "Planned", "progress": 10, "summary": "By e-mail."}})
    preview = upload(client, content)
    assert "you report on behalf of Mexico" in preview.content.decode()
    response = confirm(client, preview)
    assert response.status_code == 302
    update = latest(mex(1))
    assert update.reported_by == secretariat
    report = AuditEntry.objects.get(action="report")
    assert report.changes["on_behalf"] is True and report.actor == secretariat
    entry = AuditEntry.objects.get(action="report.import")
    assert entry.changes["on_behalf_of"] == "MEX" and entry.changes["via"] == "spreadsheet"
    assert entry.changes["updates"] == [update.pk]
    assert "saved from “report.xlsx” on behalf of Mexico" in client.get(response["Location"]).content.decode()


def test_on_behalf_is_for_the_secretariat_only(mex_implementation, official_gtm, observer, secretariat):
    for who in (official_gtm, observer):
        with pytest.raises(PermissionDenied):
            report_update(
                implementation=mex_implementation, by=who, status="planned", progress=1, summary="x", on_behalf=True
            )
    with pytest.raises(PermissionDenied):  # without on_behalf the secretariat still cannot write for a country
        report_update(implementation=mex_implementation, by=secretariat, status="planned", progress=1, summary="x")
    assert not StatusUpdate.objects.exists()


# --- who may do what -------------------------------------------------------------------------------


def _mex_payload(user: User) -> str:
    mexico = MemberCountry.objects.get(iso3="MEX")
    implementation = mex(1)
    row = SheetRow(line=2, id=str(implementation.pk), status="Planned", progress="5", summary="x", version="0")
    return sign_import(preview=check_rows(country=mexico, rows=[row]), user=user, file_name="r.xlsx")


MATRIX = [
    ("official_mex", "MEX", 200),
    ("official_mex", "GTM", 403),
    ("official_gtm", "MEX", 403),
    ("secretariat", "GTM", 200),
    ("observer", "MEX", 403),
    ("anonymous", "MEX", 302),
]


@pytest.mark.parametrize(("who", "iso3", "expected"), MATRIX)
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_download_permissions(login_as, rcm_data, who, iso3, expected, extension):
    response = login_as(who).get(reverse(f"spreadsheets:spreadsheet-{extension}", args=[iso3]))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("who", "iso3", "expected"), MATRIX)
def test_upload_permissions(login_as, rcm_data, who, iso3, expected):
    client = login_as(who)
    page = client.get(reverse("spreadsheets:import-upload"), {"country": iso3})
    assert page.status_code == expected
    content = _csv(["id,status,progress,summary,version", f"{mex(1).pk},Planned,5,x,0"])
    response = upload(client, content, name="r.csv", country=iso3)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "signed_for", "expected"),
    [
        ("official_mex", "official_mex", 302),  # saved, then back to the country page
        ("official_gtm", "official_gtm", 403),  # a MEX payload, even one signed for them
        ("secretariat", "secretariat", 302),
        ("observer", "observer", 403),
        ("anonymous", "official_mex", 302),  # to the login page
    ],
)
def test_confirm_permissions(request, login_as, rcm_data, who, signed_for, expected):
    payload = _mex_payload(request.getfixturevalue(signed_for))
    response = login_as(who).post(reverse("spreadsheets:import-confirm"), {"payload": payload})
    assert response.status_code == expected
    written = StatusUpdate.objects.exists()
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login")) and not written
    else:
        assert written == (expected == 302)


def test_the_country_page_links_to_the_spreadsheet_for_those_who_may_use_it(login_as, rcm_data):
    url = reverse("reporting:country-detail", args=["MEX"])
    for who, shown in [("official_mex", True), ("secretariat", True), ("official_gtm", False), ("observer", False)]:
        html = login_as(who).get(url).content.decode()
        assert ("Download as a spreadsheet" in html) is shown, who
        assert ("Upload a filled spreadsheet" in html) is shown, who


# --- cost ------------------------------------------------------------------------------------------


def test_the_preview_costs_a_constant_number_of_queries(official, django_assert_num_queries):
    small = edit_xlsx(download(official), {mex(1).pk: {"status": "Planned", "summary": "x"}})
    everything = edit_xlsx(
        download(official),
        {i.pk: {"status": "Planned", "summary": "x"} for i in Implementation.objects.filter(country__iso3="MEX")},
    )
    for content in (small, everything):
        # session, user with country, the country, the rows' implementations, their declarations'
        # translations, the header's unread count
        with django_assert_num_queries(6):
            response = upload(official, content)
        assert response.status_code == 200
