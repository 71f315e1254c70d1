"""The secretariat's form to open a reporting round."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.fields import DeclarationMultipleChoiceField
from declarations.models import Declaration


class RoundForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Name"), help_text=_("For example “2026 first semester”."))
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Starts on"))
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Reports due on"))
    declarations = DeclarationMultipleChoiceField(
        queryset=Declaration.objects.order_by("title").prefetch_related("translations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Declarations"),
        help_text=_("Declarations in scope; leave all unticked for every declaration."),
    )
