"""Read replica routing: read-only endpoints read from DATABASE_REPLICA_URL's server, all else from the primary.

Only code inside `replica_reads()` (the list, history, summary and dashboard views) reads from the
replica, and only outside a transaction: writes, anything in `transaction.atomic`, sign-in, sessions
and tokens stay on the primary, so a user never misses their own write because of replication lag.
Without a replica configured, every query goes to the primary and nothing here has any effect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)
_F = TypeVar("_F", bound=Callable[..., Any])


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reads_from_replica.set(True)
    try:
        yield
    finally:
        _reads_from_replica.reset(token)


def read_only_view(view: _F) -> _F:
    """A view (or a view method) whose queries may be answered by the replica."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if REPLICA not in settings.DATABASES or not _reads_from_replica.get():
            return None
        if connections["default"].in_atomic_block:
            return "default"  # what this transaction wrote or locked is only on the primary
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"
