"""Synthetic data at scale for benchmarks: countries, declarations, commitments and reports.

Rows go in through PostgreSQL's COPY (psycopg 3), with their ids assigned here, so a million
implementations and three million updates load in minutes. What it writes is consistent the
way the services would leave it: each implementation's current columns equal its latest
update, reviewed updates have their review, and the status tallies are recounted at the end.

Synthetic countries can never be mistaken for the real Member Countries: their codes contain a
digit (ISO 3166 codes never do), e.g. `X0A` / `0A`, and their names say "Synthetic".
"""

from __future__ import annotations

import datetime
import hashlib
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from declarations.models import Commitment, Declaration, Language, MemberCountry, Signatory
from reporting.models import Implementation, Review, ReviewState, Status, StatusUpdate
from reporting.services import tallies_rebuild

SYNTHETIC_PREFIX = "Synthetic"
_ALNUM = string.digits + string.ascii_uppercase
# Two characters with at least one digit: never a real alpha-2 code (nor, behind "X", alpha-3).
CODES = [a + b for a in _ALNUM for b in _ALNUM if a in string.digits or b in string.digits]
FINAL_STATUSES: list[tuple[str, int | None]] = [
    (Status.IN_PROGRESS, None),
    (Status.COMPLETED, 100),
    (Status.ONGOING, None),
    (Status.PLANNED, None),
    (Status.NOT_STARTED, 0),
    (Status.NOT_APPLICABLE, None),
]
# One implementation in this many is left unreported, as in real follow-up.
UNREPORTED_EVERY = 10

IMPLEMENTATION_COLUMNS = (
    *("id", "commitment_id", "country_id", "status", "progress"),
    *("last_reported_at", "version", "latest_update_id", "review_state", "updated_at"),
)
UPDATE_COLUMNS = (
    *("id", "implementation_id", "sequence", "status", "progress"),
    *("summary", "reported_by_id", "reported_at", "review_state"),
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SeedSize:
    countries: int
    declarations: int
    commitments: int
    updates: int

    @property
    def implementations(self) -> int:
        return self.countries * self.declarations * self.commitments


def synthetic_countries(count: int) -> list[MemberCountry]:
    """The first `count` synthetic countries, created if missing (idempotent)."""
    if count > len(CODES):
        raise ValueError(f"at most {len(CODES)} synthetic countries")
    wanted = [
        MemberCountry(
            iso3=f"X{code}",
            iso2=code,
            name_en=f"{SYNTHETIC_PREFIX} country {code}",
            name_es=f"País sintético {code}",
        )
        for code in CODES[:count]
    ]
    MemberCountry.objects.bulk_create(wanted, ignore_conflicts=True)
    return list(MemberCountry.objects.filter(iso3__in=[c.iso3 for c in wanted]).order_by("iso3"))


def _officials(countries: Sequence[MemberCountry]) -> dict[int, int]:
    """One official per synthetic country (no usable password: nobody signs in as them)."""
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"synthetic.{c.iso3.lower()}", role=Role.OFFICIAL, country=c, password=unusable)
            for c in countries
        ],
        ignore_conflicts=True,
    )
    users = User.objects.filter(username__in=[f"synthetic.{c.iso3.lower()}" for c in countries])
    return {user.country_id: user.pk for user in users if user.country_id}


def _secretariat() -> int:
    user, _ = User.objects.get_or_create(
        username="synthetic.secretariat", defaults={"role": Role.SECRETARIAT, "password": make_password(None)}
    )
    return user.pk


def _next_ids(model: type[Any], count: int) -> int:
    """Reserve `count` ids of the model's table; returns the first one."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 -- a model's table
        first = int(cursor.fetchone()[0]) + 1
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count])
    return first


def _copy(
    model: type[Any], columns: Sequence[str], rows: Iterable[Sequence[Any]], total: int, progress: Progress
) -> int:
    """COPY the rows into the model's table; returns how many. `total` (an estimate) scales the progress bar."""
    table = model._meta.db_table
    step = max(total // 20, 1)
    done = 0
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for done, row in enumerate(rows, start=1):
            copy.write_row(row)
            if done % step == 0 and done < total:
                progress(table, done, total)
    progress(table, done, done)
    return done


class _Report(NamedTuple):
    implementation: int
    sequence: int
    status: str
    progress: int | None
    reported_at: datetime.datetime
    accepted: bool


def _mix(value: int) -> int:
    """A cheap repeatable scramble (multiplicative hashing): varied data, the same on every run."""
    return (value * 2654435761 + 0x9E3779B9) & 0xFFFFFFFF


def _history(implementation: int, updates: int, start: datetime.datetime) -> list[_Report]:
    """A plausible history: in progress at growing percentages, then a final status."""
    reports: list[_Report] = []
    noise = _mix(implementation)
    when = start + datetime.timedelta(hours=noise % (24 * 300))
    for sequence in range(1, updates + 1):
        noise = _mix(noise + sequence)
        progress: int | None
        if sequence < updates:
            status, progress = str(Status.IN_PROGRESS), min(90, 10 * sequence + noise % 10)
        else:
            status, progress = FINAL_STATUSES[noise % len(FINAL_STATUSES)]
            if status == Status.IN_PROGRESS:
                progress = 50 + noise % 50
        # The latest update of every other implementation still awaits review.
        accepted = sequence < updates or implementation % 2 == 0
        reports.append(_Report(implementation, sequence, status, progress, when, accepted))
        when += datetime.timedelta(days=20 + (noise >> 8) % 100)
    return reports


def seed(size: SeedSize, *, progress: Progress) -> dict[str, int]:
    """Add `size.declarations` synthetic declarations signed by `size.countries` synthetic countries."""
    if connection.vendor != "postgresql":
        raise ValueError("seed_synthetic loads through PostgreSQL's COPY; DATABASE_URL must name PostgreSQL")
    with transaction.atomic():
        countries = synthetic_countries(size.countries)
        officials = _officials(countries)
        reviewer = _secretariat()
        first_number = Declaration.objects.filter(title__startswith=f"{SYNTHETIC_PREFIX} declaration").count() + 1
        declarations = Declaration.objects.bulk_create(
            [
                Declaration(
                    title=f"{SYNTHETIC_PREFIX} declaration {number:05d}",
                    language=Language.ENGLISH,
                    source_text=f"{SYNTHETIC_PREFIX} declaration {number:05d}",
                    source_sha256=hashlib.sha256(f"synthetic-{number}".encode()).hexdigest(),
                    source_name="seed_synthetic",
                )
                for number in range(first_number, first_number + size.declarations)
            ]
        )
        signatories = [
            (declaration.pk, country.pk, position)
            for declaration in declarations
            for position, country in enumerate(countries, start=1)
        ]
        _copy(Signatory, ["declaration_id", "country_id", "position"], signatories, len(signatories), progress)

        commitment_total = size.declarations * size.commitments
        first_commitment = _next_ids(Commitment, commitment_total)
        commitments = [
            (first_commitment + index, declaration.pk, number)
            for index, (declaration, number) in enumerate(
                (d, n) for d in declarations for n in range(1, size.commitments + 1)
            )
        ]
        _copy(
            Commitment,
            ["id", "declaration_id", "number", "text", "label"],
            (
                (
                    pk,
                    declaration_id,
                    number,
                    f"Synthetic recommended action {number} of declaration {declaration_id}.",
                    "",
                )
                for pk, declaration_id, number in commitments
            ),
            commitment_total,
            progress,
        )

        first_implementation = _next_ids(Implementation, size.implementations)
        country_ids = [country.pk for country in countries]
        reported = size.implementations - size.implementations // UNREPORTED_EVERY
        update_total = reported * size.updates if size.updates else 0
        first_update = _next_ids(StatusUpdate, update_total)
        start = timezone.now() - datetime.timedelta(days=2 * 365)

        def cells() -> Iterator[tuple[int, int, int, list[_Report]]]:
            """(implementation id, commitment id, country id, history); histories are regenerated, not kept."""
            for index in range(size.implementations):
                pk = first_implementation + index
                commitment = commitments[index // len(country_ids)][0]
                unreported = index % UNREPORTED_EVERY == UNREPORTED_EVERY - 1 or not size.updates
                history = [] if unreported else _history(pk, size.updates, start)
                yield pk, commitment, country_ids[index % len(country_ids)], history

        def update_id(index: int, sequence: int) -> int:
            # Unreported cells (every UNREPORTED_EVERY-th) have no updates, the others exactly `updates`.
            return first_update + (index - index // UNREPORTED_EVERY) * size.updates + sequence - 1

        def implementation_rows() -> Iterator[tuple[Any, ...]]:
            for pk, commitment, country, history in cells():
                if not history:
                    yield (pk, commitment, country, Status.NOT_REPORTED, None, None, 0, None, "", None)
                    continue
                last = history[-1]
                state = ReviewState.ACCEPTED if last.accepted else ReviewState.PENDING
                latest = update_id(pk - first_implementation, last.sequence)
                yield (
                    pk,
                    commitment,
                    country,
                    last.status,
                    last.progress,
                    last.reported_at,
                    last.sequence,
                    latest,
                    state,
                    # The review (three days after, see review_rows) is the last change when there is one.
                    last.reported_at + datetime.timedelta(days=3) if last.accepted else last.reported_at,
                )

        def update_rows() -> Iterator[tuple[Any, ...]]:
            for pk, _, country, history in cells():
                for r in history:
                    state = ReviewState.ACCEPTED if r.accepted else ReviewState.PENDING
                    yield (
                        update_id(pk - first_implementation, r.sequence),
                        pk,
                        r.sequence,
                        r.status,
                        r.progress,
                        f"Synthetic report {r.sequence}.",
                        officials[country],
                        r.reported_at,
                        state,
                    )

        def review_rows() -> Iterator[tuple[Any, ...]]:
            for pk, _, _, history in cells():
                for r in history:
                    if r.accepted:
                        when = r.reported_at + datetime.timedelta(days=3)
                        update = update_id(pk - first_implementation, r.sequence)
                        yield (update, ReviewState.ACCEPTED, "", reviewer, when)

        _copy(
            Implementation,
            [*IMPLEMENTATION_COLUMNS],
            implementation_rows(),
            size.implementations,
            progress,
        )
        _copy(
            StatusUpdate,
            [*UPDATE_COLUMNS],
            update_rows(),
            update_total,
            progress,
        )
        # Every update but the latest of every other implementation was accepted.
        review_total = _copy(
            Review,
            ["update_id", "decision", "comment", "reviewed_by_id", "reviewed_at"],
            review_rows(),
            update_total - reported // 2,
            progress,
        )
        tallies = tallies_rebuild()
    # Freshly copied rows have no statistics, no visibility map and no hint bits: until autovacuum
    # gets to them, plans are poor and every read writes. A real database has long been vacuumed.
    # (Inside a caller's transaction, as in tests, VACUUM cannot run; the statistics still can.)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return {
        "countries": len(countries),
        "declarations": len(declarations),
        "commitments": commitment_total,
        "implementations": size.implementations,
        "updates": update_total,
        "reviews": review_total,
        "tallies": tallies,
    }
