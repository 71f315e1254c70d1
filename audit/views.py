from __future__ import annotations

import csv
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit import sentences
from audit.filters import AuditFilter
from audit.models import AuditEntry
from audit.selectors import audit_entry_list
from core.exports import export_filename, short_slug
from core.filters import InvalidFilters
from core.permissions import can_view_audit
from core.spreadsheets import safe_row


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(request: HttpRequest, entries: Iterator[AuditEntry], filters: AuditFilter) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([_("When (UTC)"), _("Who"), _("Country"), _("What"), _("Link"), _("Action")])
        for entry in entries:
            link = sentences.link(entry)
            yield writer.writerow(
                safe_row(
                    [
                        entry.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        sentences.who(entry),
                        entry.country.name if entry.country else "",
                        sentences.sentence(entry),
                        request.build_absolute_uri(link) if link else "",
                        entry.action,
                    ]
                )
            )

    data = filters.form.cleaned_data
    declaration = data.get("declaration")
    parts = [
        data.get("actor") and data["actor"].username,
        data.get("country") and data["country"].iso3,
        declaration and short_slug(declaration.title),
        data.get("kind"),
        data.get("since") and f"from-{data['since']:%Y-%m-%d}",
        data.get("until") and f"to-{data['until']:%Y-%m-%d}",
    ]
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename("audit", parts, "csv")}"'
    return response


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied(_("The audit trail is the secretariat's."))
    params = request.GET.copy()
    params.pop("page", None)
    output = params.pop("format", [""])[0]
    filters = AuditFilter(params, queryset=AuditEntry.objects.none())
    filters.is_valid()
    filters.form.label_suffix = ""  # labels as on the project's other filters, without a colon
    try:
        entries = audit_entry_list(filters=params)
    except InvalidFilters:
        return render(request, "audit/audit_list.html", {"filter_form": filters.form, "page": None}, status=400)
    if output == "csv":
        return _csv(request, entries.iterator(chunk_size=500), filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(entry, sentences.sentence(entry), sentences.link(entry)) for entry in page]
    return render(
        request,
        "audit/audit_list.html",
        {"filter_form": filters.form, "page": page, "rows": rows, "query": params.urlencode()},
    )
