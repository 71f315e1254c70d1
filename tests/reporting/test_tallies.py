"""The status tallies stay equal to a recount through every writer: report, review, loader, regional follow."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command

from declarations.models import Declaration, MemberCountry
from reporting import tallies
from reporting.models import PENDING_REVIEW, Implementation, StatusTally
from reporting.services import regional_follow, report_update, review_update

pytestmark = pytest.mark.django_db


def stored() -> Counter[tuple[int | None, int, str]]:
    return Counter({(t.declaration_id, t.country_id, t.key): t.count for t in StatusTally.objects.all() if t.count})


def recounted() -> Counter[tuple[int | None, int, str]]:
    tallies.tally_rebuild()
    return stored()


def test_tallies_hold_the_seed_data(darien):
    mex = Implementation.objects.filter(commitment__declaration=darien, country__iso3="MEX")
    assert stored()[(darien.pk, mex[0].country_id, "not_reported")] == mex.count() == 10
    assert stored() == recounted()


def test_report_review_and_follow_keep_tallies_equal_to_a_recount(
    mex_implementation, official_mex, secretariat, global_compact
):
    key = (mex_implementation.commitment.declaration_id, mex_implementation.country_id)
    first = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=10, summary="Planned"
    )
    report_update(
        implementation=mex_implementation, by=official_mex, status="in_progress", progress=40, summary="Started"
    )
    review_update(update=first, by=secretariat, decision="accepted")
    regional_follow(commitment=global_compact.commitments.get(number=1), by=secretariat)

    counts = stored()
    assert counts[(*key, "in_progress")] == 1
    assert counts[(*key, "planned")] == 0
    assert counts[(*key, PENDING_REVIEW)] == 1  # two reported, one reviewed
    assert counts[(None, mex_implementation.country_id, "in_progress")] == 1
    assert counts == recounted()


SMALL = """JOINT DECLARATION OF TEGUCIGALPA

Tegucigalpa, June 24-25, 2014

The Vice-Ministers of Belize, Honduras and Mexico agreed:

1. Strengthen consular protection networks.
2. Exchange statistics on returned children every semester.
"""


def test_loader_counts_what_it_adds_and_removes(tmp_text, rcm_data):
    call_command("load_declarations", str(tmp_text("small.txt", SMALL)), stdout=io.StringIO())
    declaration = Declaration.objects.get(title__icontains="Tegucigalpa")
    assert sum(n for (d, _, k), n in stored().items() if d == declaration.pk and k == "not_reported") == 6
    smaller = SMALL.replace("Belize, Honduras and Mexico", "Honduras and Mexico").replace(
        "2. Exchange statistics on returned children every semester.\n", ""
    )
    call_command("load_declarations", str(tmp_text("small.txt", smaller)), stdout=io.StringIO())
    assert sum(n for (d, _, k), n in stored().items() if d == declaration.pk and k == "not_reported") == 2
    assert stored() == recounted()


def test_summary_reads_tallies_in_constant_queries(
    shared_cache, api, official_mex, mex_implementation, django_assert_num_queries
):
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    client.get("/api/v1/summary/")
    with django_assert_num_queries(2):  # tallies, countries (the token is cached)
        response = client.get("/api/v1/summary/")
    mex = next(row for row in response.json()["countries"] if row["country"] == "MEX")
    assert mex["counts"]["not_reported"] == mex["total"] == 28
    report_update(implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="Planned")
    with django_assert_num_queries(2):
        response = client.get("/api/v1/summary/")
    mex = next(row for row in response.json()["countries"] if row["country"] == "MEX")
    assert (mex["counts"]["not_reported"], mex["counts"]["planned"]) == (27, 1)


@pytest.fixture
def varied_reports(official_mex, official_gtm, secretariat, darien, global_compact):
    """Reports in several statuses in two countries and two declarations, one under regional follow-up."""
    plan = [
        (official_mex, "MEX", darien, 1, "planned", 10),
        (official_mex, "MEX", darien, 2, "completed", 100),
        (official_mex, "MEX", global_compact, 3, "in_progress", 50),
        (official_gtm, "GTM", darien, 1, "completed", 100),
        (official_gtm, "GTM", global_compact, 1, "ongoing", None),
    ]
    for user, iso3, declaration, number, status, progress in plan:
        implementation = Implementation.objects.get(
            commitment__declaration=declaration, commitment__number=number, country__iso3=iso3
        )
        report_update(implementation=implementation, by=user, status=status, progress=progress, summary="Report")
    regional_follow(commitment=global_compact.commitments.get(number=2), by=secretariat)


FILTERS: list[dict[str, Any]] = [
    {},
    {"country": "MEX"},
    {"country": "gtm"},
    {"status": "completed"},
    {"status": ["completed", "planned"]},
    {"country": "MEX", "status": "not_reported"},
    {"declaration": "DARIEN"},
    {"declaration": "DARIEN", "country": "GTM", "status": "completed"},
    {"ordering": "-progress", "country": "MEX"},
]


@pytest.mark.parametrize("officials_see_all", [True, False])
@pytest.mark.parametrize("who", ["official_mex", "official_gtm", "secretariat", "observer"])
def test_the_list_count_read_from_tallies_equals_the_rows_it_pages_through(
    api, settings, varied_reports, darien, who, officials_see_all
):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = officials_see_all
    client = api(who)
    for filters in FILTERS:
        params: dict[str, Any] = {**filters, "page_size": 500}
        if params.get("declaration") == "DARIEN":
            params["declaration"] = darien.pk
        body = client.get("/api/v1/implementations/", params).json()
        # The same filters plus one the tallies cannot count: the count then comes from the rows.
        counted = client.get("/api/v1/implementations/", {**params, "search": " "}).json()
        assert body["count"] == counted["count"] == len(body["results"]), (who, filters)
        if "ordering" not in params:  # a cursor follows the default order
            cursor = client.get("/api/v1/implementations/", {**params, "cursor": ""}).json()
            assert cursor["count"] == body["count"], (who, filters)


def test_a_confined_official_counts_nothing_outside_their_country(api, settings, varied_reports):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = False
    body = api("official_mex").get("/api/v1/implementations/", {"country": "GTM"}).json()
    assert (body["count"], body["results"]) == (0, [])


@pytest.fixture
def doomed(rcm_data):
    """A declaration with one Mexican implementation, counted; and Mexico's not-reported total then."""
    declaration = Declaration.objects.create(
        title="To be deleted", language="en", source_text="x", source_sha256="0" * 64
    )
    country = MemberCountry.objects.get(iso3="MEX")
    commitment = declaration.commitments.create(number=1, text="An action.")
    Implementation.objects.create(commitment=commitment, country=country)
    tallies.tally_recount(declarations=[declaration])
    return declaration, country, stored()[(None, country.pk, "not_reported")]


def test_an_admin_deletion_recounts_the_tallies(client, secretariat, doomed):
    declaration, country, total_before = doomed
    client.force_login(secretariat)
    response = client.post(f"/admin/declarations/declaration/{declaration.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Declaration.objects.filter(pk=declaration.pk).exists()
    assert stored()[(None, country.pk, "not_reported")] == total_before - 1
    assert stored() == recounted()


def test_admin_saves_recount_only_when_they_move_implementations(client, secretariat, darien, global_compact):
    client.force_login(secretariat)
    mexico = MemberCountry.objects.get(iso3="MEX")
    commitment = darien.commitments.get(number=1)
    with mock.patch("reporting.receivers.services.tallies_rebuild") as rebuild:
        response = client.post(
            f"/admin/declarations/membercountry/{mexico.pk}/change/",
            {"iso3": "MEX", "iso2": mexico.iso2, "name_en": "Mexico", "name_es": "México (renamed)", "aliases": "[]"},
        )
        assert response.status_code == 302, response.content
        assert rebuild.call_count == 0  # a country's name places no implementation
        response = client.post(
            f"/admin/declarations/commitment/{commitment.pk}/change/",
            {"declaration": global_compact.pk, "number": 99, "label": "", "text": commitment.text},
        )
        assert response.status_code == 302, response.content
        assert rebuild.call_count == 1  # its implementations now count under another declaration


def test_tally_rebuild_repairs_what_a_deletion_outside_the_admin_left_behind(doomed):
    declaration, country, total_before = doomed
    declaration.delete()  # as a script would: the implementation goes, the country's total stays
    assert stored()[(None, country.pk, "not_reported")] == total_before
    out = io.StringIO()
    call_command("tally_rebuild", stdout=out)
    assert "tally rows written" in out.getvalue()
    assert stored()[(None, country.pk, "not_reported")] == total_before - 1
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="tally.rebuild")  # the whole table, no row: no id, its plural name
    assert (entry.target_type, entry.target_id, entry.country_id) == ("reporting.statustally", "", None)
    assert entry.target_repr == str(StatusTally._meta.verbose_name_plural)
