"""FilterSets shared by the HTML pages and the API, so both accept exactly the same filters."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.filters import BoundedDateFilter, StableOrderingFilter, StrictBooleanFilter
from declarations.fields import DeclarationChoiceField
from declarations.models import CommitmentTranslation, Declaration, MemberCountry, NameInLanguage
from declarations.selectors import country_pk_by_code
from reporting.history import STATE_STATUS, annotate_state, end_of_day, has_state
from reporting.models import Implementation, ReportingRound, Status, StatusUpdate


class CountryCodeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An ISO3 code in any case ("mex", "MEX"); an unknown code is an error, not an empty list."""

    def to_python(self, value: object) -> object:
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class AwareDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time with its offset (`Z`, `+02:00`); without one it is an error, never
    silently read in the server's time zone."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        if isinstance(value, str) and value.strip():
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                raise forms.ValidationError(
                    _("Add the time zone offset, e.g. 2026-11-01T00:00:00Z or 2026-11-01T00:00:00+02:00."),
                    code="naive",
                )
        result: datetime.datetime | None = super().to_python(value)
        return result


class AwareDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = AwareDateTimeField


class CountryFilter(django_filters.ModelChoiceFilter):
    field_class = CountryCodeField


class DeclarationFilter(django_filters.ModelChoiceFilter):
    field_class = DeclarationChoiceField


def _declarations() -> QuerySet[Declaration]:
    return Declaration.objects.prefetch_related("translations")


def _countries() -> QuerySet[MemberCountry]:
    return MemberCountry.objects.order_by(NameInLanguage())


class CachedCountryCodeField(forms.CharField):
    """An ISO3 code in any case, checked against the cached code map: the country's id, no query."""

    def clean(self, value: Any) -> int | None:
        code = (super().clean(value) or "").strip().upper()
        if not code:
            return None
        pk = country_pk_by_code(code)
        if pk is None:
            # The message a model choice gives (translated by Django), so clients see no change.
            raise forms.ValidationError(
                forms.ModelChoiceField.default_error_messages["invalid_choice"], code="invalid_choice"
            )
        return pk


class CachedCountryFilter(django_filters.Filter):
    field_class = CachedCountryCodeField


class ImplementationFilter(django_filters.FilterSet):
    # Declared first: the filters below then read the state as of that day.
    as_of = BoundedDateFilter(
        method="filter_as_of", label=_("State at the end of this day (YYYY-MM-DD), computed from the history")
    )
    # The validated state (latest accepted update) instead of the reported one; with as_of, at that date.
    validated_only = StrictBooleanFilter(method="filter_validated_only", label=_("Validated only"))
    country = CachedCountryFilter(label=_("Country (ISO3)"), method="filter_country")
    declaration = DeclarationFilter(
        field_name="commitment__declaration",
        queryset=_declarations(),
        label=_("Declaration"),
        empty_label=_("All declarations"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), widget=forms.CheckboxSelectMultiple, method="filter_status"
    )
    # A report or a review at or after this instant: `updated_at`, which both set.
    updated_since = AwareDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed since (ISO 8601 with offset)")
    )
    search = django_filters.CharFilter(method="filter_search", label=_("Search commitment text"))
    ordering = StableOrderingFilter(
        fields=(
            ("commitment__declaration_id", "declaration"),
            ("commitment__number", "number"),
            ("country__iso3", "country"),
            ("status", "status"),
            ("progress", "progress"),
            ("last_reported_at", "last_reported_at"),
        ),
        label=_("Order by (prefix with - for descending)"),
    )
    not_reported_in_round = StrictBooleanFilter(
        method="filter_not_reported_in_round", label=_("Not yet reported in the current round")
    )

    class Meta:
        model = Implementation
        fields = [
            "as_of",
            "validated_only",
            "country",
            "declaration",
            "status",
            "updated_since",
            "search",
            "not_reported_in_round",
        ]

    def filter_as_of(
        self, queryset: QuerySet[Implementation], name: str, value: datetime.date | None
    ) -> QuerySet[Implementation]:
        if not value:
            return queryset
        return annotate_state(
            queryset, before=end_of_day(value), accepted_only=bool(self.form.cleaned_data.get("validated_only"))
        )

    def filter_validated_only(
        self, queryset: QuerySet[Implementation], name: str, value: bool | None
    ) -> QuerySet[Implementation]:
        if not value or has_state(queryset):  # with as_of, `filter_as_of` already took it into account
            return queryset
        return annotate_state(queryset, accepted_only=True)

    def filter_status(
        self, queryset: QuerySet[Implementation], name: str, value: list[str]
    ) -> QuerySet[Implementation]:
        if not value:
            return queryset
        return queryset.filter(**{f"{STATE_STATUS if has_state(queryset) else 'status'}__in": value})

    def filter_not_reported_in_round(
        self, queryset: QuerySet[Implementation], name: str, value: bool | None
    ) -> QuerySet[Implementation]:
        """With an open round: no update in it yet. Without one: never reported at all."""
        if not value:
            return queryset
        round_ = ReportingRound.objects.current()
        if round_ is None:
            return queryset.filter(version=0)
        return queryset.exclude(updates__reporting_round=round_)

    def filter_country(
        self, queryset: QuerySet[Implementation], name: str, value: int | None
    ) -> QuerySet[Implementation]:
        return queryset.filter(country_id=value) if value is not None else queryset

    def filter_search(self, queryset: QuerySet[Implementation], name: str, value: str) -> QuerySet[Implementation]:
        value = value.strip()
        if not value:
            return queryset
        # Words in any language the action is loaded in: a Spanish reader searches in Spanish.
        translated = CommitmentTranslation.objects.filter(commitment=OuterRef("commitment"), text__icontains=value)
        return queryset.filter(
            Q(commitment__text__icontains=value) | Q(commitment__label__icontains=value) | Q(Exists(translated))
        )


class ReviewQueueFilter(django_filters.FilterSet):
    country = CountryFilter(
        field_name="implementation__country",
        queryset=_countries(),
        to_field_name="iso3",
        label=_("Country"),
        empty_label=_("All countries"),
    )
    declaration = DeclarationFilter(
        field_name="implementation__commitment__declaration",
        queryset=_declarations(),
        label=_("Declaration"),
        empty_label=_("All declarations"),
    )

    class Meta:
        model = StatusUpdate
        fields = ["country", "declaration"]
