"""Throttles of the token endpoint: password guessing is limited per client address and per username.

DRF's ObtainAuthToken has no throttle at all; axes only locks a username *from one address*, so
guessing many usernames from one address (spraying) or one username from many addresses went
unlimited. The address is the client's behind the trusted proxies (core.http.client_ip).
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from core.http import client_ip


class TokenAddressThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class TokenUsernameThrottle(SimpleRateThrottle):
    scope = "token_username"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        try:
            username = request.data.get("username")
        except Exception:  # an unreadable body is the parser's 400, not this throttle's business
            return None
        if not isinstance(username, str) or not username:
            return None
        # Hashed: a cache dump must not list who is being attacked; case-folded as sign-in matches it.
        ident = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
