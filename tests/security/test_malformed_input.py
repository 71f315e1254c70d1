"""Finding 10: malformed parameters and bodies answered 500; each is a 400 (or 413 for a body too large)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

IMPLEMENTATIONS = "/api/v1/implementations/"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (IMPLEMENTATIONS, {"page": "²"}),
        (IMPLEMENTATIONS, {"page_size": "²"}),
        (IMPLEMENTATIONS, {"page": "99999999999999999999999"}),
        (IMPLEMENTATIONS, {"as_of": "9999-12-31"}),
        (IMPLEMENTATIONS, {"country": "\x00"}),
        (IMPLEMENTATIONS, {"search": "\x00"}),
        (IMPLEMENTATIONS, {"cursor": "WzEsMiwiXHUwMDAwIiwzXQ"}),  # [1,2,"\u0000",3]
        (IMPLEMENTATIONS, {"cursor": "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5LDEsImEiLDFd"}),  # a huge int inside
        (IMPLEMENTATIONS, {"declaration": "99999999999999999999999"}),
        (IMPLEMENTATIONS, {"not_reported_in_round": "garbage"}),
        ("/api/v1/summary/", {"as_of": "9999-12-31"}),
        ("/api/v1/summary/", {"declaration": "\x00"}),
        ("/api/v1/summary/", {"round": "99999999999999999999999"}),
        ("/api/v1/commitments/", {"declaration": "\x00"}),
        ("/api/v1/implementations/1/updates/", {"page": "²"}),
    ],
)
def test_malformed_api_parameters_are_400(api, path, params):
    response = api("observer").get(path, params)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["status"] == 400


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/countries/%00/", {}),
        ("/dashboard/", {"country": "\x00"}),
        ("/dashboard/", {"declaration": "\x00"}),
        ("/audit/", {"action": "\x00"}),
        ("/review/", {"country": "\x00"}),
        ("/declarations/", {"q": "\x00"}),
    ],
)
def test_malformed_page_parameters_are_not_500(login_as, path, params):
    response = login_as("secretariat").get(path, params)
    assert response.status_code in (400, 404), (path, response.status_code)


def test_deep_and_huge_json_bodies(api, mex_implementation):
    client = api("official_mex")
    url = f"/api/v1/implementations/{mex_implementation.pk}/updates/"
    deep = '{"status": "in_progress", "summary": "x", "links": ' + "[" * 1000 + "]" * 1000 + "}"
    response = client.generic("POST", url, deep, content_type="application/json", HTTP_IF_MATCH="*")
    assert response.status_code == 400
    assert response.json()["status"] == 400

    huge = json.dumps({"status": "in_progress", "summary": "x" * (3 * 1024 * 1024)})
    response = client.generic("POST", url, huge, content_type="application/json", HTTP_IF_MATCH="*")
    assert response.status_code == 413
    assert response.json()["status"] == 413
