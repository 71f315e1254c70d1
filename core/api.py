"""What every API view shares: authentication, pagination, and one place that turns errors into JSON.

Errors have one shape, whatever raised them: RFC 9457 problem details, sent as
`application/problem+json`:
`{"type": "tag:…:invalid-input", "title": "Invalid input", "status": 400, "detail": "…",
"errors": {"field": ["message"]}}`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, cast

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Count, QuerySet, Subquery, Value
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.db import Deadlock, is_deadlock
from core.dberrors import connection_failed
from core.filters import InvalidFilters

logger = logging.getLogger(__name__)

# Titles and details are for people and follow Accept-Language; `status` and the keys never change.
TITLES = {
    400: gettext_lazy("Invalid input"),
    401: gettext_lazy("Authentication required"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Precondition failed"),
    413: gettext_lazy("File too large"),
    415: gettext_lazy("Unsupported file type"),
    428: gettext_lazy("Precondition required"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Internal error"),
    503: gettext_lazy("Service unavailable"),
}


class Problem(exceptions.APIException):
    """A problem a view names itself: its status, a detail for people, more members for the body, headers.

    Views raise it where a domain error needs more than a status and a message (a 412 with the
    current state and its ETag), so the exception handler needs to know no app's errors.
    """

    def __init__(self, status_code: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.headers = headers or {}
        self.extra = extra


# RFC 9457 `type`: one URI per kind of problem, stable whatever the language. Tag URIs (RFC 4151)
# name a problem without pretending to be a page to fetch; `title` and `detail` are for people.
PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_SLUGS = {
    400: "invalid-input",
    401: "authentication-required",
    403: "not-allowed",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "stale-version",
    413: "too-large",
    415: "unsupported-media-type",
    428: "if-match-required",
    429: "too-many-requests",
    500: "internal-error",
    503: "service-unavailable",
}


def problem_type(status_code: int) -> str:
    return f"tag:rcm-tracker,2026:problem:{PROBLEM_SLUGS.get(status_code, str(status_code))}"


def problem(status_code: int, detail: str, *, errors: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    title = str(TITLES.get(status_code, _("Error")))
    body: dict[str, Any] = {
        "type": problem_type(status_code),
        "title": title,
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_response(status_code: int, detail: str, **extra: Any) -> JsonResponse:
    """A problem answered outside DRF (unknown paths, the database outage middleware)."""
    return JsonResponse(problem(status_code, detail, **extra), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def utc_iso(value: datetime.datetime | None) -> str | None:
    """A date-time as the API writes every one: ISO 8601 in UTC with `Z`, whatever the server's zone."""
    if value is None:
        return None
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class UtcDateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField, always in UTC (`…Z`): JSON and CSV agree, and no client needs the server's zone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(*args, **kwargs)


def query_names(parameters: Sequence[OpenApiParameter]) -> frozenset[str]:
    return frozenset(parameter.name for parameter in parameters if parameter.location == OpenApiParameter.QUERY)


class RateLimitHeaders:
    """`RateLimit-Limit`, `-Remaining` and `-Reset` (IETF httpapi draft names) from the tightest throttle.

    A client sees how much of its allowance is left before it gets a 429 (which says Retry-After).
    """

    def get_throttles(self) -> list[Any]:
        throttles: list[Any] = super().get_throttles()  # type: ignore[misc]
        self.used_throttles = throttles
        return throttles

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        limits = [
            (
                max(0, throttle.num_requests - len(throttle.history)),
                throttle.num_requests,
                int(throttle.duration - (throttle.timer() - throttle.history[-1])) if throttle.history else 0,
            )
            for throttle in getattr(self, "used_throttles", [])
            if getattr(throttle, "history", None) is not None and getattr(throttle, "num_requests", None)
        ]
        if limits:
            remaining, limit, reset = min(limits)
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(max(0, reset))
        return response


class ApiView(RateLimitHeaders, APIView):
    """Base of every API view. DRF authenticates API calls itself and answers 401/403 as JSON,
    so Django's login redirect (LoginRequiredMiddleware) must not intercept them.

    `query_parameters` maps a method to the query parameters it documents (the same list goes to
    its `extend_schema`); any other parameter is a 400 naming it, since ignoring a misspelt filter
    (`countr=GTM`) would answer every row as if it were the filtered list.
    """

    query_parameters: ClassVar[Mapping[str, Sequence[OpenApiParameter]]] = {}

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        return login_not_required(super().as_view(**initkwargs))

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles first
        method = "get" if request.method == "HEAD" else request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method) or method == "options":
            return  # a method this view does not serve is a 405, whatever its parameters
        allowed = query_names(self.query_parameters.get(method, ()))
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise UnknownParameters(unknown, allowed)


class UnknownParameters(Exception):
    def __init__(self, unknown: list[str], allowed: frozenset[str]) -> None:
        self.unknown = unknown
        self.allowed = sorted(allowed)
        super().__init__(", ".join(unknown))


def row_count(queryset: QuerySet[Any]) -> Subquery:
    """The number of rows of `queryset`, as an uncorrelated subquery to annotate a page of it with.

    PostgreSQL runs it once per query; a `COUNT(*) OVER ()` window would make it sort every row
    instead of keeping the top ones.
    """
    return Subquery(queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n"))


# The annotation a list's rows may carry with the whole list's count (`row_count`, or a cheaper
# expression such as the status tallies), so that a page and its count take one query.
TOTAL_ROWS = "total_rows"


def _total_of(row: Any) -> int:
    total: int = row[TOTAL_ROWS] if isinstance(row, Mapping) else getattr(row, TOTAL_ROWS)
    return total


class CountedPaginator(DjangoPaginator):  # type: ignore[type-arg]
    """Django's Paginator, reading the count off the page's own rows when they carry TOTAL_ROWS.

    Django's counts, then slices: two queries. Rows annotated with their list's total give both in
    one. An empty page has no row to carry it, so the rows are then counted apart (to tell "none"
    from "past the end"). Any other list is paginated exactly as Django does.
    """

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        query = getattr(self.object_list, "query", None)
        if query is None or TOTAL_ROWS not in query.annotations:
            return super().page(number)
        number = int(number)  # whole and positive: the pagination class checked it
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        self.count = _total_of(rows[0]) if rows else cast("QuerySet[Any]", self.object_list).count()
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)


# The largest page number anyone can mean; past it the database's OFFSET would overflow.
MAX_PAGE_NUMBER = 10**9


def _whole_number(raw: str, *, most: int | None) -> bool:
    """ASCII digits only ("²" and "٣" are digits to str.isdigit() but not to int()), from 1 to `most`."""
    if not (raw.isascii() and raw.isdigit()):
        return False
    value = int(raw) if len(raw) < 20 else 10**20  # no need to read a thousand digits to refuse them
    return value >= 1 and (most is None or value <= most)


def check_page_params(request: Any, *, page_query_param: str | None, page_size_query_param: str) -> None:
    """`page` and `page_size` must be positive whole numbers (a large page size is capped)."""
    errors = {
        name: [
            _("Enter a whole number from 1 to 500.")
            if name == page_size_query_param
            else _("Enter a whole number from 1.")
        ]
        for name in (page_query_param, page_size_query_param)
        if name is not None
        and (raw := request.query_params.get(name, "")) != ""
        # A page size above the maximum is capped; a page number past any page is refused.
        and not _whole_number(raw, most=None if name == page_size_query_param else MAX_PAGE_NUMBER)
    }
    if errors:
        raise InvalidFilters(errors)


class Pagination(PageNumberPagination):
    """DRF's page numbers, with strict parameters and, for rows carrying TOTAL_ROWS, one query a page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CountedPaginator

    def check_params(self, request: Any) -> None:
        check_page_params(request, page_query_param=self.page_query_param, page_size_query_param="page_size")

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        self.check_params(request)
        return super().paginate_queryset(queryset, request, view)


class ForwardCursorPagination(CursorPagination):
    """DRF's cursor pagination, forward only (`previous` stays null), with the list's `count`.

    Subclasses name their `ordering`. An empty `cursor` starts at the first row; a cursor this API
    did not give out is a 400 (DRF answers 404), never a page from somewhere else. Rows annotated
    with TOTAL_ROWS carry the count of the whole list, as with page numbers.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # DRF places a cursor by its first ordering column plus an offset among the rows sharing it
    # (all of a declaration's implementations): the cap must exceed the largest such group.
    offset_cutoff = 10**7

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        check_page_params(request, page_query_param=None, page_size_query_param="page_size")
        self.counted = queryset
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Any) -> Cursor | None:
        if not request.query_params.get(self.cursor_query_param):
            return None
        refused = InvalidFilters(
            {"cursor": [gettext("Not a cursor this API gave out: follow the `next` link of a page.")]}
        )
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise refused from None
        # What DRF gives out going forward: a position (a whole number the database can compare) and an
        # offset among the rows sharing it, or an offset alone while the first position's rows go on.
        if cursor is None or cursor.reverse:
            raise refused
        if cursor.position is None:
            if cursor.offset < 1:
                raise refused
        elif not _whole_number(str(cursor.position), most=2**63 - 1):
            raise refused
        return cursor

    def encode_cursor(self, cursor: Cursor) -> str:
        return remove_query_param(super().encode_cursor(cursor), "page")

    def get_previous_link(self) -> str | None:
        return None

    def get_paginated_response(self, data: Any) -> Response:
        count = _total_of(self.page[0]) if self.page else self.counted.count()
        return Response({"count": count, "next": self.get_next_link(), "previous": None, "results": data})


PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number, from 1."),
    OpenApiParameter(
        "page_size", {"type": "integer", "minimum": 1}, description="Rows per page (default 50; above 500 → 500)."
    ),
]


def paginated(serializer_class: type[serializers.Serializer[Any]], name: str) -> serializers.Serializer[Any]:
    """The schema of a page: {count, next, previous, results: [...]}."""
    return inline_serializer(
        f"Paginated{name}List",
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def _validation_errors(exc: DjangoValidationError) -> tuple[int, dict[str, list[str]]]:
    if not hasattr(exc, "error_dict"):
        return 400, {"non_field_errors": exc.messages}
    codes = {error.code for errors in exc.error_dict.values() for error in errors}
    status_code = 413 if "too_large" in codes else 415 if "unsupported_type" in codes else 400
    return status_code, {field: list(messages) for field, messages in exc.message_dict.items()}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain errors → problem+json; anything unexpected → a problem+json 500, never an HTML page."""
    response = _problem_for(exc, context)
    if response is not None:
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _problem_for(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Deadlock) or is_deadlock(exc):
        # Two writes waited for each other and the database aborted this one: the database is fine.
        return Response(
            problem(
                409, _("Someone else was saving the same records at that moment; nothing was saved. Send it again.")
            ),
            status=409,
        )
    # Only a failed connection is an outage (503); a statement the database rejects is a bug (500).
    if connection_failed(exc):
        logger.error("Database unavailable during an API call: %s", exc)
        return Response(
            problem(503, _("The database is not answering; try again in a moment.")),
            status=503,
            headers={"Retry-After": "30"},
        )
    if isinstance(exc, Problem):
        return Response(
            problem(exc.status_code, str(exc.detail), **exc.extra), status=exc.status_code, headers=exc.headers
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(problem(413, _("The request body is too large.")), status=413)
    if isinstance(exc, UnknownParameters):
        allowed = ", ".join(exc.allowed) or _("none")
        detail = _("Unknown query parameters: %(unknown)s. This operation accepts: %(allowed)s.") % {
            "unknown": ", ".join(exc.unknown),
            "allowed": allowed,
        }
        errors = {name: [_("Unknown query parameter.")] for name in exc.unknown}
        return Response(problem(400, detail, errors=errors), status=400)
    if isinstance(exc, InvalidFilters):
        return Response(problem(400, _("Some filter values were not understood."), errors=exc.errors), status=400)
    if isinstance(exc, DjangoValidationError):
        status_code, errors = _validation_errors(exc)
        detail = " ".join(message for messages in errors.values() for message in messages)
        return Response(problem(status_code, detail, errors=errors), status=status_code)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(problem(500, _("Something went wrong on our side; it has been logged.")), status=500)
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = problem(response.status_code, _("Some fields are not valid."), errors=errors)
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        response.data = problem(response.status_code, str(detail))
    return response


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem (`application/problem+json`). `type` and `status` are for programs; "
    "`title` and `detail` for people, in the request's Accept-Language.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "The kind of problem, e.g. `tag:rcm-tracker,2026:problem:invalid-input`.",
            "example": "tag:rcm-tracker,2026:problem:invalid-input",
        },
        "title": {"type": "string", "description": "The kind of problem, for people.", "example": "Invalid input"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status."},
        "detail": {"type": "string", "description": "What went wrong this time, for people."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {}},
            "description": "400, 413, 415: field or parameter name → list of messages.",
        },
        "current": {"type": "object", "description": "412 only: the implementation's current state."},
    },
}
RETRY_AFTER = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 0}}
COMMON_ERRORS = {
    "400": "Invalid input, an unknown query parameter or a filter value not understood.",
    "401": "No or invalid credentials.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such record, or one the user may not see.",
    "405": "Method not allowed on this path.",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
    "500": "An error on the server's side; it has been logged.",
    "503": "The database is not answering; retry after the Retry-After header's seconds.",
}
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {"description": "Requests allowed in the current window.", "schema": {"type": "integer"}},
    "RateLimit-Remaining": {"description": "Requests left in the window.", "schema": {"type": "integer"}},
    "RateLimit-Reset": {"description": "Seconds until the window frees a request.", "schema": {"type": "integer"}},
}
# Headers every response with that status carries.
STATUS_HEADERS = {
    "429": {"Retry-After": RETRY_AFTER, **RATE_LIMIT_HEADERS},
    "503": {"Retry-After": RETRY_AFTER},
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook: every operation documents its problems (RFC 9457) and response headers.

    A view names the headers of its own responses as `extensions={"x-response-headers": {status: {…}}}`
    on `extend_schema`; this moves them where OpenAPI wants them.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True  # every operation with a body needs one
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    # An empty value means "no filter", as when an HTML form leaves a field blank.
                    parameter["allowEmptyValue"] = True
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = reference
            for code, headers in {**STATUS_HEADERS, **operation.pop("x-response-headers", {})}.items():
                if code in responses:
                    responses[code].setdefault("headers", {}).update(headers)
            for code, response in responses.items():
                if code.startswith("2"):
                    response.setdefault("headers", {}).update(RATE_LIMIT_HEADERS)
    return result


@csrf_exempt  # it changes nothing; a POST to a wrong path deserves the JSON 404, not a CSRF page
@login_not_required
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under /api/ answer JSON too, so a client never has to parse an HTML page."""
    return problem_response(status.HTTP_404_NOT_FOUND, _("No API endpoint at %(path)s.") % {"path": request.path})
