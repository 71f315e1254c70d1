from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from reporting.evidence import ALLOWED_EXTENSIONS
from reporting.models import REPORTABLE_STATUSES, ReviewState
from reporting.services import FileInput, LinkInput, validate_report


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

    def clean(self) -> dict[str, Any]:
        """The service's rules too, so one submit lists every problem (an empty form: status and summary)."""
        data = super().clean() or {}
        try:
            validate_report(
                status=data.get("status") or "",
                progress=data.get("progress"),
                summary=data.get("summary") or "",
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)
        return data

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
