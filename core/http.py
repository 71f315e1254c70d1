from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that reached a view behind LoginRequiredMiddleware: its user is a real User."""

    user: User


def client_ip(request: HttpRequest) -> str | None:
    """The address the client connected from, as the trusted proxies in front of the app saw it.

    With `TRUSTED_PROXY_COUNT` = N reverse proxies, each appending the address it saw to
    X-Forwarded-For, only the last N entries are theirs: anything left of them the client wrote
    itself and is ignored. django-ipware validates the address the outermost proxy saw (N = 0: no
    proxy, so the header is not read at all and REMOTE_ADDR is the client). Axes (lockouts) and the
    API throttles identify a client by this address.
    """
    count: int = settings.TRUSTED_PROXY_COUNT
    remote: str | None = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote  # not through all the proxies: trust only the connection
    meta = {"HTTP_X_FORWARDED_FOR": ", ".join(forwarded[-count:]), "REMOTE_ADDR": remote or ""}
    shown = HttpRequest()
    shown.META = meta
    address, _routable = get_client_ip(
        shown,
        proxy_order="right-most",
        proxy_count=count - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=True,
    )
    return address or remote
