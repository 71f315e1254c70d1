from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.selectors import audit_entry_list
from core.permissions import can_view_audit


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied(_("The audit trail is the secretariat's."))
    page = Paginator(audit_entry_list(action=request.GET.get("action", "")), 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"page": page, "action": request.GET.get("action", "")})
