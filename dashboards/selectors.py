"""Reads behind the dashboards that are not the matrix itself (see `dashboards.figures`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F

from declarations.models import Declaration, MemberCountry
from declarations.selectors import translated
from reporting.history import STATE_STATUS, annotate_state
from reporting.models import Implementation, Status
from reporting.selectors import SummaryRow


@dataclass
class PublicBlock:
    declaration: Declaration
    rows: list[SummaryRow]


def public_summary() -> list[PublicBlock]:
    """Per declaration and country, statuses counted from accepted reports only: one grouped query."""
    grouped = (
        annotate_state(Implementation.objects.filter(country__is_regional=False), accepted_only=True)
        .order_by()
        .values("commitment__declaration_id", "country_id", STATE_STATUS)
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[int, dict[str, int]]] = {}
    for row in grouped:
        per_country = counts.setdefault(row["commitment__declaration_id"], {})
        per_country.setdefault(row["country_id"], dict.fromkeys(Status.values, 0))[row[STATE_STATUS]] = row["n"]
    countries = MemberCountry.objects.in_bulk()
    return [
        PublicBlock(
            declaration=declaration,
            rows=sorted(
                (SummaryRow(country=countries[pk], counts=c) for pk, c in counts.get(declaration.pk, {}).items()),
                key=lambda row: row.country.sort_key,
            ),
        )
        for declaration in Declaration.objects.order_by(
            F("adopted_on").desc(nulls_last=True), "title"
        ).prefetch_related(*translated(commitment=None))
    ]
