"""Reporting rounds: figures and freezing, one open at a time, opening and closing over HTTP, reminders."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from reporting.models import ReportingRound
from reporting.services import report_update
from rounds.models import ReminderLog
from rounds.selectors import round_progress
from rounds.services import round_close, round_open
from tests.factories import implementation

pytestmark = pytest.mark.django_db


def remind(day: str) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mails are queued when the log commits
        call_command("send_reminders", "--today", day, stdout=io.StringIO())


def test_round_figures_and_freezing(reported, secretariat, official_mex):
    today = timezone.localdate()
    reporting_round = round_open(
        name="2026 S2",
        starts_on=today - datetime.timedelta(days=1),
        due_on=today + datetime.timedelta(days=30),
        declarations=[reported],
        by=secretariat,
    )
    report_update(
        implementation=implementation(reported, 3, "MEX"), by=official_mex, status="planned", progress=0, summary="f"
    )
    progress = {row.iso3: row for row in round_progress(reporting_round)}
    assert (progress["MEX"].in_scope, progress["MEX"].reported) == (3, 1)
    assert (progress["GTM"].in_scope, progress["GTM"].reported) == (3, 0)

    round_close(reporting_round=reporting_round, by=secretariat)
    # After closing, new reports and a new implementation change nothing in the round's figures.
    report_update(
        implementation=implementation(reported, 1, "MEX"), by=official_mex, status="ongoing", progress=None, summary="g"
    )
    frozen = {row.iso3: row for row in round_progress(ReportingRound.objects.get(pk=reporting_round.pk))}
    assert (frozen["MEX"].in_scope, frozen["MEX"].reported) == (3, 1)


def test_one_round_open_at_a_time(secretariat, rcm_data):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    round_open(name="A", starts_on=today, due_on=today, declarations=[], by=secretariat)
    with pytest.raises(ValidationError, match="before opening another"):
        round_open(name="B", starts_on=today, due_on=today, declarations=[], by=secretariat)


@pytest.mark.parametrize(("who", "expected"), [("secretariat", 302), ("official_mex", 403), ("observer", 403)])
def test_opening_a_round_over_http(login_as, rcm_data, who, expected):
    response = login_as(who).post(
        reverse("rounds:round-list"), {"name": "2027 S1", "starts_on": "2027-01-01", "due_on": "2027-06-30"}
    )
    assert response.status_code == expected
    assert ReportingRound.objects.filter(name="2027 S1").exists() == (expected == 302)


def test_a_bad_round_form_says_why(login_as, rcm_data):
    response = login_as("secretariat").post(
        reverse("rounds:round-list"), {"name": "", "starts_on": "2027-06-01", "due_on": "2027-01-01"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ReportingRound.objects.exists()


@pytest.mark.parametrize(("who", "expected"), [("secretariat", 302), ("official_mex", 403), ("observer", 403)])
def test_closing_a_round_over_http(login_as, rcm_data, who, expected):
    today = timezone.localdate()
    reporting_round = ReportingRound.objects.create(name="R", starts_on=today, due_on=today)
    response = login_as(who).post(reverse("rounds:round-close", args=[reporting_round.pk]))
    assert response.status_code == expected
    reporting_round.refresh_from_db()
    assert (reporting_round.closed_at is not None) == (expected == 302)


# --- reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_to_countries_with_open_items(reported, secretariat, official_mex, official_gtm):
    official_mex.email = "ana@sre.gob.mx"
    official_mex.save()
    official_gtm.email = ""  # no address: nobody to remind, nothing logged
    official_gtm.save()
    due = datetime.date(2026, 12, 15)
    ReportingRound.objects.create(name="R1", starts_on=datetime.date(2026, 1, 1), due_on=due).declarations.set(
        [reported]
    )

    remind("2026-12-01")
    assert mail.outbox == []  # more than a week before the due date
    remind("2026-12-08")
    remind("2026-12-08")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@sre.gob.mx"]
    assert "due on 15 December 2026" in message.body
    assert message.body.count("Small Declaration of Testing, action") == 3
    assert "/implementations/" in message.body
    remind("2026-12-22")
    remind("2026-12-23")
    assert len(mail.outbox) == 2
    assert "(overdue)" in mail.outbox[1].subject
    assert ReminderLog.objects.count() == 2


def test_reminders_with_a_bad_date_fail_clearly(rcm_data):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "tomorrow")
