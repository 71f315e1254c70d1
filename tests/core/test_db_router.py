"""The read replica router: only read-only views, only outside transactions, never without a replica."""

from __future__ import annotations

from django.conf import settings
from django.db import connections

from core import db_router
from reporting.models import Implementation


def test_reads_go_to_the_replica_only_in_read_only_views_outside_transactions(monkeypatch):
    router = db_router.ReplicaRouter()
    with db_router.replica_reads():
        assert router.db_for_read(Implementation) is None  # no replica configured: the primary
    monkeypatch.setattr(settings, "DATABASES", {**settings.DATABASES, "replica": settings.DATABASES["default"]})
    assert router.db_for_read(Implementation) is None
    with db_router.replica_reads():
        assert router.db_for_read(Implementation) == "replica"
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(Implementation) == "default"
    assert router.db_for_write(Implementation) == "default"
    assert router.allow_migrate("replica", "commitments") is False
    assert router.allow_migrate("default", "commitments") is True


def test_read_only_view_sets_the_flag_only_while_it_runs():
    seen = []
    view = db_router.read_only_view(lambda: seen.append(db_router._reads_from_replica.get()))
    view()
    assert seen == [True]
    assert db_router._reads_from_replica.get() is False
