"""Finding 4: the token endpoint was never throttled; password spraying across usernames was unlimited."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_password_spraying_is_throttled_per_address_and_per_username(settings, official_mex):
    settings.TRUSTED_PROXY_COUNT = 1
    one_address = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    answers = [
        one_address.post(
            "/api/v1/auth/token/", {"username": f"user{n}", "password": "Spring2026!"}, content_type="application/json"
        ).status_code
        for n in range(40)
    ]
    assert answers.count(401) <= 10
    assert answers[-1] == 429
    throttled = one_address.post(
        "/api/v1/auth/token/", {"username": "user99", "password": "x"}, content_type="application/json"
    )
    assert throttled.status_code == 429
    assert throttled.json()["status"] == 429
    assert int(throttled["Retry-After"]) > 0

    # One username from many addresses (a botnet): axes locks username × address, the throttle the username.
    answers = [
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .post(
            "/api/v1/auth/token/",
            {"username": official_mex.username.upper(), "password": "wrong"},
            content_type="application/json",
        )
        .status_code
        for n in range(40)
    ]
    assert answers.count(401) <= 20
    assert answers[-1] == 429
