"""The main flow in a real browser: report with evidence, get it returned, report again."""

from __future__ import annotations

from pathlib import Path

import pytest

from reporting.models import StatusUpdate
from tests.conftest import PASSWORD, PDF_BYTES
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def test_official_reports_secretariat_returns_official_reports_again(
    page, official_mex, secretariat, mex_implementation, tmp_path: Path
):
    pdf = tmp_path / "informe-avance.pdf"
    pdf.write_bytes(PDF_BYTES)

    sign_in(page, official_mex.username, PASSWORD)
    page.get_by_role("heading", name="Mexico").wait_for()  # the official lands on the workspace
    screenshot(page, "workspace")
    page.get_by_role("link", name="Coordinating the development of a regional roadmap", exact=False).click()
    page.get_by_role("heading", name="Report progress").wait_for()

    page.get_by_label("In progress").check()
    page.get_by_label("Progress (%)").fill("40")
    page.get_by_label("What was done").fill("Two technical meetings on the roadmap with civil society and IOM.")
    page.locator("#id_links-0-url").fill("https://www.gob.mx/inm")
    page.locator("#id_links-0-title").fill("Roadmap minutes")
    page.get_by_label("Evidence files").set_input_files(str(pdf))
    screenshot(page, "report-form")
    page.get_by_role("button", name="Save update").click()

    page.get_by_text("Your update was saved").wait_for()
    assert page.get_by_role("link", name="Roadmap minutes").is_visible()
    assert page.get_by_role("link", name="informe-avance.pdf").is_visible()
    screenshot(page, "implementation-after-report")
    sign_out(page)

    sign_in(page, secretariat.username, PASSWORD)
    page.get_by_role("heading", name="Updates awaiting review").wait_for()
    screenshot(page, "review-queue")
    item = page.locator("article.queue-item").filter(has_text="Mexico")
    item.get_by_label("Return with a comment").check()
    item.get_by_label("Comment to the country").fill("Please attach the signed minutes.")
    item.get_by_role("button", name="Send review").click()
    page.get_by_text("returned to the country").wait_for()
    sign_out(page)

    sign_in(page, official_mex.username, PASSWORD)
    returned_row = page.locator("tr.returned")
    assert returned_row.count() == 1
    returned_row.get_by_role("link").first.click()
    # The secretariat's reason sits above the report form (and stays in the history below it).
    page.locator(".return-reason").get_by_text("Please attach the signed minutes.").wait_for()
    page.get_by_label("What was done").fill("Signed minutes attached.")
    page.get_by_label("Evidence files").set_input_files(str(pdf))
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("Your update was saved").wait_for()
    screenshot(page, "implementation-history")

    assert StatusUpdate.objects.filter(implementation=mex_implementation).count() == 2
    assert list(
        StatusUpdate.objects.filter(implementation=mex_implementation)
        .order_by("sequence")
        .values_list("review_state", flat=True)
    ) == ["returned", "pending"]


def test_a_bad_report_shows_an_error_summary_linked_to_the_field(page, official_mex, mex_implementation):
    sign_in(page, official_mex.username, PASSWORD)
    page.goto(f"/implementations/{mex_implementation.pk}/")
    page.get_by_label("Completed").check()
    page.get_by_label("Progress (%)").fill("50")
    page.get_by_label("What was done").fill("Text that must survive the error.")
    page.get_by_role("button", name="Save update").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("There is a problem; nothing was saved.").wait_for()
    screenshot(page, "report-errors")
    summary.get_by_role("link", name="A completed action is at 100%", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_progress" or page.url.endswith("#id_progress")
    assert page.get_by_label("What was done").input_value() == "Text that must survive the error."
    assert not StatusUpdate.objects.exists()
