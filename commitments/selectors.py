"""Every read query of the commitments app; each costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F, QuerySet

from commitments.filters import ImplementationFilter, apply_filters
from commitments.models import Implementation
from declarations.models import MemberCountry


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
