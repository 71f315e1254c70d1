"""Reminders sent per round. The rounds themselves are `reporting.models.ReportingRound`: every update names one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from declarations.models import MemberCountry
from reporting.models import ReportingRound


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("A week before the due date")
    AFTER_DUE = "after_due", _("A week after the due date")


class ReminderLog(models.Model):
    """One reminder sent to one country for one round: what makes `send_reminders` idempotent."""

    reporting_round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    country = models.ForeignKey(MemberCountry, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)
    open_items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reporting_round", "country", "kind"], name="reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.reporting_round} · {self.country} · {self.kind}"
