"""Every write of the reporting workflow: a country's update, its evidence, the secretariat's review."""

from __future__ import annotations

import datetime
import functools
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage, default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.db import deadlock_retried
from core.permissions import can_report_for, can_review, is_secretariat
from declarations.models import Commitment, Declaration, MemberCountry
from reporting.evidence import EvidenceFileError, InspectedFile, inspect_file
from reporting.models import (
    Evidence,
    EvidenceKind,
    Implementation,
    Review,
    ReviewState,
    Status,
    StatusUpdate,
)
from reporting.selectors import current_round
from reporting.signals import update_reported, update_reviewed
from reporting.tallies import status_change, tally_recount, tally_shift


class StaleVersion(Exception):
    """Someone reported on the implementation after the client read it; nothing was written."""

    def __init__(self, *, current: Implementation) -> None:
        super().__init__(f"implementation {current.pk} is at version {current.version}")
        self.current = current


class UpdateClosed(Exception):
    """The update has been reviewed: it is closed, so new facts go into a new update."""

    def __init__(self, *, update: StatusUpdate) -> None:
        super().__init__(f"update {update.pk} is {update.review_state}")
        self.update = update


@dataclass(frozen=True)
class LinkInput:
    url: str
    title: str = ""


@dataclass(frozen=True)
class FileInput:
    stream: IO[bytes]
    name: str
    size: int
    title: str = ""


def validate_report(*, status: str, progress: int | None, summary: str) -> int | None:
    """The rules that make a status and a progress agree; returns the progress to store."""
    errors: dict[str, str] = {}
    if status not in Status.values or status == Status.NOT_REPORTED:
        errors["status"] = _("Choose one of the statuses in the list.")
    if progress is not None and not 0 <= progress <= 100:
        errors["progress"] = _("Progress is a percentage between 0 and 100.")
    elif status == Status.COMPLETED:
        if progress not in (None, 100):
            errors["progress"] = _("A completed action is at 100%: leave progress empty or enter 100.")
        progress = 100
    elif status == Status.NOT_STARTED:
        if progress not in (None, 0):
            errors["progress"] = _("An action not started is at 0%: leave progress empty or enter 0.")
        progress = 0
    elif status == Status.IN_PROGRESS and progress == 100:
        errors["progress"] = _("100% means completed: choose “Completed”, or enter the progress actually made.")
    elif status == Status.NOT_APPLICABLE and progress is not None:
        errors["progress"] = _("Leave progress empty for an action that does not apply.")
    if not summary.strip():
        errors["summary"] = (
            _("Explain why this action does not apply to your country.")
            if status == Status.NOT_APPLICABLE
            else _("Describe what was done (or planned), so the secretariat can follow up.")
        )
    if errors:
        raise ValidationError(errors)
    return progress


# As many links as the form offers: one report is not a link directory (5,000 in one call were accepted).
MAX_LINKS = 20


def validate_links(links: Sequence[LinkInput]) -> None:
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": _("At most %(max)s links at a time.") % {"max": MAX_LINKS}})
    check_url = URLValidator(schemes=["http", "https"])
    for index, link in enumerate(links):
        try:
            check_url(link.url)
        except ValidationError:
            raise ValidationError(
                {
                    "links": _("Link %(number)s (“%(url)s”) is not a web address starting with http:// or https://.")
                    % {"number": index + 1, "url": link.url[:80]}
                }
            ) from None


def inspect_files(files: Sequence[FileInput]) -> list[InspectedFile]:
    inspected = []
    for item in files:
        try:
            inspected.append(
                inspect_file(item.stream, name=item.name, size=item.size, max_bytes=settings.RCM_MAX_UPLOAD_BYTES)
            )
        except EvidenceFileError as exc:
            # The code survives inside the error so the API can answer 413 or 415.
            raise ValidationError({"files": ValidationError(str(exc), code=exc.code)}) from None
    return inspected


@deadlock_retried
def report_update(
    *,
    implementation: Implementation,
    by: User,
    status: str,
    progress: int | None,
    summary: str,
    expected_version: int | None = None,
    links: Sequence[LinkInput] = (),
    files: Sequence[FileInput] = (),
    on_behalf: bool = False,
) -> StatusUpdate:
    """Append an update to an implementation's history and make it the current state.

    Everything is checked before anything is written; the row lock serialises concurrent
    reports on one implementation, so the current state always equals the latest update.
    Stored files are removed again if the transaction does not commit.
    `on_behalf`: the secretariat records a country's report for it (a spreadsheet the country
    sent); only then may someone other than the country's official write, and the audit says so.
    """
    if on_behalf:
        if not is_secretariat(by):
            raise PermissionDenied(_("Only the secretariat reports on behalf of a country."))
    elif not can_report_for(by, implementation):
        raise PermissionDenied(_("Only an official of this country may report on it."))
    progress = validate_report(status=status, progress=progress, summary=summary)
    validate_links(links)
    inspected = inspect_files(files)

    with _files_removed_on_failure() as stored, transaction.atomic():
        # The commitment comes along for the tallies' declaration; only the implementation is locked.
        locked = (
            Implementation.objects.select_for_update(of=("self",))
            .select_related("commitment")
            .get(pk=implementation.pk)
        )
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(current=locked)
        now = timezone.now()
        update = StatusUpdate.objects.create(
            implementation=locked,
            sequence=locked.version + 1,
            status=status,
            progress=progress,
            summary=summary.strip(),
            reported_by=by,
            reported_at=now,
            reporting_round=current_round(),
        )
        _store_evidence(update, links, list(zip(files, inspected, strict=True)), stored)
        previous = {"status": locked.status, "progress": locked.progress, "version": locked.version}
        Implementation.objects.filter(pk=locked.pk).update(
            status=status,
            progress=progress,
            last_reported_at=now,
            version=update.sequence,
            latest_update=update,
            review_state=ReviewState.PENDING,
            updated_at=now,
        )
        tally_shift(status_change(locked, before=locked.status, after=status, pending=1))
        audit_record(
            actor=by,
            action="report",
            target=locked,
            changes={
                "before": previous,
                "after": {"status": status, "progress": progress, "version": update.sequence},
                "update": update.pk,
                "evidence": len(links) + len(files),
                **({"on_behalf": True} if on_behalf else {}),
            },
        )
        update_reported.send(sender=StatusUpdate, update=update)
    implementation.refresh_from_db()
    return update


@contextmanager
def _files_removed_on_failure() -> Iterator[list[str]]:
    """Storage is not transactional: files written for a transaction that fails are deleted again."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _store_evidence(
    update: StatusUpdate,
    links: Sequence[LinkInput],
    files: Sequence[tuple[FileInput, InspectedFile]],
    stored: list[str],
) -> list[Evidence]:
    """Write evidence rows and files; `stored` collects file names for clean-up on failure."""
    created = [
        Evidence.objects.create(
            update=update, kind=EvidenceKind.LINK, url=link.url, title=link.title.strip()[:200] or link.url[:200]
        )
        for link in links
    ]
    for item, facts in files:
        # The stored name is ours alone: no part of the user's file name reaches the file system.
        name = f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{facts.extension}"
        # Written under a temporary name, moved into place once the row has committed: a worker killed
        # mid-upload leaves only a `.part` file, which `manage.py evidence_sweep` removes.
        partial = default_storage.save(name + PARTIAL_SUFFIX, item.stream, max_length=200)
        stored.append(partial)
        transaction.on_commit(functools.partial(evidence_file_commit, partial=partial, name=name), robust=True)
        created.append(
            Evidence.objects.create(
                update=update,
                kind=EvidenceKind.FILE,
                file=name,
                title=item.title.strip()[:200] or facts.original_name,
                original_name=facts.original_name,
                size=facts.size,
                sha256=facts.sha256,
                content_type=facts.content_type,
            )
        )
    return created


PARTIAL_SUFFIX = ".part"


def evidence_file_commit(*, partial: str, name: str) -> None:
    """Move an evidence file from its temporary name to the one its committed row records."""
    storage = default_storage
    if hasattr(storage, "path"):  # the file system: one atomic rename
        target = Path(storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(storage.path(partial), target)
        return
    with storage.open(partial) as source:  # object storage has no rename: copy, then delete
        storage.save(name, source)
    storage.delete(partial)


@dataclass(frozen=True)
class SweepResult:
    removed: list[str]
    completed: list[str]


def evidence_sweep(*, older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> SweepResult:
    """Remove evidence files that no row records, and finish the moves a dead worker left undone.

    A `.part` file whose final name a row records committed but was never moved: it is moved now.
    Any other `.part` file, or a file no row names, belongs to a transaction that never committed.
    Only files older than `older_than` are touched, so uploads in flight are left alone.
    """
    storage = default_storage
    known = set(Evidence.objects.filter(kind=EvidenceKind.FILE).values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    removed: list[str] = []
    completed: list[str] = []
    for name in _storage_walk(storage, "evidence"):
        if name in known or storage.get_modified_time(name) > cutoff:
            continue
        final = name.removesuffix(PARTIAL_SUFFIX)
        if name.endswith(PARTIAL_SUFFIX) and final in known and not storage.exists(final):
            evidence_file_commit(partial=name, name=final)
            completed.append(final)
        else:
            storage.delete(name)
            removed.append(name)
    return SweepResult(removed=removed, completed=completed)


def _storage_walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _storage_walk(storage, f"{folder}/{sub}")


@deadlock_retried
def evidence_attach(
    *, update: StatusUpdate, by: User, links: Sequence[LinkInput] = (), files: Sequence[FileInput] = ()
) -> list[Evidence]:
    """Add evidence to an update awaiting review (the update itself stays as it was).

    A reviewed update is closed: what the secretariat accepted or returned is what it saw, so
    evidence arriving later belongs to a new update (`UpdateClosed`). The update's row is locked,
    so a review committing meanwhile cannot accept an update whose evidence is still changing.
    """
    if not can_report_for(by, update.implementation):
        raise PermissionDenied(_("Only an official of this country may add evidence to its reports."))
    if update.review_state != ReviewState.PENDING:
        raise UpdateClosed(update=update)
    if not links and not files:
        raise ValidationError({"evidence": _("Send a link (url) or a file.")})
    validate_links(links)
    inspected = inspect_files(files)
    with _files_removed_on_failure() as stored, transaction.atomic():
        locked = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        if locked.review_state != ReviewState.PENDING:
            raise UpdateClosed(update=locked)
        created = _store_evidence(update, links, list(zip(files, inspected, strict=True)), stored)
        audit_record(actor=by, action="evidence.add", target=update, changes={"evidence": [e.pk for e in created]})
    return created


@deadlock_retried
def review_update(*, update: StatusUpdate, by: User, decision: str, comment: str = "") -> Review:
    """The secretariat accepts an update, or returns it with a comment the official will see."""
    if not can_review(by):
        raise PermissionDenied(_("Only the secretariat reviews updates."))
    if decision not in (ReviewState.ACCEPTED, ReviewState.RETURNED):
        raise ValidationError({"decision": _("Choose to accept or to return the update.")})
    if decision == ReviewState.RETURNED and not comment.strip():
        raise ValidationError({"comment": _("Say what the country should add or correct when returning an update.")})
    with transaction.atomic():
        # The implementation first, as `report_update` locks it: the two never wait crosswise.
        implementation = (
            Implementation.objects.select_for_update(of=("self",))
            .select_related("commitment")
            .get(pk=update.implementation_id)
        )
        locked = StatusUpdate.objects.select_for_update().get(pk=update.pk)
        if locked.review_state != ReviewState.PENDING:
            raise ValidationError({"decision": _("This update has already been reviewed.")})
        now = timezone.now()
        review = Review.objects.create(
            update=locked, decision=decision, comment=comment.strip(), reviewed_by=by, reviewed_at=now
        )
        StatusUpdate.objects.filter(pk=locked.pk).update(review_state=decision)
        # A review is a change like a report: a new version (ETag), a new `updated_at`.
        changes: dict[str, object] = {"version": implementation.version + 1, "updated_at": now}
        if implementation.latest_update_id == locked.pk:
            # The workspace shows the latest update's review; an older one's stays in its history.
            changes["review_state"] = decision
        after = implementation.status
        if decision == ReviewState.RETURNED:
            # A returned update is never the country's state: it falls back to the latest update
            # not returned (or to "not reported"), until the country sends a correction.
            standing = (
                StatusUpdate.objects.filter(implementation=implementation)
                .exclude(review_state=ReviewState.RETURNED)
                .order_by("-sequence")
                .values("status", "progress", "reported_at")
                .first()
            )
            after = standing["status"] if standing else Status.NOT_REPORTED
            changes.update(
                status=after,
                progress=standing["progress"] if standing else None,
                last_reported_at=standing["reported_at"] if standing else None,
            )
        Implementation.objects.filter(pk=implementation.pk).update(**changes)
        locked.implementation = implementation
        tally_shift(status_change(implementation, before=implementation.status, after=after, pending=-1))
        audit_record(actor=by, action=f"review.{decision}", target=locked, changes={"comment": review.comment})
        update_reviewed.send(sender=Review, review=review)
    update.refresh_from_db()
    return review


REGIONAL_ISO3 = "RCM"


def regional_country() -> MemberCountry:
    """The Conference as a whole, as the 'country' of regional implementations (created on first use)."""
    country, _ = MemberCountry.objects.get_or_create(
        iso3=REGIONAL_ISO3,
        defaults={
            "iso2": "XR",
            "name_en": "Regional (the Conference as a whole)",
            "name_es": "Regional (la Conferencia en su conjunto)",
            "is_regional": True,
        },
    )
    return country


@deadlock_retried
@transaction.atomic
def regional_follow(*, commitment: Commitment, by: User) -> Implementation:
    """Follow a commitment addressed to the Conference as a whole, reported by the secretariat."""
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat follows regional actions."))
    implementation, created = Implementation.objects.get_or_create(commitment=commitment, country=regional_country())
    if created:
        tally_shift(status_change(implementation, after=implementation.status))
        audit_record(actor=by, action="regional.follow", target=implementation)
    return implementation


def implementations_guard(
    *, declaration: Declaration, dropped_numbers: list[int], dropped_countries: set[int]
) -> str | None:
    """Why a corrected text would destroy recorded reports, or None: a commitment or a signatory it
    drops that a country has already reported on."""
    reported = Implementation.objects.filter(commitment__declaration=declaration, version__gt=0)
    numbers = sorted(
        set(reported.filter(commitment__number__in=dropped_numbers).values_list("commitment__number", flat=True))
    )
    if numbers:
        return _(
            "the new text drops commitment(s) %(numbers)s, "
            "on which countries have already reported; correct the text or move those reports first"
        ) % {"numbers": ", ".join(map(str, numbers))}
    codes = sorted(set(reported.filter(country_id__in=dropped_countries).values_list("country__iso3", flat=True)))
    if codes:
        return _(
            "the new text no longer names %(codes)s as signatory, "
            "but that country has already reported on this declaration"
        ) % {"codes": ", ".join(codes)}
    return None


def implementations_sync(*, declaration: Declaration, dropped_countries: set[int]) -> None:
    """One implementation per commitment × signatory: remove those of countries the text no longer
    names (unreported: `implementations_guard` refused the others), add the missing ones, recount."""
    Implementation.objects.filter(commitment__declaration=declaration, country_id__in=dropped_countries).delete()
    country_ids = list(declaration.signatory_links.values_list("country_id", flat=True))
    commitment_ids = list(declaration.commitments.values_list("pk", flat=True))
    existing = set(
        Implementation.objects.filter(commitment_id__in=commitment_ids).values_list("commitment_id", "country_id")
    )
    Implementation.objects.bulk_create(
        Implementation(commitment_id=commitment_id, country_id=country_id)
        for commitment_id in commitment_ids
        for country_id in country_ids
        if (commitment_id, country_id) not in existing
    )
    tally_recount(declarations=[declaration])
