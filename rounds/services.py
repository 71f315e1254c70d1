"""Every write about reporting rounds: opening and closing them (reminders are in `rounds.reminders`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.permissions import is_secretariat
from declarations.models import Declaration
from reporting.models import ReportingRound
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
        audit_record(
            actor=by,
            action="round.open",
            target=reporting_round,
            changes={"due_on": due_on.isoformat(), "declarations": [d.pk for d in declarations]},
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
