"""Reporting from a spreadsheet over HTTP: download, upload → preview, confirm (POST-redirect-GET)."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from core.forms import extra_links
from core.http import AuthenticatedHttpRequest
from core.permissions import is_secretariat
from declarations.models import MemberCountry, NameInLanguage
from reporting import selectors
from reporting.views import visible_country_or_404
from spreadsheets.services import ImportConflict, import_apply, import_on_behalf
from spreadsheets.workbooks import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    XLSX_TYPE,
    ImportPreview,
    SpreadsheetError,
    build_csv,
    build_xlsx,
    check_rows,
    read_upload,
    sign_import,
    unsign_import,
)


class SpreadsheetUploadForm(forms.Form):
    country = forms.ModelChoiceField(
        queryset=MemberCountry.objects.order_by(NameInLanguage()),
        to_field_name="iso3",
        empty_label=gettext_lazy("Choose a country"),
        label=gettext_lazy("Country"),
        help_text=gettext_lazy("The secretariat records the report on behalf of this country."),
    )
    file = forms.FileField(
        label=gettext_lazy("Filled spreadsheet"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form, not at import: the numbers are formatted in the language of the request.
        self.fields["file"].help_text = _(
            "The .xlsx or .csv file downloaded from the country's page; at most %(size)s and %(rows)s rows."
        ) % {"size": filesizeformat(MAX_UPLOAD_BYTES), "rows": number_format(MAX_ROWS, force_grouping=True)}
        if not is_secretariat(user):
            # An official reports for their own country only: there is nothing to choose.
            self.fields["country"].widget = forms.HiddenInput()
            self.initial.setdefault("country", user.country)

    @property
    def chooses_country(self) -> bool:
        return not isinstance(self.fields["country"].widget, forms.HiddenInput)


def _require_importer(user: Any) -> None:
    """Coarse gate before any country is known; `import_on_behalf` decides per country."""
    if not (is_secretariat(user) or (user.is_authenticated and user.is_official and user.is_active)):
        raise PermissionDenied(_("Only country officials and the secretariat report from a spreadsheet."))


def _download(request: HttpRequest, iso3: str, extension: str) -> FileResponse:
    country = visible_country_or_404(request, iso3)
    import_on_behalf(request.user, country)
    implementations = selectors.country_implementations(country=country, filters={})
    if extension == "xlsx":
        content, content_type = build_xlsx(country, implementations), XLSX_TYPE
    else:
        content, content_type = build_csv(implementations), "text/csv; charset=utf-8"
    filename = f"rcm-report-{country.iso3}-{timezone.localdate():%Y-%m-%d}.{extension}"
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)


@require_GET
def spreadsheet_xlsx(request: HttpRequest, iso3: str) -> FileResponse:
    return _download(request, iso3, "xlsx")


@require_GET
def spreadsheet_csv(request: HttpRequest, iso3: str) -> FileResponse:
    return _download(request, iso3, "csv")


def _render_upload(
    request: AuthenticatedHttpRequest,
    form: SpreadsheetUploadForm,
    *,
    country: MemberCountry | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "spreadsheets/import_upload.html",
        {
            "form": form,
            "country": country,
            "problem_links": extra_links(str(form["file"].auto_id), [problem] if problem else []),
        },
        status=status,
    )


def _render_preview(
    request: AuthenticatedHttpRequest,
    preview: ImportPreview,
    *,
    file_name: str,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    country = preview.country
    return render(
        request,
        "spreadsheets/import_preview.html",
        {
            "preview": preview,
            "country": country,
            "file_name": file_name,
            "on_behalf": import_on_behalf(request.user, country),
            "payload": sign_import(preview=preview, user=request.user, file_name=file_name),
            "shown": [check for check in preview.checks if check.changed],
            "reupload": SpreadsheetUploadForm(user=request.user, initial={"country": country}),
            "notice": notice,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_importer(request.user)
    if request.method != "POST":
        iso3 = request.GET.get("country") or (request.user.country.iso3 if request.user.country else "")
        country = visible_country_or_404(request, iso3) if iso3 else None
        if country is not None:
            import_on_behalf(request.user, country)
        form = SpreadsheetUploadForm(user=request.user, initial={"country": country} if country else None)
        return _render_upload(request, form, country=country)

    form = SpreadsheetUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render_upload(request, form, status=400)
    country = form.cleaned_data["country"]
    import_on_behalf(request.user, country)
    upload = form.cleaned_data["file"]
    try:
        rows = read_upload(upload)
    except SpreadsheetError as exc:
        form.add_error("file", str(exc))
        return _render_upload(request, form, country=country, status=400)
    return _render_preview(request, check_rows(country=country, rows=rows), file_name=upload.name or "")


@require_POST
def import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_importer(request.user)
    try:
        signed = unsign_import(request.POST.get("payload", ""), user=request.user)
    except SpreadsheetError as exc:
        return _render_upload(request, SpreadsheetUploadForm(user=request.user), problem=str(exc), status=400)
    country = visible_country_or_404(request, signed.country_iso3)
    on_behalf = import_on_behalf(request.user, country)
    if not signed.rows:
        messages.info(request, _("Nothing to save: no row of the spreadsheet changed."))
        return redirect("reporting:country-detail", iso3=country.iso3)
    try:
        updates = import_apply(country=country, rows=signed.rows, by=request.user, file_name=signed.file_name)
    except ImportConflict as exc:
        return _render_preview(request, exc.preview, file_name=signed.file_name, notice=exc.reason, status=409)
    count = len(updates)
    facts = {"count": count, "file": signed.file_name, "country": country.name}
    if on_behalf:
        message = ngettext(
            "%(count)d update saved from “%(file)s” on behalf of %(country)s. The secretariat will review it.",
            "%(count)d updates saved from “%(file)s” on behalf of %(country)s. The secretariat will review them.",
            count,
        )
    else:
        message = ngettext(
            "%(count)d update saved from “%(file)s”. The secretariat will review it.",
            "%(count)d updates saved from “%(file)s”. The secretariat will review them.",
            count,
        )
    messages.success(request, message % facts)
    return redirect("reporting:country-detail", iso3=country.iso3)
