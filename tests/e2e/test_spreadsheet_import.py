"""An official reports twenty actions at once from a spreadsheet, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.models import Implementation, StatusUpdate
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHANGED = 20
# Two of the twenty rows break the form's rules; the test fixes them in the file afterwards.
BAD = {3: {"status": "Completed", "progress": 50}, 11: {"status": "Finished", "progress": 10}}


def fill(path: Path, *, bad: dict[int, dict[str, object]]) -> None:
    """Fill the first twenty rows as an official would, in the downloaded workbook itself."""
    workbook = load_workbook(path)
    sheet = workbook["Report"]
    keys = [str(cell.value).split()[0].lower() for cell in sheet[1]]
    for index, row in enumerate(sheet.iter_rows(min_row=2, max_row=CHANGED + 1), start=1):
        values: dict[str, object] = {
            "status": "In progress",
            "progress": 10 + index,
            "summary": f"Inter-agency working group met; step {index} of the national plan under way.",
        }
        values.update(bad.get(index, {}))
        for key, value in values.items():
            row[keys.index(key)].value = value
    workbook.save(path)


def test_official_downloads_fills_uploads_fixes_and_confirms(page, official_mex, tmp_path: Path):
    sign_in(page, official_mex.username, PASSWORD)
    page.get_by_role("heading", name="Mexico").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a spreadsheet").click()
    download = download_info.value
    assert download.suggested_filename.startswith("rcm-report-MEX-")
    workbook = tmp_path / download.suggested_filename
    download.save_as(workbook)
    fill(workbook, bad=BAD)

    page.get_by_role("link", name="Upload a filled spreadsheet").click()
    page.get_by_role("heading", name="Upload a filled spreadsheet").wait_for()
    screenshot(page, "spreadsheet-upload")
    page.get_by_label("Filled spreadsheet").set_input_files(str(workbook))
    page.get_by_role("button", name="Check the file").click()

    page.get_by_role("heading", name="Check the changes before saving them").wait_for()
    summary = page.locator("#error-summary")
    assert summary.get_by_role("listitem").count() == 2
    summary.get_by_text("A completed action is at 100%", exact=False).wait_for()
    summary.get_by_text("“Finished” is not a status", exact=False).wait_for()
    assert page.get_by_role("button", name="Save 18 updates").is_visible()
    screenshot(page, "spreadsheet-preview-errors")
    assert not StatusUpdate.objects.exists()

    fill(workbook, bad={3: {"status": "Completed", "progress": 100}, 11: {"status": "Planned", "progress": 10}})
    page.get_by_label("Filled spreadsheet").set_input_files(str(workbook))
    page.get_by_role("button", name="Check the corrected file").click()
    page.get_by_role("button", name=f"Save {CHANGED} updates").wait_for()
    assert page.locator("#error-summary").count() == 0
    screenshot(page, "spreadsheet-preview-ok")
    page.get_by_role("button", name=f"Save {CHANGED} updates").click()

    page.get_by_text(f"{CHANGED} updates saved from").wait_for()
    screenshot(page, "spreadsheet-saved")
    assert StatusUpdate.objects.filter(reported_by=official_mex).count() == CHANGED
    mexico = Implementation.objects.filter(country__iso3="MEX")
    assert mexico.filter(version=1).count() == CHANGED
    assert mexico.filter(status="completed").count() == 1 and mexico.filter(status="planned").count() == 1
    assert page.locator("tbody .status-in_progress").count() == CHANGED - 2  # the workspace shows the new state


def test_the_official_sees_the_review_of_an_imported_update_in_the_header(
    page, official_mex, secretariat, mex_implementation
):
    from reporting.services import report_update, review_update

    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=10, summary="From the sheet."
    )
    review_update(update=update, by=secretariat, decision="returned", comment="Please attach the roadmap draft.")

    sign_in(page, official_mex.username, PASSWORD)
    link = page.get_by_role("link", name="Notifications, 1 unread")
    link.wait_for()
    link.click()
    page.get_by_role("heading", name="Notifications").wait_for()
    screenshot(page, "notifications-list")
    page.get_by_role("link", name="Please attach the roadmap draft.", exact=False).click()
    page.get_by_role("heading", name="Report progress").wait_for()
    page.get_by_role("link", name="Notifications, 0 unread").wait_for()
