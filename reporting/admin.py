from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from audit.admin_mixins import AuditedAdminMixin
from declarations.admin import StructureChangeAdminMixin
from reporting.models import Evidence, Implementation, ReportingRound, Review, StatusUpdate

_M = TypeVar("_M", bound=Model)


@admin.register(Implementation)
class ImplementationAdmin(StructureChangeAdminMixin, AuditedAdminMixin, admin.ModelAdmin[Implementation]):
    tally_fields = ("commitment", "country")
    list_display = ("commitment", "country", "status", "progress", "last_reported_at", "version")
    list_filter = ("status", "country", "commitment__declaration")
    list_select_related = ("commitment__declaration", "country")
    search_fields = ("commitment__text",)
    # Current state is derived from the reports; editing it here would break that promise.
    readonly_fields = ("status", "progress", "last_reported_at", "version")
    raw_id_fields = ("commitment",)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """History is append-only: the admin shows it, the services alone write it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin[StatusUpdate]):
    list_display = ("implementation", "sequence", "status", "progress", "reported_by", "reported_at", "review_state")
    list_filter = ("status", "review_state", "implementation__country")
    list_select_related = ("implementation__commitment__declaration", "implementation__country", "reported_by")
    date_hierarchy = "reported_at"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin[Evidence]):
    list_display = ("title", "kind", "original_name", "size", "content_type", "update")
    list_filter = ("kind", "content_type")
    list_select_related = ("update__implementation__commitment__declaration", "update__implementation__country")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin[Review]):
    list_display = ("update", "decision", "reviewed_by", "reviewed_at")
    list_filter = ("decision",)
    list_select_related = (
        "update__implementation__commitment__declaration",
        "update__implementation__country",
        "reviewed_by",
    )


@admin.register(ReportingRound)
class ReportingRoundAdmin(AuditedAdminMixin, admin.ModelAdmin[ReportingRound]):
    list_display = ("name", "starts_on", "due_on", "closed_at")
    filter_horizontal = ("declarations",)
