"""Finding 7: the secretariat made itself superuser through the admin's user form, then read every API token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User

pytestmark = pytest.mark.django_db


def user_form(user: User, **changes: str) -> dict[str, str]:
    """The admin's change form for `user` as a browser would post it, with `changes`."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        "initial-date_joined_0": f"{joined:%Y-%m-%d}",
        "initial-date_joined_1": f"{joined:%H:%M:%S}",
        "role": user.role,
        "country": "",
        "language": user.language or "en",
    }
    data.update(changes)
    return data


def test_the_secretariat_cannot_raise_its_own_rights_nor_read_tokens(client, secretariat, official_mex):
    token = Token.objects.create(user=official_mex)
    client.force_login(secretariat)
    url = f"/admin/accounts/user/{secretariat.pk}/change/"
    assert client.get(url).status_code == 200
    any_permission = Permission.objects.get(codename="view_tokenproxy")
    response = client.post(url, user_form(secretariat, is_superuser="on", user_permissions=str(any_permission.pk)))
    assert response.status_code in (200, 302)
    secretariat.refresh_from_db()
    assert not secretariat.is_superuser
    assert not secretariat.user_permissions.exists()
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403

    # A superuser's account is out of the secretariat's reach (a new password would be a takeover).
    root = User.objects.create_superuser("root", "root@example.org", "a-long-root-passphrase")
    assert client.get(f"/admin/accounts/user/{root.pk}/password/").status_code == 403
    assert client.post(f"/admin/accounts/user/{root.pk}/change/", user_form(root, is_active="")).status_code == 403

    # Even a superuser never sees a token's key.
    client.force_login(root)
    listing = client.get("/admin/authtoken/tokenproxy/")
    assert listing.status_code == 200
    assert token.key not in listing.content.decode()
    for page in ("change", "delete"):
        detail = client.get(f"/admin/authtoken/tokenproxy/{official_mex.pk}/{page}/")
        assert token.key not in detail.content.decode()
