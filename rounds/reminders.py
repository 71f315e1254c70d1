"""Reminders to countries that have not reported in the open round.

Two per round and country: a week before the due date and a week after it. A cron job runs
`manage.py send_reminders` daily; the ReminderLog row, written in the same transaction as the
decision to send, makes a second run on the same day (or any later day) send nothing again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from accounts.models import Role, User
from declarations.models import MemberCountry
from declarations.selectors import translated
from notifications.tasks import email_after_commit
from reporting.models import Implementation, ReportingRound, StatusUpdate
from rounds.models import ReminderKind, ReminderLog
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


def send_reminders(*, today: datetime.date) -> list[ReminderResult]:
    reporting_round = ReportingRound.objects.current()
    if reporting_round is None:
        return []
    kind = due_kind(reporting_round, today)
    if kind is None:
        return []
    results = []
    countries = MemberCountry.objects.filter(is_regional=False, implementations__isnull=False).distinct()
    for country in countries.order_by(MemberCountry.name_field()):
        items = open_items(reporting_round, country)
        officials = list(User.objects.filter(role=Role.OFFICIAL, country=country, is_active=True).exclude(email=""))
        if not items or not officials:
            continue
        try:
            with transaction.atomic():
                # The log row is the lock: a concurrent or repeated run fails to insert it and skips.
                ReminderLog.objects.create(
                    reporting_round=reporting_round,
                    country=country,
                    kind=kind,
                    recipients=len(officials),
                    open_items=len(items),
                )
                _send(reporting_round, country, kind, items, officials)
        except IntegrityError:
            continue
        results.append(ReminderResult(country.iso3, kind, len(officials), len(items)))
    return results


def _send(
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
