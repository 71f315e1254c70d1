"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

They run when E2E=1 (CI sets it). There they never skip: a missing Chromium is a failure.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-results" / "screenshots"
# From the npm package pinned in package-lock.json (`make install` runs `npm ci`).
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 level AA includes every A and AA success criterion of 2.0 and 2.1.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


# Per module, not per session: while Playwright's event loop runs in this thread, Django keys its
# database connections to that loop's context, and a test after the browser tests would open a
# second connection that outlives the session (pytest-django then cannot drop the test database).
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if os.environ.get("E2E") != "1":
        pytest.skip("browser tests run with E2E=1 (make test in CI sets it)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"E2E=1 but no Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from
    # the test body without this, for as long as the browser runs. The live server's thread is unaffected.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@functools.cache
def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"no axe-core at {AXE_SOURCE}: run `make install` (npm ci)")
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, one readable line per element.

    The script goes in through the DevTools protocol (page.evaluate), which the page's
    Content-Security-Policy (script-src 'self') does not govern: the policy stays in force as users get it.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — {node['target']}: "
        + " ".join(node["failureSummary"].split())
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
