"""The state of implementations at a point in time, computed from the append-only updates.

The current state lives on Implementation (fast, denormalised). Past states — "as of the end
of 14 March", "as reported in the 2026 first round", "counting accepted reports only" — are
the latest matching update, which these annotations find with one correlated subquery each.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
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

    The *reported* state by default: the latest update not returned (a returned update is never
    the country's state); with `accepted_only`, the *validated* state: the latest accepted one.
    With no matching update the state is `not_reported`, progress, date and review state empty,
    version 0.
    """
    every = StatusUpdate.objects.filter(implementation=OuterRef("pk"))
    if before is not None:
        every = every.filter(reported_at__lt=before)
    if reporting_round is not None:
        every = every.filter(reporting_round=reporting_round)
    updates = every.exclude(review_state=ReviewState.RETURNED)
    if accepted_only:
        updates = updates.filter(review_state=ReviewState.ACCEPTED)
    else:
        # The latest matching update was returned: the state shown is the one before it, marked
        # "returned, awaiting correction" as the current state is.
        queryset = queryset.annotate(
            state_latest_review=Subquery(every.order_by("-sequence").values("review_state")[:1])
        )
    latest = updates.order_by("-sequence")
    return queryset.annotate(
        state_status=Coalesce(Subquery(latest.values("status")[:1]), Value(Status.NOT_REPORTED)),
        state_progress=Subquery(latest.values("progress")[:1]),
        state_reported_at=Subquery(latest.values("reported_at")[:1]),
        state_version=Coalesce(Subquery(latest.values("sequence")[:1]), Value(0), output_field=IntegerField()),
        state_review_state=Coalesce(Subquery(latest.values("review_state")[:1]), Value("")),
    )


VALIDATED_STATUS = "validated_status"


def annotate_validated(
    queryset: QuerySet[Implementation],
    *,
    reporting_round: ReportingRound | None = None,
    before: datetime.datetime | None = None,
) -> QuerySet[Implementation]:
    """Add `validated_status`: the status of the latest accepted update (`not_reported` if none),
    so the secretariat's validation reads beside the country's reported state in the same rows."""
    accepted = StatusUpdate.objects.filter(implementation=OuterRef("pk"), review_state=ReviewState.ACCEPTED)
    if reporting_round is not None:
        accepted = accepted.filter(reporting_round=reporting_round)
    if before is not None:
        accepted = accepted.filter(reported_at__lt=before)
    latest = accepted.order_by("-sequence").values("status")[:1]
    return queryset.annotate(**{VALIDATED_STATUS: Coalesce(Subquery(latest), Value(Status.NOT_REPORTED))})


def has_state(queryset: QuerySet[Implementation]) -> bool:
    return "state_status" in queryset.query.annotations


def state_fields(queryset: QuerySet[Implementation]) -> tuple[str, ...]:
    """The `annotate_state` columns this queryset carries, to read with `.values()` (none without it)."""
    if not has_state(queryset):
        return ()
    return (*STATE_FIELDS, *(("state_latest_review",) if "state_latest_review" in queryset.query.annotations else ()))


@dataclass(frozen=True)
class State:
    status: str
    progress: int | None
    reported_at: datetime.datetime | None
    version: int
    review_state: str


def state_of(implementation: Implementation) -> State:
    """The state `annotate_state` computed for this row if it did, else the current columns."""
    if hasattr(implementation, STATE_STATUS):
        return State(
            status=getattr(implementation, STATE_STATUS),
            progress=getattr(implementation, "state_progress", None),
            reported_at=getattr(implementation, "state_reported_at", None),
            version=getattr(implementation, "state_version", 0),
            review_state=_shown_review(
                getattr(implementation, "state_review_state", ""), getattr(implementation, "state_latest_review", None)
            ),
        )
    return State(
        status=implementation.status,
        progress=implementation.progress,
        reported_at=implementation.last_reported_at,
        version=implementation.version,
        review_state=implementation.review_state,
    )


def _shown_review(state_review: str, latest_review: str | None) -> str:
    return ReviewState.RETURNED if latest_review == ReviewState.RETURNED else state_review


# The current state's columns, and those `annotate_state` adds; `state_of_row` reads either.
CURRENT_FIELDS = ("status", "progress", "last_reported_at", "version", "review_state")
STATE_FIELDS = (STATE_STATUS, "state_progress", "state_reported_at", "state_version", "state_review_state")


def state_of_row(row: Mapping[str, Any]) -> State:
    """`state_of` for a `.values()` row of an implementation (its `status`, … and any `state_*`)."""
    if STATE_STATUS in row:
        return State(
            status=row[STATE_STATUS],
            progress=row["state_progress"],
            reported_at=row["state_reported_at"],
            version=row["state_version"],
            review_state=_shown_review(row["state_review_state"], row.get("state_latest_review")),
        )
    return State(
        status=row["status"],
        progress=row["progress"],
        reported_at=row["last_reported_at"],
        version=row["version"],
        review_state=row["review_state"],
    )
