"""A newcomer signs in and finds both declarations, their commitments and a country's page."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_browses_declarations_commitments_and_their_country(page, official_mex):
    page.goto("/")
    assert page.url.endswith("/accounts/login/?next=/declarations/") or "/accounts/login/" in page.url
    screenshot(page, "login")

    sign_in(page, official_mex.username, PASSWORD)
    page.get_by_role("heading", name="Mexico").wait_for()  # an official starts in their workspace
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Declarations").click()
    page.get_by_role("heading", name="Declarations").wait_for()
    assert page.get_by_role("link", name="Darien Declaration").is_visible()
    screenshot(page, "declaration-list")

    page.get_by_role("link", name="Darien Declaration").click()
    assert page.locator("ol.commitments > li").count() == 10
    screenshot(page, "declaration-detail")

    page.locator("#commitment-5").get_by_role("link", name="In the full text").click()
    assert page.url.endswith("#commitment-5")
    assert page.locator("#commitment-5").inner_text().count("Carrying out campaigns") == 1
    screenshot(page, "declaration-text")

    page.get_by_role("link", name="My country").click()
    page.get_by_role("heading", name="Mexico").wait_for()
    assert page.locator("tbody tr").count() == 28
    screenshot(page, "country-detail")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
