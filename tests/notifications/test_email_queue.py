"""E-mail goes through the task queue: a mail server that is down slows nobody, and the message follows later."""

from __future__ import annotations

import io
from typing import Any, ClassVar, cast
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from core.tasks import EagerBackend
from reporting.models import Implementation, ReviewState
from reporting.services import report_update, review_update

pytestmark = pytest.mark.django_db


def eager() -> EagerBackend:
    """The tests' task backend (tests/settings.py), with its waiting room for retries."""
    return cast(EagerBackend, default_task_backend)


class MailServer(BaseEmailBackend):
    """A mail server that refuses while `down`, and counts how often anyone tried."""

    down = True
    attempts: ClassVar[list[str]] = []

    def send_messages(self, email_messages: Any) -> int:
        MailServer.attempts.append("send")
        if MailServer.down:
            raise ConnectionRefusedError("mail server down")
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def mail_server(settings: Any) -> Any:
    settings.EMAIL_BACKEND = f"{__name__}.MailServer"
    MailServer.down, MailServer.attempts = True, []
    mail.outbox = []
    return MailServer


def returned(official: Any, secretariat: Any, implementation: Implementation) -> None:
    official.email = "ana@sre.gob.mx"
    official.save()
    update = report_update(implementation=implementation, by=official, status="planned", progress=5, summary="P")
    with TestCase.captureOnCommitCallbacks(execute=True):
        review_update(update=update, by=secretariat, decision=ReviewState.RETURNED, comment="Add the minutes.")


def test_a_failing_mail_server_then_a_working_one_eager(mail_server, official_mex, secretariat, mex_implementation):
    returned(official_mex, secretariat, mex_implementation)  # the review itself succeeds
    assert mail_server.attempts == ["send"] and mail.outbox == []
    assert len(eager().deferred) == 1  # the retry, waiting for its time

    mail_server.down = False
    assert eager().run_deferred() == 1
    assert [message.to for message in mail.outbox] == [["ana@sre.gob.mx"]]
    assert "returned" in mail.outbox[0].subject


def test_with_the_database_queue_the_review_never_touches_the_mail_server(
    mail_server, settings, official_mex, secretariat, mex_implementation, login_as
):
    """With the real engine: the request writes a queue row; a worker sends, fails, and retries later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    # The worker closes stale connections between tasks; here its connection is the test's transaction.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        returned(official_mex, secretariat, mex_implementation)
        assert mail_server.attempts == []  # nobody waited for the mail server
        waiting = DBTaskResult.objects.get()
        assert waiting.status == "READY" and waiting.task_path.endswith("send_email")

        work = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name=*"]
        call_command(*work, verbosity=0, stdout=io.StringIO())
        assert mail_server.attempts == ["send"] and mail.outbox == []
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.run_after > timezone.now()  # backed off
        assert retry.args_kwargs["kwargs"]["attempt"] == 2

        mail_server.down = False
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # its time has come
        call_command(*work, verbosity=0, stdout=io.StringIO())
        assert [message.to for message in mail.outbox] == [["ana@sre.gob.mx"]]
        assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
