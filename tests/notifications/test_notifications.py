"""Notifications: an official hears back when the secretariat reviews an update, in the app and by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.services import notify_review
from reporting.services import report_update, review_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def official_mex(official_mex):
    official_mex.email = "ana@sre.gob.mx"
    official_mex.first_name, official_mex.last_name = "Ana", "Ruiz"
    official_mex.save()
    return official_mex


@pytest.fixture
def update(mex_implementation, official_mex):
    return report_update(
        implementation=mex_implementation, by=official_mex, status="in_progress", progress=40, summary="Meetings."
    )


def review(update, secretariat, decision="accepted", comment=""):
    return review_update(update=update, by=secretariat, decision=decision, comment=comment)


def test_an_accepted_update_notifies_the_official_in_the_app_and_by_email(
    update, secretariat, official_mex, mex_implementation, settings, django_capture_on_commit_callbacks
):
    settings.RCM_SITE_URL = "https://rcm.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        review(update, secretariat)
    notification = Notification.objects.get()
    assert (notification.user, notification.kind, notification.read_at) == (
        official_mex,
        NotificationKind.UPDATE_ACCEPTED,
        None,
    )
    title = mex_implementation.commitment.declaration.title
    assert notification.message == f"The secretariat accepted your update on {title}, action 1 (Mexico)."
    assert notification.url == f"/implementations/{mex_implementation.pk}/"
    [email] = mail.outbox
    assert email.to == ["ana@sre.gob.mx"]
    assert email.subject.startswith("RCM: your update on") and email.subject.endswith("action 1, was accepted")
    assert "Dear Ana Ruiz," in email.body
    assert f"https://rcm.example.org/implementations/{mex_implementation.pk}/" in email.body
    assert "https://rcm.example.org/notifications/preferences/" in email.body
    assert "&" not in email.body and "<" not in email.body  # plain text, nothing escaped for HTML


def test_a_returned_update_carries_the_comment(update, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review(update, secretariat, "returned", "Please attach the signed minutes & the list.")
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.UPDATE_RETURNED
    assert notification.message.endswith("“Please attach the signed minutes & the list.”")
    [email] = mail.outbox
    assert email.subject.endswith("was returned")
    assert "“Please attach the signed minutes & the list.”" in email.body  # not escaped to &amp;
    assert "Please correct or complete it and report again" in email.body


def test_no_email_when_the_official_turned_them_off_but_still_in_the_app(
    update, secretariat, official_mex, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=official_mex, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review(update, secretariat)
    assert not callbacks and not mail.outbox
    assert Notification.objects.filter(user=official_mex).count() == 1


def test_no_email_without_an_address(update, secretariat, official_mex, django_capture_on_commit_callbacks):
    official_mex.email = ""
    official_mex.save()
    with django_capture_on_commit_callbacks(execute=True):
        review(update, secretariat)
    assert not mail.outbox
    assert Notification.objects.count() == 1


def test_a_rolled_back_review_sends_nothing(update, secretariat, django_capture_on_commit_callbacks):
    def review_then_fail():
        with transaction.atomic():
            review(update, secretariat)
            raise RuntimeError("the surrounding work failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        review_then_fail()
    assert not callbacks and not mail.outbox
    assert not Notification.objects.exists()


def test_the_email_waits_for_the_commit(update, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review(update, secretariat)
    assert len(callbacks) == 1 and not mail.outbox


def test_a_mail_server_that_is_down_does_not_undo_the_review(
    update, secretariat, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        review(update, secretariat)
    update.refresh_from_db()
    assert update.review_state == "accepted"
    assert Notification.objects.count() == 1
    assert "mail server down" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_secretariat_reviewing_its_own_report_is_not_notified(
    mex_implementation, secretariat, django_capture_on_commit_callbacks
):
    own = report_update(
        implementation=mex_implementation, by=secretariat, status="planned", progress=5, summary="x", on_behalf=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        review(own, secretariat)
    assert not Notification.objects.exists() and not mail.outbox


def test_notify_review_costs_a_fixed_number_of_queries(update, secretariat, django_assert_num_queries):
    from reporting.models import Review

    review(update, secretariat)
    stored = Review.objects.select_related("update").get()
    Notification.objects.all().delete()
    # reporter, implementation with commitment/declaration/country, the declaration's translations (its
    # title in every language, for the list that words the message in its reader's language), preference, insert
    with django_assert_num_queries(5):
        notify_review(review=stored)


# --- the list, the header count, opening and marking read ----------------------------------------


def _notify(user, count, **fields):
    return [
        Notification.objects.create(
            user=user, kind=NotificationKind.UPDATE_ACCEPTED, message=f"Message {n}", url="/countries/MEX/", **fields
        )
        for n in range(count)
    ]


def header_link(html: str) -> str:
    match = re.search(r'<a href="/notifications/"[^>]*>(.*?)</a>', html, re.S)
    assert match, "no notifications link in the header"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_the_header_shows_the_unread_count(login_as, official_mex, secretariat):
    _notify(official_mex, 3)
    _notify(secretariat, 1)
    client = login_as("official_mex")
    html = client.get(reverse("reporting:country-list")).content.decode()
    assert header_link(html) == "Notifications (3)"
    assert 'aria-label="Notifications, 3 unread"' in html
    client.post(reverse("notifications:mark-all-read"))
    html = client.get(reverse("reporting:country-list")).content.decode()
    assert header_link(html) == "Notifications (0)"
    assert 'aria-label="Notifications, 0 unread"' in html


def test_anonymous_pages_skip_the_count(client, rcm_data, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("login"))
    assert "unread_notifications" not in response.context
    assert "/notifications/" not in response.content.decode()


def test_the_list_shows_the_users_notifications_newest_first(login_as, official_mex, official_gtm):
    _notify(official_gtm, 1)
    first, _second = _notify(official_mex, 2)
    html = login_as("official_mex").get(reverse("notifications:notification-list")).content.decode()
    assert html.index("Message 1") < html.index("Message 0")
    assert html.count('class="notification unread') == 2
    assert "Mark all as read" in html
    assert f'href="/notifications/{first.pk}/"' in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(login_as, official_mex):
    [notification] = _notify(official_mex, 1)
    client = login_as("official_mex")
    response = client.get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/countries/MEX/"
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    client.get(reverse("notifications:notification-open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read  # the first reading is the one kept


def test_a_notification_pointing_off_site_goes_to_the_list_instead(login_as, official_mex):
    [notification] = _notify(official_mex, 1)
    Notification.objects.filter(pk=notification.pk).update(url="https://evil.example/")
    response = login_as("official_mex").get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:notification-list")


def test_another_users_notification_is_not_found(login_as, official_mex, official_gtm):
    [notification] = _notify(official_gtm, 1)
    response = login_as("official_mex").get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_is_a_post_and_touches_only_the_users_own(login_as, official_mex, official_gtm):
    _notify(official_mex, 2)
    _notify(official_gtm, 1)
    client = login_as("official_mex")
    # A GET (a reload of the address) goes to the list and changes nothing (post/redirect/get, #18).
    assert client.get(reverse("notifications:mark-all-read")).url == reverse("notifications:notification-list")
    assert Notification.objects.filter(user=official_mex, read_at__isnull=True).count() == 2
    response = client.post(reverse("notifications:mark-all-read"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(user=official_mex, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=official_gtm, read_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    "name", ["notifications:notification-list", "notifications:preferences", "notifications:mark-all-read"]
)
def test_anonymous_goes_to_the_login_page(client, rcm_data, name):
    response = client.post(reverse(name)) if name.endswith("read") else client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_costs_a_constant_number_of_queries(login_as, official_mex, django_assert_num_queries, count):
    _notify(official_mex, count)
    client = login_as("official_mex")
    # session, user with country, the page's count and rows, the header's unread count
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:notification-list"))
    assert response.status_code == 200


# --- preferences ---------------------------------------------------------------------------------


def test_a_user_turns_emails_off_and_on(login_as, official_mex):
    client = login_as("official_mex")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "ana@sre.gob.mx" in page
    assert re.search(r'<input type="checkbox" name="email_enabled"[^>]*checked', page)
    response = client.post(reverse("notifications:preferences"), {}, follow=True)
    assert "E-mails are off." in response.content.decode()
    assert NotificationPreference.objects.get(user=official_mex).email_enabled is False
    client.post(reverse("notifications:preferences"), {"email_enabled": "on"})
    assert NotificationPreference.objects.get(user=official_mex).email_enabled is True


def test_preferences_say_when_there_is_no_address(login_as, observer):
    page = login_as("observer").get(reverse("notifications:preferences")).content.decode()
    assert "Your account has no e-mail address" in page
