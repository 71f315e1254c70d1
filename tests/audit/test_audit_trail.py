"""The audit trail for people (#18): sentences in the reader's language, links, filters, CSV, constant queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from reporting.models import Implementation, ReviewState
from reporting.services import report_update, review_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(darien, official_mex, official_gtm, secretariat):
    mex = Implementation.objects.get(commitment__declaration=darien, commitment__number=2, country__iso3="MEX")
    gtm = Implementation.objects.get(commitment__declaration=darien, commitment__number=3, country__iso3="GTM")
    update = report_update(implementation=mex, by=official_mex, status="in_progress", progress=40, summary="x")
    report_update(implementation=gtm, by=official_gtm, status="planned", progress=None, summary="y")
    review_update(update=update, by=secretariat, decision=ReviewState.RETURNED, comment="Add the minutes.")
    return mex, gtm


def _page(client, **filters):
    response = client.get(reverse("audit:audit-list"), filters)
    assert response.status_code == 200
    return response


def test_each_entry_is_a_sentence_with_a_link(login_as, trail, official_mex):
    mex, _gtm = trail
    response = _page(login_as("secretariat"))
    texts = [text for _entry, text, _link in response.context["rows"]]
    assert f"{official_mex} (Mexico) reported In progress, 40% on Darien Declaration action 2 (Mexico)" in texts
    links = {text: link for _entry, text, link in response.context["rows"]}
    assert links[f"{official_mex} (Mexico) reported In progress, 40% on Darien Declaration action 2 (Mexico)"] == (
        reverse("reporting:implementation-detail", args=[mex.pk])
    )
    assert any("returned the update on Darien Declaration action 2 (Mexico)" in text for text in texts)


def test_sentences_follow_the_readers_language(login_as, trail, official_mex):
    client = login_as("secretariat")
    client.cookies["django_language"] = "es"
    texts = [text for _entry, text, _link in _page(client).context["rows"]]
    assert any(text.startswith(f"{official_mex} (México) informó En curso, 40%") for text in texts), texts


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "MEX"}, {"report", "review.returned", "user.create"}),  # and the country's officials
        ({"country": "GTM"}, {"report", "user.create"}),
        ({"kind": "review"}, {"review.returned"}),
        ({"kind": "report", "country": "GTM"}, {"report"}),
    ],
)
def test_filters(login_as, trail, filters, expected):
    rows = _page(login_as("secretariat"), **filters).context["rows"]
    assert {entry.action for entry, _text, _link in rows} == expected


def test_filters_by_person_declaration_and_dates(login_as, trail, official_gtm, darien, global_compact):
    client = login_as("secretariat")
    rows = _page(client, actor=official_gtm.pk).context["rows"]
    assert [entry.actor for entry, _t, _l in rows] == [official_gtm]
    darien_actions = {entry.action for entry, _t, _l in _page(client, declaration=darien.pk).context["rows"]}
    assert {"report", "review.returned", "declaration.create"} <= darien_actions
    assert not _page(client, declaration=global_compact.pk, kind="report").context["rows"]
    today = timezone.localdate().isoformat()
    assert len(_page(client, since=today, until=today, kind="report").context["rows"]) == 2
    assert not _page(client, until="2000-01-01").context["rows"]
    assert client.get(reverse("audit:audit-list"), {"since": "not a date"}).status_code == 400


def test_csv_export_of_the_filtered_view(login_as, trail, official_mex):
    response = login_as("secretariat").get(
        reverse("audit:audit-list"), {"country": "MEX", "kind": "report", "format": "csv"}
    )
    assert response.status_code == 200
    name = response["Content-Disposition"]
    assert "rcm-audit-mex-report-" in name and name.endswith('.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][:4] == ["When (UTC)", "Who", "Country", "What"]
    assert {row[5] for row in rows[1:]} == {"report"}
    assert all(row[2] == "Mexico" for row in rows[1:])
    assert any(row[4].endswith(reverse("reporting:implementation-detail", args=[trail[0].pk])) for row in rows[1:])


def test_the_page_costs_the_same_queries_however_many_entries(login_as, trail, official_mex, django_assert_num_queries):
    client = login_as("secretariat")
    # session, user, count, the page's entries (with actor, country, declaration), the declarations'
    # translations, the filter menus (people, countries, declarations and their translations), the
    # unread notifications of the header
    with django_assert_num_queries(10) as small:
        _page(client)
    mex = trail[0]
    for _ in range(5):
        report_update(implementation=mex, by=official_mex, status="planned", progress=10, summary="more")
        mex.refresh_from_db()
    with django_assert_num_queries(len(small.captured_queries)):
        _page(client)


def test_only_the_secretariat_reads_the_trail(login_as, trail):
    for who in ("official_mex", "observer"):
        assert login_as(who).get(reverse("audit:audit-list")).status_code == 403
    assert AuditEntry.objects.exists()
