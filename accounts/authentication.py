"""API token authentication that does not ask the database on every request, where that is safe.

With a shared cache (REDIS_URL) a token resolves to its user once, then from the cache for
RCM_LOOKUP_CACHE_SECONDS; deleting a token (a password change, a revocation) or saving its user
(deactivation, a role change) drops the entry for every process at once.
With per-process memory (no REDIS_URL) nothing is cached: a process cannot hear of a revocation made
in another one, and a revoked token must stop working at once everywhere, not within a minute.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from accounts.models import User


def _key(token: str) -> str:
    # The token itself never becomes a cache key: a cache dump must not hand out credentials.
    return "api-token:" + hashlib.sha256(token.encode()).hexdigest()


def _user_key(user_id: Any) -> str:
    return f"api-token-of-user:{user_id}"


def cache_is_shared() -> bool:
    """True when every process reads and writes the same cache (Redis, Memcached, database, files)."""
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache | DummyCache)


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        seconds: int = settings.RCM_LOOKUP_CACHE_SECONDS if cache_is_shared() else 0
        cached = cache.get(_key(key)) if seconds else None
        if cached is not None:
            return cached, None
        user, token = super().authenticate_credentials(key)
        if seconds:
            cache.set_many({_key(key): user, _user_key(user.pk): _key(key)}, seconds)
        return user, token


def _forget_token(sender: Any, instance: Token, **kwargs: Any) -> None:
    cache.delete(_key(instance.key))


def _forget_user(sender: Any, instance: User, **kwargs: Any) -> None:
    cached = cache.get(_user_key(instance.pk))
    if cached:
        cache.delete_many([cached, _user_key(instance.pk)])


def connect() -> None:
    post_delete.connect(_forget_token, sender=Token, dispatch_uid="accounts-forget-token")
    post_save.connect(_forget_user, sender=User, dispatch_uid="accounts-forget-user-save")
    post_delete.connect(_forget_user, sender=User, dispatch_uid="accounts-forget-user-delete")
