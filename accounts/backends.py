from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class UserWithCountryBackend(ModelBackend):
    """Loads the signed-in user with their country in one query: every page shows it."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("country").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
