"""The secretariat's delivery log: every delivery with its last status code, and "send again"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.permissions import is_secretariat
from webhooks import selectors, services
from webhooks.models import Delivery


@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    if not is_secretariat(request.user):
        raise PermissionDenied(_("The webhook deliveries are the secretariat's."))
    page = Paginator(selectors.delivery_list(), 50).get_page(request.GET.get("page"))
    return render(request, "webhooks/delivery_list.html", {"page": page, "endpoints": selectors.endpoint_list()})


@require_POST
def delivery_resend(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    delivery = get_object_or_404(Delivery, pk=pk)
    services.delivery_resend(delivery=delivery, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Delivery %(id)s queued to be sent again.") % {"id": delivery.pk})
    return HttpResponseRedirect(reverse("webhooks:delivery-list"))
