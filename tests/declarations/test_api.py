from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_countries(api):
    body = api("observer").get("/api/v1/countries/").json()
    assert body["count"] == 11
    assert {"iso3": "MEX", "iso2": "MX", "name_en": "Mexico", "name_es": "México"} in body["results"]


def test_declarations_list_and_detail(api, darien, global_compact):
    client = api("observer")
    listed = client.get("/api/v1/declarations/").json()["results"]
    by_id = {row["id"]: row for row in listed}
    assert by_id[darien.pk]["adopted_on"] == "2022-03-25"
    assert by_id[darien.pk]["signatories"] == ["BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "PAN", "USA"]
    assert by_id[darien.pk]["commitment_count"] == 10
    assert by_id[global_compact.pk]["adopted_on"] is None
    assert by_id[global_compact.pk]["place"] is None
    detail = client.get(f"/api/v1/declarations/{global_compact.pk}/").json()
    assert [c["number"] for c in detail["commitments"]] == list(range(1, 19))
    assert len(detail["source_sha256"]) == 64


def test_commitments_filter_by_declaration(api, darien):
    client = api("observer")
    assert client.get("/api/v1/commitments/").json()["count"] == 28
    assert client.get("/api/v1/commitments/", {"declaration": darien.pk}).json()["count"] == 10
    assert client.get("/api/v1/commitments/", {"declaration": "abc"}).status_code == 400


def test_declaration_queries_are_constant(shared_cache, api, django_assert_num_queries, darien):
    client = api("observer")
    # token, count, page, signatories, translations
    with django_assert_num_queries(5):
        client.get("/api/v1/declarations/")
    # declaration, signatories, commitments, translations (declaration's, commitments'); the token is cached
    with django_assert_num_queries(5):
        client.get(f"/api/v1/declarations/{darien.pk}/")
