"""The task queue's plumbing: enqueue after commit, retry with back-off, run eagerly in tests.

The engine is django-tasks (Django's own task API, built into Django 6) with django-tasks-db's
DatabaseBackend: the queue is a table in the database we already have (PostgreSQL in production,
SQLite under `make run`), and `manage.py worker` processes it on as many machines as needed
(rows are claimed with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL). Tests use `EagerBackend`:
a task runs at once, in the test's process; a retry scheduled for later waits until the test asks.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue once the caller's transaction commits: a rolled-back change sends nothing.

    A mail server or a webhook receiver never sits inside a request: the request only writes a row.
    """
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs))


def backoff(attempt: int, *, base: datetime.timedelta, cap: datetime.timedelta) -> datetime.timedelta:
    """base, 2×base, 4×base, … (attempt 1 waits `base`), never more than `cap`."""
    delay: datetime.timedelta = min(base * (2 ** (attempt - 1)), cap)
    return delay


def retrying(
    *, attempts: int, base: datetime.timedelta, cap: datetime.timedelta
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """A task body that, when it raises, enqueues itself again later (`attempt` + 1), up to `attempts` runs.

    The decorated function takes `attempt: int = 1` as a keyword. It must be decorated with
    `@task` *after* this (so `task.enqueue` re-enqueues the task, not the bare function): the
    retry is found by the task registered under the function's module path.
    The attempt that failed still raises, so the queue records it as failed, with its traceback.
    """

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            attempt = int(kwargs.get("attempt", 1))  # type: ignore[call-overload]
            try:
                return function(*args, **kwargs)
            except Exception as exc:
                if attempt >= attempts:
                    logger.exception("%s failed for good after %d attempts", function.__name__, attempt)
                    raise
                delay = backoff(attempt, base=base, cap=cap)
                logger.warning("%s failed (attempt %d: %s); retrying in %s", function.__name__, attempt, exc, delay)
                registered: Task[Any, Any] = getattr(run, "task")  # noqa: B009 -- set by `registered_task`
                registered.using(run_after=timezone.now() + delay).enqueue(*args, **{**kwargs, "attempt": attempt + 1})
                raise

        return run

    return decorate


def registered_task(task_object: Task[P, T]) -> Task[P, T]:
    """Lets a `retrying` body find the task it belongs to (its retry enqueues that task)."""
    task_object.func.task = task_object  # type: ignore[attr-defined]
    return task_object


class EagerBackend(ImmediateBackend):
    """Tests: a task runs at once, in-process; one with a later `run_after` (a retry) waits in `deferred`.

    `run_deferred()` runs what is waiting (as if its time had come), so a test can say "the mail server
    is back" and see the retry succeed, without sleeping.
    """

    supports_defer = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.deferred: list[TaskResult[Any]] = []

    def enqueue(self, task: Task[P, T], args: Any, kwargs: Any) -> TaskResult[T]:
        if task.run_after is not None and task.run_after > timezone.now():
            result: TaskResult[T] = TaskResult(
                task=task,
                id=f"deferred-{len(self.deferred)}",
                status=TaskResultStatus.READY,
                enqueued_at=timezone.now(),
                started_at=None,
                last_attempted_at=None,
                finished_at=None,
                args=list(args),
                kwargs=dict(kwargs),
                backend=self.alias,
                errors=[],
                worker_ids=[],
            )
            self.deferred.append(result)
            return result
        return super().enqueue(task, args, kwargs)

    def run_deferred(self) -> int:
        """Run every waiting task now (those they enqueue for later wait for the next call). Returns how many."""
        waiting, self.deferred = self.deferred, []
        for result in waiting:
            super().enqueue(dataclasses.replace(result.task, run_after=None), result.args, result.kwargs)
        return len(waiting)
