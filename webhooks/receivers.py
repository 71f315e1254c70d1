"""Turn the lower apps' signals into events (each sent inside the change's transaction)."""

from __future__ import annotations

from typing import Any

from core.api import utc_iso
from webhooks.models import EventType
from webhooks.services import event_record


def update_reported(sender: Any, *, update: Any, **kwargs: Any) -> None:
    implementation = update.implementation
    event_record(
        type=EventType.UPDATE_SUBMITTED,
        data={
            "update": update.pk,
            "implementation": implementation.pk,
            "country": implementation.country.iso3,
            "declaration": implementation.commitment.declaration_id,
            "commitment_number": implementation.commitment.number,
            "status": update.status,
            "progress": update.progress,
            "reported_at": utc_iso(update.reported_at),
        },
    )


def update_reviewed(sender: Any, *, review: Any, **kwargs: Any) -> None:
    event_record(
        type=EventType.UPDATE_REVIEWED,
        data={
            "update": review.update_id,
            "implementation": review.update.implementation_id,
            "decision": review.decision,
            "reviewed_at": utc_iso(review.reviewed_at),
        },
    )


def declaration_loaded(sender: Any, *, declaration: Any, **kwargs: Any) -> None:
    event_record(
        type=EventType.DECLARATION_LOADED,
        data={"declaration": declaration.pk, "title": declaration.title, "language": declaration.language},
    )


def _round(reporting_round: Any) -> dict[str, Any]:
    return {
        "round": reporting_round.pk,
        "name": reporting_round.name,
        "starts_on": reporting_round.starts_on.isoformat(),
        "due_on": reporting_round.due_on.isoformat(),
        "closed_at": utc_iso(reporting_round.closed_at),
    }


def round_opened(sender: Any, *, reporting_round: Any, **kwargs: Any) -> None:
    event_record(type=EventType.ROUND_OPENED, data=_round(reporting_round))


def round_closed(sender: Any, *, reporting_round: Any, **kwargs: Any) -> None:
    event_record(type=EventType.ROUND_CLOSED, data=_round(reporting_round))
