"""Issue #18 without a browser: post/redirect/get, forms that help, the workspace, observers, messages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from notifications.models import Notification
from reporting.models import Implementation, ReviewState, StatusUpdate
from reporting.services import report_update, review_update
from rounds import services as round_services

pytestmark = pytest.mark.django_db


def _impl(declaration, number, iso3):
    return Implementation.objects.select_related("country").get(
        commitment__declaration=declaration, commitment__number=number, country__iso3=iso3
    )


def _report_url(implementation):
    return reverse("reporting:implementation-report", args=[implementation.pk])


# --- post/redirect/get: no landing page answers 405 ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/notifications/read-all/", "/notifications/"),
        ("/import/confirm/", "/import/"),
        ("/declarations/upload/confirm/", "/declarations/upload/"),
        ("/webhooks/deliveries/1/resend/", "/webhooks/"),
        ("/accounts/logout/", "/accounts/login/"),
        ("/i18n/setlang/", "/"),
    ],
)
def test_a_get_on_a_post_only_address_goes_to_the_equivalent_page(login_as, rcm_data, path, expected):
    response = login_as("secretariat").get(path)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_a_reload_after_a_form_error_shows_the_form_with_the_unsent_text(login_as, mex_implementation):
    client = login_as("official_mex")
    data = {"status": "completed", "progress": "50", "summary": "Text that must survive.", "version": "0"}
    data.update({"links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0"})
    refused = client.post(_report_url(mex_implementation), data)
    assert refused.status_code == 400
    # Reloading the address, or switching the language there (set_language sends the browser back to it).
    again = client.get(_report_url(mex_implementation), follow=True)
    assert again.redirect_chain == [(reverse("reporting:implementation-detail", args=[mex_implementation.pk]), 302)]
    assert again.status_code == 200
    assert "Text that must survive." in again.content.decode()
    switched = client.post(
        reverse("set_language"), {"language": "es", "next": _report_url(mex_implementation)}, follow=True
    )
    html = switched.content.decode()
    assert switched.status_code == 200 and '<html lang="es">' in html
    assert "Text that must survive." in html
    # Saved, the draft is gone.
    data.update(progress="", status="in_progress")
    assert client.post(_report_url(mex_implementation), data).status_code == 302
    page = client.get(reverse("reporting:implementation-detail", args=[mex_implementation.pk])).content.decode()
    assert "Text that must survive." in page  # now in the history, not in the form
    assert f"report-draft-{mex_implementation.pk}" not in client.session


def test_an_update_link_lands_on_its_place_in_the_history(login_as, mex_implementation, official_mex):
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="x"
    )
    response = login_as("secretariat").get(reverse("reporting:update-review", args=[update.pk]))
    assert response["Location"] == (
        reverse("reporting:implementation-detail", args=[mex_implementation.pk]) + f"#update-{update.pk}"
    )


# --- forms that help --------------------------------------------------------------------------


def test_an_empty_report_lists_every_problem_at_once(login_as, mex_implementation):
    client = login_as("official_mex")
    data = {"version": "0", "links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0", "links-0-url": "not an address"}
    response = client.post(_report_url(mex_implementation), data)
    assert response.status_code == 400
    summary = response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert "Status: This field is required." in summary
    assert "What was done: Describe what was done" in summary
    assert "is not a web address" in summary  # the links too, in the same answer


def test_a_file_lost_in_a_failed_submit_is_named(login_as, mex_implementation):
    client = login_as("official_mex")
    upload = SimpleUploadedFile("informe.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    data = {"version": "0", "links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0", "evidence_files": upload}
    response = client.post(_report_url(mex_implementation), data)
    assert response.status_code == 400
    summary = response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_evidence_files">Attach informe.pdf again: files are not kept after an error.</a>' in summary


def test_a_refused_review_keeps_its_choice_and_names_the_update(login_as, mex_implementation, official_mex):
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="x"
    )
    client = login_as("secretariat")
    back = reverse("reporting:implementation-detail", args=[mex_implementation.pk])
    response = client.post(
        reverse("reporting:update-review", args=[update.pk]),
        {"decision": "returned", "comment": "", "next": back},
        follow=True,
    )
    html = response.content.decode()
    assert "Update from Mexico on Darien Declaration #1 was not reviewed." in html
    form = html.split(f'id="review-{update.pk}"')[1].split("</form>")[0]
    assert 'value="returned" checked' in form
    assert "Say what the country should add or correct" in form
    assert StatusUpdate.objects.get(pk=update.pk).review_state == ReviewState.PENDING


def test_the_return_reason_is_above_the_report_form(login_as, mex_implementation, official_mex, secretariat):
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="x"
    )
    review_update(update=update, by=secretariat, decision=ReviewState.RETURNED, comment="Attach the signed minutes.")
    html = login_as("official_mex").get(reverse("reporting:implementation-detail", args=[mex_implementation.pk]))
    text = html.content.decode()
    assert text.index("Attach the signed minutes.") < text.index('class="stack report-form"')


def test_the_round_form_shows_only_when_a_round_can_be_opened(login_as, darien, secretariat):
    client = login_as("secretariat")
    assert 'id="open-title"' in client.get(reverse("rounds:round-list")).content.decode()
    import datetime

    round_services.round_open(
        name="2026 first semester",
        starts_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 6, 30),
        declarations=[],
        by=secretariat,
    )
    html = client.get(reverse("rounds:round-list")).content.decode()
    assert 'id="open-title"' not in html
    assert "is open: close it before opening the next round." in html


# --- the workspace ------------------------------------------------------------------------------


def test_the_workspace_puts_what_needs_attention_first_and_counts_the_round(
    login_as, darien, official_mex, secretariat
):
    import datetime

    round_services.round_open(
        name="2026 first semester",
        starts_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 6, 30),
        declarations=[darien],
        by=secretariat,
    )
    returned = report_update(
        implementation=_impl(darien, 4, "MEX"), by=official_mex, status="planned", progress=5, summary="x"
    )
    review_update(update=returned, by=secretariat, decision=ReviewState.RETURNED, comment="More, please.")
    report_update(implementation=_impl(darien, 2, "MEX"), by=official_mex, status="planned", progress=5, summary="y")
    response = login_as("official_mex").get(reverse("reporting:country-detail", args=["MEX"]))
    rows = response.context["implementations"]
    assert [(row.commitment.declaration_id, row.commitment.number) for row in rows[:2]] == [
        (darien.pk, 4),
        (darien.pk, 1),
    ]
    assert rows[0].attention == 0 and rows[1].attention == 1
    reported = [row for row in rows if row.commitment.declaration_id == darien.pk and row.commitment.number == 2]
    assert reported[0].attention == 3 and rows[-1].attention == 3
    html = response.content.decode()
    assert "1 of 10 reported this round" in html  # the round names the Darien declaration only
    assert response.context["next_item"].pk == rows[0].pk


def test_report_next_saves_and_moves_to_the_next_item(login_as, darien, official_mex):
    client = login_as("official_mex")
    first = _impl(darien, 1, "MEX")
    data = {"status": "planned", "progress": "", "summary": "Planned.", "version": "0", "then": "next"}
    data.update({"links-TOTAL_FORMS": "2", "links-INITIAL_FORMS": "0"})
    response = client.post(_report_url(first), data)
    assert response.status_code == 302
    following = response["Location"]
    assert following.endswith("?next=1#report-title")
    assert following != reverse("reporting:implementation-detail", args=[first.pk]) + "?next=1#report-title"
    assert StatusUpdate.objects.filter(implementation=first).count() == 1
    page = client.get(following.split("#")[0])
    assert "Save and report the next one" in page.content.decode()


# --- observers see the validated state only ------------------------------------------------------


@pytest.fixture
def pending_and_accepted(darien, official_mex, secretariat):
    accepted = report_update(
        implementation=_impl(darien, 1, "MEX"), by=official_mex, status="planned", progress=10, summary="Accepted one"
    )
    review_update(update=accepted, by=secretariat, decision=ReviewState.ACCEPTED, comment="Secret remark OK")
    pending = report_update(
        implementation=_impl(darien, 1, "MEX"), by=official_mex, status="in_progress", progress=60, summary="Pending"
    )
    returned = report_update(
        implementation=_impl(darien, 2, "MEX"), by=official_mex, status="completed", progress=None, summary="Returned"
    )
    review_update(update=returned, by=secretariat, decision=ReviewState.RETURNED, comment="Secret remark XYZ")
    return pending


def test_observer_pages_show_only_the_validated_state(login_as, darien, pending_and_accepted):
    client = login_as("observer")
    implementation = pending_and_accepted.implementation
    html = client.get(reverse("reporting:implementation-detail", args=[implementation.pk])).content.decode()
    assert "Accepted one" in html
    assert "Pending" not in html.split('id="history-title"')[1]
    assert "Secret remark" not in html and "In progress" not in html
    rows = client.get(reverse("reporting:country-detail", args=["MEX"])).context["implementations"]
    by_number = {row.commitment.number: row for row in rows if row.commitment.declaration_id == darien.pk}
    assert (by_number[1].status, by_number[1].progress) == ("planned", 10)
    assert by_number[2].status == "not_reported" and by_number[2].review_state == ""
    # The secretariat sees what the country reported.
    rows = login_as("secretariat").get(reverse("reporting:country-detail", args=["MEX"])).context["implementations"]
    assert {
        row.status for row in rows if row.commitment.number == 1 and row.commitment.declaration_id == darien.pk
    } == {"in_progress"}


def test_observer_exports_show_only_the_validated_state(login_as, darien, pending_and_accepted):
    response = login_as("observer").get(reverse("dashboards:dashboard"), {"declaration": darien.pk, "format": "csv"})
    first_action = next(line for line in response.content.decode().splitlines() if line.startswith("1,"))
    assert "Planned" in first_action and "In progress" not in first_action
    assert re.search(r'filename="rcm-dashboard-darien-validated-\d{4}-\d\d-\d\d\.csv"', response["Content-Disposition"])


def test_observer_api_shows_only_the_validated_state(api, darien, pending_and_accepted):
    client = api("observer")
    implementation = pending_and_accepted.implementation
    detail = client.get(f"/api/v1/implementations/{implementation.pk}/").json()
    assert (detail["status"], detail["progress"]) == ("planned", 10)
    history = client.get(f"/api/v1/implementations/{implementation.pk}/updates/").json()["results"]
    assert [update["summary"] for update in history] == ["Accepted one"]
    assert history[0]["review"]["comment"] == ""
    listing = client.get("/api/v1/implementations/", {"country": "MEX", "declaration": darien.pk}).json()
    statuses = {row["status"] for row in listing["results"]}
    assert "planned" in statuses and not statuses & {"in_progress", "completed"}
    exported = b"".join(
        client.get("/api/v1/implementations/", {"country": "MEX", "format": "csv"}).streaming_content
    ).decode()
    assert "in_progress" not in exported and "completed" not in exported
    events = client.get("/api/v1/events/").json()["results"]
    assert "update.submitted" not in {event["type"] for event in events}
    assert all(event["data"].get("decision") != "returned" for event in events)
    summary = client.get("/api/v1/summary/", {"declaration": darien.pk}).json()
    mexico = next(row for row in summary["countries"] if row["country"] == "MEX")
    assert mexico["counts"]["in_progress"] == 0 and mexico["counts"]["planned"] == 1
    assert mexico["pending_review"] == 0
    # The secretariat reads the reported state through the same endpoint.
    assert api("secretariat").get(f"/api/v1/implementations/{implementation.pk}/").json()["status"] == "in_progress"


# --- language and messages ---------------------------------------------------------------------------


def test_notifications_follow_the_readers_language(login_as, mex_implementation, official_mex, secretariat):
    official_mex.language = "en"
    official_mex.save(update_fields=["language"])
    update = report_update(
        implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="x"
    )
    review_update(update=update, by=secretariat, decision=ReviewState.RETURNED, comment="Falta el acta.")
    notification = Notification.objects.get(user=official_mex)
    assert notification.message.startswith("The secretariat returned your update")  # as e-mailed, in English
    client = login_as("official_mex")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(reverse("notifications:notification-list")).content.decode()
    assert "La Secretaría devolvió su actualización sobre Declaración de Darién, acción 1 (México)" in html
    assert "The secretariat returned" not in html


def test_the_admin_explains_a_constraint_in_words(login_as, rcm_data):
    client = login_as("secretariat")
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "nocountry",
            "password1": "a-long-pass-2026!",
            "password2": "a-long-pass-2026!",
            "role": "official",
        },
    )
    html = response.content.decode()
    if response.status_code == 302:  # the add form has no role field: set it on the change form
        user = User.objects.get(username="nocountry")
        url = reverse("admin:accounts_user_change", args=[user.pk])
        form = client.get(url).context["adminform"].form
        data = {name: form.initial.get(name, "") or "" for name in form.fields}
        data.update(role="official", country="", date_joined_0="2026-01-01", date_joined_1="00:00:00")
        data.pop("last_login", None)
        data.pop("groups", None)
        data.pop("user_permissions", None)
        html = client.post(url, data).content.decode()
    assert "A country official needs a country" in html
    assert "is violated" not in html


def test_source_text_emphasis_is_rendered(login_as, darien):
    html = login_as("observer").get(reverse("declarations:declaration-text", args=[darien.pk])).content.decode()
    assert "<em>Shared Responsibility</em>" in html
    assert "*Shared Responsibility*" not in html


def test_signing_out_says_so(login_as, rcm_data):
    response = login_as("observer").post(reverse("logout"), follow=True)
    assert "You are signed out." in response.content.decode()


def test_the_audit_trail_records_scope(mex_implementation, official_mex):
    report_update(implementation=mex_implementation, by=official_mex, status="planned", progress=5, summary="x")
    entry = AuditEntry.objects.filter(action="report").latest("pk")
    assert (entry.country_id, entry.declaration_id, entry.commitment_number) == (
        mex_implementation.country_id,
        mex_implementation.commitment.declaration_id,
        1,
    )


def test_observers_open_only_the_evidence_of_accepted_updates(
    client, login_as, mex_implementation, official_mex, secretariat
):
    import io

    from reporting.models import Evidence
    from reporting.services import FileInput
    from tests.conftest import PDF_BYTES

    update = report_update(
        implementation=mex_implementation,
        by=official_mex,
        status="planned",
        progress=5,
        summary="x",
        files=[FileInput(stream=io.BytesIO(PDF_BYTES), name="informe.pdf", size=len(PDF_BYTES))],
    )
    url = reverse("reporting:evidence-download", args=[Evidence.objects.get(update=update).pk])
    assert login_as("observer").get(url).status_code == 404
    assert login_as("secretariat").get(url).status_code == 200
    review_update(update=update, by=secretariat, decision=ReviewState.ACCEPTED, comment="")
    assert login_as("observer").get(url).status_code == 200


def test_the_observers_pages_cost_a_constant_number_of_queries(
    login_as, darien, pending_and_accepted, django_assert_num_queries
):
    client = login_as("observer")
    implementation = pending_and_accepted.implementation
    # session, user, then the page: country, rows in the validated state, the declarations' and the
    # commitments' translations, round, "x of y", the filter's declarations and their translations, header
    with django_assert_num_queries(11):
        client.get(reverse("reporting:country-detail", args=["MEX"]))
    with django_assert_num_queries(11):
        client.get(reverse("reporting:country-detail", args=["NIC"]))
    # implementation with its texts, the validated state, the accepted history with its evidence, header
    with django_assert_num_queries(9) as first:
        client.get(reverse("reporting:implementation-detail", args=[implementation.pk]))
    assert first.captured_queries
