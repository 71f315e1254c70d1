"""Every write of the spreadsheet round trip: applying a confirmed import, all rows or none, audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.db import deadlock_retried
from core.permissions import can_report_for_country, is_secretariat
from declarations.models import MemberCountry
from reporting.models import Implementation, StatusUpdate
from reporting.services import StaleVersion, report_update

if TYPE_CHECKING:
    from core.permissions import AnyUser

from spreadsheets.workbooks import ImportPreview, RowCheck, SheetRow, check_rows, parse_int


class ImportConflict(Exception):
    """The rows no longer pass the checks (someone reported meanwhile); nothing was written."""

    def __init__(self, preview: ImportPreview, reason: str) -> None:
        super().__init__(reason)
        self.preview = preview
        self.reason = reason


def import_on_behalf(user: AnyUser, country: MemberCountry) -> bool:
    """False when the user reports for their own country, True for the secretariat on a country's behalf.

    Raises PermissionDenied for everyone else: a spreadsheet grants no right the form does not.
    """
    if can_report_for_country(user, country):
        return False
    if is_secretariat(user):
        return True
    raise PermissionDenied(_("Only the country's officials, or the secretariat on its behalf, report for a country."))


@deadlock_retried
def import_apply(*, country: MemberCountry, rows: Sequence[SheetRow], by: User, file_name: str) -> list[StatusUpdate]:
    """Write one update per changed row, in one transaction: all of them, or none."""
    on_behalf = import_on_behalf(by, country)
    preview = check_rows(country=country, rows=rows)
    if preview.errors:
        raise ImportConflict(
            preview,
            _("Some rows changed since the preview (see below), so nothing was saved. Check them and confirm again."),
        )
    updates: list[StatusUpdate] = []
    current: RowCheck | None = None
    try:
        with transaction.atomic():
            # Lock order: every implementation of the batch first, in primary-key order, then the
            # tallies (each report shifts them). A report on one of them waits for the whole import
            # instead of holding a row the import needs while the import holds the tallies it needs.
            list(
                Implementation.objects.select_for_update()
                .filter(pk__in=sorted(change.target.pk for change in preview.changes))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for current in preview.changes:
                updates.append(
                    report_update(
                        implementation=current.target,
                        by=by,
                        status=current.status,
                        progress=current.progress,
                        summary=current.row.summary,
                        expected_version=parse_int(current.row.version),
                        on_behalf=on_behalf,
                    )
                )
            audit_record(
                actor=by,
                action="report.import",
                target=country,
                changes={
                    "via": "spreadsheet",
                    "file": file_name,
                    "updates": [update.pk for update in updates],
                    **({"on_behalf_of": country.iso3} if on_behalf else {}),
                },
            )
    except (StaleVersion, ValidationError) as exc:
        # Someone reported on a row between the check above and its lock: the whole batch rolls back.
        line = current.row.line if current is not None else "?"
        why = "; ".join(exc.messages) if isinstance(exc, ValidationError) else _("it was reported again meanwhile")
        raise ImportConflict(
            check_rows(country=country, rows=rows),
            _(
                "Row %(line)s could not be saved (%(why)s), so nothing was saved. "
                "Check the rows below and confirm again."
            )
            % {"line": line, "why": why},
        ) from exc
    return updates
