from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts.models import User
from audit.admin_mixins import AuditedAdminMixin

# Rights that only a superuser may grant: with them anyone with the "change user" permission could
# make themselves superuser, then read or change everything.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin[User]):
    list_display = ("username", "get_full_name", "email", "role", "country", "is_active")
    list_filter = ("role", "country", "is_active", "is_staff")
    list_select_related = ("country",)
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("RCM role"), {"fields": ("role", "country", "language")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("RCM role"), {"fields": ("role", "country", "language")}))

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return (*fields, *SUPERUSER_ONLY_FIELDS)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # A superuser's account (its password above all) is changed by superusers only.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(DrfTokenAdmin):
    """Who has a token and since when, as a list only.

    The key is a password and is never displayed; a token's own pages would show it (its name is its
    key), so there are none: tokens are issued by the token endpoint and revoked by a password
    change or by deactivating the user.
    """

    list_display = ("user", "created")
    list_display_links = None
    fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_view_permission(request, obj)
