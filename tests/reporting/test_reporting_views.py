"""The reporting pages over HTTP: who may see and do what, and what bad input does."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reporting.models import Evidence, Implementation, StatusUpdate
from reporting.services import LinkInput, report_update
from tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def form_data(version: int = 0, **overrides):
    data = {
        "status": "in_progress",
        "progress": "40",
        "summary": "Two technical meetings held with civil society.",
        "version": str(version),
        "links-TOTAL_FORMS": "2",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
        "links-0-url": "https://www.gob.mx/inm",
        "links-0-title": "INM",
        "links-1-url": "",
        "links-1-title": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def pending_update(mex_implementation, official_mex):
    return report_update(
        implementation=mex_implementation,
        by=official_mex,
        status="planned",
        progress=10,
        summary="Planned",
        links=[LinkInput(url="https://example.org/plan")],
    )


@pytest.fixture
def file_evidence(mex_implementation, official_mex):
    from io import BytesIO

    from reporting.services import FileInput

    update = report_update(
        implementation=mex_implementation,
        by=official_mex,
        status="planned",
        progress=10,
        summary="With a file",
        files=[FileInput(stream=BytesIO(PDF_BYTES), name="plan.pdf", size=len(PDF_BYTES))],
    )
    return update.evidence.get()


def snapshot():
    return (StatusUpdate.objects.count(), Evidence.objects.count(), list(Implementation.objects.values_list("version")))


# --- the allow/deny matrix -------------------------------------------------------------------

ALL = ["official_mex", "official_gtm", "secretariat", "observer"]


@pytest.mark.parametrize(("who", "expected"), [*((w, 200) for w in ALL), ("anonymous", 302)])
def test_implementation_page(login_as, mex_implementation, who, expected):
    url = reverse("reporting:implementation-detail", args=[mex_implementation.pk])
    assert login_as(who).get(url).status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("official_mex", 302), ("official_gtm", 403), ("secretariat", 403), ("observer", 403), ("anonymous", 302)],
)
def test_post_an_update(login_as, mex_implementation, who, expected):
    client = login_as(who)
    response = client.post(reverse("reporting:implementation-report", args=[mex_implementation.pk]), form_data())
    assert response.status_code == expected
    written = StatusUpdate.objects.filter(implementation=mex_implementation).count()
    assert written == (1 if who == "official_mex" else 0)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_a_forged_form_cannot_write_for_another_country(login_as, mex_implementation):
    """Guatemala's official posts to Mexico's implementation with every field they can think of."""
    client = login_as("official_gtm")
    data = form_data(country="GTM", implementation=str(mex_implementation.pk), reported_by="1")
    response = client.post(reverse("reporting:implementation-report", args=[mex_implementation.pk]), data)
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("secretariat", 200), ("official_mex", 403), ("official_gtm", 403), ("observer", 403), ("anonymous", 302)],
)
def test_review_queue(login_as, who, expected):
    assert login_as(who).get(reverse("reporting:review-queue")).status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("secretariat", 302), ("official_mex", 403), ("official_gtm", 403), ("observer", 403), ("anonymous", 302)],
)
def test_post_a_review(login_as, pending_update, who, expected):
    url = reverse("reporting:update-review", args=[pending_update.pk])
    response = login_as(who).post(url, {"decision": "accepted"})
    assert response.status_code == expected
    pending_update.refresh_from_db()
    assert pending_update.review_state == ("accepted" if who == "secretariat" else "pending")


# Observers open the evidence of accepted updates only: this one awaits review (#18).
@pytest.mark.parametrize(
    ("who", "expected"), [*((w, 404 if w == "observer" else 200) for w in ALL), ("anonymous", 302)]
)
def test_evidence_download(login_as, file_evidence, who, expected):
    response = login_as(who).get(reverse("reporting:evidence-download", args=[file_evidence.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith('attachment; filename="plan.pdf"')
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("who", "expected"), [("secretariat", 200), ("official_mex", 403), ("observer", 403), ("anonymous", 302)]
)
def test_audit_trail(login_as, who, expected):
    assert login_as(who).get(reverse("audit:audit-list")).status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("official_gtm", 404), ("official_mex", 200), ("secretariat", 200), ("observer", 200)]
)
def test_confined_officials_get_404_for_another_countrys_records(login_as, settings, file_evidence, who, expected):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = False
    client = login_as(who)
    implementation = file_evidence.update.implementation
    assert client.get(reverse("reporting:implementation-detail", args=[implementation.pk])).status_code == expected
    evidence_expected = 404 if who == "observer" else expected  # not accepted yet: not the observer's (#18)
    assert client.get(reverse("reporting:evidence-download", args=[file_evidence.pk])).status_code == evidence_expected


def test_confined_official_posting_elsewhere_gets_404(login_as, settings, mex_implementation):
    settings.RCM_OFFICIALS_SEE_ALL_COUNTRIES = False
    url = reverse("reporting:implementation-report", args=[mex_implementation.pk])
    assert login_as("official_gtm").post(url, form_data()).status_code == 404


def test_a_link_is_not_downloadable(login_as, pending_update):
    link = pending_update.evidence.get()
    assert login_as("observer").get(reverse("reporting:evidence-download", args=[link.pk])).status_code == 404


def test_workspace_sends_each_role_home(login_as):
    assert login_as("official_mex").get(reverse("reporting:workspace"))["Location"].endswith("/countries/MEX/")


@pytest.mark.parametrize(
    ("who", "home"),
    [("official_gtm", "/countries/GTM/"), ("secretariat", "/review/"), ("observer", "/declarations/")],
)
def test_workspace_per_role(login_as, who, home):
    assert login_as(who).get(reverse("reporting:workspace"))["Location"] == home


# --- the form ---------------------------------------------------------------------------------


def test_a_valid_form_saves_and_redirects_with_a_message(login_as, mex_implementation):
    client = login_as("official_mex")
    url = reverse("reporting:implementation-report", args=[mex_implementation.pk])
    pdf = SimpleUploadedFile("informe.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, {**form_data(), "evidence_files": [pdf]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:implementation-detail", args=[mex_implementation.pk])
    assert "Your update was saved" in response.content.decode()
    update = StatusUpdate.objects.get()
    assert sorted(update.evidence.values_list("kind", flat=True)) == ["file", "link"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "completed", "progress": "50"}, "A completed action is at 100%"),
        ({"status": "not_applicable", "progress": "", "summary": ""}, "Explain why this action does not apply"),
        ({"progress": "150"}, "less than or equal to 100"),
        ({"progress": "forty"}, "Enter a whole number"),
        ({"status": "done"}, "Select a valid choice"),
        ({"summary": "   "}, "Describe what was done"),
        ({"links-0-url": "javascript:alert(1)"}, "is not a web address starting with http"),
        ({"links-0-url": "", "links-0-title": "Orphan title"}, "Enter the address of this link"),
        ({"version": ""}, "This field is required"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(login_as, mex_implementation, overrides, message):
    before = snapshot()
    response = login_as("official_mex").post(
        reverse("reporting:implementation-report", args=[mex_implementation.pk]), form_data(**overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "There is a problem; nothing was saved." in html
    assert snapshot() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("informe.pdf", b"MZ\x90\x00 this is an executable"), "not a file type we accept"),
        (("informe.docx", PDF_BYTES), "content is PDF"),
        (("big.pdf", PDF_BYTES + b"0" * 2048), "files may be at most"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    login_as, settings, mex_implementation, media_root, upload, message
):
    settings.RCM_MAX_UPLOAD_BYTES = 1024
    name, content = upload
    before = snapshot()
    response = login_as("official_mex").post(
        reverse("reporting:implementation-report", args=[mex_implementation.pk]),
        {**form_data(), "evidence_files": [SimpleUploadedFile(name, content)]},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_a_stale_form_keeps_the_users_text_and_shows_what_changed(login_as, mex_implementation, official_mex):
    report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="Colleague's report"
    )
    before = snapshot()
    response = login_as("official_mex").post(
        reverse("reporting:implementation-report", args=[mex_implementation.pk]),
        form_data(version=0, summary="My carefully written paragraph"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else reported on this action while you were writing" in html
    assert "Colleague&#x27;s report" in html
    assert "My carefully written paragraph" in html
    assert 'name="version" value="1"' in html
    assert snapshot() == before


def test_the_official_sees_a_returned_update_in_the_workspace(login_as, pending_update, secretariat):
    from reporting.services import review_update

    review_update(update=pending_update, by=secretariat, decision="returned", comment="Add the budget.")
    html = login_as("official_mex").get(reverse("reporting:country-detail", args=["MEX"])).content.decode()
    assert 'class="returned"' in html
    detail = login_as("official_mex").get(
        reverse("reporting:implementation-detail", args=[pending_update.implementation_id])
    )
    assert "Add the budget." in detail.content.decode()


def test_workspace_filter_not_reported_in_round(login_as, pending_update):
    from datetime import date

    from reporting.models import ReportingRound

    url = reverse("reporting:country-detail", args=["MEX"])
    client = login_as("official_mex")
    # No round open: "never reported".
    assert len(client.get(url, {"not_reported_in_round": "true"}).context["implementations"]) == 27
    round_ = ReportingRound.objects.create(name="2026 S2", starts_on=date(2026, 1, 1), due_on=date(2026, 12, 31))
    # A round opened after the report: everything is still to be reported in it.
    assert len(client.get(url, {"not_reported_in_round": "true"}).context["implementations"]) == 28
    StatusUpdate.objects.filter(pk=pending_update.pk).update(reporting_round=round_)
    assert len(client.get(url, {"not_reported_in_round": "true"}).context["implementations"]) == 27


def test_review_from_the_queue_returns_to_the_queue_with_a_message(login_as, pending_update):
    client = login_as("secretariat")
    queue = reverse("reporting:review-queue")
    assert "Planned" in client.get(queue).content.decode()
    response = client.post(
        reverse("reporting:update-review", args=[pending_update.pk]),
        {"decision": "returned", "comment": "Add the budget.", "next": queue},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == queue
    assert "returned to the country" in response.content.decode()
    assert "Nothing is waiting for review." in response.content.decode()


def test_review_next_cannot_redirect_off_site(login_as, pending_update):
    response = login_as("secretariat").post(
        reverse("reporting:update-review", args=[pending_update.pk]),
        {"decision": "accepted", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("reporting:review-queue")


def test_reporting_pages_cost_a_constant_number_of_queries(
    login_as, mex_implementation, official_mex, django_assert_num_queries
):
    for index in range(3):
        report_update(
            implementation=mex_implementation,
            by=official_mex,
            status="in_progress",
            progress=10 + index,
            summary=f"Report {index}",
            links=[LinkInput(url=f"https://example.org/{index}"), LinkInput(url=f"https://example.org/b{index}")],
        )
    detail = reverse("reporting:implementation-detail", args=[mex_implementation.pk])
    official = login_as("official_mex")
    # session, user with country, implementation, its declaration's and commitment's translations,
    # updates with reviews, evidence
    with django_assert_num_queries(8):
        official.get(detail)
    secretariat = Client()
    secretariat.force_login(_secretariat())
    # session, user, updates, evidence, translations (declarations, commitments), and the filter's
    # countries and declarations (with their translations)
    with django_assert_num_queries(10):
        secretariat.get(reverse("reporting:review-queue"))
    with django_assert_num_queries(8):
        secretariat.get(detail)


def _secretariat():
    from accounts.models import Role
    from accounts.services import user_create

    return user_create(username="queue.sec", role=Role.SECRETARIAT, password="another-long-passphrase")
