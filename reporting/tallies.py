"""Counts per declaration × country × status, changed by the writers inside their own transaction.

The summary endpoint and the dashboard read these few rows instead of counting implementations
or scanning history, so they cost the same with 20,000 implementations or 2,000,000. Every
change goes through `tally_shift`, an upsert that adds a delta under the row's lock: concurrent
reports on one country add up instead of overwriting each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Count, IntegerField, Sum
from django.db.models.expressions import RawSQL

from declarations.models import Declaration
from reporting.models import PENDING_REVIEW, Implementation, ReviewState, Status, StatusTally, StatusUpdate

# (declaration id, country id, key): status code or PENDING_REVIEW
TallyKey = tuple[int, int, str]


def _upsert(table: str, rows: list[tuple[int | None, int, str, int]], *, with_declaration: bool) -> None:
    target = "declaration_id, country_id, key" if with_declaration else "country_id, key"
    condition = "IS NOT NULL" if with_declaration else "IS NULL"
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (declaration_id, country_id, key, count) VALUES {values} "  # noqa: S608 -- fixed names
        f"ON CONFLICT ({target}) WHERE declaration_id {condition} "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connections[router.db_for_write(StatusTally)].cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def tally_shift(deltas: Mapping[TallyKey, int]) -> None:
    """Add each delta to its declaration × country row and to the country's total row.

    Rows are touched in one sorted order, so two transactions never wait for each other crosswise.
    """
    pairs = sorted((key, delta) for key, delta in deltas.items() if delta)
    if not pairs:
        return
    totals: Counter[tuple[int, str]] = Counter()
    for (_, country_id, key), delta in pairs:
        totals[(country_id, key)] += delta
    table = StatusTally._meta.db_table
    _upsert(table, [(d, c, k, delta) for (d, c, k), delta in pairs], with_declaration=True)
    _upsert(table, [(None, c, k, delta) for (c, k), delta in sorted(totals.items()) if delta], with_declaration=False)


def status_change(
    implementation: Implementation, *, before: str | None = None, after: str | None = None, pending: int = 0
) -> dict[TallyKey, int]:
    """The deltas of one implementation leaving `before`, entering `after`, and `pending` more in review."""
    declaration_id, country_id = implementation.commitment.declaration_id, implementation.country_id
    deltas: Counter[TallyKey] = Counter()
    if before is not None:
        deltas[(declaration_id, country_id, before)] -= 1
    if after is not None:
        deltas[(declaration_id, country_id, after)] += 1
    deltas[(declaration_id, country_id, PENDING_REVIEW)] += pending
    return dict(deltas)


def _counted(declaration_ids: Iterable[int] | None) -> Counter[TallyKey]:
    """What the tallies should hold, counted from the implementations and the review queue."""
    implementations = Implementation.objects.all()
    updates = StatusUpdate.objects.filter(review_state=ReviewState.PENDING)
    if declaration_ids is not None:
        implementations = implementations.filter(commitment__declaration_id__in=declaration_ids)
        updates = updates.filter(implementation__commitment__declaration_id__in=declaration_ids)
    counted: Counter[TallyKey] = Counter()
    for row in (
        implementations.order_by().values("commitment__declaration_id", "country_id", "status").annotate(n=Count("pk"))
    ):
        counted[(row["commitment__declaration_id"], row["country_id"], row["status"])] = row["n"]
    for row in (
        updates.order_by()
        .values("implementation__commitment__declaration_id", "implementation__country_id")
        .annotate(n=Count("pk"))
    ):
        key = (row["implementation__commitment__declaration_id"], row["implementation__country_id"], PENDING_REVIEW)
        counted[key] = row["n"]
    return counted


def _stored(declaration_ids: Iterable[int] | None, *, lock: bool) -> Counter[TallyKey]:
    rows = StatusTally.objects.filter(declaration__isnull=False)
    if declaration_ids is not None:
        rows = rows.filter(declaration_id__in=declaration_ids)
    if lock:
        rows = rows.select_for_update()
    return Counter({(r.declaration_id, r.country_id, r.key): r.count for r in rows.order_by("pk") if r.declaration_id})


@transaction.atomic
def tally_recount(*, declarations: Iterable[Declaration]) -> None:
    """Bring the declarations' tallies (and the countries' totals) in line with their implementations.

    The loader calls it after adding or removing implementations. The rows are locked before
    counting, so a report committing meanwhile adds its own delta after this one, not before.
    """
    ids = [declaration.pk for declaration in declarations]
    stored = _stored(ids, lock=True)
    counted = _counted(ids)
    tally_shift({key: counted[key] - stored[key] for key in stored.keys() | counted.keys()})


@transaction.atomic
def tally_rebuild() -> int:
    """Recount every tally from scratch (after a bulk load, or to repair); returns the rows written."""
    counted = _counted(None)
    totals: Counter[tuple[int, str]] = Counter()
    for (_, country_id, key), n in counted.items():
        totals[(country_id, key)] += n
    StatusTally.objects.all().delete()
    rows = [StatusTally(declaration_id=d, country_id=c, key=k, count=n) for (d, c, k), n in counted.items()]
    rows += [StatusTally(declaration_id=None, country_id=c, key=k, count=n) for (c, k), n in totals.items()]
    StatusTally.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def tally_counts(
    *, declaration_ids: Iterable[int] | None = None, country_ids: Iterable[int] | None = None, key: str | None = None
) -> dict[tuple[int, str], int]:
    """(country id, key) → count, over the given declarations, or the countries' totals when None."""
    rows = StatusTally.objects.all()
    if declaration_ids is None:
        rows = rows.filter(declaration__isnull=True)
    else:
        rows = rows.filter(declaration_id__in=declaration_ids)
    if country_ids is not None:
        rows = rows.filter(country_id__in=country_ids)
    if key is not None:
        rows = rows.filter(key=key)
    grouped = rows.order_by().values("country_id", "key").annotate(n=Sum("count"))
    return {(row["country_id"], row["key"]): row["n"] for row in grouped}


def tally_total(*, declaration_id: int | None, country_id: int | None, statuses: Iterable[str] | None) -> RawSQL:
    """How many implementations of a declaration (or of all) in a country (or in all) have these statuses.

    A sum over at most countries × statuses rows, whatever the number of implementations, as an
    expression: the list annotates its page with it, so page and count still take one query.
    """
    where = ["key = ANY(%s)", "declaration_id IS NULL" if declaration_id is None else "declaration_id = %s"]
    params: list[Any] = [list(statuses or Status.values), *([] if declaration_id is None else [declaration_id])]
    if country_id is not None:
        where.append("country_id = %s")
        params.append(country_id)
    table = StatusTally._meta.db_table
    sql = f"SELECT COALESCE(SUM(count), 0) FROM {table} WHERE {' AND '.join(where)}"  # noqa: S608 -- fixed names
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611 -- fixed names, values as parameters
