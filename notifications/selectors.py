"""Every read query of the notifications app."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Max, QuerySet

from accounts.models import Role, User
from declarations.models import MemberCountry
from declarations.selectors import translated
from notifications.models import DigestLog, Notification, NotificationPreference
from reporting.models import StatusUpdate


def unread_count(*, user: User) -> int:
    """One COUNT on a partial index: cheap enough for the header of every page."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def notification_get(*, user: User, pk: int) -> Notification:
    """Raises Notification.DoesNotExist for another user's notification too: it is not theirs to see."""
    return Notification.objects.get(user=user, pk=pk)


def email_enabled(user: User) -> bool:
    """Whether e-mail may go to this user: an address, an active account, and not turned off."""
    if not (user.is_active and user.email):
        return False
    return not NotificationPreference.objects.filter(user=user, email_enabled=False).exists()


def preference_get(*, user: User) -> NotificationPreference:
    """The user's preferences, or the defaults (unsaved) when they never changed them."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def digest_recipients() -> QuerySet[User]:
    return User.objects.filter(role=Role.SECRETARIAT, is_active=True).order_by("username")


def last_digest_dates(users: Iterable[User]) -> dict[int, datetime.date]:
    rows = DigestLog.objects.filter(user__in=users).values("user_id").annotate(last=Max("date")).order_by()
    return {row["user_id"]: row["last"] for row in rows}


def submissions_between(*, start: datetime.datetime, end: datetime.datetime) -> list[StatusUpdate]:
    """Updates reported in [start, end), grouped by country then declaration and action."""
    return list(
        StatusUpdate.objects.filter(reported_at__gte=start, reported_at__lt=end)
        .select_related("implementation__country", "implementation__commitment__declaration", "reported_by")
        .prefetch_related(*translated(declaration="implementation__commitment__declaration", commitment=None))
        .order_by(
            f"implementation__country__{MemberCountry.name_field()}",
            "implementation__commitment__declaration__title",
            "implementation__commitment__number",
            "reported_at",
        )
    )
