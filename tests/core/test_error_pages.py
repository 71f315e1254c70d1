"""403 and 404 are pages of the site: its layout (landmarks, navigation, skip link) in the user's language."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [("/review/", 403, "Not allowed"), ("/countries/XYZ/", 404, "Page not found")],
)
def test_error_pages_use_the_site_layout(login_as, path, status, heading):
    response = login_as("official_mex").get(path)
    assert response.status_code == status
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'class="skip-link"' in page and '<main id="main"' in page and "<nav" in page
    assert '<html lang="en">' in page


@pytest.mark.parametrize("path", ["/review/", "/countries/XYZ/"])
def test_error_pages_follow_the_language(login_as, path):
    client = login_as("observer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert '<html lang="es">' in client.get(path).content.decode()
