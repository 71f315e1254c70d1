from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import ModelForm
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
from declarations.signals import structure_changed


class StructureChangeAdminMixin:
    """For models whose admin edits add, move or delete implementations behind the services' back.

    It sends `structure_changed`, on which reporting recounts the status tallies (the summary, the
    dashboard and the list's counts read them) in the same transaction: slow on a large database
    (seconds), but such edits are rare. A save announces a change only when it changed one of
    `tally_fields` (the links that place implementations) or an inline; a deletion always does,
    since it may cascade to implementations.
    """

    tally_fields: tuple[str, ...] = ()

    def save_related(self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)  # type: ignore[misc]
            if set(form.changed_data) & set(self.tally_fields) or any(f.has_changed() for f in formsets):
                structure_changed.send(sender=type(self))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)  # type: ignore[misc]
            structure_changed.send(sender=type(self))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)  # type: ignore[misc]
            structure_changed.send(sender=type(self))


@admin.register(MemberCountry)
class MemberCountryAdmin(StructureChangeAdminMixin, AuditedAdminMixin, admin.ModelAdmin[MemberCountry]):
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
class DeclarationAdmin(StructureChangeAdminMixin, AuditedAdminMixin, admin.ModelAdmin[Declaration]):
    list_display = ("title", "kind", "adopted_on", "place", "language")
    list_filter = ("kind", "language")
    search_fields = ("title",)
    readonly_fields = ("source_sha256", "source_name", "created_at", "updated_at")
    inlines = (SignatoryInline, CommitmentInline)


@admin.register(Commitment)
class CommitmentAdmin(StructureChangeAdminMixin, AuditedAdminMixin, admin.ModelAdmin[Commitment]):
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
