from __future__ import annotations

from django.db.models import QuerySet

from webhooks.models import Delivery, Endpoint, Event, EventType

FEED_PAGE = 100


def delivery_list() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("endpoint", "event").order_by("-pk")


def endpoint_list() -> QuerySet[Endpoint]:
    return Endpoint.objects.order_by("url", "pk")


def event_feed(*, after: int, limit: int = FEED_PAGE, validated_only: bool = False) -> list[Event]:
    """Events after the one with id `after`, oldest first (ids only grow: a consumer resumes where it stopped).

    `validated_only` (observers): no update still awaiting review and no returned one, only acceptances.
    """
    events = Event.objects.filter(pk__gt=after)
    if validated_only:
        events = events.exclude(type=EventType.UPDATE_SUBMITTED).exclude(
            type=EventType.UPDATE_REVIEWED, data__decision="returned"
        )
    return list(events.order_by("pk")[:limit])
