"""The language a person uses is remembered: the switcher, the cookie, the user's own field, sign-in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

SWITCH = "/i18n/setlang/"


def sign_in(client: Client, user: User, *, accept: str) -> None:
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE=accept
    )
    assert response.status_code == 302


def page_language(client: Client, *, accept: str) -> str:
    response = client.get(reverse("declarations:declaration-list"), HTTP_ACCEPT_LANGUAGE=accept)
    return str(response["Content-Language"])


def test_a_first_visit_follows_accept_language(client: Client, db: None) -> None:
    assert '<html lang="es">' in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-GT,es;q=0.8").content.decode()
    assert '<html lang="en">' in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-CA").content.decode()
    assert '<html lang="en">' in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_the_switcher_sets_the_cookie_and_stores_the_choice_on_the_user(
    login_as: Callable[[str], Client], official_mex: User
) -> None:
    client = login_as("official_mex")
    response = client.post(SWITCH, {"language": "es", "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    official_mex.refresh_from_db()
    assert official_mex.language == "es"
    assert page_language(client, accept="en") == "es"  # the choice beats the browser


def test_the_switcher_works_before_signing_in_and_stores_nothing(client: Client, official_mex: User) -> None:
    response = client.post(SWITCH, {"language": "es", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert '<html lang="es">' in client.get(reverse("login")).content.decode()
    official_mex.refresh_from_db()
    assert official_mex.language == ""


@pytest.mark.parametrize("bad", ["fr", "", "es'><script>"])
def test_an_unknown_language_changes_nothing(login_as: Callable[[str], Client], official_mex: User, bad: str) -> None:
    response = login_as("official_mex").post(SWITCH, {"language": bad, "next": "/dashboard/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    official_mex.refresh_from_db()
    assert official_mex.language == ""


def test_the_switcher_only_accepts_post(login_as: Callable[[str], Client]) -> None:
    response = login_as("observer").get(SWITCH + "?language=es")  # a GET changes nothing: back home
    assert response.status_code == 302 and response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_signing_in_restores_the_stored_language_whatever_the_browser_says(client: Client, official_mex: User) -> None:
    official_mex.language = "es"
    official_mex.save()
    sign_in(client, official_mex, accept="en")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert page_language(client, accept="en") == "es"


def test_a_first_sign_in_keeps_the_browsers_language_for_later_e_mails(client: Client, official_gtm: User) -> None:
    sign_in(client, official_gtm, accept="es-GT,es;q=0.9")
    official_gtm.refresh_from_db()
    assert official_gtm.language == "es"
    assert official_gtm.preferred_language == "es"


def test_someone_who_never_signed_in_is_written_to_in_the_sites_language(observer: User) -> None:
    assert observer.language == ""
    assert observer.preferred_language == settings.LANGUAGE_CODE == "en"
