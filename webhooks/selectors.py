from __future__ import annotations

from django.db.models import QuerySet

from webhooks.models import Delivery, Endpoint, Event

FEED_PAGE = 100


def delivery_list() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("endpoint", "event").order_by("-pk")


def endpoint_list() -> QuerySet[Endpoint]:
    return Endpoint.objects.order_by("url", "pk")


def event_feed(*, after: int, limit: int = FEED_PAGE) -> list[Event]:
    """Events after the one with id `after`, oldest first (ids only grow: a consumer resumes where it stopped)."""
    return list(Event.objects.filter(pk__gt=after).order_by("pk")[:limit])
