"""Finding 3: behind the proxy, five bad tries with any X-Forwarded-For locked the real user out everywhere."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # every request reaches the app from the reverse proxy


def through_proxy(forwarded_for: str) -> Client:
    """A browser behind the proxy: the proxy appends the address it saw to what the client sent."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_an_attacker_behind_the_proxy_locks_only_their_own_address(settings, official_mex):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = "203.0.113.66"
    for n in range(4):
        # A spoofed address of the attacker's choosing, then the one the proxy saw.
        assert sign_in(through_proxy(f"198.51.100.{n}, {attacker}"), official_mex.username, "wrong") == 200
    assert sign_in(through_proxy(f"198.51.100.4, {attacker}"), official_mex.username, "wrong") == 429
    locked = through_proxy(f"198.51.100.99, {attacker}").post(
        reverse("login"), {"username": official_mex.username, "password": PASSWORD}
    )
    assert locked.status_code == 429  # a new spoofed address does not unlock the attacker
    assert int(locked["Retry-After"]) > 0
    # The official, from their own office through the same proxy, signs in.
    assert sign_in(through_proxy("192.0.2.10"), official_mex.username, PASSWORD) == 302
    # And over the API too.
    office_api = through_proxy("192.0.2.10").post(
        "/api/v1/auth/token/",
        {"username": official_mex.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert office_api.status_code == 200
