"""The state of implementations at a point in time, computed from the append-only updates.

The current state lives on Implementation (fast, denormalised). Past states — "as of the end
of 14 March", "as reported in the 2026 first round", "counting accepted reports only" — are
the latest matching update, which these annotations find with one correlated subquery each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from reporting.models import Implementation, ReportingRound, ReviewState, Status, StatusUpdate

STATE_STATUS = "state_status"


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the service's time zone (reports before it count)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def annotate_state(
    queryset: QuerySet[Implementation],
    *,
    before: datetime.datetime | None = None,
    reporting_round: ReportingRound | None = None,
    accepted_only: bool = False,
) -> QuerySet[Implementation]:
    """Annotate each implementation with the state its latest matching update gives it.

    With no matching update the state is `not_reported`, progress and date empty, version 0.
    """
    updates = StatusUpdate.objects.filter(implementation=OuterRef("pk"))
    if before is not None:
        updates = updates.filter(reported_at__lt=before)
    if reporting_round is not None:
        updates = updates.filter(reporting_round=reporting_round)
    if accepted_only:
        updates = updates.filter(review_state=ReviewState.ACCEPTED)
    latest = updates.order_by("-sequence")
    return queryset.annotate(
        state_status=Coalesce(Subquery(latest.values("status")[:1]), Value(Status.NOT_REPORTED)),
        state_progress=Subquery(latest.values("progress")[:1]),
        state_reported_at=Subquery(latest.values("reported_at")[:1]),
        state_version=Coalesce(Subquery(latest.values("sequence")[:1]), Value(0), output_field=IntegerField()),
    )


def has_state(queryset: QuerySet[Implementation]) -> bool:
    return "state_status" in queryset.query.annotations


@dataclass(frozen=True)
class State:
    status: str
    progress: int | None
    reported_at: datetime.datetime | None
    version: int


def state_of(implementation: Implementation) -> State:
    """The state `annotate_state` computed for this row if it did, else the current columns."""
    if hasattr(implementation, STATE_STATUS):
        return State(
            status=getattr(implementation, STATE_STATUS),
            progress=getattr(implementation, "state_progress", None),
            reported_at=getattr(implementation, "state_reported_at", None),
            version=getattr(implementation, "state_version", 0),
        )
    return State(
        status=implementation.status,
        progress=implementation.progress,
        reported_at=implementation.last_reported_at,
        version=implementation.version,
    )


# The current state's columns, and those `annotate_state` adds; `state_of_row` reads either.
CURRENT_FIELDS = ("status", "progress", "last_reported_at", "version")
STATE_FIELDS = (STATE_STATUS, "state_progress", "state_reported_at", "state_version")


def state_of_row(row: dict[str, Any]) -> State:
    """`state_of` for a `.values()` row of an implementation (its `status`, … and any `state_*`)."""
    if STATE_STATUS in row:
        return State(
            status=row[STATE_STATUS],
            progress=row["state_progress"],
            reported_at=row["state_reported_at"],
            version=row["state_version"],
        )
    return State(
        status=row["status"], progress=row["progress"], reported_at=row["last_reported_at"], version=row["version"]
    )
