from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.api import problem_response
from core.db import Deadlock, is_deadlock
from core.dberrors import connection_failed

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header: only this site's own scripts, styles and images.

    The pages carry no inline script or style, so an injected <script> would not run.
    A response that already set its own policy (evidence downloads) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class DatabaseUnavailableMiddleware:
    """Answers 503 (JSON under /api/, a small HTML page elsewhere) while the database does not answer.

    Django wraps every middleware in its own exception-to-500 conversion, so a try/except around
    `get_response` never sees a database error raised further in; and DRF turns the errors of API
    views into its own 500 before `process_exception` could. The database is therefore checked
    in `process_view`, before the session, the login check or DRF's token lookup touch it. The
    check is the one CONN_HEALTH_CHECKS would make at the request's first query anyway (a reused
    connection is tested once per request, a dead one is reopened), so a view that queries pays
    nothing extra.
    `process_exception` catches a database that fails in the middle of an HTML view; any other
    database error (a statement the database rejects) is a 500 like any other bug.
    Static files never reach `process_view` (WhiteNoise answers first), so the 503 page keeps its CSS.
    """

    RETRY_AFTER_SECONDS = 30
    # Views that report an outage themselves, in a shape their clients already parse.
    SELF_REPORTING_VIEWS = frozenset({"healthz"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except (OperationalError, InterfaceError) as exc:
            match = request.resolver_match
            if match is not None and match.url_name in self.SELF_REPORTING_VIEWS:
                # Called here, before the login check: that check would read a signed-in
                # browser's session from the database and turn the health answer into a 500.
                return view_func(request, *view_args, **view_kwargs)
            return self.unavailable(request, exc)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Deadlock) or is_deadlock(exception):
            # Not an outage: two writes met, the database aborted one, nothing was saved.
            return HttpResponse(
                _("Someone else was saving the same records at that moment; nothing was saved. Send it again."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        # Only a failed connection is an outage; a bad statement is a bug, left to the 500 handler
        # (which logs its traceback).
        if connection_failed(exception):
            return self.unavailable(request, exception)
        return None

    def unavailable(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        # One line, no traceback: during an outage every request lands here, and the driver's
        # message ("connection refused", "terminating connection") already names the cause.
        logger.error("Database unavailable, answering 503 to %s %s: %s", request.method, request.path, exc)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = problem_response(
                503,
                _("The service cannot reach its database at the moment. Try again in %(seconds)s seconds.")
                % {"seconds": self.RETRY_AFTER_SECONDS},
            )
        else:
            response = HttpResponse(self._page(), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        # An outage must not be cached by a proxy and served after the database is back.
        response["Cache-Control"] = "no-store"
        return response

    def _page(self) -> str:
        # Rendered without the request: the context processors would load the user from the
        # database that just failed.
        try:
            return render_to_string("503.html", {"retry_after": self.RETRY_AFTER_SECONDS})
        except Exception:  # an error page must not fail in turn, e.g. on a missing static manifest
            logger.exception("The 503 page could not be rendered; answering the plain version")
            return FALLBACK_503_PAGE


FALLBACK_503_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Service unavailable</title></head>'
    "<body><main><h1>Service temporarily unavailable</h1>"
    "<p>The RCM Commitment Tracker cannot reach its database. Please try again in a minute. "
    "If you were saving a report, check the implementation's history before sending it again.</p>"
    "</main></body></html>"
)


class MalformedRequestMiddleware:
    """Refuses, before any view or query runs, what no page or API call can mean:

    - a NUL byte in the path or the query string (PostgreSQL text cannot hold one, so every
      lookup with it was a 500): 400;
    - a body other than a file upload larger than DATA_UPLOAD_MAX_MEMORY_SIZE (Django raises only
      when a view reads it, as a 500 in the API): 413. File uploads stream to disk and have their
      own limits (RCM_MAX_UPLOAD_BYTES, the spreadsheet's).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            return self._refuse(request, 400, _("Invalid input"), _("The address contains a NUL character."))
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit and not content_type.startswith("multipart/form-data"):
            return self._refuse(
                request,
                413,
                _("Request too large"),
                _("The request body is larger than %(size)s bytes.") % {"size": limit},
            )
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return problem_response(status, detail)
        return HttpResponse(f"{title}: {detail}", status=status, content_type="text/plain; charset=utf-8")
