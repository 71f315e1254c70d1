"""Every write about reporting rounds: opening and closing them, and the reminders they send."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.permissions import is_secretariat
from declarations.models import Declaration, MemberCountry
from reporting.models import ReportingRound, StatusUpdate
from rounds.models import ReminderLog
from rounds.reminders import ReminderResult, due_kind, open_items, reminder_emails_queue, reminder_recipients
from rounds.selectors import round_progress
from rounds.signals import round_closed, round_opened


def round_open(
    *, name: str, starts_on: datetime.date, due_on: datetime.date, declarations: Sequence[Declaration], by: User
) -> ReportingRound:
    """Open a reporting round. One round is open at a time, so "the current round" is never ambiguous."""
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat opens reporting rounds."))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the round a name, e.g. “2026 first semester”.")
    elif ReportingRound.objects.filter(name__iexact=name.strip()).exists():
        errors["name"] = _("A round named “%(name)s” already exists.") % {"name": name.strip()}
    if due_on < starts_on:
        errors["due_on"] = _("The due date cannot be before the start.")
    with transaction.atomic():
        already_open = ReportingRound.objects.select_for_update().filter(closed_at__isnull=True).first()
        if already_open is not None:
            errors["__all__"] = _("Close “%(name)s” before opening another round.") % {"name": already_open.name}
        if errors:
            raise ValidationError(errors)
        reporting_round = ReportingRound.objects.create(name=name.strip(), starts_on=starts_on, due_on=due_on)
        reporting_round.declarations.set(declarations)
        # Reports made while no round was open belong to the next one to open: this one.
        waiting = StatusUpdate.objects.filter(reporting_round__isnull=True).update(reporting_round=reporting_round)
        audit_record(
            actor=by,
            action="round.open",
            target=reporting_round,
            changes={
                "due_on": due_on.isoformat(),
                "declarations": [d.pk for d in declarations],
                "reports_carried_in": waiting,
            },
        )
        round_opened.send(sender=ReportingRound, reporting_round=reporting_round)
    return reporting_round


def round_close(*, reporting_round: ReportingRound, by: User) -> ReportingRound:
    """Close a round and freeze its figures: later reports and new declarations leave them as they were."""
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat closes reporting rounds."))
    with transaction.atomic():
        locked = ReportingRound.objects.select_for_update().get(pk=reporting_round.pk)
        if locked.closed_at is not None:
            raise ValidationError({"__all__": _("“%(name)s” is already closed.") % {"name": locked.name}})
        figures = [asdict(row) for row in round_progress(locked)]
        ReportingRound.objects.filter(pk=locked.pk).update(
            closed_at=timezone.now(), closed_figures={"countries": figures}
        )
        audit_record(actor=by, action="round.close", target=locked, changes={"countries": len(figures)})
        locked.refresh_from_db()
        round_closed.send(sender=ReportingRound, reporting_round=locked)
    reporting_round.refresh_from_db()
    return reporting_round


def reminders_send(*, today: datetime.date) -> list[ReminderResult]:
    """Send the open round's reminders due `today`: one per country and kind, ever.

    The ReminderLog row, written in the same transaction as the queued e-mails, makes a second run on
    the same day (or any later day) send nothing again.
    """
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
        officials = reminder_recipients(country)
        if not items or not officials:
            continue
        try:
            with transaction.atomic():
                # The log row is the lock: a concurrent or repeated run fails to insert it and skips.
                log = ReminderLog.objects.create(
                    reporting_round=reporting_round,
                    country=country,
                    kind=kind,
                    recipients=len(officials),
                    open_items=len(items),
                )
                reminder_emails_queue(reporting_round, country, kind, items, officials)
                audit_record(
                    actor=None,
                    action="round.reminder",
                    target=log,
                    changes={"country": country.iso3, "kind": kind, "recipients": len(officials), "open": len(items)},
                )
        except IntegrityError:
            continue
        results.append(ReminderResult(country.iso3, kind, len(officials), len(items)))
    return results
