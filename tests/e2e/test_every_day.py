"""#18 in a real browser: the phone header's menu, report-next, and text kept across a language switch."""

from __future__ import annotations

import pytest

from reporting.models import StatusUpdate
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_phone_header_folds_its_menu_behind_a_button(page, official_mex, darien):
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, official_mex.username, PASSWORD)
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    assert menu.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and nav.is_visible()
    screenshot(page, "phone-menu-open")
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not menu.is_visible() and nav.is_visible()


def test_report_next_goes_from_one_item_to_the_next(page, official_mex, darien):
    sign_in(page, official_mex.username, PASSWORD)
    page.get_by_text("0 of 28 reported").wait_for()  # no round is open: reported at all
    page.get_by_role("link", name="Report the next one").click()
    for summary in ("First one planned.", "Second one planned."):
        page.get_by_label("Planned").check()
        page.get_by_label("What was done").fill(summary)
        page.get_by_role("button", name="Save and report the next one").click()
        page.get_by_text("Your update was saved").wait_for()
    assert StatusUpdate.objects.filter(reported_by=official_mex).count() == 2
    assert page.get_by_role("button", name="Save and report the next one").is_visible()
    page.goto("/countries/MEX/")
    page.get_by_text("2 of 28 reported", exact=False).wait_for()


def test_a_language_switch_keeps_what_was_typed(page, official_mex, mex_implementation):
    sign_in(page, official_mex.username, PASSWORD)
    page.goto(f"/implementations/{mex_implementation.pk}/")
    page.get_by_label("What was done").fill("Texto que no debe perderse.")
    page.get_by_role("button", name="Save update").click()  # refused: no status
    page.locator("#error-summary").wait_for()
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Informar el avance").wait_for()
    assert page.get_by_label("Qué se hizo").input_value() == "Texto que no debe perderse."
    assert "/report/" not in page.url
    page.reload()  # the reload a person makes after an error is a page, not a 405
    assert page.get_by_label("Qué se hizo").input_value() == "Texto que no debe perderse."
