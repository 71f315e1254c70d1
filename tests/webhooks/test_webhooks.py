"""Webhooks: Standard Webhooks signatures, retries with back-off, a receiver that is down, the feed, the log page."""

from __future__ import annotations

import datetime
import http.server
import io
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any, cast
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from core.tasks import EagerBackend
from reporting.models import ReviewState
from reporting.services import report_update, review_update
from rounds.services import round_close, round_open
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event, EventType

pytestmark = pytest.mark.django_db


def eager() -> EagerBackend:
    """The tests' task backend (tests/settings.py), with its waiting room for retries."""
    return cast(EagerBackend, default_task_backend)


class Receiver:
    """An HTTP server on 127.0.0.1 answering the statuses it is told to, in order (then 200), keeping each request."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Any]:
    made: list[Receiver] = []

    def make(*statuses: int) -> Receiver:
        made.append(Receiver(list(statuses)))
        return made[-1]

    yield make
    for server in made:
        server.close()


def endpoint_for(url: str, types: list[str] | None = None) -> Endpoint:
    return Endpoint.objects.create(url=url, event_types=types or list(EventType.values))


def report(official: Any, implementation: Any, **extra: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return report_update(
            implementation=implementation, by=official, status="planned", progress=5, summary="Plan.", **extra
        )


def test_the_signature_verifies_with_the_standard_webhooks_reference(receiver, official_mex, mex_implementation):
    server = receiver(200)
    endpoint = endpoint_for(server.url)
    update = report(official_mex, mex_implementation)

    [(headers, body)] = server.requests
    payload = Webhook(endpoint.secret).verify(body, headers)  # raises on a bad signature or an old timestamp
    assert payload["type"] == "update.submitted"
    assert payload["data"]["update"] == update.pk and payload["data"]["country"] == "MEX"
    assert headers["webhook-id"] == f"evt_{payload['id']}"
    assert headers["webhook-signature"].startswith("v1,")
    tampered = body.replace(b"planned", b"completed")
    with pytest.raises(Exception, match=r"(?i)signature"):
        Webhook(endpoint.secret).verify(tampered, headers)


def test_a_receiver_answering_500_then_200_gets_exactly_one_successful_delivery(
    receiver, official_mex, mex_implementation
):
    server = receiver(500)
    endpoint_for(server.url)
    report(official_mex, mex_implementation)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
    assert delivery.next_attempt_at is not None  # backed off, waiting

    assert eager().run_deferred() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    assert eager().run_deferred() == 0  # nothing more to send
    assert [headers["webhook-id"] for headers, _body in server.requests] == [f"evt_{delivery.event_id}"] * 2


def test_after_a_day_of_failures_the_delivery_is_marked_failed(official_mex, mex_implementation):
    endpoint_for("http://127.0.0.1:9/never")  # the discard port: nobody answers
    report(official_mex, mex_implementation)
    delays = []
    while eager().deferred:
        delivery = Delivery.objects.get()
        assert delivery.next_attempt_at and delivery.last_attempt_at
        delays.append(delivery.next_attempt_at - delivery.last_attempt_at)
        eager().run_deferred()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, services.ATTEMPTS)
    assert delays[0] == datetime.timedelta(minutes=1) and max(delays) == datetime.timedelta(hours=4)
    assert datetime.timedelta(hours=22) <= sum(delays, datetime.timedelta()) <= datetime.timedelta(hours=26)


def test_a_receiver_that_is_down_never_blocks_a_request(settings, api, official_mex, mex_implementation):
    """With the real queue the request only writes rows; the worker meets the dead receiver later."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    endpoint_for(dead)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    with mock.patch("webhooks.services._post") as post, TestCase.captureOnCommitCallbacks(execute=True):
        response = api("official_mex").post(
            f"/api/v1/implementations/{mex_implementation.pk}/updates/",
            {"status": "planned", "summary": "Plan."},
            format="json",
            HTTP_IF_MATCH="*",
        )
    assert response.status_code == 201
    post.assert_not_called()  # no connection attempted inside the request
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert DBTaskResult.objects.get().task_path == "webhooks.tasks.deliver"

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=io.StringIO())
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.RETRYING, None)
    assert delivery.last_error


def test_the_feed_matches_the_deliveries_one_to_one(
    receiver, api, official_mex, secretariat, mex_implementation, darien
):
    server = receiver()
    endpoint_for(server.url)
    start = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # the seed declarations' events
    with TestCase.captureOnCommitCallbacks(execute=True):
        reporting_round = round_open(
            name="2026 B", starts_on=datetime.date(2026, 7, 1), due_on=datetime.date(2026, 12, 15),
            declarations=[darien], by=secretariat,
        )  # fmt: skip
    update = report(official_mex, mex_implementation)
    with TestCase.captureOnCommitCallbacks(execute=True):
        review_update(update=update, by=secretariat, decision=ReviewState.ACCEPTED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        round_close(reporting_round=reporting_round, by=secretariat)

    client = api("official_gtm")  # a reader of the reported state; observers read the validated one
    first = client.get("/api/v1/events/", {"after": start}).json()
    assert [event["type"] for event in first["results"]] == [
        "round.opened",
        "update.submitted",
        "update.reviewed",
        "round.closed",
    ]
    delivered = [json.loads(body) for _headers, body in server.requests]
    assert [(event["id"], event["type"], event["data"]) for event in delivered] == [
        (event["id"], event["type"], event["data"]) for event in first["results"]
    ]
    assert all(event["created_at"].endswith("Z") for event in first["results"])
    # Resuming from the cursor gives nothing new, then only what happened since.
    assert client.get("/api/v1/events/", {"after": first["after"]}).json()["results"] == []
    report(official_mex, mex_implementation)
    later = client.get("/api/v1/events/", {"after": first["after"]}).json()
    assert [event["type"] for event in later["results"]] == ["update.submitted"]
    assert client.get("/api/v1/events/", {"after": "x"}).status_code == 400


def test_an_endpoint_gets_only_the_types_it_asked_for(receiver, official_mex, secretariat, mex_implementation):
    server = receiver()
    endpoint_for(server.url, ["update.reviewed"])
    before = Event.objects.count()
    update = report(official_mex, mex_implementation)
    assert server.requests == []
    with TestCase.captureOnCommitCallbacks(execute=True):
        review_update(update=update, by=secretariat, decision=ReviewState.RETURNED, comment="Minutes?")
    assert [json.loads(body)["type"] for _h, body in server.requests] == ["update.reviewed"]
    assert Event.objects.count() == before + 2  # the feed has every event, whoever subscribes


@pytest.mark.parametrize(("who", "expected"), [("secretariat", 200), ("official_mex", 403), ("observer", 403)])
def test_the_delivery_log_is_the_secretariats(login_as, rcm_data, who, expected):
    assert login_as(who).get(reverse("webhooks:delivery-list")).status_code == expected


def test_send_again_from_the_log(receiver, login_as, official_mex, mex_implementation):
    server = receiver(500)
    endpoint_for(server.url)
    report(official_mex, mex_implementation)
    delivery = Delivery.objects.get()
    page = login_as("secretariat").get(reverse("webhooks:delivery-list")).content.decode()
    assert "update.submitted" in page and "500" in page and "Send again" in page

    eager().deferred.clear()  # the automatic retry is not needed: the secretariat sends it now
    client = login_as("secretariat")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("webhooks:delivery-resend", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code, len(server.requests)) == ("succeeded", 200, 2)
    assert login_as("official_mex").post(reverse("webhooks:delivery-resend", args=[delivery.pk])).status_code == 403
