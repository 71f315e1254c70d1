"""FilterSet plumbing shared by every app's filters: one way to validate, apply and report filter errors."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

_M = TypeVar("_M", bound=Model)


class InvalidFilters(Exception):
    """A filter value was not understood. Ignoring it would show a misleading list."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


class StableOrderingFilter(django_filters.OrderingFilter):
    """Whatever the client orders by, the primary key breaks ties, so pages never overlap."""

    def filter(self, qs: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        ordered: QuerySet[Any] = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, "pk") if value else ordered


def filtered(
    filterset_class: type[django_filters.FilterSet], data: object, queryset: QuerySet[_M]
) -> tuple[QuerySet[_M], dict[str, Any]]:
    """The queryset narrowed by `data`, and the filter values as understood (None, [] or False when unused)."""
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        raise InvalidFilters({name: list(messages) for name, messages in filterset.errors.items()})
    return cast("QuerySet[_M]", filterset.qs), filterset.form.cleaned_data


def apply_filters(
    filterset_class: type[django_filters.FilterSet], data: object, queryset: QuerySet[_M]
) -> QuerySet[_M]:
    return filtered(filterset_class, data, queryset)[0]


# The last day a date parameter may name: the day after it (end of day) must still be a date.
MAX_DATE = datetime.date(9998, 12, 31)


def validate_date_in_range(value: datetime.date) -> None:
    if value > MAX_DATE:
        raise ValidationError(_("Enter a date before the year 9999."), code="max_value")


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that refuses the dates past which the day after would overflow (9999-12-31 → 400)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [validate_date_in_range])
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """true/false (or 1/0, yes/no), or empty for "no filter": anything else is an error, never ignored."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField
