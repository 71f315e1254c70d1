from django.contrib import admin

from notifications.models import DigestLog, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "user", "kind", "message", "read_at")
    list_filter = ("kind",)
    list_select_related = ("user",)
    search_fields = ("user__username", "message")
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ("user", "email_enabled", "updated_at")
    list_filter = ("email_enabled",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin[DigestLog]):
    list_display = ("date", "user", "submissions", "emailed", "created_at")
    list_select_related = ("user",)
    date_hierarchy = "date"
    readonly_fields = ("user", "date", "submissions", "emailed", "created_at")
