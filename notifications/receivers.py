"""Notifications' answers to what reporting announces (connected in `NotificationsConfig.ready`)."""

from __future__ import annotations

from typing import Any

from notifications.services import notify_review
from reporting.models import Review


def review_written(sender: type[Review], *, review: Review, **kwargs: Any) -> None:
    notify_review(review=review)
