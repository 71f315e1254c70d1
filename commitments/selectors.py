"""Every read query of the commitments app; each costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from commitments.filters import ImplementationFilter, ReviewQueueFilter, apply_filters
from commitments.models import Evidence, Implementation, ReportingRound, ReviewState, StatusUpdate
from declarations.models import MemberCountry


def current_round() -> ReportingRound | None:
    return ReportingRound.objects.current()


def country_implementations(*, country: MemberCountry, filters: Mapping[str, Any]) -> QuerySet[Implementation]:
    """A country's implementations, grouped by declaration then commitment number."""
    queryset = (
        Implementation.objects.filter(country=country)
        .select_related("commitment__declaration")
        .order_by(
            F("commitment__declaration__adopted_on").desc(nulls_last=True),
            "commitment__declaration__title",
            "commitment__number",
        )
    )
    return apply_filters(ImplementationFilter, filters, queryset)


def implementation_get(*, pk: int) -> Implementation:
    return Implementation.objects.select_related("commitment__declaration", "country").get(pk=pk)


def _with_evidence() -> Prefetch[str, QuerySet[Evidence], str]:
    return Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))


def implementation_history(*, implementation: Implementation) -> QuerySet[StatusUpdate]:
    """The timeline, newest first, with who reported, the evidence and the review."""
    return (
        StatusUpdate.objects.filter(implementation=implementation)
        .select_related("reported_by", "review__reviewed_by", "reporting_round")
        .prefetch_related(_with_evidence())
        .order_by("-sequence")
    )


def review_queue(*, filters: Mapping[str, Any]) -> QuerySet[StatusUpdate]:
    """Updates awaiting review across countries, oldest first: the first in is the first answered."""
    queryset = (
        StatusUpdate.objects.filter(review_state=ReviewState.PENDING)
        .select_related("implementation__commitment__declaration", "implementation__country", "reported_by")
        .prefetch_related(_with_evidence())
        .order_by("reported_at", "pk")
    )
    return apply_filters(ReviewQueueFilter, filters, queryset)


def evidence_get(*, pk: int) -> Evidence:
    return Evidence.objects.select_related("update__implementation").get(pk=pk)
