"""The database stops answering: every kind of page says 503 (never a traceback or a 500), and the
service recovers by itself once the database is back, without a restart.

The machine's PostgreSQL is shared, so it is never stopped: the outage is made by pointing this
process's connection at a port where nothing listens, or by ending this process's own backend.
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

from rcm_tracker.middleware import FALLBACK_503_PAGE, DatabaseUnavailableMiddleware

# transaction=True: the connection is closed and reopened during the test, which the
# wrapping transaction of an ordinary database test would not survive.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

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
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert body["status"] == 503
    assert body["title"] == "Service unavailable"
    assert "database" in body["detail"]


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
    with mock.patch("rcm_tracker.middleware.render_to_string", side_effect=ValueError("no static manifest")):
        response = _middleware().process_exception(RequestFactory().get("/"), OperationalError("down"))
    assert response is not None
    assert response.status_code == 503
    assert response.content.decode() == FALLBACK_503_PAGE
