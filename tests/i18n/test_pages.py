"""Every page in both languages, for each role: a Spanish browser gets Spanish, an English one English.

"No English left" is checked against the catalogue itself: every interface string (msgid) the
English page shows must be gone from the Spanish page. Data (declaration texts, titles, country
names, people's names, what officials wrote) is not interface text and is taken out first.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from declarations.models import Commitment, Declaration, MemberCountry
from notifications.models import Notification
from reporting.models import Implementation, ReportingRound, StatusUpdate
from reporting.services import report_update, review_update
from rounds.services import round_open
from tests.conftest import PASSWORD
from tests.i18n.catalogue import SPANISH_PO, read_po

Page = tuple[str, dict[str, str]]
SIGNED_IN_PAGES: list[Page] = [
    ("declarations:declaration-list", {}),
    ("declarations:declaration-detail", {"pk": "darien"}),
    ("declarations:declaration-text", {"pk": "darien"}),
    ("dashboards:dashboard", {}),
    ("reporting:country-list", {}),
    ("reporting:country-detail", {"iso3": "MEX"}),
    ("reporting:implementation-detail", {"pk": "implementation"}),
    ("rounds:round-list", {}),
    ("rounds:round-detail", {"pk": "round"}),
    ("notifications:notification-list", {}),
    ("notifications:preferences", {}),
    ("password-change", {}),
]
PAGES: dict[str, list[Page]] = {
    "anonymous": [("login", {})],
    "official_mex": [*SIGNED_IN_PAGES, ("spreadsheets:import-upload", {})],
    "official_gtm": SIGNED_IN_PAGES,
    "observer": SIGNED_IN_PAGES,
    "secretariat": [
        *SIGNED_IN_PAGES,
        ("reporting:review-queue", {}),
        ("audit:audit-list", {}),
        ("declarations:declaration-upload", {}),
        ("webhooks:delivery-list", {}),
    ],
}
CASES = [(who, name, kwargs) for who, pages in PAGES.items() for name, kwargs in pages]

# Interface strings that read the same in both languages, or are too short to search for safely.
SAME_IN_BOTH = {"Total", "Error", "Español", "English"}


def interface_strings() -> list[str]:
    """English msgids worth searching for: no placeholder or markup, and translated differently."""
    return [
        entry.fields["msgid"]
        for entry in read_po(SPANISH_PO)
        if "msgid_plural" not in entry.fields
        and not re.search(r"[%<]", entry.fields["msgid"])
        and len(entry.fields["msgid"]) >= 4
        and entry.fields["msgid"] not in SAME_IN_BOTH
        and entry.fields["msgstr"] != entry.fields["msgid"]
    ]


def data_strings() -> list[str]:
    """What people and documents wrote: shown as it is, in whatever language it was written."""
    values: list[str] = []
    values += Declaration.objects.values_list("title", flat=True)
    values += Commitment.objects.values_list("text", flat=True)
    for name_en, name_es in MemberCountry.objects.values_list("name_en", "name_es"):
        values += [name_en, name_es]
    values += [str(user) for user in User.objects.all()]
    values += ReportingRound.objects.values_list("name", flat=True)
    values += StatusUpdate.objects.values_list("summary", flat=True)
    values += Notification.objects.values_list("message", flat=True)
    values += AuditEntry.objects.values_list("target_repr", flat=True)
    return sorted({value for value in values if value}, key=len, reverse=True)


def visible_text(page: str, data: list[str]) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    page = re.sub(r'<article class="source-text".*?</article>', " ", page, flags=re.DOTALL)  # the declaration
    page = re.sub(r"<code\b.*?</code>", " ", page, flags=re.DOTALL)  # codes and file names
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    # Attributes people hear or see (aria-label, title, placeholder, alt) count as text too.
    text += " ".join(
        html.unescape(value) for value in re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', page)
    )
    text = " ".join(text.split())
    for value in data:
        text = text.replace(" ".join(value.split()), " ")
    return text


def english_in(text: str, strings: list[str]) -> list[str]:
    return [s for s in strings if re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", text)]


@pytest.fixture
def page_data(
    official_mex: User, official_gtm: User, secretariat: User, observer: User, mex_implementation: Implementation
) -> dict[str, Any]:
    """An open round, a reviewed update, one awaiting review, hence notifications and audit entries."""
    reporting_round = round_open(
        name="2026 primer semestre",
        starts_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 6, 30),
        declarations=[],
        by=secretariat,
    )
    first = report_update(
        implementation=mex_implementation, by=official_mex, status="in_progress", progress=40, summary="Avance A."
    )
    review_update(update=first, by=secretariat, decision="returned", comment="Agregue evidencia.")
    report_update(
        implementation=mex_implementation, by=official_mex, status="in_progress", progress=50, summary="Avance B."
    )
    return {
        "darien": mex_implementation.commitment.declaration_id,
        "implementation": mex_implementation.pk,
        "round": reporting_round.pk,
    }


@pytest.fixture
def fetch(
    login_as: Callable[[str], Client], page_data: dict[str, Any]
) -> Callable[[str, str, dict[str, str], str], str]:
    def _fetch(who: str, name: str, kwargs: dict[str, str], language: str) -> str:
        client = login_as(who)
        url = reverse(name, kwargs={key: page_data.get(value, value) for key, value in kwargs.items()})
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language[:2]
        return response.content.decode()

    return _fetch


@pytest.mark.parametrize(("who", "name", "kwargs"), CASES)
def test_page_in_spanish_has_no_english_interface_text(
    fetch: Callable[[str, str, dict[str, str], str], str], who: str, name: str, kwargs: dict[str, str]
) -> None:
    english, spanish = fetch(who, name, kwargs, "en"), fetch(who, name, kwargs, "es-MX,es;q=0.9")
    assert '<html lang="en">' in english
    assert '<html lang="es">' in spanish
    data, strings = data_strings(), interface_strings()
    shown_in_english = english_in(visible_text(english, data), strings)
    assert shown_in_english, "the English page shows no interface string: the check would prove nothing"
    assert english_in(visible_text(spanish, data), shown_in_english) == []


@pytest.mark.parametrize("who", ["official_mex", "secretariat", "observer"])
def test_the_header_is_spanish_and_offers_english_named_in_english(login_as: Callable[[str], Client], who: str) -> None:
    page = login_as(who).get(reverse("declarations:declaration-list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">Declaraciones</a>" in page and ">Tablero</a>" in page and ">Cerrar sesión</button>" in page
    assert '<button type="submit" name="language" value="en" lang="en" class="link-button">English</button>' in page
    assert '<span class="language-current" lang="es" aria-current="true">Español</span>' in page


def test_dates_follow_the_language(login_as: Callable[[str], Client], darien: Declaration) -> None:
    client = login_as("observer")
    url = reverse("declarations:declaration-detail", args=[darien.pk])
    assert ">25 March 2022</time>" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">25 de marzo de 2022</time>" in client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_the_check_sees_english_left_in_a_spanish_page() -> None:
    strings = ["Apply filters", "Dashboard", "Save update"]
    page = '<p>Aplicar filtros</p><a title="Dashboard">Tablero</a><button>Save update</button>'
    assert english_in(visible_text(page, []), strings) == ["Dashboard", "Save update"]
    assert (
        english_in(visible_text("<p>Darien Declaration: Save update</p>", ["Darien Declaration: Save update"]), strings)
        == []
    )


def test_a_spanish_speaking_official_sees_no_english_from_sign_in_to_a_submitted_update(
    official_mex: User, mex_implementation: Implementation
) -> None:
    """The issue's "done when": the browser says Spanish, the official never touches the switcher."""
    client = Client(headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    pages = [client.get(reverse("login"))]
    signed_in = client.post(reverse("login"), {"username": official_mex.username, "password": PASSWORD}, follow=True)
    pages.append(signed_in)  # the workspace
    detail = reverse("reporting:implementation-detail", args=[mex_implementation.pk])
    pages.append(client.get(detail))
    report = reverse("reporting:implementation-report", args=[mex_implementation.pk])
    form = {
        "status": "completed",
        "progress": "60",
        "summary": "",
        "version": "0",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
        "links-0-url": "gob.mx",
        "links-0-title": "",
    }
    refused = client.post(report, form)
    pages.append(refused)
    assert "Una acción completada está al 100 %" in refused.content.decode()
    form |= {"progress": "100", "summary": "Se aprobó la hoja de ruta.", "links-0-url": "https://www.gob.mx/inm"}
    saved = client.post(report, form, follow=True)
    pages.append(saved)
    assert "Su actualización se guardó. La Secretaría la revisará." in saved.content.decode()
    mex_implementation.refresh_from_db()
    assert mex_implementation.status == "completed"

    data, strings = data_strings(), interface_strings()
    for response in pages:
        page = response.content.decode()
        assert '<html lang="es">' in page
        assert english_in(visible_text(page, data), strings) == [], response.request["PATH_INFO"]
