"""The daily jobs run from the task queue: scheduled once, each run schedules the next."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.RCM_DAILY_JOBS_AT = "07:15"
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        yield


def test_the_next_run_is_the_next_time_of_day_in_the_servers_zone(settings):
    settings.RCM_DAILY_JOBS_AT = "07:15"
    zone = timezone.get_current_timezone()
    before = datetime.datetime(2026, 12, 3, 6, 0, tzinfo=zone)
    after = datetime.datetime(2026, 12, 3, 8, 0, tzinfo=zone)
    assert schedule.next_run(before) == datetime.datetime(2026, 12, 3, 7, 15, tzinfo=zone)
    assert schedule.next_run(after) == datetime.datetime(2026, 12, 4, 7, 15, tzinfo=zone)


def test_the_worker_schedules_the_daily_jobs_once_and_each_run_schedules_the_next(database_queue):
    ran: list[datetime.date] = []
    with mock.patch.dict(schedule.DAILY_JOBS, {"probe": ran.append}, clear=True):
        work = ["worker", "--batch", "--no-startup-delay", "--no-reload"]
        call_command(*work, verbosity=0, stdout=io.StringIO())
        call_command(*work, verbosity=0, stdout=io.StringIO())  # a second worker: still one waiting
        waiting = DBTaskResult.objects.get(status="READY")
        assert waiting.run_after > timezone.now() and ran == []

        DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())  # 07:15 has come
        call_command(*work, verbosity=0, stdout=io.StringIO())
        assert ran == [timezone.localdate()]
        following = DBTaskResult.objects.get(status="READY")
        assert following.pk != waiting.pk and following.run_after > timezone.now()


def test_a_failing_job_does_not_stop_the_others():
    ran: list[datetime.date] = []

    def broken(today: datetime.date) -> None:
        raise RuntimeError("boom")

    with mock.patch.dict(schedule.DAILY_JOBS, {"broken": broken, "fine": ran.append}, clear=True):
        outcome = schedule.run_daily_jobs.call(reschedule=False)
    assert outcome == {"broken": "failed", "fine": "done"} and len(ran) == 1


def test_the_reminders_and_the_digest_are_registered():
    assert {"send_reminders", "send_digest"} <= set(schedule.DAILY_JOBS)
