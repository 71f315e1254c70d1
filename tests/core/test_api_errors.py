"""Every API error is JSON with one shape; never an HTML page, never a 500 for bad input."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def assert_problem(response, status: int) -> Any:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("tag:rcm-tracker,2026:problem:")
    assert body["title"]
    assert body["detail"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/implementations/", "/api/"])
def test_unknown_paths_are_json_404(api, path):
    assert_problem(api("observer").get(path), 404)


def test_unknown_records_are_json_404(api):
    client = api("observer")
    for path in [
        "/api/v1/declarations/999999/",
        "/api/v1/implementations/999999/",
        "/api/v1/evidence/999999/download/",
    ]:
        assert_problem(client.get(path), 404)
    assert_problem(client.post("/api/v1/updates/999999/evidence/", {"url": "https://x.org"}, format="json"), 404)


def test_wrong_method_is_json_405(api):
    assert_problem(api("observer").delete("/api/v1/countries/"), 405)


def test_anonymous_is_json_401_with_a_challenge(api):
    response = api("anonymous").get("/api/v1/implementations/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Token")


def test_an_unexpected_error_is_a_json_500(api, settings):
    with mock.patch("reporting.selectors.implementation_list_filtered", side_effect=RuntimeError("boom")):
        body = assert_problem(api("observer").get("/api/v1/implementations/"), 500)
    assert "boom" not in body["detail"]  # no internals leak to the client


def test_throttling_answers_json_429(api):
    from rest_framework.throttling import SimpleRateThrottle

    # The rates are read when DRF starts; the test lowers them where the throttles look them up.
    with mock.patch.object(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"}):
        client = api("observer")
        statuses = [client.get("/api/v1/countries/").status_code for _ in range(4)]
        assert_problem(client.get("/api/v1/countries/"), 429)
    assert statuses == [200, 200, 200, 429]


def test_throttled_endpoints_say_how_much_is_left_and_when_to_retry(api):
    from rest_framework.throttling import SimpleRateThrottle

    with mock.patch.object(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"}):
        client = api("observer")
        answers = [client.get("/api/v1/countries/") for _ in range(4)]
    assert [a["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert {a["RateLimit-Limit"] for a in answers} == {"3"}
    assert 0 < int(answers[0]["RateLimit-Reset"]) <= 60
    throttled = answers[3]
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert throttled["RateLimit-Remaining"] == "0"
