"""The secretariat's daily digest of new reports: `manage.py send_digest`, once per user and day."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from notifications.models import DigestLog, Notification, NotificationKind, NotificationPreference
from notifications.services import digest_window
from reporting.models import Implementation, StatusUpdate
from reporting.services import report_update, review_update

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 14)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def secretariat(secretariat):
    secretariat.email = "sofia@rcm.example.org"
    secretariat.save()
    return secretariat


def reported(official, country: str, number: int, when: datetime.datetime, **values) -> StatusUpdate:
    implementation = Implementation.objects.select_related("country").get(
        country__iso3=country, commitment__declaration__title__icontains="Darien", commitment__number=number
    )
    values = {"status": "in_progress", "progress": 30, "summary": "Work under way.", **values}
    update = report_update(implementation=implementation, by=official, **values)
    StatusUpdate.objects.filter(pk=update.pk).update(reported_at=when)
    update.refresh_from_db()
    return update


def run(today: datetime.date = TODAY) -> str:
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mails are queued when the log commits
        call_command("send_digest", f"--today={today:%Y-%m-%d}", stdout=out)
    return out.getvalue()


def test_the_digest_lists_yesterdays_reports_by_country(secretariat, official_mex, official_gtm, settings):
    settings.RCM_SITE_URL = "https://rcm.example.org"
    yesterday = TODAY - datetime.timedelta(days=1)
    mex = reported(official_mex, "MEX", 1, at(yesterday, 9), progress=40)
    gtm = reported(official_gtm, "GTM", 2, at(yesterday, 16), status="completed", progress=None)
    review_update(update=gtm, by=secretariat, decision="accepted")
    reported(official_mex, "MEX", 3, at(TODAY, 8))  # today's: tomorrow's digest
    reported(official_mex, "MEX", 4, at(yesterday - datetime.timedelta(days=1), 20))  # the day before: not new

    output = run()
    assert "sofia.secretariat: 2 report(s), e-mail and in-app" in output
    [email] = mail.outbox
    assert email.to == ["sofia@rcm.example.org"]
    assert email.subject == "RCM: 2 new reports since 2026-05-13"
    body = email.body
    assert "2 reports were submitted between 13 May 2026, 00:00 and 14 May 2026, 00:00 (1 awaiting review)." in body
    assert body.index("Guatemala (1)") < body.index("Mexico (1)")
    assert "action 1: In progress, 40% — ana.mex" in body
    assert "action 2: Completed, 100% — luis.gtm (accepted)" in body
    assert f"https://rcm.example.org/implementations/{mex.implementation_id}/" in body
    assert "Review queue: https://rcm.example.org/review/" in body
    assert "https://rcm.example.org/notifications/preferences/" in body
    assert "action 3" not in body and "action 4" not in body
    notification = Notification.objects.get(user=secretariat)
    assert notification.kind == NotificationKind.DIGEST and notification.url == "/review/"
    assert notification.message == "2 new reports since 2026-05-13 (1 awaiting review)."


def test_running_twice_the_same_day_sends_one_email(secretariat, official_mex):
    reported(official_mex, "MEX", 1, at(TODAY - datetime.timedelta(days=1), 10))
    run()
    assert "0 digest(s) sent." in run()
    assert len(mail.outbox) == 1
    assert DigestLog.objects.filter(user=secretariat, date=TODAY).count() == 1
    assert Notification.objects.filter(user=secretariat).count() == 1


def test_the_next_digest_starts_where_the_last_one_stopped(secretariat, official_mex):
    reported(official_mex, "MEX", 1, at(TODAY - datetime.timedelta(days=1), 10))
    run()
    later = TODAY + datetime.timedelta(days=3)  # the job did not run for two days
    reported(official_mex, "MEX", 2, at(TODAY + datetime.timedelta(days=1), 10))
    reported(official_mex, "MEX", 3, at(later - datetime.timedelta(days=1), 10))
    run(later)
    assert len(mail.outbox) == 2
    assert "action 2" in mail.outbox[1].body and "action 3" in mail.outbox[1].body
    assert "action 1:" not in mail.outbox[1].body


def test_after_a_long_pause_the_lookback_is_capped():
    start, end = digest_window(today=TODAY, last_digest=TODAY - datetime.timedelta(days=60))
    assert (start.date(), end.date()) == (TODAY - datetime.timedelta(days=7), TODAY)
    start, _end = digest_window(today=TODAY, last_digest=None)
    assert start.date() == TODAY - datetime.timedelta(days=1)


def test_nothing_new_sends_nothing(secretariat):
    assert "0 digest(s) sent." in run()
    assert not mail.outbox and not DigestLog.objects.exists() and not Notification.objects.exists()


def test_emails_off_keeps_the_in_app_digest(secretariat, official_mex):
    NotificationPreference.objects.create(user=secretariat, email_enabled=False)
    reported(official_mex, "MEX", 1, at(TODAY - datetime.timedelta(days=1), 10))
    assert "in-app only" in run()
    assert not mail.outbox
    assert DigestLog.objects.get(user=secretariat).emailed is False
    assert Notification.objects.filter(user=secretariat, kind=NotificationKind.DIGEST).count() == 1


def test_every_active_secretariat_member_gets_one_and_nobody_else(secretariat, official_mex, observer):
    colleague = user_create(
        username="marta.secretariat", role=Role.SECRETARIAT, password="x-very-long-pw", email="marta@rcm.example.org"
    )
    user_create(username="gone", role=Role.SECRETARIAT, password="x-very-long-pw", email="gone@rcm.example.org")
    from accounts.models import User

    User.objects.filter(username="gone").update(is_active=False)
    reported(official_mex, "MEX", 1, at(TODAY - datetime.timedelta(days=1), 10))
    run()
    assert sorted(email.to[0] for email in mail.outbox) == [colleague.email, secretariat.email]


def test_a_bad_date_is_refused(rcm_data):
    with pytest.raises(CommandError, match="is not a date in the form YYYY-MM-DD"):
        call_command("send_digest", "--today=14/05/2026")
