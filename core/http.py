from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that reached a view behind LoginRequiredMiddleware: its user is a real User."""

    user: User
