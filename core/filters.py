"""FilterSet plumbing shared by every app's filters: one way to validate, apply and report filter errors."""

from __future__ import annotations

import copy
import datetime
from typing import Any, TypeVar, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import QueryDict
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


class SharedFilterSet(django_filters.FilterSet):
    """A FilterSet that copies its filters shallowly per request instead of deep-copying them.

    django-filter deep-copies every filter (querysets, choices, widgets) for each FilterSet: most of
    the Python time of a list request. A filter's only per-request state is what this sets (its
    model, parent and bound method) and the form field it builds lazily on the copy, so a shallow
    copy is enough.
    """

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Any] | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
        validate_only: bool = False,
    ) -> None:
        self.validate_only = validate_only
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(base) for name, base in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # rebinds the copied filter's method to this FilterSet

    def get_form_class(self) -> type[forms.Form]:
        """One form class per FilterSet class and use, built on first use instead of on every request.

        Its fields depend only on the declared filters (labels are lazy, querysets are cloned when
        a form is shown), so every request can share the class. A form that is only validated
        (`validate_only`, as `apply_filters` does) shares the fields too: cleaning reads them.
        """
        cls = type(self)
        attribute = "_validation_form_class" if self.validate_only else "_form_class"
        form_class: type[forms.Form] | None = cls.__dict__.get(attribute)
        if form_class is None:
            fields = {name: filter_.field for name, filter_ in self.filters.items()}
            base = _ValidationForm if self.validate_only else self._meta.form
            form_class = type(f"{cls.__name__}Form", (base,), fields)
            setattr(cls, attribute, form_class)
        return form_class


class _ValidationForm(forms.Form):
    """A form that is cleaned and never rendered: its fields are copied shallowly, not deep-copied.

    Cleaning only reads a field (its queryset's `.get()` clones it), while the deep copy of
    widgets, choices and querysets that Django makes for every form was most of a filter's cost.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.base_fields = {}  # type: ignore[misc]  # what BaseForm deep-copies: nothing
        super().__init__(*args, **kwargs)
        self.fields = {name: copy.copy(field) for name, field in type(self).base_fields.items()}


def filtered(
    filterset_class: type[SharedFilterSet], data: object, queryset: QuerySet[_M]
) -> tuple[QuerySet[_M], dict[str, Any]]:
    """The queryset narrowed by `data`, and the filter values as understood (None, [] or False when unused)."""
    filterset = filterset_class(data, queryset=queryset, validate_only=True)
    if not filterset.is_valid():
        raise InvalidFilters({name: list(messages) for name, messages in filterset.errors.items()})
    return cast("QuerySet[_M]", filterset.qs), filterset.form.cleaned_data


def apply_filters(filterset_class: type[SharedFilterSet], data: object, queryset: QuerySet[_M]) -> QuerySet[_M]:
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
