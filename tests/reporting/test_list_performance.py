"""The fast list path: cursor paging, cached lookups, replica routing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from declarations.models import MemberCountry
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


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
    env = {**os.environ, "DATABASE_URL": "postgres://u@127.0.0.1/rcm", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import bench.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "only allowed with a benchmark database" in result.stderr
