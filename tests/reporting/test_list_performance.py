"""The fast list path: same JSON as the serializer, keyset cursor, cached lookups, replica routing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import pytest
from django.utils import timezone

from declarations.models import MemberCountry
from reporting.api import ImplementationOut
from reporting.models import Implementation, StatusUpdate
from reporting.services import report_update
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_list_rows_are_exactly_what_the_serializer_renders(api, mex_implementation, official_mex):
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=10, summary="Planned"
    )
    StatusUpdate.objects.filter(pk=update.pk).update(reported_at=timezone.make_aware(datetime(2026, 3, 10, 12)))
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    for params in ({"page_size": 500}, {"page_size": 500, "as_of": "2026-03-10"}):
        rows = client.get("/api/v1/implementations/", params).json()["results"]
        assert len(rows) == 298
        by_id = {row["id"]: row for row in rows}
        queryset = Implementation.objects.select_related("commitment", "country")
        if "as_of" in params:
            from reporting.history import annotate_state, end_of_day

            queryset = annotate_state(queryset, before=end_of_day(datetime(2026, 3, 10).date()))
        for implementation in queryset:
            assert by_id[implementation.pk] == ImplementationOut(implementation).data
    assert by_id[mex_implementation.pk]["status"] == "planned"


def test_cursor_walk_gives_the_same_rows_as_the_pages(api):
    client = api("observer")
    by_pages: list[int] = []
    url: str | None = "/api/v1/implementations/?page_size=40&country=MEX"
    while url:
        page = client.get(url).json()
        by_pages += [row["id"] for row in page["results"]]
        url = page["next"]
    by_cursor: list[int] = []
    url = "/api/v1/implementations/?page_size=40&country=MEX&cursor="
    while url:
        page = client.get(url).json()
        assert set(page) == {"count", "next", "previous", "results"}
        assert page["count"] == 28 and page["previous"] is None
        assert "page=" not in (page["next"] or "")
        by_cursor += [row["id"] for row in page["results"]]
        url = page["next"]
    assert by_cursor == by_pages and len(by_cursor) == 28


@pytest.mark.parametrize(
    "params", [{"cursor": "not-a-cursor"}, {"cursor": "WzEsMiwzXQ"}, {"cursor": "", "ordering": "-country"}]
)
def test_bad_cursors_are_400(api, params):
    response = api("observer").get("/api/v1/implementations/", params)
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_a_deleted_token_stops_working_at_once(api, observer):
    client = api("observer")
    assert client.get("/api/v1/summary/").status_code == 200  # now cached
    observer.auth_token.delete()
    assert client.get("/api/v1/summary/").status_code == 401


def test_a_deactivated_user_is_refused_at_once(api, observer):
    client = api("observer")
    assert client.get("/api/v1/summary/").status_code == 200
    observer.is_active = False
    observer.save()
    assert client.get("/api/v1/summary/").status_code == 401


def test_a_new_country_code_is_accepted_once_saved(api):
    client = api("observer")
    assert client.get("/api/v1/implementations/", {"country": "MEX"}).status_code == 200  # map cached
    assert client.get("/api/v1/implementations/", {"country": "XYZ"}).status_code == 400
    MemberCountry.objects.create(iso3="XYZ", iso2="XY", name_en="Test land", name_es="Tierra de prueba")
    response = client.get("/api/v1/implementations/", {"country": "xyz"})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_the_ceiling_endpoint_exists_only_for_a_bench_database(login_as):
    assert login_as("observer").get("/bench/ceiling/").status_code == 404
    env = {**os.environ, "RCM_BENCH_CEILING": "1", "DATABASE_URL": "postgres://u@127.0.0.1/rcm", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import rcm_tracker.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "only allowed with a benchmark database" in result.stderr
