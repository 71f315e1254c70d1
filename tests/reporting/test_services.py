"""The reporting service: the rules every form and API call goes through."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from reporting.models import Evidence, Implementation, ReviewState, StatusUpdate
from reporting.services import FileInput, LinkInput, StaleVersion, report_update, review_update
from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def report(implementation, by, **overrides):
    values: dict[str, Any] = {"status": "in_progress", "progress": 30, "summary": "Drafted the national plan."}
    values.update(overrides)
    return report_update(implementation=implementation, by=by, **values)


def test_an_update_becomes_the_current_state_and_bumps_the_version(mex_implementation, official_mex):
    update = report(mex_implementation, official_mex, expected_version=0)
    mex_implementation.refresh_from_db()
    assert (mex_implementation.status, mex_implementation.progress, mex_implementation.version) == (
        "in_progress",
        30,
        1,
    )
    assert mex_implementation.last_reported_at == update.reported_at
    assert mex_implementation.latest_update == update
    assert mex_implementation.review_state == ReviewState.PENDING
    second = report(mex_implementation, official_mex, status="completed", progress=None, expected_version=1)
    mex_implementation.refresh_from_db()
    assert (mex_implementation.status, mex_implementation.progress, mex_implementation.version) == ("completed", 100, 2)
    assert second.sequence == 2
    assert StatusUpdate.objects.filter(implementation=mex_implementation).count() == 2


def test_an_update_is_audited(mex_implementation, official_mex):
    report(mex_implementation, official_mex)
    entry = AuditEntry.objects.get(action="report")
    assert entry.actor == official_mex
    assert entry.changes["before"]["status"] == "not_reported"
    assert entry.changes["after"] == {"status": "in_progress", "progress": 30, "version": 1}


@pytest.mark.parametrize("who", ["official_gtm", "secretariat", "observer"])
def test_only_the_countrys_official_may_report(request, mex_implementation, who):
    with pytest.raises(PermissionDenied):
        report(mex_implementation, request.getfixturevalue(who))
    assert not StatusUpdate.objects.exists()


def test_a_stale_version_writes_nothing(mex_implementation, official_mex):
    report(mex_implementation, official_mex)
    with pytest.raises(StaleVersion) as raised:
        report(mex_implementation, official_mex, status="completed", progress=100, expected_version=0)
    assert raised.value.current.version == 1
    assert StatusUpdate.objects.count() == 1
    assert Implementation.objects.get(pk=mex_implementation.pk).status == "in_progress"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"status": "completed", "progress": 60}, "progress"),
        ({"status": "not_started", "progress": 20}, "progress"),
        ({"status": "in_progress", "progress": 100}, "progress"),
        ({"status": "in_progress", "progress": 101}, "progress"),
        ({"status": "in_progress", "progress": -1}, "progress"),
        ({"status": "not_applicable", "progress": 10}, "progress"),
        ({"status": "not_applicable", "progress": None, "summary": "  "}, "summary"),
        ({"status": "planned", "summary": ""}, "summary"),
        ({"status": "not_reported"}, "status"),
        ({"status": "finished"}, "status"),
    ],
)
def test_inconsistent_reports_are_refused(mex_implementation, official_mex, values, field):
    with pytest.raises(ValidationError) as raised:
        report(mex_implementation, official_mex, **values)
    assert field in raised.value.message_dict
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(("status", "stored"), [("completed", 100), ("not_started", 0)])
def test_status_implies_progress_when_left_empty(mex_implementation, official_mex, status, stored):
    assert report(mex_implementation, official_mex, status=status, progress=None).progress == stored


def test_links_must_be_http_or_https(mex_implementation, official_mex):
    for url in ["javascript:alert(1)", "ftp://example.org/x", "example.org", "file:///etc/passwd"]:
        with pytest.raises(ValidationError, match="http"):
            report(mex_implementation, official_mex, links=[LinkInput(url=url)])
    assert not Evidence.objects.exists()


def test_files_are_stored_under_a_generated_name_with_their_facts(
    mex_implementation, official_mex, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the file moves into place at the commit
        update = report(
            mex_implementation,
            official_mex,
            files=[FileInput(stream=io.BytesIO(PDF_BYTES), name="../../etc/Informe final.pdf", size=len(PDF_BYTES))],
            links=[LinkInput(url="https://www.gob.mx/inm", title="INM")],
        )
    file, link = update.evidence.order_by("kind")
    assert (file.kind, link.kind) == ("file", "link")
    assert file.original_name == "Informe final.pdf"
    assert file.content_type == "application/pdf"
    assert file.size == len(PDF_BYTES)
    assert len(file.sha256) == 64
    assert file.file.name.startswith("evidence/") and "Informe" not in file.file.name
    assert (media_root / file.file.name).read_bytes() == PDF_BYTES


def test_a_failure_after_storing_a_file_leaves_no_orphan(mex_implementation, official_mex, media_root, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("reporting.services.audit_record", explode)
    with pytest.raises(RuntimeError):
        report(
            mex_implementation,
            official_mex,
            files=[FileInput(stream=io.BytesIO(PDF_BYTES), name="a.pdf", size=len(PDF_BYTES))],
        )
    assert not Evidence.objects.exists()
    assert not StatusUpdate.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_review_accept_and_return(mex_implementation, official_mex, secretariat):
    first = report(mex_implementation, official_mex)
    review_update(update=first, by=secretariat, decision="returned", comment="Attach the plan, please.")
    mex_implementation.refresh_from_db()
    assert mex_implementation.review_state == ReviewState.RETURNED
    assert first.review_state == ReviewState.RETURNED

    second = report(mex_implementation, official_mex, summary="Plan attached.")
    mex_implementation.refresh_from_db()
    assert mex_implementation.review_state == ReviewState.PENDING
    review_update(update=second, by=secretariat, decision="accepted")
    mex_implementation.refresh_from_db()
    assert mex_implementation.review_state == ReviewState.ACCEPTED
    assert AuditEntry.objects.filter(action__startswith="review.").count() == 2


def test_reviewing_an_old_update_does_not_change_the_current_review_state(
    mex_implementation, official_mex, secretariat
):
    old = report(mex_implementation, official_mex)
    report(mex_implementation, official_mex, summary="Newer")
    review_update(update=old, by=secretariat, decision="accepted")
    mex_implementation.refresh_from_db()
    assert mex_implementation.review_state == ReviewState.PENDING


def test_returning_needs_a_comment_and_reviews_happen_once(mex_implementation, official_mex, secretariat):
    update = report(mex_implementation, official_mex)
    with pytest.raises(ValidationError, match="Say what the country"):
        review_update(update=update, by=secretariat, decision="returned", comment=" ")
    review_update(update=update, by=secretariat, decision="accepted")
    with pytest.raises(ValidationError, match="already been reviewed"):
        review_update(update=update, by=secretariat, decision="returned", comment="Changed my mind")


@pytest.mark.parametrize("who", ["official_mex", "official_gtm", "observer"])
def test_only_the_secretariat_reviews(request, mex_implementation, official_mex, who):
    update = report(mex_implementation, official_mex)
    with pytest.raises(PermissionDenied):
        review_update(update=update, by=request.getfixturevalue(who), decision="accepted")
