from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import AuthenticatedHttpRequest
from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.models import Notification

PAGE_SIZE = 50


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@require_GET
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes where it points.

    A GET that writes, on purpose: it is what a link in the list (or an e-mail) can do, and
    marking one's own notification read twice changes nothing.
    """
    try:
        notification = selectors.notification_get(user=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404(_("No such notification.")) from None
    services.notification_open(notification=notification)
    # Stored paths are ours, but a link that left the site would make this an open redirect.
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:notification-list")


@require_POST
def notification_mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
            % {"count": count},
        )
    return redirect("notifications:notification-list")


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    preference = selectors.preference_get(user=request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, email_enabled=form.cleaned_data["email_enabled"])
        messages.success(
            request,
            _("E-mails are on.") if form.cleaned_data["email_enabled"] else _("E-mails are off."),
        )
        return redirect(reverse("notifications:preferences"))
    return render(request, "notifications/preferences.html", {"form": form}, status=400 if form.errors else 200)
