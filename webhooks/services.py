"""Every write of the webhooks app: record an event, deliver it, mark the outcome, send again."""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.request
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from core.api import utc_iso
from core.permissions import is_secretariat
from core.tasks import backoff, enqueue_on_commit
from webhooks import signing
from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event

# Retried with back-off (1 minute, doubling, at most 4 hours apart) for about a day, then failed.
ATTEMPTS = 14
BASE_DELAY = datetime.timedelta(minutes=1)
MAX_DELAY = datetime.timedelta(hours=4)
TIMEOUT_SECONDS = 10


def event_record(*, type: str, data: dict[str, Any]) -> Event:
    """Append an event to the feed and queue a delivery to every active endpoint that wants its type.

    Called inside the change's transaction: the event commits or rolls back with it, and the
    deliveries are enqueued only after the commit.
    """
    event = Event.objects.create(type=type, data=data)
    for endpoint in Endpoint.objects.filter(is_active=True):
        if type in endpoint.event_types:
            delivery = Delivery.objects.create(endpoint=endpoint, event=event)
            _queue(delivery, attempt=1)
    return event


def _queue(delivery: Delivery, *, attempt: int) -> None:
    from webhooks.tasks import deliver

    enqueue_on_commit(deliver, delivery_id=delivery.pk, attempt=attempt)


def _retry_later(delivery: Delivery, *, attempt: int, at: datetime.datetime) -> None:
    """From the worker, outside any transaction: straight into the queue."""
    from webhooks.tasks import deliver

    deliver.using(run_after=at).enqueue(delivery_id=delivery.pk, attempt=attempt)


def payload(event: Event) -> bytes:
    body = {"id": event.pk, "type": event.type, "timestamp": utc_iso(event.created_at), "data": event.data}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _post(endpoint: Endpoint, event: Event) -> tuple[int | None, str]:
    """(status code, error) of one POST; a status of None means no answer at all."""
    body = payload(event)
    timestamp = int(timezone.now().timestamp())
    request = urllib.request.Request(  # noqa: S310 -- the URL is an http(s) URLField set by the secretariat
        endpoint.url,
        data=body,
        method="POST",
        headers=signing.headers(secret=endpoint.secret, message_id=event.message_id, timestamp=timestamp, body=body),
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def delivery_attempt(*, delivery_id: int, attempt: int) -> Delivery | None:
    """One attempt; on failure the next is queued with back-off, and after the last the delivery fails."""
    delivery = Delivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.SUCCEEDED:
        return delivery  # delivered already (a "send again" raced a retry): never twice
    status_code, error = _post(delivery.endpoint, delivery.event)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    delivery.last_attempt_at = now
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
    elif attempt >= ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = now + backoff(attempt, base=BASE_DELAY, cap=MAX_DELAY)
        _retry_later(delivery, attempt=attempt + 1, at=delivery.next_attempt_at)
    delivery.save()
    return delivery


@transaction.atomic
def delivery_resend(*, delivery: Delivery, by: User) -> Delivery:
    """The secretariat's "send again": a fresh series of attempts for a failed (or any) delivery."""
    if not is_secretariat(by):
        raise PermissionDenied
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    locked.status, locked.next_attempt_at = DeliveryStatus.PENDING, None
    locked.save(update_fields=["status", "next_attempt_at"])
    audit_record(actor=by, action="webhook.resend", target=locked.endpoint, changes={"delivery": locked.pk})
    _queue(locked, attempt=1)
    return locked
