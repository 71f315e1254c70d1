"""Reporting's answers to what the apps below it announce (connected in `ReportingConfig.ready`)."""

from __future__ import annotations

from typing import Any

from declarations.models import Declaration
from reporting import services


def guard_recorded_reports(
    sender: type[Declaration],
    *,
    declaration: Declaration,
    dropped_numbers: list[int],
    dropped_countries: set[int],
    **kwargs: Any,
) -> str | None:
    return services.implementations_guard(
        declaration=declaration, dropped_numbers=dropped_numbers, dropped_countries=dropped_countries
    )


def sync_implementations(
    sender: type[Declaration], *, declaration: Declaration, dropped_countries: set[int], **kwargs: Any
) -> None:
    services.implementations_sync(declaration=declaration, dropped_countries=dropped_countries)


def recount_tallies(sender: object, **kwargs: Any) -> None:
    services.tallies_rebuild()
