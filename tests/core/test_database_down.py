"""The database stops answering: every kind of page says 503 (never a traceback or a 500), and the
service recovers by itself once the database is back, without a restart.

The machine's PostgreSQL is shared, so it is never stopped: the outage is made by pointing this
process's connection at a port where nothing listens, by ending this process's own backend, or,
through gunicorn, by closing a scratch database of the test's own to connections.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory
from psycopg import sql

from core.middleware import FALLBACK_503_PAGE, DatabaseUnavailableMiddleware

# The scratch database and the gunicorn server of the concurrency test, shared as fixtures.
from tests.test_concurrency import OFFICIALS, Database, Server, call, scratch_database, server  # noqa: F401

pytestmark = pytest.mark.postgres
# The connection is closed and reopened during the test, which the wrapping transaction of an
# ordinary database test would not survive.
reconnecting = pytest.mark.django_db(transaction=True)

HTML_PAGE = "/declarations/"
API_PATH = "/api/v1/implementations/"


@contextmanager
def database_unreachable() -> Iterator[None]:
    """Point the default connection at 127.0.0.1:1 (connection refused) until the block ends."""
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.fixture
def signed_in(client: Client, official_mex) -> Client:
    client.force_login(official_mex)
    return client


@pytest.fixture
def token_client(api):
    return api("official_mex")


def assert_html_503(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "<h1>Service temporarily unavailable</h1>" in body
    assert '<html lang="en">' in body
    assert "/static/css/app.css" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body


def assert_api_503(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert body["status"] == 503
    assert body["title"] == "Service unavailable"
    assert "database" in body["detail"]


@reconnecting
def test_every_kind_of_request_answers_503_while_the_database_is_down_and_200_after(
    signed_in, token_client, mex_implementation
):
    assert signed_in.get(HTML_PAGE).status_code == 200
    assert token_client.get(API_PATH).status_code == 200

    with database_unreachable():
        # A signed-in page fails first in the login check (the session lives in the database).
        assert_html_503(signed_in.get(HTML_PAGE))
        # An anonymous request would be redirected to the login page, which also reads the database.
        assert_html_503(Client().get(HTML_PAGE))
        # Token authentication reads the database inside DRF, which would answer its own 500.
        assert_api_503(token_client.get(API_PATH))
        assert_api_503(
            token_client.post(
                f"/api/v1/implementations/{mex_implementation.pk}/updates/",
                {"status": "planned", "summary": "Sent during the outage."},
                format="json",
            )
        )
        # The health check keeps its own answer, for a load balancer and a signed-in browser alike.
        for health in (Client().get("/healthz"), signed_in.get("/healthz")):
            assert health.status_code == 503
            assert health.json() == {"status": "unavailable", "database": "down"}
        # Static files do not need the database: the 503 page keeps its stylesheet.
        assert signed_in.get("/static/css/app.css").status_code == 200

    # Back without a restart: the next requests reconnect.
    assert signed_in.get(HTML_PAGE).status_code == 200
    assert token_client.get(API_PATH).status_code == 200
    assert signed_in.get("/healthz").status_code == 200
    mex_implementation.refresh_from_db()
    assert mex_implementation.version == 0  # the update sent during the outage wrote nothing


@reconnecting
def test_a_connection_the_server_dropped_is_replaced_on_the_next_request(signed_in, token_client):
    """A database restart ends every open connection; CONN_HEALTH_CHECKS finds the dead one
    before the request uses it, so not even the first request after the restart fails."""
    assert signed_in.get(HTML_PAGE).status_code == 200
    old_backend = connection.connection.info.backend_pid
    dsn = connection.get_connection_params()
    with psycopg.connect(
        host=dsn["host"], port=dsn["port"], user=dsn["user"], dbname="postgres", autocommit=True
    ) as admin:
        # Only this test's own backend: other people's connections to the server are left alone.
        admin.execute("SELECT pg_terminate_backend(%s)", [old_backend])

    # The WSGI handler calls this at the start of every request (it re-arms the health check);
    # the test client skips it, because ordinary tests keep one connection in a transaction.
    close_old_connections()
    assert token_client.get(API_PATH).status_code == 200
    assert connection.connection.info.backend_pid != old_backend
    close_old_connections()
    assert signed_in.get(HTML_PAGE).status_code == 200


def _middleware() -> DatabaseUnavailableMiddleware:
    return DatabaseUnavailableMiddleware(lambda request: pytest.fail("the view chain is not reached"))


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_a_database_error_in_the_middle_of_a_page_answers_503(error):
    response = _middleware().process_exception(RequestFactory().get("/dashboard/"), error)
    assert response is not None
    assert_html_503(response)


def test_a_database_error_in_the_middle_of_an_api_call_answers_503_json():
    response = _middleware().process_exception(
        RequestFactory().get(API_PATH), OperationalError("server closed the connection")
    )
    assert response is not None
    assert_api_503(response)


def test_other_errors_are_left_to_the_usual_handlers():
    assert _middleware().process_exception(RequestFactory().get("/dashboard/"), ValueError("bug")) is None


def test_the_503_page_falls_back_to_plain_html_when_its_template_fails():
    with mock.patch("core.middleware.render_to_string", side_effect=ValueError("no static manifest")):
        response = _middleware().process_exception(RequestFactory().get("/"), OperationalError("down"))
    assert response is not None
    assert response.status_code == 503
    assert response.content.decode() == FALLBACK_503_PAGE


# --- the same through gunicorn: real request cycles, several processes --------------------------


def _end_connections(database: Database, *, accept_new: bool) -> None:
    """End every connection to the scratch database (as a server restart would); with
    accept_new=False, also refuse new ones until called again (an outage)."""
    with psycopg.connect(**database.params, dbname="postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(database.name), sql.SQL("true" if accept_new else "false")
            )
        )
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database.name],
        )


def test_through_gunicorn_an_outage_answers_503_and_heals_without_a_restart(
    server: Server,  # noqa: F811 -- the fixture imported above
    scratch_database: Database,  # noqa: F811
):
    credentials = {"username": OFFICIALS[0], "password": server.password}
    login = call(server.port, "POST", "/api/v1/auth/token/", payload=credentials)
    assert login.status == 200, login.body
    token = login.body["token"]

    def probe() -> dict[str, tuple[int, object]]:
        api = call(server.port, "GET", "/api/v1/implementations/?country=MEX", token=token)
        # An anonymous page is redirected to the login page (no page is rendered: this server
        # has no collected static files, which the pages' stylesheet links need).
        page = call(server.port, "GET", "/declarations/")
        health = call(server.port, "GET", "/healthz")
        return {"api": (api.status, api.body), "page": (page.status, page.body), "health": (health.status, health.body)}

    def assert_up() -> None:
        for _ in range(16):  # enough to reach most of the 4 workers × 2 threads and their connections
            answers = probe()
            assert {name: status for name, (status, _) in answers.items()} == {"api": 200, "page": 302, "health": 200}

    assert_up()

    # A database restart ends every connection: CONN_HEALTH_CHECKS replaces them, no request fails.
    _end_connections(scratch_database, accept_new=True)
    assert_up()

    _end_connections(scratch_database, accept_new=False)
    try:
        for _ in range(8):
            answers = probe()
            api_status, api_body = answers["api"]
            assert api_status == 503 and isinstance(api_body, dict)
            assert api_body["title"] == "Service unavailable"
            page_status, page_body = answers["page"]
            assert page_status == 503 and "Service temporarily unavailable" in str(page_body)
            assert "Traceback" not in str(page_body)
            assert answers["health"] == (503, {"status": "unavailable", "database": "down"})
    finally:
        _end_connections(scratch_database, accept_new=True)

    assert_up()  # the same processes, back by themselves
