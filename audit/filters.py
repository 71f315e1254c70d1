"""The audit trail's filters: person, country, declaration, kind of change, date range."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.filters import BoundedDateFilter

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Each kind of change people ask about, and the recorded actions it covers (by prefix).
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "report": (_("Reports"), ("report",)),
    "review": (_("Reviews"), ("review.",)),
    "evidence": (_("Evidence"), ("evidence.",)),
    "declaration": (_("Declarations"), ("declaration.", "regional.")),
    "round": (_("Reporting rounds"), ("round.",)),
    "account": (_("Accounts"), ("user.",)),
    "admin": (_("Administration"), ("admin.", "webhook.", "tally.")),
}


def _related(field: str) -> QuerySet[Any]:
    model: Any = AuditEntry._meta.get_field(field).related_model
    return model._default_manager.all()  # type: ignore[no-any-return]


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), label=_("Person"), empty_label=_("Everyone")
    )
    country = django_filters.ModelChoiceFilter(
        queryset=_related("country"), to_field_name="iso3", label=_("Country"), empty_label=_("All countries")
    )
    declaration = django_filters.ModelChoiceFilter(
        queryset=_related("declaration").prefetch_related("translations"),
        label=_("Declaration"),
        empty_label=_("All declarations"),
    )
    kind = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _prefixes) in KINDS.items()],
        method="filter_kind",
        label=_("Kind of change"),
        empty_label=_("Every kind"),
    )
    since = BoundedDateFilter(field_name="at", lookup_expr="date__gte", label=_("From"), widget=DATE_INPUT)
    until = BoundedDateFilter(field_name="at", lookup_expr="date__lte", label=_("To"), widget=DATE_INPUT)

    class Meta:
        model = AuditEntry
        fields = ["actor", "country", "declaration", "kind", "since", "until"]

    def filter_kind(self, queryset: QuerySet[AuditEntry], name: str, value: str) -> QuerySet[AuditEntry]:
        if not value:
            return queryset
        condition = Q()
        for prefix in KINDS[value][1]:
            condition |= Q(action=prefix) if not prefix.endswith(".") else Q(action__startswith=prefix)
        if value == "report":
            condition |= Q(action__startswith="report.")
        return queryset.filter(condition)
