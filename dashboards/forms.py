"""The dashboard's filter form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.fields import DeclarationChoiceField
from declarations.models import Declaration, MemberCountry, NameInLanguage
from declarations.selectors import country_choices, declaration_choices
from reporting.models import ReportingRound, Status


def _with_empty(empty_label: Any, choices: Callable[[], list[tuple[Any, str]]]) -> Callable[[], list[Any]]:
    """The menu, read on first use and kept: a select iterates its choices more than once."""
    menu: list[Any] = []

    def read() -> list[Any]:
        if not menu:
            menu.extend([("", empty_label), *choices()])
        return menu

    return read


class MenuSelect(forms.Select):
    """A select that writes its options in one template: hundreds of declarations render in a millisecond."""

    template_name = "widgets/menu_select.html"


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; an unknown value is an error shown on the page, never ignored."""

    declaration = DeclarationChoiceField(
        queryset=Declaration.objects.prefetch_related("translations"),
        required=False,
        widget=MenuSelect,
        empty_label=_("All declarations"),
        label=_("Declaration"),
    )
    country = forms.ModelChoiceField(
        queryset=MemberCountry.objects.filter(is_regional=False).order_by(NameInLanguage()),
        to_field_name="iso3",
        required=False,
        widget=MenuSelect,
        empty_label=_("All countries"),
        label=_("Country"),
    )
    status = forms.MultipleChoiceField(
        choices=Status.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Status")
    )
    round = forms.ModelChoiceField(
        queryset=ReportingRound.objects.order_by("-starts_on"),
        required=False,
        empty_label=_("Current state"),
        label=_("Reporting round"),
        help_text=_("Show the state as reported in this round."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The menus from plain values, read only if the form is shown (an export never reads them);
        # the querysets above still check what is submitted.
        for name, choices in (("declaration", declaration_choices), ("country", country_choices)):
            field = cast(forms.ModelChoiceField[Any], self.fields[name])
            field.choices = _with_empty(field.empty_label, choices)
