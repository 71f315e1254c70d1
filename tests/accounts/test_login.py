"""Signing in: lockout after repeated failures, and a password change that ends everything else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_username_from_that_address(client, settings, official_mex):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(4):
        assert attempt(client, official_mex.username, "wrong").status_code == 200  # the form again
    locked = attempt(client, official_mex.username, "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    # Even the right password is refused while locked.
    assert attempt(client, official_mex.username, PASSWORD).status_code == 429


def test_the_lock_is_per_username_and_address(client, official_mex, official_gtm):
    for _ in range(6):
        attempt(client, official_mex.username, "wrong")
    assert attempt(client, official_gtm.username, PASSWORD).status_code == 302
    other_office = Client(REMOTE_ADDR="10.0.0.7")
    assert attempt(other_office, official_mex.username, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, official_mex):
    for _ in range(3):
        attempt(client, official_mex.username, "wrong")
    assert attempt(client, official_mex.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(3):
        assert attempt(client, official_mex.username, "wrong").status_code == 200


def test_the_token_endpoint_is_locked_too(client, official_mex):
    for _ in range(5):
        client.post(
            "/api/v1/auth/token/",
            {"username": official_mex.username, "password": "wrong"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token/",
        {"username": official_mex.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]


def test_a_password_change_signs_out_other_sessions_and_revokes_tokens(official_mex):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert attempt(client, official_mex.username, PASSWORD).status_code == 302
    token = Token.objects.create(user=official_mex)
    response = here.post(
        reverse("password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("declarations:declaration-list")).status_code == 200  # this session continues
    assert elsewhere.get(reverse("declarations:declaration-list")).status_code == 302  # the other one ended
    assert not Token.objects.filter(pk=token.pk).exists()


def test_a_weak_new_password_is_refused_with_a_message(login_as):
    response = login_as("official_mex").post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    )
    assert response.status_code == 200
    assert "There is a problem; the password was not changed." in response.content.decode()


def test_a_refused_sign_in_marks_both_fields_and_points_them_at_the_message(client, official_mex):
    page = attempt(client, official_mex.username, "wrong").content.decode()
    assert 'id="sign-in-error" autofocus' in page
    for field in ("id_username", "id_password"):
        tag = page.split(f'id="{field}"')[0].rsplit("<input", 1)[1]
        assert 'aria-invalid="true"' in tag and 'aria-describedby="sign-in-error"' in tag


def test_the_sign_in_form_is_unmarked_before_any_attempt(client):
    page = client.get(reverse("login")).content.decode()
    assert "aria-invalid" not in page and "sign-in-error" not in page
