from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from commitments.evidence import ALLOWED_EXTENSIONS
from commitments.models import REPORTABLE_STATUSES, ReportingRound, ReviewState, Status
from commitments.services import FileInput, LinkInput
from declarations.fields import DeclarationChoiceField, DeclarationMultipleChoiceField
from declarations.models import Declaration, MemberCountry, NameInLanguage
from declarations.selectors import country_choices, declaration_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files in one input; each is checked by the reporting service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ReportForm(forms.Form):
    status = forms.ChoiceField(choices=REPORTABLE_STATUSES, widget=forms.RadioSelect, label=_("Status"))
    progress = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        label=_("Progress (%)"),
        help_text=_("0 to 100. Completed is 100, not started is 0; leave empty if not measurable."),
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("What was done"),
        help_text=_("Measures taken, results, and next steps. For “not applicable”, the reason."),
        required=False,  # the service says why it is needed, with the status in mind
    )
    evidence_files = MultipleFileField(
        required=False,
        label=_("Evidence files"),
        help_text=_("PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, CSV or TXT; several at once if needed."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def file_inputs(self) -> list[FileInput]:
        return [
            FileInput(stream=upload, name=upload.name or "file", size=upload.size or 0)
            for upload in self.cleaned_data["evidence_files"]
        ]


class LinkForm(forms.Form):
    url = forms.CharField(
        required=False, max_length=2000, label=_("Link"), widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    title = forms.CharField(required=False, max_length=200, label=_("Title of the link"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("title") and not data.get("url"):
            self.add_error("url", _("Enter the address of this link, or clear its title."))
        return data


LinkFormSet = forms.formset_factory(LinkForm, extra=2, max_num=20, absolute_max=20)


def link_inputs(formset: forms.BaseFormSet[LinkForm]) -> list[LinkInput]:
    return [
        LinkInput(url=form.cleaned_data["url"].strip(), title=form.cleaned_data.get("title", ""))
        for form in formset.forms
        if form.cleaned_data.get("url", "").strip()
    ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(ReviewState.ACCEPTED, _("Accept")), (ReviewState.RETURNED, _("Return with a comment"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Comment to the country")
    )


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
