"""The secretariat opens a round, reads the dashboard, exports it and prints it."""

from __future__ import annotations

import io

import openpyxl
import pytest

from reporting.models import ReportingRound
from reporting.services import report_update
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_secretariat_opens_a_round_and_prepares_the_meeting(
    page, secretariat, official_mex, mex_implementation, tmp_path
):
    sign_in(page, secretariat.username, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rounds").click()
    page.get_by_label("Name").fill("2026 second semester")
    page.get_by_label("Starts on").fill("2026-07-01")
    page.get_by_label("Reports due on").fill("2026-12-15")
    page.get_by_label("Darien Declaration").check()
    page.get_by_role("button", name="Open the round").click()
    page.get_by_text("is open; reports now count towards it").wait_for()
    screenshot(page, "round-detail")
    reporting_round = ReportingRound.objects.get()
    assert [d.title for d in reporting_round.declarations.all()] == ["Darien Declaration"]

    report_update(implementation=mex_implementation, by=official_mex, status="in_progress", progress=40, summary="x")
    page.get_by_role("link", name="Dashboard for this round").click()
    page.get_by_role("heading", name="Reported in 2026 second semester").wait_for()
    mexico = page.locator("tr", has=page.get_by_role("rowheader", name="Mexico")).first
    assert mexico.locator("td").nth(1).inner_text() == "1"  # reported in the round
    screenshot(page, "dashboard-round")

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (one sheet per declaration)").click()
    path = tmp_path / "dashboard.xlsx"
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert workbook.sheetnames == ["Summary", "Darien Declaration"]

    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()  # the print stylesheet hides the controls
    page.pdf(path=str(tmp_path / "dashboard.pdf"), landscape=True)
    assert (tmp_path / "dashboard.pdf").stat().st_size > 10_000
