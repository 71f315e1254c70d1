"""Scheduled jobs from the task queue instead of cron: once a day, every registered job, in order.

Apps register their daily jobs (`daily_job`) in their AppConfig.ready(), so this module knows no app.
`ensure_scheduled()` (run by `manage.py worker` when it starts) puts the next run in the queue unless one
is already waiting; each run enqueues the next day's, so the chain keeps itself going on whichever worker
picks it up. The jobs themselves are idempotent (their log rows), so a run twice a day sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends

logger = logging.getLogger(__name__)

DAILY_JOBS: dict[str, Callable[[datetime.date], object]] = {}


def daily_job(name: str, job: Callable[[datetime.date], object]) -> None:
    DAILY_JOBS[name] = job


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next RCM_DAILY_JOBS_AT (HH:MM, the server's time zone) after `now`."""
    hour, minute = (int(part) for part in settings.RCM_DAILY_JOBS_AT.split(":"))
    local = timezone.localtime(now)
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = timezone.make_aware(
            datetime.datetime.combine(local.date() + datetime.timedelta(days=1), candidate.time())
        )
    return candidate


@task()
def run_daily_jobs(*, reschedule: bool = True) -> dict[str, str]:
    """Every registered job for today; one that fails is logged and does not stop the others."""
    today = timezone.localdate()
    outcome = {}
    for name, job in DAILY_JOBS.items():
        try:
            job(today)
            outcome[name] = "done"
        except Exception:
            logger.exception("Daily job %s failed; it catches up on its next run", name)
            outcome[name] = "failed"
    if reschedule:
        ensure_scheduled()
    return outcome


def _uses_database_queue() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def ensure_scheduled() -> bool:
    """Enqueue the next daily run unless one is waiting. True when it enqueued one.

    Only with the database queue: the eager test backend has no waiting room, a test runs the jobs itself.
    """
    from django_tasks_db.models import DBTaskResult

    if not _uses_database_queue():
        return False
    if DBTaskResult.objects.filter(task_path=run_daily_jobs.module_path, status="READY").exists():
        return False
    run_daily_jobs.using(run_after=next_run(timezone.now())).enqueue()
    return True
