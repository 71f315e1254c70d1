"""Every page, for every role, in English and in Spanish, passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules,
at 1280, 768 and 360 pixels wide, with no sideways scroll and every stacked table cell labelled (#18).

One browser for the whole run and one context per role and language; the pages are visited in the
states people meet them in: with history, reviews and notifications, a pending update in the queue,
an open and a closed round, and the forms after a refused submission (validation errors, the 409 of
a report that crossed another one), the spreadsheet and declaration previews, 403 and 404.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from declarations.models import Declaration
from reporting import services
from reporting.models import Implementation, ReviewState
from reporting.services import LinkInput
from rounds import services as round_services
from spreadsheets.workbooks import KEYS
from tests.e2e.conftest import SCREENSHOTS, axe_violations
from tests.e2e.test_declaration_upload import BELMOPAN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ["anonymous", "official_mex", "official_gtm", "secretariat", "observer"]
LANGUAGES = ["en", "es"]
LOCK_AFTER = 2  # failed sign-ins: the anonymous visit meets the locked-out page on its second
# Each page is loaded (or its form submitted) once, at the first width; the narrower ones resize it.
WIDTHS = [int(width) for width in os.environ.get("A11Y_WIDTHS", "1280,768,360").split(",")]
# Full-page screenshots of every page at every width; A11Y_SCREENSHOTS=0 skips them (a quicker run).
SCREENSHOT_EVERY_PAGE = os.environ.get("A11Y_SCREENSHOTS", "1") == "1"


@dataclass(frozen=True)
class World:
    """The ids the pages are about; every role sees the same data."""

    darien: int
    mex: int
    gtm: int
    open_round: int
    closed_round: int


def implementation(declaration: Declaration, iso3: str) -> Implementation:
    return Implementation.objects.get(commitment__declaration=declaration, commitment__number=1, country__iso3=iso3)


@pytest.fixture
def world(darien: Declaration, official_mex: User, official_gtm: User, secretariat: User, observer: User) -> World:
    today = datetime.date(2026, 3, 1)
    closed = round_services.round_open(
        name="2025 second semester",
        starts_on=today.replace(year=2025),
        due_on=today,
        declarations=[darien],
        by=secretariat,
    )
    round_services.round_close(reporting_round=closed, by=secretariat)
    current = round_services.round_open(
        name="2026 first semester", starts_on=today, due_on=today.replace(month=6), declarations=[], by=secretariat
    )
    mex, gtm = implementation(darien, "MEX"), implementation(darien, "GTM")
    returned = services.report_update(
        implementation=mex,
        by=official_mex,
        status="in_progress",
        progress=40,
        summary="Two technical meetings on the roadmap with civil society and IOM.",
        links=[LinkInput(url="https://www.gob.mx/inm", title="Roadmap minutes")],
    )
    services.review_update(
        update=returned, by=secretariat, decision=ReviewState.RETURNED, comment="Please attach the signed minutes."
    )
    services.report_update(
        implementation=gtm, by=official_gtm, status="planned", progress=10, summary="A national plan is drafted."
    )
    return World(darien=darien.pk, mex=mex.pk, gtm=gtm.pk, open_round=current.pk, closed_round=closed.pk)


@dataclass(frozen=True)
class Visit:
    """One page to check: reached by a GET, or by `act` (a form submission) from that page."""

    name: str
    path: str
    status: int = 200
    act: Callable[[Any, World], Any] | None = None
    language: str | None = None  # when the page cannot follow the user's language
    ours: bool = True  # our own markup, whose headings we hold to one <h1> and no skipped level


def signed_in_pages(role: str, world: World) -> list[Visit]:
    secretariat, official = role == "secretariat", role.startswith("official")
    secretariat_only = 200 if secretariat else 403
    own = {"official_mex": world.mex, "official_gtm": world.gtm}.get(role)
    visits = [
        Visit("declarations", "/declarations/"),
        Visit("declaration", f"/declarations/{world.darien}/"),
        Visit("declaration-text", f"/declarations/{world.darien}/text/"),
        Visit("countries", "/countries/"),
        Visit("country-mex", "/countries/MEX/"),
        Visit("country-gtm", "/countries/GTM/"),
        Visit("implementation-mex", f"/implementations/{world.mex}/"),
        Visit("implementation-gtm", f"/implementations/{world.gtm}/"),
        Visit("dashboard", "/dashboard/"),
        Visit("dashboard-round", f"/dashboard/?declaration={world.darien}&round={world.closed_round}"),
        Visit("rounds", "/rounds/"),
        Visit("round-open", f"/rounds/{world.open_round}/"),
        Visit("round-closed", f"/rounds/{world.closed_round}/"),
        Visit("review-queue", "/review/", secretariat_only),
        Visit("audit", "/audit/", secretariat_only),
        Visit("audit-filtered", "/audit/?kind=report&country=MEX", secretariat_only),
        Visit("webhooks", "/webhooks/", secretariat_only),
        Visit("notifications", "/notifications/"),
        Visit("notification-preferences", "/notifications/preferences/"),
        Visit("import-upload", "/import/", 200 if secretariat or official else 403),
        Visit("declaration-upload", "/declarations/upload/", secretariat_only),
        Visit("translation-upload", f"/declarations/{world.darien}/translation/", secretariat_only),
        Visit("password-change", "/accounts/password/"),
        Visit("password-change-errors", "/accounts/password/", act=submit_wrong_password),
        Visit("public-summary", "/public/"),
        Visit("not-found", "/countries/XYZ/", 404),
        Visit(
            "api-docs", "/api/v1/docs/", act=wait_for_swagger, language="en", ours=False
        ),  # Swagger UI has no Spanish
    ]
    if own is not None:
        visits += [
            Visit("report-errors", f"/implementations/{own}/", 400, act=submit_invalid_report),
            Visit("report-conflict", f"/implementations/{own}/", 409, act=submit_crossing_report),
        ]
    if own is not None or secretariat:
        visits.append(Visit("import-preview", "/import/", act=upload_spreadsheet))
    if secretariat:
        visits.append(Visit("declaration-preview", "/declarations/upload/", act=upload_declaration))
    return visits


def anonymous_pages(world: World) -> list[Visit]:
    return [
        Visit("login", "/accounts/login/"),
        Visit("login-errors", "/accounts/login/", act=submit_wrong_login),
        Visit("locked-out", "/accounts/login/", 429, act=submit_wrong_login),  # the second failure, see LOCK_AFTER
        Visit("public-summary", "/public/"),
    ]


# --- form submissions, by field names and values rather than visible words (both languages) ---


def submit(page: Any, form: str) -> int:
    with page.expect_navigation() as navigation:
        page.locator(f"{form} [type=submit]").last.click()
    return int(navigation.value.status)


def submit_wrong_login(page: Any, world: World) -> int:
    # One username per language: the lock is per username, and each language meets it afresh.
    page.fill("#id_username", f"nobody-{page.locator('html').get_attribute('lang')}")
    page.fill("#id_password", "not-the-password")
    return submit(page, "main form")


def submit_wrong_password(page: Any, world: World) -> int:
    page.fill("#id_old_password", "not-the-password")
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "different")
    return submit(page, "main form")


def submit_invalid_report(page: Any, world: World) -> int:
    page.check("input[name=status][value=completed]")
    page.fill("#id_progress", "50")  # completed is 100: refused
    page.fill("#id_summary", "Text that must survive the error.")
    return submit(page, "form.report-form")


def submit_crossing_report(page: Any, world: World) -> int:
    page.check("input[name=status][value=in_progress]")
    page.fill("#id_summary", "Written while a colleague reported.")
    pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    crossing = Implementation.objects.select_related("country").get(pk=pk)
    services.report_update(
        implementation=crossing,
        by=User.objects.get(country=crossing.country),
        status="planned",
        progress=5,
        summary="A colleague's report, saved first.",
    )
    return submit(page, "form.report-form")


def upload_spreadsheet(page: Any, world: World) -> int:
    country = page.locator("select#id_country")
    if country.count():
        country.select_option("MEX")
    iso3 = page.locator("input#id_country").get_attribute("value") if not country.count() else "MEX"
    downloaded = page.request.get(f"/countries/{iso3}/spreadsheet.csv").text().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(downloaded)))
    for row, (status, progress) in zip(
        rows[1:4], [("in_progress", "60"), ("completed", "50"), ("planned", "")], strict=True
    ):
        row[KEYS.index("status")], row[KEYS.index("progress")] = status, progress
        row[KEYS.index("summary")] = "Inter-agency working group met."
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    page.locator("input[type=file]").set_input_files(
        {"name": f"rcm-report-{iso3}.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}
    )
    return submit(page, "main form")


def upload_declaration(page: Any, world: World) -> int:
    page.locator("input[type=file]").set_input_files(
        {"name": "belmopan.txt", "mimeType": "text/plain", "buffer": BELMOPAN.encode()}
    )
    return submit(page, "main form")


def wait_for_swagger(page: Any, world: World) -> int:
    page.locator(".swagger-ui .opblock").first.wait_for()
    return 200


# --- the run ---

# Heading levels as assistive technology lists them (visually hidden ones included, display:none not).
HEADING_LEVELS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.getClientRects().length > 0).map(h => Number(h.tagName[1]))"""


def heading_problems(page: Any) -> list[str]:
    """axe files heading order under best practice, not WCAG; we hold our pages to it anyway."""
    levels: list[int] = page.evaluate(HEADING_LEVELS)
    problems = [] if levels.count(1) == 1 and levels[0] == 1 else [f"headings {levels}: one <h1>, first"]
    problems += [f"heading h{b} follows h{a}" for a, b in itertools.pairwise(levels) if b > a + 1]
    return problems


# The page scrolls sideways: something is wider than the window (a table, a select, a long word).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# Table cells shown stacked (display: block) that do not say which column they belong to.
UNLABELLED_CELLS = """() => [...document.querySelectorAll('table td')]
  .filter(td => td.getClientRects().length > 0 && getComputedStyle(td).display === 'block')
  .filter(td => !td.hasAttribute('data-label'))
  .map(td => `${td.closest('table').className}: “${td.textContent.trim().slice(0, 40)}”`)"""


def layout_problems(page: Any) -> list[str]:
    problems = []
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .filter(e => !e.closest('[role=region], .table-scroll, .matrix-wrap'))
              .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        problems.append(f"scrolls sideways by {overflow}px ({', '.join(wide)})")
    problems += [f"stacked cell without data-label: {cell}" for cell in page.evaluate(UNLABELLED_CELLS)[:3]]
    return problems


@pytest.fixture
def context_for(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Callable[[str, str], Any]]:
    contexts: list[Any] = []

    def _open(role: str, language: str) -> Any:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if role != "anonymous":
            client = Client()
            client.force_login(request.getfixturevalue(role))
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        context.add_cookies(cookies)
        contexts.append(context)
        return context

    yield _open
    for context in contexts:
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_in_both_languages(role: str, world: World, context_for: Any, settings: Any) -> None:
    settings.RCM_PUBLIC_SUMMARY = True
    settings.AXES_FAILURE_LIMIT = LOCK_AFTER
    visits = anonymous_pages(world) if role == "anonymous" else signed_in_pages(role, world)
    problems: list[str] = []
    for language in LANGUAGES:
        page = context_for(role, language).new_page()
        page.set_default_timeout(15_000)
        for visit in visits:
            response = page.goto(visit.path)
            status = visit.act(page, world) if visit.act else response.status
            where = f"{role}/{language} {visit.name} ({page.url})"
            if status != visit.status:
                problems.append(f"{where}: HTTP {status}, expected {visit.status}")
            if page.locator("html").get_attribute("lang") != (visit.language or language):
                problems.append(f"{where}: <html lang> is not {visit.language or language!r}")
            if visit.ours:
                problems += [f"{where}: {problem}" for problem in heading_problems(page)]
            for width in WIDTHS:
                if width != WIDTHS[0]:
                    page.set_viewport_size({"width": width, "height": 900})
                at = f"{where} at {width}px"
                problems += [f"{at}: {violation}" for violation in axe_violations(page)]
                if visit.ours:
                    problems += [f"{at}: {problem}" for problem in layout_problems(page)]
                if SCREENSHOT_EVERY_PAGE:
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    shot = SCREENSHOTS / f"a11y-{role}-{language}-{visit.name}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    assert not problems, "\n".join(problems)
