"""Keyboard only: sign in, report on a Mexican action, read the confirmation; switch the language.

Nothing is clicked or filled: every step is a key press, and after each press the focused element
must show a focus indicator (a real outline or box-shadow, not the browser's absence of one).
"""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from reporting.models import Implementation, StatusUpdate
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What the focused element looks like, and a stable way to name it in a failure message.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'), value: el.value ?? null,
    href: el.getAttribute('href'), type: el.getAttribute('type'), checked: !!el.checked,
    text: (el.innerText || '').trim().slice(0, 60),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor, boxShadow: style.boxShadow,
  };
}"""
MAX_TABS = 120


def focused(page: Any) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(FOCUSED)
    return state


def assert_focus_visible(page: Any) -> dict[str, Any]:
    state = focused(page)
    assert state["tag"] != "body", "focus was lost (it is on <body>)"
    transparent = state["outlineColor"] in ("transparent", "rgba(0, 0, 0, 0)")
    outlined = state["outlineStyle"] != "none" and state["outlineWidth"] >= 2 and not transparent
    shadowed = state["boxShadow"] not in ("", "none")
    assert outlined or shadowed, f"no visible focus indicator on {state}"
    return state


def press(page: Any, key: str) -> dict[str, Any]:
    page.keyboard.press(key)
    return assert_focus_visible(page)


def tab_to(page: Any, matches: Any, *, key: str = "Tab") -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element matches; each press must move the focus
    somewhere visible, so a keyboard trap or an invisible stop fails here."""
    previous = None
    for _ in range(MAX_TABS):
        state = press(page, key)
        assert state != previous, f"{key} did not move the focus from {state} (keyboard trap)"
        if matches(state):
            return state
        previous = state
    raise AssertionError(f"{key} pressed {MAX_TABS} times without reaching the element")


def type_text(page: Any, text: str) -> None:
    page.keyboard.type(text)
    assert_focus_visible(page)


def test_official_reports_with_the_keyboard_alone(page, official_mex: User, mex_implementation: Implementation):
    page.goto("/accounts/login/")
    assert assert_focus_visible(page)["id"] == "id_username", "the sign-in page starts in the username"
    type_text(page, official_mex.username)
    assert press(page, "Tab")["id"] == "id_password"
    type_text(page, PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/countries/MEX/")

    # The skip link comes first and lands in the main content, past the header's links.
    assert press(page, "Tab")["href"] == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    report_link = f"/implementations/{mex_implementation.pk}/"  # the action's row in the workspace
    tab_to(page, lambda s: s["href"] == report_link)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{report_link}")

    # The status radios: Tab enters the group, the arrow keys choose.
    state = tab_to(page, lambda s: s["name"] == "status")
    while state["value"] != "in_progress":
        state = press(page, "ArrowRight")
        assert state["name"] == "status" and state["checked"], "arrows move the choice inside the group"
    state = press(page, "ArrowLeft")
    assert state["value"] == "planned"
    state = press(page, "ArrowRight")
    assert state["value"] == "in_progress"

    assert press(page, "Tab")["id"] == "id_progress"
    type_text(page, "40")
    assert press(page, "Tab")["id"] == "id_summary"
    type_text(page, "Two technical meetings on the roadmap with civil society and IOM.")
    assert press(page, "Tab")["id"] == "id_links-0-url"
    type_text(page, "https://www.gob.mx/inm")
    assert press(page, "Tab")["id"] == "id_links-0-title"
    type_text(page, "Roadmap minutes")
    # Back one field and forward again: Shift+Tab works inside the form too.
    assert press(page, "Shift+Tab")["id"] == "id_links-0-url"
    assert press(page, "Tab")["id"] == "id_links-0-title"
    submit = tab_to(page, lambda s: s["tag"] == "button" and s["type"] == "submit")
    screenshot(page, "keyboard-report-form")
    assert submit["text"]
    page.keyboard.press("Space")

    page.wait_for_url(f"**/implementations/{mex_implementation.pk}/")
    confirmation = page.locator(".messages[aria-live] .message-success")
    confirmation.wait_for()
    screenshot(page, "keyboard-report-saved")
    update = StatusUpdate.objects.get(implementation=mex_implementation)
    assert (update.status, update.progress, update.reported_by) == ("in_progress", 40, official_mex)
    assert update.evidence.get().url == "https://www.gob.mx/inm"
    # The confirmation names nothing but what happened; the new history entry links the evidence.
    tab_to(page, lambda s: "Roadmap minutes" in s["text"])


def test_the_language_switcher_works_with_the_keyboard(page, official_mex: User):
    # The sign-in page starts in the username field; the switcher is in the header, above it.
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    tab_to(page, lambda s: s["tag"] == "button" and s["value"] == "es", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.locator("html[lang=es]").wait_for(state="attached")
    assert page.url.endswith("/accounts/login/")

    # Back to English, this time with Space on the button.
    tab_to(page, lambda s: s["tag"] == "button" and s["value"] == "en", key="Shift+Tab")
    page.keyboard.press("Space")
    page.locator("html[lang=en]").wait_for(state="attached")

    # Signed in, the choice is kept on the user too.
    assert assert_focus_visible(page)["id"] == "id_username"
    type_text(page, official_mex.username)
    assert press(page, "Tab")["id"] == "id_password"
    type_text(page, PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/countries/MEX/")
    tab_to(page, lambda s: s["tag"] == "button" and s["value"] == "es")
    page.keyboard.press("Enter")
    page.locator("html[lang=es]").wait_for(state="attached")
    official_mex.refresh_from_db()
    assert official_mex.language == "es"
