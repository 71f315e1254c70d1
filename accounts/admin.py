from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.admin_mixins import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin[User]):
    list_display = ("username", "get_full_name", "email", "role", "country", "is_active")
    list_filter = ("role", "country", "is_active", "is_staff")
    list_select_related = ("country",)
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("RCM role"), {"fields": ("role", "country", "language")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("RCM role"), {"fields": ("role", "country", "language")}))
