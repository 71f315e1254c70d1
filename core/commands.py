"""Helpers shared by the project's scheduled management commands."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def today_option(value: str | None) -> datetime.date:
    """`--today YYYY-MM-DD` lets a schedule be tested; without it, today in the service's time zone."""
    if not value:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today {value!r} is not a date in the form YYYY-MM-DD") from None
