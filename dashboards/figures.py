"""The secretariat's dashboard: one query for the implementations, figures computed from those rows.

A page shows at most the implementations of the chosen declarations (today 298; a global
process with 200 countries × 100 commitments is 20,000 cells for one declaration), so the
figures are summed in Python from the rows the matrix needs anyway: one pass, no second scan.
The implementations are read as plain values and the few commitments and countries once each:
a cell costs a small dataclass, not four model instances and a prefetch.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from declarations.models import Commitment, Declaration, MemberCountry
from declarations.selectors import translated
from reporting.history import CURRENT_FIELDS, STATE_FIELDS, annotate_state, has_state, state_of_row
from reporting.models import PENDING_REVIEW, Implementation, ReportingRound, Status
from reporting.tallies import tally_counts

DONE = (Status.COMPLETED, Status.ONGOING)


@dataclass
class Cell:
    pk: int  # the implementation's
    country_id: int
    status: str
    progress: int | None
    reported_at: datetime.datetime | None
    stale: bool

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass
class Figures:
    """Counts per status, completion (share completed or ongoing) and average reported progress."""

    counts: Counter[str] = field(default_factory=Counter)
    progress_values: list[int] = field(default_factory=list)
    stale: int = 0

    def add(self, cell: Cell) -> None:
        self.counts[cell.status] += 1
        if cell.progress is not None:
            self.progress_values.append(cell.progress)
        self.stale += cell.stale

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts[status] for status in DONE)

    @property
    def completion(self) -> int | None:
        return round(100 * self.done / self.total) if self.total else None

    @property
    def average_progress(self) -> int | None:
        return round(sum(self.progress_values) / len(self.progress_values)) if self.progress_values else None

    @property
    def not_reported(self) -> int:
        return self.counts[Status.NOT_REPORTED]

    def ordered_counts(self) -> list[tuple[str, str, int]]:
        return [(code, str(label), self.counts[code]) for code, label in Status.choices]


@dataclass
class CommitmentRow:
    commitment: Commitment
    cells: list[Cell | None]
    figures: Figures


@dataclass
class DeclarationBlock:
    declaration: Declaration
    countries: list[MemberCountry]
    rows: list[CommitmentRow]
    country_figures: list[Figures]


@dataclass
class Dashboard:
    blocks: list[DeclarationBlock]
    figures: Figures
    country_figures: list[tuple[MemberCountry, Figures]]
    pending_reviews: int
    stale_days: int


def _cells(implementations: QuerySet[Implementation], *, stale_before: datetime.datetime) -> Iterable[tuple[int, Cell]]:
    """(commitment id, cell) for each implementation, in the state the queryset asks for."""
    rows = implementations.values(
        "pk", "commitment_id", "country_id", *CURRENT_FIELDS, *(STATE_FIELDS if has_state(implementations) else ())
    )
    for row in rows:
        state = state_of_row(row)
        cell = Cell(
            pk=row["pk"],
            country_id=row["country_id"],
            status=state.status,
            progress=state.progress,
            reported_at=state.reported_at,
            stale=state.reported_at is not None and state.reported_at < stale_before,
        )
        yield row["commitment_id"], cell


def build_dashboard(
    *,
    declarations: Sequence[Declaration],
    countries: Sequence[MemberCountry] = (),
    statuses: Sequence[str] = (),
    reporting_round: ReportingRound | None = None,
) -> Dashboard:
    stale_days: int = settings.RCM_STALE_DAYS
    stale_before = timezone.now() - datetime.timedelta(days=stale_days)
    implementations = Implementation.objects.filter(
        commitment__declaration__in=declarations, country__is_regional=False
    ).order_by()
    if countries:
        implementations = implementations.filter(country__in=countries)
    if reporting_round is not None:
        implementations = annotate_state(implementations, reporting_round=reporting_round)
    prefetch_related_objects(list(declarations), *translated(commitment=None))
    declaration_by_id = {declaration.pk: declaration for declaration in declarations}
    commitments = {
        c.pk: c
        for c in Commitment.objects.filter(declaration__in=declarations).prefetch_related(*translated(declaration=None))
    }
    for commitment in commitments.values():
        commitment.declaration = declaration_by_id[commitment.declaration_id]  # no query per commitment
    cells = [
        (commitments[commitment_id], cell)
        for commitment_id, cell in _cells(implementations, stale_before=stale_before)
        if not statuses or cell.status in statuses
    ]
    country_by_id = {c.pk: c for c in MemberCountry.objects.filter(pk__in={cell.country_id for _, cell in cells})}

    by_declaration: dict[int, list[tuple[Commitment, Cell]]] = defaultdict(list)
    for commitment, cell in cells:
        by_declaration[commitment.declaration_id].append((commitment, cell))
    overall = Figures()
    per_country: dict[int, Figures] = defaultdict(Figures)
    blocks = []
    for declaration in declarations:
        block_cells = by_declaration.get(declaration.pk, [])
        block_countries = sorted({country_by_id[cell.country_id] for _, cell in block_cells}, key=lambda c: c.sort_key)
        column = {country.pk: index for index, country in enumerate(block_countries)}
        rows: dict[int, CommitmentRow] = {}
        block_country_figures = [Figures() for _ in block_countries]
        for commitment, cell in block_cells:
            row = rows.get(commitment.pk)
            if row is None:
                row = rows[commitment.pk] = CommitmentRow(commitment, [None] * len(block_countries), Figures())
            row.cells[column[cell.country_id]] = cell
            row.figures.add(cell)
            block_country_figures[column[cell.country_id]].add(cell)
            per_country[cell.country_id].add(cell)
            overall.add(cell)
        if rows:
            blocks.append(
                DeclarationBlock(
                    declaration=declaration,
                    countries=block_countries,
                    rows=sorted(rows.values(), key=lambda r: r.commitment.number),
                    country_figures=block_country_figures,
                )
            )
    # The review queue's size from the tallies: reading it never scans the updates.
    pending = tally_counts(
        declaration_ids=[d.pk for d in declarations],
        country_ids=[c.pk for c in countries] if countries else None,
        key=PENDING_REVIEW,
    )
    return Dashboard(
        blocks=blocks,
        figures=overall,
        country_figures=sorted(
            ((country_by_id[pk], figures) for pk, figures in per_country.items()), key=lambda item: item[0].sort_key
        ),
        pending_reviews=sum(pending.values()),
        stale_days=stale_days,
    )
