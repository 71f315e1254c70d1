"""The reporting API over HTTP: the role × endpoint × method matrix, filters, paging, conditional requests."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.utils import timezone

from reporting.models import Evidence, Implementation, ReportingRound, StatusUpdate
from reporting.services import LinkInput, report_update, review_update
from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

ROLES = ["official_mex", "official_gtm", "secretariat", "observer"]
BODY = {"status": "in_progress", "progress": 40, "summary": "Two technical meetings held."}


def etag(implementation: Implementation) -> str:
    return f'"implementation-{implementation.pk}-v{implementation.version}"'


@pytest.fixture
def mex_update(mex_implementation, official_mex):
    return report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=10, summary="Planned"
    )


# --- matrix ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [*((w, 200) for w in ROLES), ("anonymous", 401)])
def test_read_endpoints(api, mex_implementation, darien, who, expected):
    client = api(who)
    for url in [
        "/api/v1/countries/",
        "/api/v1/declarations/",
        f"/api/v1/declarations/{darien.pk}/",
        "/api/v1/commitments/",
        "/api/v1/implementations/",
        f"/api/v1/implementations/{mex_implementation.pk}/",
        f"/api/v1/implementations/{mex_implementation.pk}/updates/",
        "/api/v1/summary/",
    ]:
        response = client.get(url)
        assert response.status_code == expected, url
        expected_type = "application/json" if expected == 200 else "application/problem+json"
        assert response["Content-Type"] == expected_type, url


@pytest.mark.parametrize(
    ("who", "expected"),
    [("official_mex", 201), ("official_gtm", 403), ("secretariat", 403), ("observer", 403), ("anonymous", 401)],
)
def test_post_an_update(api, mex_implementation, who, expected):
    response = api(who).post(
        f"/api/v1/implementations/{mex_implementation.pk}/updates/", BODY, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == expected
    assert StatusUpdate.objects.count() == (1 if expected == 201 else 0)
    assert ("sequence" if expected == 201 else "detail") in response.json()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("official_mex", 201), ("official_gtm", 403), ("secretariat", 403), ("observer", 403), ("anonymous", 401)],
)
def test_post_evidence(api, mex_update, who, expected):
    response = api(who).post(
        f"/api/v1/updates/{mex_update.pk}/evidence/", {"url": "https://example.org/minutes"}, format="json"
    )
    assert response.status_code == expected
    assert Evidence.objects.count() == (1 if expected == 201 else 0)


# Observers open the evidence of accepted updates only: this one awaits review (#18).
@pytest.mark.parametrize(
    ("who", "expected"), [*((w, 404 if w == "observer" else 200) for w in ROLES), ("anonymous", 401)]
)
def test_download_evidence(api, mex_update, official_mex, who, expected):
    from reporting.services import FileInput, evidence_attach

    (evidence,) = evidence_attach(
        update=mex_update,
        by=official_mex,
        files=[FileInput(stream=io.BytesIO(PDF_BYTES), name="acta.pdf", size=len(PDF_BYTES))],
    )
    response = api(who).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == expected
    if expected == 200:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_confined_officials_get_404_for_other_countries(api, settings, mex_implementation, mex_update):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = False
    client = api("official_gtm")
    assert client.get(f"/api/v1/implementations/{mex_implementation.pk}/").status_code == 404
    assert client.get(f"/api/v1/implementations/{mex_implementation.pk}/updates/").status_code == 404
    assert (
        client.post(f"/api/v1/implementations/{mex_implementation.pk}/updates/", BODY, format="json").status_code == 404
    )
    listed = client.get("/api/v1/implementations/", {"page_size": 500}).json()
    assert {row["country"] for row in listed["results"]} == {"GTM"}
    assert [row["country"] for row in client.get("/api/v1/summary/").json()["countries"]] == ["GTM"]


def test_token_endpoint(client, official_mex):
    from tests.conftest import PASSWORD

    response = client.post(
        "/api/v1/auth/token/",
        {"username": official_mex.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/countries/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    wrong = client.post(
        "/api/v1/auth/token/", {"username": official_mex.username, "password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "Unable to sign in with these credentials."
    missing = client.post("/api/v1/auth/token/", {"username": official_mex.username}, content_type="application/json")
    assert missing.status_code == 400
    assert "password" in missing.json()["errors"]
    # JSON only: a form body is refused, not half-understood.
    form = client.post("/api/v1/auth/token/", {"username": official_mex.username, "password": PASSWORD})
    assert form.status_code == 415
    assert form["Content-Type"] == "application/problem+json"


def test_session_auth_works_for_the_browser(login_as):
    assert login_as("observer").get("/api/v1/countries/").status_code == 200


def test_an_invalid_token_is_401_json(client):
    response = client.get("/api/v1/countries/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json()["status"] == 401


# --- filters, paging, ordering -------------------------------------------------------------------


def test_filters_match_the_data(api, darien, mex_implementation, official_mex):
    report_update(implementation=mex_implementation, by=official_mex, status="in_progress", progress=30, summary="x")
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    rows = client.get(
        "/api/v1/implementations/", {"country": "mex", "declaration": darien.pk, "status": "in_progress"}
    ).json()
    assert rows["count"] == 1
    assert rows["results"][0]["id"] == mex_implementation.pk
    assert rows["results"][0]["progress"] == 30
    assert client.get("/api/v1/implementations/", {"country": "NIC", "declaration": darien.pk}).json()["count"] == 0
    assert client.get("/api/v1/implementations/", {"country": "MEX"}).json()["count"] == 28
    assert client.get("/api/v1/implementations/", {"search": "Darien region"}).json()["count"] == 10
    assert client.get("/api/v1/implementations/", {"status": ["in_progress", "planned"]}).json()["count"] == 1
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    assert client.get("/api/v1/implementations/", {"updated_since": since}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "XYZ"}, "country"),
        ({"status": "finished"}, "status"),
        ({"declaration": "999999"}, "declaration"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"as_of": "2026-13-45"}, "as_of"),
        ({"ordering": "password"}, "ordering"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_unknown_filter_values_are_400_not_an_empty_list(api, params, field):
    response = api("observer").get("/api/v1/implementations/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_pagination_is_stable_and_bounded(api):
    client = api("observer")
    seen: list[int] = []
    url = "/api/v1/implementations/?page_size=40"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 40
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == Implementation.objects.count() == 298
    assert len(client.get("/api/v1/implementations/", {"page_size": 10000}).json()["results"]) == 298  # capped at 500
    for bad in ["0", "-1", "ten", "null"]:
        assert client.get("/api/v1/implementations/", {"page_size": bad}).status_code == 400


def test_ordering(api):
    rows = api("observer").get("/api/v1/implementations/", {"ordering": "-country", "page_size": 500}).json()["results"]
    countries = [row["country"] for row in rows]
    assert countries == sorted(countries, reverse=True)


# --- conditional requests ------------------------------------------------------------------------


def test_etag_and_304(api, mex_implementation):
    client = api("observer")
    url = f"/api/v1/implementations/{mex_implementation.pk}/"
    first = client.get(url)
    assert first["ETag"] == etag(mex_implementation)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_last_modified_after_a_report(api, mex_update):
    response = api("observer").get(f"/api/v1/implementations/{mex_update.implementation_id}/")
    assert response["Last-Modified"].endswith("GMT")


def test_stale_if_match_is_412_with_the_current_state_and_writes_nothing(api, mex_implementation, mex_update):
    client = api("official_mex")
    url = f"/api/v1/implementations/{mex_implementation.pk}/updates/"
    stale = f'"implementation-{mex_implementation.pk}-v0"'  # as read before mex_update
    response = client.post(url, BODY, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json()["current"]["version"] == 1
    assert response.json()["current"]["status"] == "planned"
    assert StatusUpdate.objects.count() == 1

    mex_implementation.refresh_from_db()
    ok = client.post(url, BODY, format="json", HTTP_IF_MATCH=etag(mex_implementation))
    assert ok.status_code == 201
    assert ok["ETag"] == f'"implementation-{mex_implementation.pk}-v2"'


@pytest.mark.parametrize("header", ['"implementation-{other}-v0"', '"garbage"', 'W/"implementation-{pk}-v0"'])
def test_an_etag_that_is_not_this_implementations_never_matches(api, mex_implementation, header):
    value = header.format(other=mex_implementation.pk + 1, pk=mex_implementation.pk)
    response = api("official_mex").post(
        f"/api/v1/implementations/{mex_implementation.pk}/updates/", BODY, format="json", HTTP_IF_MATCH=value
    )
    assert response.status_code == 412
    assert not StatusUpdate.objects.exists()


def test_without_if_match_is_428_and_writes_nothing(api, mex_implementation, mex_update):
    url = f"/api/v1/implementations/{mex_implementation.pk}/updates/"
    response = api("official_mex").post(url, BODY, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "tag:rcm-tracker,2026:problem:if-match-required"
    assert body["title"] == "Precondition required"
    assert response["ETag"] == f'"implementation-{mex_implementation.pk}-v1"'
    assert StatusUpdate.objects.count() == 1
    # `*` says "whatever the current version": the client knowingly opts out of the check.
    star = api("official_mex").post(url, BODY, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 201
    assert star.json()["sequence"] == 2


# --- writes: validation and evidence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "status": "completed", "progress": 50}, "progress"),
        ({**BODY, "status": "not_reported"}, "status"),
        ({**BODY, "progress": "forty"}, "progress"),
        ({**BODY, "summary": ""}, "summary"),
        ({"status": "planned"}, "summary"),
        ({**BODY, "links": [{"url": "javascript:alert(1)"}]}, "links"),
    ],
)
def test_invalid_updates_are_400_with_field_messages(api, mex_implementation, body, field):
    response = api("official_mex").post(
        f"/api/v1/implementations/{mex_implementation.pk}/updates/", body, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not StatusUpdate.objects.exists()


def test_malformed_json_is_400(api, mex_implementation):
    response = api("official_mex").post(
        f"/api/v1/implementations/{mex_implementation.pk}/updates/",
        "{not json",
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid input"


def test_update_with_links_appears_in_history(api, mex_implementation):
    client = api("official_mex")
    url = f"/api/v1/implementations/{mex_implementation.pk}/updates/"
    client.post(
        url, {**BODY, "links": [{"url": "https://www.gob.mx/inm", "title": "INM"}]}, format="json", HTTP_IF_MATCH="*"
    )
    history = client.get(url).json()
    assert history["count"] == 1
    assert history["results"][0]["evidence"][0]["url"] == "https://www.gob.mx/inm"
    assert history["results"][0]["review"] is None


def test_file_evidence_over_multipart(api, mex_update, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api("official_mex").post(
        f"/api/v1/updates/{mex_update.pk}/evidence/",
        {"file": SimpleUploadedFile("acta.pdf", PDF_BYTES), "title": "Acta"},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["title"], body["original_name"], body["size"]) == (
        "file",
        "Acta",
        "acta.pdf",
        len(PDF_BYTES),
    )
    assert body["download_url"].endswith(f"/evidence/{body['id']}/download/")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("big.pdf", PDF_BYTES + b"0" * 4096, 413),
        ("fake.pdf", b"MZ\x90\x00 an executable", 415),
        ("x.docx", PDF_BYTES, 415),
    ],
)
def test_refused_files_are_413_or_415_json_and_store_nothing(
    api, settings, mex_update, media_root, name, content, expected
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.RCM_MAX_UPLOAD_BYTES = 1024
    response = api("official_mex").post(
        f"/api/v1/updates/{mex_update.pk}/evidence/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == expected
    assert response.json()["detail"]
    assert not Evidence.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_evidence_needs_a_url_or_a_file(api, mex_update):
    response = api("official_mex").post(f"/api/v1/updates/{mex_update.pk}/evidence/", {"title": "x"}, format="json")
    assert response.status_code == 400


# --- exports, as_of, summary ---------------------------------------------------------------------


def test_csv_export_equals_the_list(api):
    client = api("observer")
    listed = client.get("/api/v1/implementations/", {"country": "MEX", "page_size": 500}).json()["results"]
    response = client.get("/api/v1/implementations/", {"country": "MEX", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"id,declaration,")  # for programs: no byte-order mark before the first key
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert [int(row["id"]) for row in rows] == [row["id"] for row in listed]
    assert [row["status"] for row in rows] == [row["status"] for row in listed]
    # Times as JSON writes them: UTC with Z.
    assert [row["last_reported_at"] or None for row in rows] == [row["last_reported_at"] for row in listed]


def test_xlsx_export_equals_the_list(api):
    client = api("observer")
    listed = client.get("/api/v1/implementations/", {"country": "GTM", "page_size": 500}).json()["results"]
    response = client.get("/api/v1/implementations/", {"country": "GTM", "format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "id"
    assert [row[0] for row in rows[1:]] == [row["id"] for row in listed]


def test_as_of_gives_the_state_at_the_end_of_that_day(api, mex_implementation, official_mex):
    first = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=10, summary="a"
    )
    second = report_update(
        implementation=mex_implementation, by=official_mex, status="in_progress", progress=50, summary="b"
    )
    StatusUpdate.objects.filter(pk=first.pk).update(reported_at=timezone.make_aware(datetime(2026, 3, 10, 12)))
    StatusUpdate.objects.filter(pk=second.pk).update(reported_at=timezone.make_aware(datetime(2026, 6, 1, 9)))
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one

    def state(day: str) -> tuple[str, int | None, int]:
        row = client.get("/api/v1/implementations/", {"as_of": day, "country": "MEX"}).json()["results"]
        match = next(r for r in row if r["id"] == mex_implementation.pk)
        return match["status"], match["progress"], match["version"]

    assert state("2026-03-09") == ("not_reported", None, 0)
    assert state("2026-03-10") == ("planned", 10, 1)
    assert state("2026-05-31") == ("planned", 10, 1)
    assert state("2026-06-01") == ("in_progress", 50, 2)
    filtered = client.get("/api/v1/implementations/", {"as_of": "2026-03-10", "status": "planned"}).json()
    assert [r["id"] for r in filtered["results"]] == [mex_implementation.pk]
    summary = client.get("/api/v1/summary/", {"as_of": "2026-03-10"}).json()
    mex = next(row for row in summary["countries"] if row["country"] == "MEX")
    assert mex["counts"]["planned"] == 1


def test_summary_counts_per_country_and_status(api, darien, mex_implementation, official_mex, secretariat):
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="completed", progress=None, summary="x"
    )
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    summary = client.get("/api/v1/summary/", {"declaration": darien.pk}).json()
    by_country = {row["country"]: row for row in summary["countries"]}
    assert set(by_country) == {"BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "PAN", "USA"}
    assert by_country["MEX"]["counts"]["completed"] == 1
    assert by_country["MEX"]["counts"]["not_reported"] == 9
    assert by_country["MEX"]["total"] == 10
    accepted = client.get("/api/v1/summary/", {"declaration": darien.pk, "accepted_only": "true"}).json()
    assert {r["country"]: r for r in accepted["countries"]}["MEX"]["counts"]["completed"] == 0
    review_update(update=update, by=secretariat, decision="accepted")
    accepted = client.get("/api/v1/summary/", {"declaration": darien.pk, "accepted_only": "true"}).json()
    assert {r["country"]: r for r in accepted["countries"]}["MEX"]["counts"]["completed"] == 1


def test_summary_by_round(api, darien, mex_implementation, official_mex):
    round_ = ReportingRound.objects.create(name="R1", starts_on=date(2020, 1, 1), due_on=date(2030, 1, 1))
    report_update(implementation=mex_implementation, by=official_mex, status="ongoing", progress=None, summary="x")
    other = ReportingRound.objects.create(name="R0", starts_on=date(2019, 1, 1), due_on=date(2019, 6, 1))
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    in_round = client.get("/api/v1/summary/", {"round": round_.pk}).json()
    assert {r["country"]: r for r in in_round["countries"]}["MEX"]["counts"]["ongoing"] == 1
    in_other = client.get("/api/v1/summary/", {"round": other.pk}).json()
    assert {r["country"]: r for r in in_other["countries"]}["MEX"]["counts"]["ongoing"] == 0
    assert client.get("/api/v1/summary/", {"round": 999999}).status_code == 400


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [5, 200])
def test_list_queries_are_constant_whatever_the_page_size(shared_cache, api, django_assert_num_queries, page_size):
    client = api("observer")
    # token lookup, then the page with its count (from the tallies) in one query
    with django_assert_num_queries(2):
        assert client.get("/api/v1/implementations/", {"page_size": page_size}).status_code == 200
    # the token is cached now; the country code map is read once
    with django_assert_num_queries(2):
        assert client.get("/api/v1/implementations/", {"page_size": page_size, "country": "MEX"}).status_code == 200
    # warm: the page is the only query
    with django_assert_num_queries(1):
        assert client.get("/api/v1/implementations/", {"page_size": page_size, "country": "MEX"}).status_code == 200
    # a filter the tallies cannot count: the rows are counted, still in the page's query
    with django_assert_num_queries(1):
        response = client.get("/api/v1/implementations/", {"page_size": page_size, "country": "MEX", "search": "a"})
        assert response.status_code == 200


def test_history_and_summary_queries_are_constant(
    shared_cache, api, django_assert_num_queries, mex_implementation, official_mex
):
    for index in range(4):
        report_update(
            implementation=mex_implementation,
            by=official_mex,
            status="in_progress",
            progress=index,
            summary="x",
            links=[LinkInput(url="https://example.org/a"), LinkInput(url="https://example.org/b")],
        )
    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    # token, implementation, count, updates, evidence
    with django_assert_num_queries(5):
        client.get(f"/api/v1/implementations/{mex_implementation.pk}/updates/")
    # the token cached: tallies, countries
    with django_assert_num_queries(2):
        client.get("/api/v1/summary/")
