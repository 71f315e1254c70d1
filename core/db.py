"""Deadlocks: retried once, then a 409 "try again", never the 503 of a database that is down.

PostgreSQL breaks a deadlock by aborting one of the transactions with SQLSTATE 40P01
(psycopg's DeadlockDetected, which Django wraps in OperationalError, the class it also uses for a
lost connection). The writers lock in one order so that an import and a report cannot deadlock;
one that happens anyway (an order this code does not know of) is retried once from the start.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

DEADLOCK_SQLSTATE = "40P01"
_P = ParamSpec("_P")
_R = TypeVar("_R")


class Deadlock(Exception):
    """The write met a deadlock twice; nothing was written. The API answers 409, pages say "try again"."""


def is_deadlock(exc: BaseException) -> bool:
    cause = exc.__cause__
    return isinstance(exc, OperationalError) and getattr(cause, "sqlstate", None) == DEADLOCK_SQLSTATE


def deadlock_retried(write: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `write` (a whole transaction) again once if the database aborted it to break a deadlock.

    Only the outermost transaction can be retried: inside another one the error goes up to it.
    """

    @functools.wraps(write)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if connection.in_atomic_block:
            return write(*args, **kwargs)
        try:
            return write(*args, **kwargs)
        except OperationalError as exc:
            if not is_deadlock(exc):
                raise
            logger.warning("Deadlock in %s, retrying once: %s", write.__qualname__, exc)
        try:
            return write(*args, **kwargs)
        except OperationalError as exc:
            if is_deadlock(exc):
                raise Deadlock(str(exc)) from exc
            raise

    return run
