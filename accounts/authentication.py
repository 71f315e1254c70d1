"""API token authentication that does not ask the database on every request.

A token resolves to its user once, then from the cache for RCM_LOOKUP_CACHE_SECONDS. Deleting a
token or saving its user drops the entry at once where the cache is shared (REDIS_URL); with
per-process memory the other processes follow within that many seconds.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from accounts.models import User


def _key(token: str) -> str:
    # The token itself never becomes a cache key: a cache dump must not hand out credentials.
    return "api-token:" + hashlib.sha256(token.encode()).hexdigest()


def _user_key(user_id: Any) -> str:
    return f"api-token-of-user:{user_id}"


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        seconds: int = settings.RCM_LOOKUP_CACHE_SECONDS
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
