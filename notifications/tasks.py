"""E-mail through the task queue: a slow or absent mail server never holds up a request or a job.

A failed send is retried with back-off (1 minute, 2, 4, … capped at 2 hours; 12 attempts, about a day).
"""

from __future__ import annotations

import datetime

from django.core.mail import send_mail
from django_tasks import task

from core.tasks import enqueue_on_commit, registered_task, retrying


@registered_task
@task()
@retrying(attempts=12, base=datetime.timedelta(minutes=1), cap=datetime.timedelta(hours=2))
def send_email(*, subject: str, body: str, to: list[str], attempt: int = 1) -> int:
    """One message to `to`; the number sent (1), as Django's send_mail returns it."""
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=to)


def email_after_commit(*, subject: str, body: str, to: list[str]) -> None:
    """Queue the message once the caller's transaction commits (a rolled-back change mails nothing)."""
    enqueue_on_commit(send_email, subject=subject, body=body, to=to)
