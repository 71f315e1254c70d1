"""Every read about reporting rounds: their scope, per-country progress, lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from declarations.models import MemberCountry
from reporting.models import Implementation, ReportingRound, ReviewState, StatusUpdate


def round_scope(reporting_round: ReportingRound) -> QuerySet[Implementation]:
    """The implementations a round asks for: its declarations' (all, when it names none)."""
    queryset = Implementation.objects.filter(country__is_regional=False)
    declaration_ids = [d.pk for d in reporting_round.declarations.all()]
    return queryset.filter(commitment__declaration__in=declaration_ids) if declaration_ids else queryset


@dataclass(frozen=True)
class RoundProgress:
    iso3: str
    name: str
    in_scope: int
    reported: int

    @property
    def percent(self) -> int:
        return round(100 * self.reported / self.in_scope) if self.in_scope else 0


def round_progress(reporting_round: ReportingRound) -> list[RoundProgress]:
    """Per country: in-scope implementations and how many have a report in the round.

    A closed round answers from the figures frozen when it closed.
    """
    name = MemberCountry.name_field()
    if reporting_round.closed_figures is not None:
        # The frozen figures keep the names of the day they closed; the page names countries in its language.
        names = dict(MemberCountry.objects.values_list("iso3", name))
        frozen = [
            {**row, "name": names.get(row["iso3"], row["name"])} for row in reporting_round.closed_figures["countries"]
        ]
        return sorted((RoundProgress(**row) for row in frozen), key=lambda row: row.name)
    # A returned report is not the country's word: it counts once corrected.
    in_round = StatusUpdate.objects.filter(reporting_round=reporting_round, implementation=OuterRef("pk")).exclude(
        review_state=ReviewState.RETURNED
    )
    rows = (
        round_scope(reporting_round)
        .annotate(reported=Exists(in_round))
        .order_by()
        .values("country__iso3", f"country__{name}")
        .annotate(in_scope=Count("pk"), reported_count=Count("pk", filter=Q(reported=True)))
        .order_by(f"country__{name}")
    )
    return [
        RoundProgress(
            iso3=row["country__iso3"],
            name=row[f"country__{name}"],
            in_scope=row["in_scope"],
            reported=row["reported_count"],
        )
        for row in rows
    ]


def round_list() -> QuerySet[ReportingRound]:
    return ReportingRound.objects.prefetch_related(*DECLARATIONS_WITH_TRANSLATIONS).order_by("-starts_on", "-pk")


# The declarations' titles in the reader's language come from their translations.
DECLARATIONS_WITH_TRANSLATIONS = ("declarations", "declarations__translations")


def round_get(*, pk: int) -> ReportingRound:
    return ReportingRound.objects.prefetch_related(*DECLARATIONS_WITH_TRANSLATIONS).get(pk=pk)


def round_current() -> ReportingRound | None:
    """The round open now (at most one), or None: then the secretariat may open one."""
    return ReportingRound.objects.current()
