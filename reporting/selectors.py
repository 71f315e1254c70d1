"""Every read query of the commitments app; each costs a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from core.filters import apply_filters, filtered
from core.permissions import can_view_all_countries
from declarations.models import Declaration, MemberCountry
from declarations.selectors import translated
from reporting.filters import ImplementationFilter, ReviewQueueFilter
from reporting.history import STATE_STATUS, annotate_state, end_of_day, state_fields
from reporting.models import (
    PENDING_REVIEW,
    Evidence,
    Implementation,
    ReportingRound,
    ReviewState,
    Status,
    StatusUpdate,
)
from reporting.tallies import tally_counts, tally_total


def current_round() -> ReportingRound | None:
    return ReportingRound.objects.current()


def country_implementations(*, country: MemberCountry, filters: Mapping[str, Any]) -> QuerySet[Implementation]:
    """A country's implementations, grouped by declaration then commitment number."""
    queryset = (
        Implementation.objects.filter(country=country)
        .select_related("commitment__declaration")
        .prefetch_related(*translated(declaration="commitment__declaration", commitment="commitment"))
        .order_by(
            F("commitment__declaration__adopted_on").desc(nulls_last=True),
            "commitment__declaration__title",
            "commitment__number",
        )
    )
    return apply_filters(ImplementationFilter, filters, queryset)


class Attention:
    """Why a row of a country's workspace comes first: the smaller, the sooner."""

    RETURNED = 0
    NOT_REPORTED_IN_ROUND = 1
    STALE = 2
    UP_TO_DATE = 3


def country_workspace(
    *, country: MemberCountry, filters: Mapping[str, Any], reporting_round: ReportingRound | None
) -> QuerySet[Implementation]:
    """A country's implementations, what needs attention first: returned, then not reported in the
    round (never reported when no round is open), then stale, then the rest; each by declaration and
    number. Each row carries `attention` and `in_round` (reported in the round). One query."""
    in_round = _reported_in(reporting_round) | ~_round_scope(reporting_round)
    stale_before = timezone.now() - datetime.timedelta(days=settings.RCM_STALE_DAYS)
    queryset = country_implementations(country=country, filters=filters).annotate(
        in_round=ExpressionWrapper(in_round, output_field=BooleanField()),
    )
    queryset = queryset.annotate(
        attention=Case(
            When(review_state=ReviewState.RETURNED, then=Value(Attention.RETURNED)),
            When(in_round=False, then=Value(Attention.NOT_REPORTED_IN_ROUND)),
            When(last_reported_at__lt=stale_before, then=Value(Attention.STALE)),
            default=Value(Attention.UP_TO_DATE),
            output_field=IntegerField(),
        )
    )
    return queryset.order_by(
        "attention",
        F("commitment__declaration__adopted_on").desc(nulls_last=True),
        "commitment__declaration__title",
        "commitment__number",
    )


def country_round_count(*, country: MemberCountry, reporting_round: ReportingRound | None) -> tuple[int, int]:
    """(reported in the round, in the round's scope) for one country: "x of y reported this round"."""
    scope = Implementation.objects.filter(Q(country=country) & _round_scope(reporting_round))
    totals = scope.aggregate(total=Count("pk"), reported=Count("pk", filter=_reported_in(reporting_round)))
    return int(totals["reported"]), int(totals["total"])


def _round_scope(reporting_round: ReportingRound | None) -> Q:
    """The implementations a round asks about: its declarations, or all when it names none."""
    if reporting_round is None:
        return Q()
    in_scope = ReportingRound.declarations.through.objects.filter(reportinground_id=reporting_round.pk)
    return Q(Exists(in_scope.filter(declaration_id=OuterRef("commitment__declaration_id")))) | ~Q(Exists(in_scope))


def _reported_in(reporting_round: ReportingRound | None) -> Q:
    """Reported in the round (a returned report does not count); with no round open, reported ever."""
    if reporting_round is None:
        return Q(version__gt=0) & ~Q(status=Status.NOT_REPORTED)
    return Q(
        Exists(
            StatusUpdate.objects.filter(implementation=OuterRef("pk"), reporting_round=reporting_round).exclude(
                review_state=ReviewState.RETURNED
            )
        )
    )


def next_to_report(
    *, country: MemberCountry, reporting_round: ReportingRound | None, after: Implementation
) -> Implementation | None:
    """The first implementation of the workspace's order, other than `after`, that still needs attention."""
    return (
        country_workspace(country=country, filters={}, reporting_round=reporting_round)
        .exclude(pk=after.pk)
        .filter(**{"attention__lt": Attention.UP_TO_DATE})
        .first()
    )


def as_validated(implementations: list[Implementation]) -> list[Implementation]:
    """Rows annotated with `annotate_state(accepted_only=True)` shown as their validated state, for
    readers who see only what the secretariat accepted (observers). The instances are never saved."""
    for implementation in implementations:
        implementation.status = implementation.state_status  # type: ignore[attr-defined]
        implementation.progress = implementation.state_progress  # type: ignore[attr-defined]
        implementation.last_reported_at = implementation.state_reported_at  # type: ignore[attr-defined]
        implementation.review_state = implementation.state_review_state  # type: ignore[attr-defined]
    return implementations


def implementation_validated(*, implementation: Implementation) -> Implementation:
    """The implementation as an observer reads it: its validated state (latest accepted update)."""
    annotated = annotate_state(Implementation.objects.filter(pk=implementation.pk), accepted_only=True)
    fields = ("state_status", "state_progress", "state_reported_at", "state_review_state")
    row = annotated.values(*fields).get()
    implementation.status = row["state_status"]
    implementation.progress = row["state_progress"]
    implementation.last_reported_at = row["state_reported_at"]
    implementation.review_state = row["state_review_state"]  # "accepted", or empty with no accepted update
    return implementation


def validated_history(*, implementation: Implementation) -> QuerySet[StatusUpdate]:
    """The timeline an observer reads: accepted updates only, newest first (no review comments shown)."""
    return implementation_history(implementation=implementation).filter(review_state=ReviewState.ACCEPTED)


def implementation_get(*, pk: int, language: str | None = None) -> Implementation:
    """One implementation; with `language`, its declaration's and commitment's texts in it for a page
    (the API, which keeps the original texts, needs neither)."""
    queryset = Implementation.objects.select_related("commitment__declaration", "country")
    if language is not None:
        queryset = queryset.prefetch_related(
            *translated(declaration="commitment__declaration", commitment="commitment", language=language)
        )
    return queryset.get(pk=pk)


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


def update_get(*, pk: int) -> StatusUpdate:
    return (
        StatusUpdate.objects.select_related(
            "implementation__country", "reported_by", "review__reviewed_by", "reporting_round"
        )
        .prefetch_related(_with_evidence())
        .get(pk=pk)
    )


def review_queue(*, filters: Mapping[str, Any]) -> QuerySet[StatusUpdate]:
    """Updates awaiting review across countries, oldest first: the first in is the first answered."""
    queryset = (
        StatusUpdate.objects.filter(review_state=ReviewState.PENDING)
        .select_related("implementation__commitment__declaration", "implementation__country", "reported_by")
        .prefetch_related(
            _with_evidence(),
            *translated(declaration="implementation__commitment__declaration", commitment="implementation__commitment"),
        )
        .order_by("reported_at", "pk")
    )
    return apply_filters(ReviewQueueFilter, filters, queryset)


def evidence_get(*, pk: int) -> Evidence:
    return Evidence.objects.select_related("update__implementation").get(pk=pk)


def _visible_to(queryset: QuerySet[Implementation], user: User) -> QuerySet[Implementation]:
    return queryset if can_view_all_countries(user) else queryset.filter(country_id=user.country_id)


# The list's default order, unique: paging (by number or cursor) and exports follow it.
IMPLEMENTATION_ORDER = ("commitment__declaration_id", "commitment__number", "country__iso3", "pk")


def _ordered_implementations() -> QuerySet[Implementation]:
    # A stable default order, for paging and exports. Its readers take `.values()` rows, which
    # make their own joins: no select_related.
    return Implementation.objects.order_by(*IMPLEMENTATION_ORDER)


def implementation_list(*, user: User, filters: Mapping[str, Any]) -> QuerySet[Implementation]:
    """Implementations the user may see, filtered."""
    return implementation_list_filtered(user=user, filters=filters)[0]


# Filters whose matches the status tallies count: one row per declaration × country × status.
TALLIED_FILTERS = frozenset({"country", "declaration", "status", "ordering"})


def implementation_list_filtered(
    *, user: User, filters: Mapping[str, Any]
) -> tuple[QuerySet[Implementation], dict[str, Any]]:
    """`implementation_list`, and the filter values as understood, for `implementation_tallied_total`."""
    return filtered(ImplementationFilter, filters, _visible_to(_ordered_implementations(), user))


def implementation_tallied_total(*, user: User, values: Mapping[str, Any]) -> Expression | None:
    """How many implementations the list filtered by `values` holds, as read from the status tallies.

    An expression to annotate the page with: a sum over at most countries × statuses rows, however
    many implementations match. Only when country, declaration and status alone narrow the list,
    the way integrators page through it; with any other filter, None: the caller counts the rows.
    """
    if any(value for name, value in values.items() if name not in TALLIED_FILTERS):
        return None
    country_id: int | None = values.get("country")
    if not can_view_all_countries(user):
        if user.country_id is None or country_id not in (None, user.country_id):
            return Value(0)
        country_id = user.country_id
    declaration: Declaration | None = values.get("declaration")
    return tally_total(
        declaration_id=declaration.pk if declaration else None, country_id=country_id, statuses=values.get("status")
    )


# The list's columns, read as plain values: building a page of rows costs no model instances.
ROW_FIELDS = (
    "id",
    "commitment__declaration_id",
    "commitment_id",
    "commitment__number",
    "commitment__text",
    "country__iso3",
    "status",
    "progress",
    "last_reported_at",
    "version",
    "review_state",
    "updated_at",
)


def implementation_rows(queryset: QuerySet[Implementation], *extra: str) -> QuerySet[Implementation, dict[str, Any]]:
    """The same implementations as dictionaries of ROW_FIELDS and `extra` (and the `as_of` state if annotated)."""
    rows: QuerySet[Implementation, dict[str, Any]] = queryset.values(*ROW_FIELDS, *extra, *state_fields(queryset))
    return rows


@dataclass(frozen=True)
class SummaryRow:
    country: MemberCountry
    counts: dict[str, int]
    pending_review: int = 0  # updates in the secretariat's review queue now

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def implementation_summary(
    *,
    user: User,
    declaration: Declaration | None = None,
    reporting_round: ReportingRound | None = None,
    as_of: datetime.date | None = None,
    accepted_only: bool = False,
) -> list[SummaryRow]:
    """Counts of implementations per country × status: one grouped query, zeros filled in.

    Without a round, a date or `accepted_only`, the tallies the writers keep answer directly;
    otherwise the state is taken from the latest matching update of each implementation.
    """
    counts: dict[int, dict[str, int]] = {}
    declaration_ids = None if declaration is None else [declaration.pk]
    country_ids = None if can_view_all_countries(user) else [user.country_id or 0]
    fast = reporting_round is None and as_of is None and not accepted_only
    # The review queue is the present's whatever the question, and the tallies keep it.
    tallies = tally_counts(
        declaration_ids=declaration_ids, country_ids=country_ids, key=None if fast else PENDING_REVIEW
    )
    pending = {country_id: n for (country_id, key), n in tallies.items() if key == PENDING_REVIEW}
    if fast:
        statuses = Status.values  # computed by the enum on every access: once here, not per row
        for (country_id, key), n in tallies.items():
            if key in statuses and n:
                counts.setdefault(country_id, dict.fromkeys(statuses, 0))[key] = n
        return _summary_rows(counts, pending)
    queryset = _visible_to(Implementation.objects.all(), user)
    if declaration is not None:
        queryset = queryset.filter(commitment__declaration=declaration)
    elif reporting_round is not None and reporting_round.pk and reporting_round.declarations.exists():
        queryset = queryset.filter(commitment__declaration__in=reporting_round.declarations.all())
    queryset = annotate_state(
        queryset,
        before=end_of_day(as_of) if as_of else None,
        reporting_round=reporting_round,
        accepted_only=accepted_only,
    )
    grouped = queryset.order_by().values("country_id", STATE_STATUS).annotate(n=Count("pk"))
    for row in grouped:
        counts.setdefault(row["country_id"], dict.fromkeys(Status.values, 0))[row[STATE_STATUS]] = row["n"]
    return _summary_rows(counts, pending)


def _summary_rows(counts: dict[int, dict[str, int]], pending: dict[int, int]) -> list[SummaryRow]:
    countries = MemberCountry.objects.filter(pk__in=counts).order_by(MemberCountry.name_field())
    return [
        SummaryRow(country=country, counts=counts[country.pk], pending_review=pending.get(country.pk, 0))
        for country in countries
    ]


def regional_implementations(*, declaration: Declaration) -> dict[int, Implementation]:
    """The implementations the secretariat follows for the Conference as a whole, by commitment id."""
    rows = Implementation.objects.filter(commitment__declaration=declaration, country__is_regional=True)
    return {implementation.commitment_id: implementation for implementation in rows}
