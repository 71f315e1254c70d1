from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login_when_the_database_answers(client: Client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "queue_oldest_seconds": 0}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_503_when_the_database_does_not_answer(client: Client):
    with mock.patch("rcm_tracker.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_reports_how_long_the_oldest_due_task_has_waited(client: Client, settings):
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    from notifications.tasks import send_email

    due = send_email.enqueue(subject="s", body="b", to=["a@example.org"])
    send_email.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue(subject="s", body="b", to=["x"])
    DBTaskResult.objects.filter(pk=due.id).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=5))
    waited = client.get("/healthz").json()["queue_oldest_seconds"]
    assert 300 <= waited < 360  # the one due five minutes ago; the one due in an hour is not waiting yet
