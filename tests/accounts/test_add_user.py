from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def add_user(*args: str) -> str:
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("RCM_PASSWORD", "a-long-enough-passphrase")


def test_creates_an_official_of_a_country(rcm_data, password):
    assert "Created official 'maria'" in add_user("maria", "--role", "official", "--country", "mex")
    user = User.objects.get(username="maria")
    assert user.country is not None
    assert user.is_official and user.country.iso3 == "MEX"
    assert user.check_password("a-long-enough-passphrase")


def test_secretariat_gets_the_admin(rcm_data, password):
    add_user("sec", "--role", "secretariat")
    user = User.objects.get(username="sec")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("declarations.change_declaration")
    assert not user.has_perm("auth.change_group")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--role", "official"], "needs --country"),
        (["x", "--role", "official", "--country", "ARG"], "unknown country 'ARG'"),
        (["x", "--role", "observer", "--country", "MEX"], "only country officials"),
    ],
)
def test_refuses_inconsistent_roles(rcm_data, password, args, message):
    with pytest.raises(CommandError, match=message):
        add_user(*args)
    assert not User.objects.filter(username="x").exists()


def test_refuses_a_duplicate_username(rcm_data, password):
    add_user("maria", "--role", "observer")
    with pytest.raises(CommandError, match="already exists"):
        add_user("Maria", "--role", "observer")


def test_refuses_a_weak_password(rcm_data, monkeypatch):
    monkeypatch.setenv("RCM_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        add_user("weak", "--role", "observer")
    assert not User.objects.filter(username="weak").exists()


def test_without_password_or_terminal_it_says_how(rcm_data, monkeypatch):
    monkeypatch.delenv("RCM_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="RCM_PASSWORD"):
        add_user("nobody", "--role", "observer")
