"""Webhook deliveries through the task queue: a receiver that is slow or down never holds up a request."""

from __future__ import annotations

from django_tasks import task

from webhooks.services import delivery_attempt


@task()
def deliver(*, delivery_id: int, attempt: int = 1) -> str | None:
    delivery = delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    return delivery.status if delivery else None
