"""Finding 9: a spreadsheet import and a concurrent API report deadlocked on the tallies (5 of 12 trials),
answered as 503 "database not answering"."""

from __future__ import annotations

import threading
import time

import psycopg.errors
import pytest
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.authtoken.models import Token

from audit.models import AuditEntry
from declarations.models import MemberCountry
from reporting.models import Implementation, StatusUpdate
from spreadsheets import services as workbooks
from spreadsheets.services import import_apply
from spreadsheets.workbooks import SheetRow


def _in_thread(target, results: dict[str, object], key: str) -> threading.Thread:
    def run() -> None:
        try:
            results[key] = target()
        except BaseException as exc:  # the test reports it
            results[key] = exc
        finally:
            connection.close()  # each thread has its own connection; give it back

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_and_a_report_meeting_on_the_tallies_both_succeed(rcm_data, official_mex, darien, monkeypatch):
    first, second = Implementation.objects.filter(commitment__declaration=darien, country__iso3="MEX").order_by(
        "commitment__number"
    )[:2]
    token = Token.objects.create(user=official_mex)
    rows = [
        SheetRow(
            line=line, id=str(item.pk), status="in_progress", progress="10", summary="From the sheet.", version="0"
        )
        for line, item in ((2, first), (3, second))
    ]
    # The interleaving of the trials that deadlocked, made certain: the import has written its first
    # row (and so shifted the country's tallies) when the API report on the second row arrives.
    first_written, go_on = threading.Event(), threading.Event()
    report = workbooks.report_update  # type: ignore[attr-defined]

    def report_then_pause(**kwargs):
        update = report(**kwargs)
        if not first_written.is_set():
            first_written.set()
            go_on.wait(10)
        return update

    monkeypatch.setattr(workbooks, "report_update", report_then_pause)
    results: dict[str, object] = {}
    importer = _in_thread(
        lambda: import_apply(
            country=MemberCountry.objects.get(iso3="MEX"), rows=rows, by=official_mex, file_name="mex.xlsx"
        ),
        results,
        "import",
    )
    assert first_written.wait(10)

    def api_report() -> int:
        response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").post(
            f"/api/v1/implementations/{second.pk}/updates/",
            {"status": "planned", "summary": "From the API."},
            content_type="application/json",
            HTTP_IF_MATCH="*",
        )
        return response.status_code

    reporter = _in_thread(api_report, results, "api")
    time.sleep(1.5)  # the report is now waiting for a lock
    go_on.set()
    importer.join(30)
    reporter.join(30)

    assert not isinstance(results["import"], BaseException), results["import"]
    assert results["api"] == 201
    assert StatusUpdate.objects.filter(summary="From the sheet.").count() == 2
    assert StatusUpdate.objects.filter(summary="From the API.").count() == 1


def _deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    return error


def _audit_deadlocking(module, monkeypatch, *, times: int) -> list[int]:
    """Make the module's audit record (the last write of its transaction) deadlock its first `times` calls;
    the list counts the calls."""
    record = module.audit_record
    calls = [0]

    def audit_then_deadlock(**kwargs):
        calls[0] += 1
        if calls[0] <= times:
            raise _deadlock()
        return record(**kwargs)

    monkeypatch.setattr(module, "audit_record", audit_then_deadlock)
    return calls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("deadlocks", "expected"), [(1, 201), (2, 409)])
def test_a_deadlock_is_retried_once_then_409_never_503(
    rcm_data, official_mex, darien, monkeypatch, deadlocks, expected
):
    implementation = Implementation.objects.get(
        commitment__declaration=darien, commitment__number=1, country__iso3="MEX"
    )
    token = Token.objects.create(user=official_mex)
    from reporting import services

    _audit_deadlocking(services, monkeypatch, times=deadlocks)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").post(
        f"/api/v1/implementations/{implementation.pk}/updates/",
        {"status": "planned", "summary": "Retried."},
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == expected
    assert StatusUpdate.objects.filter(summary="Retried.").count() == (1 if expected == 201 else 0)
    if expected == 409:
        assert response.json()["status"] == 409


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writer", ["review", "evidence", "regional follow-up", "declaration load"])
def test_every_writer_of_the_tallies_is_retried_after_a_deadlock(
    rcm_data, official_mex, secretariat, darien, monkeypatch, writer
):
    from declarations import services as declaration_services
    from declarations.parser import parse_declaration
    from reporting import services
    from reporting.services import LinkInput, evidence_attach, regional_follow, report_update, review_update

    implementation = Implementation.objects.get(
        commitment__declaration=darien, commitment__number=1, country__iso3="MEX"
    )
    update = report_update(
        implementation=implementation, by=official_mex, status="planned", progress=None, summary="Planned."
    )
    writes = {
        "review": lambda: review_update(update=update, by=secretariat, decision="accepted"),
        "evidence": lambda: evidence_attach(
            update=update, by=official_mex, links=[LinkInput(url="https://example.org/plan", title="Plan")]
        ),
        "regional follow-up": lambda: regional_follow(commitment=implementation.commitment, by=secretariat),
        "declaration load": lambda: declaration_services.declaration_load(
            parsed=parse_declaration(TEXT), source_text=TEXT, by=secretariat
        ),
    }
    audited = AuditEntry.objects.count()
    calls = _audit_deadlocking(declaration_services if writer == "declaration load" else services, monkeypatch, times=1)
    writes[writer]()
    assert calls[0] == 2  # the first transaction was rolled back and run again, which wrote
    assert AuditEntry.objects.count() == audited + 1


TEXT = """DECLARATION OF TELA

The Vice-Ministers of Mexico and Guatemala agreed:

1. Share information on returns.
"""
