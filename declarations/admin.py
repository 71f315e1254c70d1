from django.contrib import admin
from django.http import HttpRequest

from audit.admin_mixins import AuditedAdminMixin
from declarations.models import (
    Commitment,
    CommitmentTranslation,
    Declaration,
    DeclarationTranslation,
    MemberCountry,
    Signatory,
)
from reporting.admin import RecountsTalliesAdminMixin


@admin.register(MemberCountry)
class MemberCountryAdmin(RecountsTalliesAdminMixin, AuditedAdminMixin, admin.ModelAdmin[MemberCountry]):
    list_display = ("iso3", "name_en", "name_es")
    search_fields = ("iso3", "name_en", "name_es")


class SignatoryInline(admin.TabularInline[Signatory, Declaration]):
    model = Signatory
    extra = 0
    autocomplete_fields = ("country",)


class CommitmentInline(admin.StackedInline[Commitment, Declaration]):
    model = Commitment
    extra = 0
    fields = ("number", "label", "text")


@admin.register(Declaration)
class DeclarationAdmin(RecountsTalliesAdminMixin, AuditedAdminMixin, admin.ModelAdmin[Declaration]):
    list_display = ("title", "kind", "adopted_on", "place", "language")
    list_filter = ("kind", "language")
    search_fields = ("title",)
    readonly_fields = ("source_sha256", "source_name", "created_at", "updated_at")
    inlines = (SignatoryInline, CommitmentInline)


@admin.register(Commitment)
class CommitmentAdmin(RecountsTalliesAdminMixin, AuditedAdminMixin, admin.ModelAdmin[Commitment]):
    tally_fields = ("declaration",)
    list_display = ("declaration", "number", "label")
    list_filter = ("declaration",)
    list_select_related = ("declaration",)
    search_fields = ("text", "label")


class CommitmentTranslationInline(admin.StackedInline[CommitmentTranslation, DeclarationTranslation]):
    model = CommitmentTranslation
    extra = 0
    fields = ("commitment", "text")
    readonly_fields = ("commitment",)
    # Rows follow the declaration's commitments one to one: the loader adds and removes them.
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: DeclarationTranslation | None = None) -> bool:
        return False


@admin.register(DeclarationTranslation)
class DeclarationTranslationAdmin(AuditedAdminMixin, admin.ModelAdmin[DeclarationTranslation]):
    list_display = ("title", "declaration", "language", "official")
    list_filter = ("language", "official")
    list_select_related = ("declaration",)
    search_fields = ("title", "declaration__title")
    readonly_fields = ("declaration", "language", "source_sha256", "source_name", "created_at", "updated_at")
    inlines = (CommitmentTranslationInline,)
