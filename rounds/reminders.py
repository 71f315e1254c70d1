"""Reminders to countries that have not reported in the open round: when one is due, what is
still open, and the e-mail itself. `rounds.services.reminders_send` decides and records them.

Two per round and country: a week before the due date and a week after it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from accounts.models import Role, User
from declarations.models import MemberCountry
from declarations.selectors import translated
from notifications.tasks import email_after_commit
from reporting.models import Implementation, ReportingRound, StatusUpdate
from rounds.models import ReminderKind
from rounds.selectors import round_scope

LEAD = datetime.timedelta(days=7)


@dataclass(frozen=True)
class ReminderResult:
    country: str
    kind: str
    recipients: int
    open_items: int


def due_kind(reporting_round: ReportingRound, today: datetime.date) -> str | None:
    """Which reminder is due today: from a week before the due date, then from a week after it.

    Counting from the day rather than on the day itself means a missed cron run catches up.
    """
    if today >= reporting_round.due_on + LEAD:
        return ReminderKind.AFTER_DUE
    if today >= reporting_round.due_on - LEAD:
        return ReminderKind.BEFORE_DUE
    return None


def open_items(reporting_round: ReportingRound, country: MemberCountry) -> list[Implementation]:
    reported = StatusUpdate.objects.filter(reporting_round=reporting_round).values("implementation_id")
    return list(
        round_scope(reporting_round)
        .filter(country=country)
        .exclude(pk__in=reported)
        .select_related("commitment__declaration")
        .prefetch_related(*translated(declaration="commitment__declaration", commitment=None))
        .order_by("commitment__declaration__title", "commitment__number")
    )


def reminder_recipients(country: MemberCountry) -> list[User]:
    """The country's active officials with an e-mail address."""
    return list(User.objects.filter(role=Role.OFFICIAL, country=country, is_active=True).exclude(email=""))


def reminder_emails_queue(
    reporting_round: ReportingRound,
    country: MemberCountry,
    kind: str,
    items: list[Implementation],
    officials: list[User],
) -> None:
    site = settings.RCM_SITE_URL.rstrip("/")
    context = {
        "round": reporting_round,
        "country": country,
        "after_due": kind == ReminderKind.AFTER_DUE,
        "items": [(item, site + reverse("reporting:implementation-detail", args=[item.pk])) for item in items],
        "workspace_url": site + reverse("reporting:country-detail", args=[country.iso3]),
    }
    # One message per language, each official receiving it in their own (officials of one country
    # may not share a language: Belize and Canada work in English, their neighbours in Spanish).
    by_language: dict[str, list[str]] = {}
    for official in officials:
        by_language.setdefault(official.preferred_language, []).append(official.email)
    for language, recipients in sorted(by_language.items()):
        with translation.override(language):
            facts = {"count": len(items), "round": reporting_round.name}
            if kind == ReminderKind.AFTER_DUE:
                subject = ngettext(
                    "RCM: %(count)d action still to report for %(round)s (overdue)",
                    "RCM: %(count)d actions still to report for %(round)s (overdue)",
                    len(items),
                )
            else:
                subject = ngettext(
                    "RCM: %(count)d action still to report for %(round)s",
                    "RCM: %(count)d actions still to report for %(round)s",
                    len(items),
                )
            # Queued with the log row; the queue retries a failed send (notifications/tasks.py).
            email_after_commit(
                subject=subject % facts, body=render_to_string("rounds/email/reminder.txt", context), to=recipients
            )
