"""Every write to user accounts goes through here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.services import audit_record
from declarations.models import MemberCountry


class UserCreateError(Exception):
    """The account cannot be created as asked; the message says why."""


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    country_iso3: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
) -> User:
    if role not in Role.values:
        raise UserCreateError(f"unknown role {role!r}; expected one of {', '.join(Role.values)}")
    country = None
    if role == Role.OFFICIAL:
        if not country_iso3:
            raise UserCreateError("a country official needs --country ISO3")
        country = MemberCountry.objects.filter(iso3=country_iso3.upper()).first()
        if country is None:
            known = ", ".join(MemberCountry.objects.values_list("iso3", flat=True))
            raise UserCreateError(f"unknown country {country_iso3!r}; Member Countries are {known}")
    elif country_iso3:
        raise UserCreateError(f"only country officials belong to a country, not the {role} role")
    if User.objects.filter(username__iexact=username).exists():
        raise UserCreateError(f"a user named {username!r} already exists")

    user = User(
        username=username,
        role=role,
        country=country,
        email=email,
        first_name=first_name,
        last_name=last_name,
        # The secretariat manages declarations and users in the admin.
        is_staff=role == Role.SECRETARIAT,
    )
    try:
        user.full_clean(exclude=["password"])
        validate_password(password, user)
    except ValidationError as exc:
        raise UserCreateError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    if role == Role.SECRETARIAT:
        user.groups.add(secretariat_group())
    audit_record(actor=by, action="user.create", target=user, changes={"role": role, "country": country_iso3 or None})
    return user


SECRETARIAT_APPS = ("accounts", "declarations", "reporting", "rounds", "audit")


def secretariat_group() -> Group:
    """The admin rights of the secretariat: everything in the project's own apps, nothing else."""
    group, _ = Group.objects.get_or_create(name="Secretariat")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS))
    return group


def user_language_set(*, user: User, language: str) -> User:
    """Remember the interface language a person chose (or that their browser asked for at sign-in)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")}, code="invalid_choice")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def token_issue(*, user: User) -> str:
    """The user's API token, created on first sign-in through the API (one per user, kept until a
    password change deletes it)."""
    from rest_framework.authtoken.models import Token

    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="user.token_issue", target=user)
    return str(token.key)


def password_changed(*, user: User) -> None:
    """After a password change nothing issued under the old one keeps working.

    Django already ends the user's other browser sessions (their session hash no longer
    matches); API tokens carry no such hash, so they are deleted here.
    """
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    audit_record(actor=user, action="user.password_change", target=user)
