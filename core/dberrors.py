"""Which database errors mean "the database is not answering" (503) and which are bugs (500).

Django raises `OperationalError` for a refused connection and for a malformed statement alike
(SQLite reports "no such function" as an operational error). Only a failed connection is an
outage; anything else is a defect that must surface as a 500 with its traceback in the log.
"""

from __future__ import annotations

import sqlite3

from django.db import InterfaceError, OperationalError

# PostgreSQL's SQLSTATEs for a connection that failed or was ended by the server.
_CONNECTION_CLASSES = ("08",)  # connection_exception and its subclasses
_SERVER_ENDED = frozenset({"57P01", "57P02", "57P03"})  # admin_shutdown, crash_shutdown, cannot_connect_now


def connection_failed(exc: BaseException) -> bool:
    """True when `exc` says the database could not be reached or dropped the connection."""
    if isinstance(exc, InterfaceError):
        return True  # "connection already closed": the driver has no connection to use
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        # SQLite has no server: only a file it cannot open is an outage.
        return "unable to open database" in str(cause)
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(_CONNECTION_CLASSES) or sqlstate in _SERVER_ENDED
    # psycopg's connection errors (refused, timed out, server closed the connection) carry no
    # SQLSTATE; every statement error the server sends back carries one.
    return cause is None or cause.__class__.__module__.startswith("psycopg")
