"""Read-only API over countries, declarations and commitments."""

from __future__ import annotations

from collections.abc import Mapping

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import PAGE_PARAMETERS, ApiView, Pagination, paginated
from core.filters import apply_filters
from declarations import selectors
from declarations.models import Commitment, CommitmentTranslation, Declaration, DeclarationTranslation, MemberCountry


class CountryOut(serializers.ModelSerializer[MemberCountry]):
    class Meta:
        model = MemberCountry
        fields = ["iso3", "iso2", "name_en", "name_es"]


class CommitmentTranslationOut(serializers.ModelSerializer[CommitmentTranslation]):
    language = serializers.CharField(source="translation.language", read_only=True)

    class Meta:
        model = CommitmentTranslation
        fields = ["language", "text"]


class CommitmentOut(serializers.ModelSerializer[Commitment]):
    declaration = serializers.IntegerField(source="declaration_id", read_only=True)
    # Declared, not derived: the model's integer bounds differ between PostgreSQL and SQLite.
    number = serializers.IntegerField(read_only=True, min_value=1, help_text="Order in the text, from 1.")
    translations = CommitmentTranslationOut(
        many=True, read_only=True, help_text="The text in the declaration's other languages; `text` is the original."
    )

    class Meta:
        model = Commitment
        fields = ["id", "declaration", "number", "text", "label", "translations"]


class DeclarationTranslationOut(serializers.ModelSerializer[DeclarationTranslation]):
    class Meta:
        model = DeclarationTranslation
        fields = ["language", "title", "official"]


class DeclarationOut(serializers.ModelSerializer[Declaration]):
    signatories = serializers.SerializerMethodField(help_text="ISO3 codes in the order the text names them.")
    commitment_count = serializers.IntegerField(read_only=True)
    translations = DeclarationTranslationOut(
        many=True,
        read_only=True,
        help_text="Other language versions; `title` and `language` stay the original's. "
        "`official` is false for a translation the Conference did not adopt.",
    )

    class Meta:
        model = Declaration
        fields = [
            "id",
            "title",
            "kind",
            "adopted_on",
            "place",
            "language",
            "signatories",
            "commitment_count",
            "translations",
        ]

    def get_signatories(self, declaration: Declaration) -> list[str]:
        return [link.country.iso3 for link in declaration.signatories_in_order]  # type: ignore[attr-defined]


class DeclarationDetailOut(DeclarationOut):
    commitments = CommitmentOut(many=True, read_only=True)

    class Meta(DeclarationOut.Meta):
        fields = [*DeclarationOut.Meta.fields, "source_sha256", "commitments"]


COUNTRY_EXAMPLE = {"iso3": "MEX", "iso2": "MX", "name_en": "Mexico", "name_es": "México"}
DECLARATION_EXAMPLE = {
    "id": 1,
    "title": "Darien Declaration",
    "kind": "declaration",
    "adopted_on": "2022-03-25",
    "place": "Panama City",
    "language": "en",
    "signatories": ["BLZ", "CAN", "CRI", "DOM", "SLV", "GTM", "HND", "MEX", "PAN", "USA"],
    "commitment_count": 10,
    "translations": [{"language": "es", "title": "Declaración de Darién", "official": False}],
}
COMMITMENT_EXAMPLE = {
    "id": 1,
    "declaration": 1,
    "number": 1,
    "text": "Strengthen coordination between migration authorities…",
    "label": "",
    "translations": [{"language": "es", "text": "Fortalecer la coordinación entre las autoridades migratorias…"}],
}


def _page(row: Mapping[str, object]) -> dict[str, object]:
    return {"count": 1, "next": None, "previous": None, "results": [row]}


class CountryList(ApiView):
    query_parameters = {"get": PAGE_PARAMETERS}

    @extend_schema(
        responses=paginated(CountryOut, "Country"),
        operation_id="countries_list",
        summary="The Member Countries",
        description="The Conference's Member Countries with their ISO codes and names, by English name.",
        parameters=PAGE_PARAMETERS,
        examples=[OpenApiExample("Mexico", value=_page(COUNTRY_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(MemberCountry.objects.order_by("name_en"), request, view=self)
        return paginator.get_paginated_response(CountryOut(page, many=True).data)


class DeclarationList(ApiView):
    query_parameters = {"get": PAGE_PARAMETERS}

    @extend_schema(
        responses=paginated(DeclarationOut, "Declaration"),
        operation_id="declarations_list",
        summary="Declarations, newest first",
        description="Every loaded declaration with its signatories (ISO3, in the text's order), its number of "
        "commitments and its other language versions.",
        parameters=PAGE_PARAMETERS,
        examples=[OpenApiExample("The Darien Declaration", value=_page(DECLARATION_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.declaration_list_with_signatories(), request, view=self)
        return paginator.get_paginated_response(DeclarationOut(page, many=True).data)


class DeclarationDetail(ApiView):
    @extend_schema(
        responses=DeclarationDetailOut,
        operation_id="declarations_retrieve",
        summary="One declaration with its numbered commitments",
        description="A declaration, the sha256 of its source text and its commitments in order.",
        examples=[
            OpenApiExample(
                "The Darien Declaration",
                value={
                    **DECLARATION_EXAMPLE,
                    "source_sha256": "7ade9c07bf1509a1" * 4,
                    "commitments": [COMMITMENT_EXAMPLE],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, pk: int) -> Response:
        declaration = selectors.declaration_get(pk=pk, every_language=True)
        declaration.commitment_count = len(declaration.commitments.all())  # type: ignore[attr-defined]
        return Response(DeclarationDetailOut(declaration).data)


class CommitmentFilter(django_filters.FilterSet):
    declaration = django_filters.ModelChoiceFilter(queryset=Declaration.objects.all())
    search = django_filters.CharFilter(field_name="text", lookup_expr="icontains")

    class Meta:
        model = Commitment
        fields = ["declaration", "search"]


COMMITMENT_PARAMETERS = [
    OpenApiParameter("declaration", OpenApiTypes.INT, description="Only this declaration's commitments."),
    OpenApiParameter("search", OpenApiTypes.STR, description="Words in the commitment's text."),
    *PAGE_PARAMETERS,
]


class CommitmentList(ApiView):
    query_parameters = {"get": COMMITMENT_PARAMETERS}

    @extend_schema(
        responses=paginated(CommitmentOut, "Commitment"),
        operation_id="commitments_list",
        summary="Commitments of every declaration",
        description="The recommended actions of every declaration (or one), by declaration and number, with "
        "their texts in the declaration's other languages.",
        parameters=COMMITMENT_PARAMETERS,
        examples=[OpenApiExample("An action", value=_page(COMMITMENT_EXAMPLE), response_only=True)],
    )
    def get(self, request: Request) -> Response:
        queryset: QuerySet[Commitment] = selectors.commitment_list()
        paginator = Pagination()
        page = paginator.paginate_queryset(
            apply_filters(CommitmentFilter, request.query_params, queryset), request, view=self
        )
        return paginator.get_paginated_response(CommitmentOut(page, many=True).data)
