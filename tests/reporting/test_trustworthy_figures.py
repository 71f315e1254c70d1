"""Issue 16: figures people can trust. Reported vs validated state, closed reviewed updates, reviews as
changes, rounds without gaps, `as_of` review fields, the review API. Runs on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime
import io
import logging
from email.utils import parsedate_to_datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dashboards.figures import build_dashboard
from declarations.models import Declaration
from declarations.parser import parse_declaration
from declarations.services import declaration_load
from reporting.models import Evidence, Implementation, ReportingRound, StatusTally, StatusUpdate
from reporting.selectors import implementation_summary
from reporting.services import FileInput, LinkInput, UpdateClosed, evidence_attach, report_update, review_update
from reporting.tallies import tally_rebuild
from rounds.services import round_close, round_open
from tests.conftest import PDF_BYTES
from tests.factories import SMALL, implementation

pytestmark = pytest.mark.django_db


def report(impl, who, status, progress=None, summary="s"):
    return report_update(implementation=impl, by=who, status=status, progress=progress, summary=summary)


def cell_of(board, iso3, number):
    block = board.blocks[0]
    column = [c.iso3 for c in block.countries].index(iso3)
    (row,) = [r for r in block.rows if r.commitment.number == number]
    return row.cells[column]


def tallies_match_a_recount():
    before = {(t.declaration_id, t.country_id, t.key): t.count for t in StatusTally.objects.all() if t.count}
    tally_rebuild()
    after = {(t.declaration_id, t.country_id, t.key): t.count for t in StatusTally.objects.all() if t.count}
    return before == after


# --- 1. one definition of the state -----------------------------------------------------------------


def test_a_returned_report_falls_back_to_the_latest_not_returned(small, official_mex, secretariat):
    impl = implementation(small, 1, "MEX")
    first = report(impl, official_mex, "in_progress", 40)
    review_update(update=first, by=secretariat, decision="accepted")
    second = report(impl, official_mex, "completed")
    review_update(update=second, by=secretariat, decision="returned", comment="Where are the minutes?")
    impl.refresh_from_db()
    assert (impl.status, impl.progress, impl.review_state) == ("in_progress", 40, "returned")
    assert impl.last_reported_at == first.reported_at
    assert tallies_match_a_recount()


def test_a_returned_first_report_leaves_the_implementation_not_reported(small, official_mex, secretariat):
    impl = implementation(small, 1, "MEX")
    update = report(impl, official_mex, "completed")
    review_update(update=update, by=secretariat, decision="returned", comment="No evidence.")
    impl.refresh_from_db()
    assert (impl.status, impl.progress, impl.last_reported_at, impl.is_reported) == ("not_reported", None, None, False)
    summary = {row.country.iso3: row.counts for row in implementation_summary(user=secretariat, declaration=small)}
    assert summary["MEX"]["completed"] == 0
    assert summary["MEX"]["not_reported"] == 3


def test_return_makes_the_matrix_and_figures_fall_back_and_marks_it(login_as, small, official_mex, secretariat):
    impl = implementation(small, 1, "MEX")
    update = report(impl, official_mex, "completed")
    board = build_dashboard(declarations=[small])
    assert cell_of(board, "MEX", 1).status == "completed"
    assert cell_of(board, "MEX", 1).review_state == "pending"
    assert board.figures.done == 1
    assert board.figures.pending == 1

    review_update(update=update, by=secretariat, decision="returned", comment="Completed? Send the law.")
    board = build_dashboard(declarations=[small])
    cell = cell_of(board, "MEX", 1)
    assert (cell.status, cell.review_state) == ("not_reported", "returned")
    assert board.figures.done == 0
    assert board.figures.returned == 1
    html = login_as("secretariat").get(reverse("dashboards:dashboard"), {"declaration": small.pk}).content.decode()
    assert "returned, awaiting correction" in html
    assert "↩" in html


def test_pending_reports_are_marked_and_validated_only_counts_accepted(login_as, small, official_mex, secretariat):
    accepted = report(implementation(small, 1, "MEX"), official_mex, "completed")
    review_update(update=accepted, by=secretariat, decision="accepted")
    report(implementation(small, 2, "MEX"), official_mex, "ongoing")  # pending
    board = build_dashboard(declarations=[small])
    assert board.figures.done == 2
    assert board.figures.validated_done == 1  # side by side: reported 2 done, validated 1
    per_country = {c.iso3: f for c, f in board.country_figures}
    assert (per_country["MEX"].completion, per_country["MEX"].validated_completion) == (67, 33)

    validated = build_dashboard(declarations=[small], validated_only=True)
    assert validated.figures.done == 1
    assert cell_of(validated, "MEX", 2).status == "not_reported"

    client = login_as("secretariat")
    html = client.get(reverse("dashboards:dashboard"), {"declaration": small.pk}).content.decode()
    assert "◷" in html and "awaiting review" in html
    assert "Done (validated)" in html
    html = client.get(
        reverse("dashboards:dashboard"), {"declaration": small.pk, "validated_only": "on"}
    ).content.decode()
    assert "Validated state" in html
    export = client.get(reverse("dashboards:dashboard"), {"declaration": small.pk, "format": "csv"})
    assert "Ongoing (awaiting review)" in export.content.decode()


@pytest.mark.parametrize("validated_only", ["false", "true"])
def test_the_summary_api_says_how_many_updates_await_review(api, small, official_mex, secretariat, validated_only):
    accepted = report(implementation(small, 1, "MEX"), official_mex, "completed")
    review_update(update=accepted, by=secretariat, decision="accepted")
    report(implementation(small, 2, "MEX"), official_mex, "ongoing")  # pending
    report(implementation(small, 3, "MEX"), official_mex, "planned")  # pending

    def mexico(**params):
        # Another country's official reads the reported state (observers read the validated one).
        response = api("official_gtm").get("/api/v1/summary/", {"declaration": small.pk, **params})
        assert response.status_code == 200
        return next(row for row in response.json()["countries"] if row["country"] == "MEX")

    row = mexico(accepted_only=validated_only)
    assert row["pending_review"] == 2  # the queue now, whichever state is counted
    assert row["counts"]["completed"] == 1
    assert row["counts"]["ongoing"] == (0 if validated_only == "true" else 1)
    review_update(
        update=StatusUpdate.objects.get(summary="s", status="ongoing"),
        by=secretariat,
        decision="returned",
        comment="Which office?",
    )
    assert mexico(accepted_only=validated_only)["pending_review"] == 1


# --- 2. reviewed updates are closed -------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "expected"), [(None, 201), ("accepted", 409), ("returned", 409)])
def test_evidence_only_on_an_update_awaiting_review(
    api, mex_implementation, official_mex, secretariat, decision, expected
):
    update = report(mex_implementation, official_mex, "planned", 10)
    if decision:
        review_update(update=update, by=secretariat, decision=decision, comment="c")
    response = api("official_mex").post(
        f"/api/v1/updates/{update.pk}/evidence/",
        {"file": SimpleUploadedFile("acta.pdf", PDF_BYTES), "title": "Minutes"},
        format="multipart",
    )
    assert response.status_code == expected
    assert Evidence.objects.filter(update=update).count() == (1 if expected == 201 else 0)
    if expected == 409:
        body = response.json()
        assert body["status"] == 409
        assert "new update" in body["detail"]
        assert body["review_state"] == decision


def test_the_service_refuses_evidence_on_a_reviewed_update(mex_implementation, official_mex, secretariat):
    update = report(mex_implementation, official_mex, "planned", 10)
    review_update(update=update, by=secretariat, decision="accepted")
    with pytest.raises(UpdateClosed):
        evidence_attach(update=update, by=official_mex, links=[LinkInput(url="https://example.org/x")])
    with pytest.raises(UpdateClosed):
        evidence_attach(
            update=update,
            by=official_mex,
            files=[FileInput(stream=io.BytesIO(PDF_BYTES), name="a.pdf", size=len(PDF_BYTES))],
        )
    assert not Evidence.objects.exists()


# --- 3. reviews are changes ---------------------------------------------------------------------------


def test_a_review_is_a_new_version_and_updated_since_sees_it(api, mex_implementation, official_mex, secretariat):
    update = report(mex_implementation, official_mex, "planned", 10)
    client = api("official_gtm")  # reads the reported state (observers read the validated one)
    url = f"/api/v1/implementations/{mex_implementation.pk}/"
    before = client.get(url)
    old_etag = before["ETag"]
    reviewed_after = timezone.now()
    review_update(update=update, by=secretariat, decision="accepted")

    after = client.get(url, HTTP_IF_NONE_MATCH=old_etag)
    assert after.status_code == 200  # not 304: the review changed what a client sees
    assert after["ETag"] != old_etag
    assert after.json()["review_state"] == "accepted"
    assert parsedate_to_datetime(after["Last-Modified"]) >= reviewed_after.replace(microsecond=0)
    assert after.json()["updated_at"] > before.json()["updated_at"]

    since = reviewed_after.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    listed = client.get("/api/v1/implementations/", {"updated_since": since}).json()
    assert [row["id"] for row in listed["results"]] == [mex_implementation.pk]
    assert listed["count"] == 1


def test_an_old_etag_can_no_longer_report_after_a_review(api, mex_implementation, official_mex, secretariat):
    update = report(mex_implementation, official_mex, "planned", 10)
    client = api("official_mex")
    stale = client.get(f"/api/v1/implementations/{mex_implementation.pk}/")["ETag"]
    review_update(update=update, by=secretariat, decision="returned", comment="More detail, please.")
    response = client.post(
        f"/api/v1/implementations/{mex_implementation.pk}/updates/",
        {"status": "in_progress", "progress": 30, "summary": "Detail"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    assert response.json()["current"]["review_state"] == "returned"


@pytest.mark.parametrize("value", ["2026-11-01T00:00:00", "2026-11-01 08:30"])
def test_a_naive_updated_since_is_a_400_asking_for_an_offset(api, rcm_data, observer, value):
    response = api("observer").get("/api/v1/implementations/", {"updated_since": value})
    assert response.status_code == 400
    assert "offset" in " ".join(response.json()["errors"]["updated_since"])


@pytest.mark.parametrize("value", ["2026-11-01T00:00:00Z", "2026-11-01T00:00:00+02:00"])
def test_an_updated_since_with_an_offset_is_accepted(api, rcm_data, observer, value):
    assert api("observer").get("/api/v1/implementations/", {"updated_since": value}).status_code == 200


# --- 4. rounds without gaps ---------------------------------------------------------------------------


def test_a_report_between_a_close_and_a_future_start_counts_towards_the_next_round(
    login_as, small, official_mex, secretariat
):
    today = timezone.localdate()
    first = round_open(name="R1", starts_on=today, due_on=today, declarations=[small], by=secretariat)
    round_close(reporting_round=first, by=secretariat)
    future = today + datetime.timedelta(days=30)
    second = round_open(
        name="R2", starts_on=future, due_on=future + datetime.timedelta(days=30), declarations=[small], by=secretariat
    )
    update = report(implementation(small, 1, "MEX"), official_mex, "planned", 10)
    assert update.reporting_round == second
    html = login_as("official_mex").get(reverse("reporting:country-detail", args=["MEX"])).content.decode()
    assert "Reports count towards <strong>R2</strong>, which starts on" in html
    from rounds.selectors import round_progress

    progress = {row.iso3: row.reported for row in round_progress(second)}
    assert progress["MEX"] == 1


def test_a_report_while_no_round_is_open_belongs_to_the_next_round_opened(login_as, small, official_mex, secretariat):
    today = timezone.localdate()
    first = round_open(name="R1", starts_on=today, due_on=today, declarations=[small], by=secretariat)
    round_close(reporting_round=first, by=secretariat)
    update = report(implementation(small, 1, "MEX"), official_mex, "planned", 10)
    assert update.reporting_round is None
    html = login_as("official_mex").get(reverse("reporting:country-detail", args=["MEX"])).content.decode()
    assert "reports count towards the next round the secretariat opens" in html
    second = round_open(name="R2", starts_on=today, due_on=today, declarations=[small], by=secretariat)
    update.refresh_from_db()
    assert update.reporting_round == second
    assert StatusUpdate.objects.filter(reporting_round__isnull=True).count() == 0


def test_a_closed_rounds_dashboard_leaves_out_a_declaration_loaded_after_the_close(
    login_as, small, official_mex, secretariat
):
    today = timezone.localdate()
    reporting_round = round_open(name="R1", starts_on=today, due_on=today, declarations=[], by=secretariat)
    report(implementation(small, 1, "MEX"), official_mex, "completed")
    round_close(reporting_round=reporting_round, by=secretariat)
    later = SMALL.replace("SMALL DECLARATION OF TESTING", "LATER DECLARATION OF TESTING")
    declaration_load(parsed=parse_declaration(later), source_text=later)
    reporting_round.refresh_from_db()
    everything = list(Declaration.objects.all())
    board = build_dashboard(declarations=everything, reporting_round=reporting_round)
    titles = {block.declaration.title for block in board.blocks}
    assert "Later Declaration of Testing" not in titles
    assert "Small Declaration of Testing" in titles
    html = login_as("secretariat").get(reverse("dashboards:dashboard"), {"round": reporting_round.pk}).content.decode()
    later_pk = Declaration.objects.get(title="Later Declaration of Testing").pk
    assert f'id="matrix-{later_pk}"' not in html
    assert f'id="matrix-{small.pk}"' in html
    live = build_dashboard(declarations=everything)
    assert "Later Declaration of Testing" in {block.declaration.title for block in live.blocks}
    assert board.figures.total == live.figures.total - 6


def test_closing_asks_for_confirmation_and_warns_before_the_due_date(login_as, rcm_data, secretariat):
    today = timezone.localdate()
    early = ReportingRound.objects.create(name="Early", starts_on=today, due_on=today + datetime.timedelta(days=9))
    client = login_as("secretariat")
    url = reverse("rounds:round-close", args=[early.pk])
    page = client.get(url).content.decode()
    assert "Closing the round freezes what it shows" in page
    assert "Warning:" in page
    assert client.post(url).status_code == 400  # no confirmation, nothing closed
    assert ReportingRound.objects.get(pk=early.pk).closed_at is None
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert ReportingRound.objects.get(pk=early.pk).closed_at is not None

    due = ReportingRound.objects.create(name="Due", starts_on=today, due_on=today)
    assert "Warning:" not in client.get(reverse("rounds:round-close", args=[due.pk])).content.decode()


# --- 5. as_of -------------------------------------------------------------------------------------------


def test_as_of_gives_empty_review_fields_before_the_first_report(api, mex_implementation, official_mex, secretariat):
    update = report(mex_implementation, official_mex, "planned", 10)
    review_update(update=update, by=secretariat, decision="accepted")
    client = api("observer")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    today = timezone.localdate().isoformat()
    rows = client.get("/api/v1/implementations/", {"as_of": yesterday, "country": "MEX", "page_size": 500}).json()
    (row,) = [r for r in rows["results"] if r["id"] == mex_implementation.pk]
    assert (row["status"], row["review_state"], row["updated_at"], row["version"]) == ("not_reported", "", None, 0)
    rows = client.get("/api/v1/implementations/", {"as_of": today, "country": "MEX", "page_size": 500}).json()
    (row,) = [r for r in rows["results"] if r["id"] == mex_implementation.pk]
    assert (row["status"], row["review_state"]) == ("planned", "accepted")
    assert all(r["review_state"] == "" for r in rows["results"] if r["status"] == "not_reported")


# --- 6. the review API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"), [("secretariat", 201), ("official_mex", 403), ("observer", 403), ("anonymous", 401)]
)
def test_review_through_the_api(api, mex_implementation, official_mex, who, expected):
    update = report(mex_implementation, official_mex, "planned", 10)
    response = api(who).post(f"/api/v1/updates/{update.pk}/review/", {"decision": "accept"}, format="json")
    assert response.status_code == expected
    update.refresh_from_db()
    assert update.review_state == ("accepted" if expected == 201 else "pending")
    if expected == 201:
        assert response.json()["review"]["decision"] == "accepted"


def test_returning_through_the_api_needs_a_comment_and_happens_once(api, mex_implementation, official_mex):
    update = report(mex_implementation, official_mex, "completed")
    client = api("secretariat")
    url = f"/api/v1/updates/{update.pk}/review/"
    missing = client.post(url, {"decision": "return"}, format="json")
    assert missing.status_code == 400
    assert "comment" in missing.json()["errors"]
    assert client.post(url, {"decision": "maybe"}, format="json").status_code == 400
    done = client.post(url, {"decision": "return", "comment": "Attach the decree."}, format="json")
    assert done.status_code == 201
    mex_implementation.refresh_from_db()
    assert (mex_implementation.status, mex_implementation.review_state) == ("not_reported", "returned")
    assert client.post(url, {"decision": "accept"}, format="json").status_code == 409


def test_the_review_endpoint_is_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/updates/{id}/review/"]["post"]
    assert operation["operationId"] == "updates_review_create"
    assert "409" in operation["responses"]


# --- 7. database errors -------------------------------------------------------------------------------------


def test_a_rejected_statement_is_a_logged_500_not_a_503(api, rcm_data, observer, monkeypatch, caplog):
    from django.db import connection

    from reporting import selectors

    def broken(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_function_rcm(1)")

    monkeypatch.setattr(selectors, "implementation_list_filtered", broken)
    client = api("observer")
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/implementations/")
    assert response.status_code == 500
    assert response.json()["status"] == 500
    assert any(record.exc_info for record in caplog.records), "the 500 is logged with its traceback"


def test_reviewed_updates_keep_the_implementation_list_in_step_with_the_tallies(small, official_mex, secretariat):
    for number in (1, 2, 3):
        update = report(implementation(small, number, "MEX"), official_mex, "completed")
        review_update(update=update, by=secretariat, decision="returned" if number != 2 else "accepted", comment="c")
    assert tallies_match_a_recount()
    assert (
        Implementation.objects.filter(commitment__declaration=small, country__iso3="MEX", status="completed").count()
        == 1
    )


def test_a_rounds_dashboard_marks_a_returned_report_and_does_not_count_it(small, official_mex, secretariat):
    today = timezone.localdate()
    reporting_round = round_open(name="R1", starts_on=today, due_on=today, declarations=[small], by=secretariat)
    update = report(implementation(small, 1, "MEX"), official_mex, "completed")
    review_update(update=update, by=secretariat, decision="returned", comment="Send the decree.")
    board = build_dashboard(declarations=[small], reporting_round=reporting_round)
    cell = cell_of(board, "MEX", 1)
    assert (cell.status, cell.review_state) == ("not_reported", "returned")
    assert board.figures.done == 0
    from rounds.selectors import round_progress

    assert {row.iso3: row.reported for row in round_progress(reporting_round)}["MEX"] == 0


def test_the_list_offers_the_validated_state(api, mex_implementation, official_mex, secretariat):
    accepted = report(mex_implementation, official_mex, "planned", 10)
    review_update(update=accepted, by=secretariat, decision="accepted")
    report(mex_implementation, official_mex, "in_progress", 50)  # awaiting review
    client = api("official_gtm")  # reads the reported state (observers read the validated one)

    def mex_row(**params):
        rows = client.get("/api/v1/implementations/", {"country": "MEX", "page_size": 500, **params}).json()
        (row,) = [r for r in rows["results"] if r["id"] == mex_implementation.pk]
        return row["status"], row["progress"], row["review_state"]

    assert mex_row() == ("in_progress", 50, "pending")
    assert mex_row(validated_only="true") == ("planned", 10, "accepted")
    assert mex_row(validated_only="true", as_of=timezone.localdate().isoformat()) == ("planned", 10, "accepted")
    counted = client.get("/api/v1/implementations/", {"validated_only": "true", "status": "planned"}).json()
    assert counted["count"] == 1


@pytest.mark.parametrize(("value", "expected"), [("true", 200), ("False", 200), ("maybe", 400), ("-5", 400)])
def test_validated_only_accepts_true_or_false_only(api, rcm_data, observer, value, expected):
    assert api("observer").get("/api/v1/implementations/", {"validated_only": value}).status_code == expected
