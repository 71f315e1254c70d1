from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User
from audit.admin_mixins import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin[User]):
    list_display = ("username", "get_full_name", "email", "role", "country", "is_active")
    list_filter = ("role", "country", "is_active", "is_staff")
    list_select_related = ("country",)
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("RCM role", {"fields": ("role", "country")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ("RCM role", {"fields": ("role", "country")}))
