from django.contrib import admin

from commitments.models import Implementation


@admin.register(Implementation)
class ImplementationAdmin(admin.ModelAdmin[Implementation]):
    list_display = ("commitment", "country", "status", "progress", "last_reported_at", "version")
    list_filter = ("status", "country", "commitment__declaration")
    list_select_related = ("commitment__declaration", "country")
    search_fields = ("commitment__text",)
    # Current state is derived from the reports; editing it here would break that promise.
    readonly_fields = ("status", "progress", "last_reported_at", "version")
    raw_id_fields = ("commitment",)
