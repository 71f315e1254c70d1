from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from core.permissions import can_view_evidence
from reporting import selectors
from reporting.models import Evidence, EvidenceKind
from reporting.services import PARTIAL_SUFFIX, evidence_file_commit

if TYPE_CHECKING:
    from core.permissions import AnyUser


def downloadable_evidence(*, user: AnyUser, pk: int) -> Evidence:
    """The evidence file, if it is a file this user may read; 404 otherwise (its existence included)."""
    try:
        evidence = selectors.evidence_get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404(_("No such evidence.")) from None
    if evidence.kind != EvidenceKind.FILE or not can_view_evidence(user, evidence):
        raise Http404(_("No such evidence."))
    return evidence


def evidence_file_response(evidence: Evidence) -> FileResponse:
    """The stored file as an attachment that no browser will render or sniff as a page."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        # The row is visible, so it committed; its file is moved into place right after the commit,
        # unless the worker died in between: finish that move now.
        partial = evidence.file.name + PARTIAL_SUFFIX
        if not default_storage.exists(partial):
            raise Http404(_("The file is missing from storage.")) from None
        evidence_file_commit(partial=partial, name=evidence.file.name)
        handle = evidence.file.open("rb")
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
