"""Events (an append-only feed) and their deliveries to the endpoints the secretariat registered."""

from __future__ import annotations

import base64
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    UPDATE_SUBMITTED = "update.submitted", _("Update submitted")
    UPDATE_REVIEWED = "update.reviewed", _("Update reviewed")
    DECLARATION_LOADED = "declaration.loaded", _("Declaration loaded or corrected")
    ROUND_OPENED = "round.opened", _("Round opened")
    ROUND_CLOSED = "round.closed", _("Round closed")


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def all_event_types() -> list[str]:
    return list(EventType.values)


class Endpoint(models.Model):
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=100, default=new_secret, help_text="whsec_… (Standard Webhooks)")
    event_types = models.JSONField(default=all_event_types, help_text="Event types sent to this endpoint.")
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url


class Event(models.Model):
    """Never edited or deleted: the feed at /api/v1/events/ and what deliveries carry."""

    type = models.CharField(max_length=32, choices=EventType.choices)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def message_id(self) -> str:
        """`webhook-id`: the same for every attempt and endpoint, so a receiver can drop duplicates."""
        return f"evt_{self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="delivery_once_per_endpoint")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
