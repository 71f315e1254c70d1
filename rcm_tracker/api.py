"""What every API view shares: authentication, pagination, and one place that turns errors into JSON.

Errors have one shape, whatever raised them:
`{"status": 400, "title": "Invalid input", "detail": "…", "errors": {"field": ["message"]}}`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from commitments.filters import InvalidFilters
from commitments.services import StaleVersion

logger = logging.getLogger(__name__)

TITLES = {
    400: "Invalid input",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    412: "Precondition failed",
    413: "File too large",
    415: "Unsupported file type",
    429: "Too many requests",
    500: "Internal error",
}


def problem(status_code: int, detail: str, *, errors: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status_code, "title": TITLES.get(status_code, "Error"), "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


class ApiView(APIView):
    """Base of every API view. DRF authenticates API calls itself and answers 401/403 as JSON,
    so Django's login redirect (LoginRequiredMiddleware) must not intercept them."""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., Any]:
        return login_not_required(super().as_view(**initkwargs))


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _validation_errors(exc: DjangoValidationError) -> tuple[int, dict[str, list[str]]]:
    if not hasattr(exc, "error_dict"):
        return 400, {"non_field_errors": exc.messages}
    codes = {error.code for errors in exc.error_dict.values() for error in errors}
    status_code = 413 if "too_large" in codes else 415 if "unsupported_type" in codes else 400
    return status_code, {field: list(messages) for field, messages in exc.message_dict.items()}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain errors → JSON problems; anything unexpected → a JSON 500, never an HTML page."""
    if isinstance(exc, StaleVersion):
        from commitments.api import ImplementationOut

        current = ImplementationOut(exc.current, context={"request": context.get("request")}).data
        return Response(
            problem(
                412,
                "The implementation changed since you read it; nothing was written. "
                "Read the current state and send its ETag in If-Match to report again.",
                current=current,
            ),
            status=412,
            headers={"ETag": implementation_etag(exc.current.pk, exc.current.version)},
        )
    if isinstance(exc, InvalidFilters):
        return Response(problem(400, "Some filter values were not understood.", errors=exc.errors), status=400)
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
        return Response(problem(500, "Something went wrong on our side; it has been logged."), status=500)
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = problem(response.status_code, "Some fields are not valid.", errors=errors)
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        response.data = problem(response.status_code, str(detail))
    return response


def implementation_etag(pk: int, version: int) -> str:
    return f'"implementation-{pk}-v{version}"'


@login_not_required
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under /api/ answer JSON too, so a client never has to parse an HTML page."""
    return JsonResponse(problem(404, f"No API endpoint at {request.path}."), status=status.HTTP_404_NOT_FOUND)
