"""Post/redirect/get everywhere: a page a person can land on never answers 405.

A form that failed leaves its POST-only address in the browser; reloading it, or switching the
language there, sends a GET. Instead of the browser's blank "HTTP ERROR 405", that GET goes to the
equivalent page: the one the form lives on, which shows any unsent text kept in the session.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from declarations.models import Commitment
from reporting.models import StatusUpdate


def _update_page(pk: int) -> str:
    update = StatusUpdate.objects.filter(pk=pk).values("implementation_id").first()
    if update is None:
        return reverse("reporting:review-queue")
    return reverse("reporting:implementation-detail", args=[update["implementation_id"]]) + f"#update-{pk}"


def _commitment_page(pk: int) -> str:
    commitment = Commitment.objects.filter(pk=pk).values("declaration_id").first()
    if commitment is None:
        return reverse("declarations:declaration-list")
    return reverse("declarations:declaration-detail", args=[commitment["declaration_id"]])


# Where a GET on a POST-only address goes when the page above it in the path is not the one.
EQUIVALENT: dict[str, Callable[..., str]] = {
    "reporting:update-review": _update_page,
    "reporting:commitment-regional": _commitment_page,
    "logout": lambda: reverse("login"),
    "set_language": lambda: "/",
}


def equivalent_page(path: str) -> str:
    """The page a GET on `path` (a POST-only address) should show instead: a named equivalent,
    else the nearest address above it that is a page, else home."""
    try:
        match = resolve(path)
    except Resolver404:
        return "/"
    if match.view_name in EQUIVALENT:
        return EQUIVALENT[match.view_name](**match.kwargs)
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) + "/"
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"


class MethodNotAllowedRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not request.path_info.startswith("/api/")
        ):
            target = equivalent_page(request.path_info)
            query = request.META.get("QUERY_STRING", "")
            if query and "#" not in target and target != "/":
                target += f"?{query}"
            return HttpResponseRedirect(target)
        return response
