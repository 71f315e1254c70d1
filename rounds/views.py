"""Reporting rounds: the list (and the form to open one), a round's progress, closing it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.http import AuthenticatedHttpRequest
from core.permissions import can_view_all_countries, is_secretariat
from reporting.models import ReportingRound
from rounds import selectors, services
from rounds.forms import RoundForm


@require_http_methods(["GET", "POST"])
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        if not is_secretariat(request.user):
            raise PermissionDenied(_("Only the secretariat opens reporting rounds."))
        if form.is_valid():
            try:
                reporting_round = services.round_open(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(None if field == "__all__" else field, errors)
            else:
                messages.success(
                    request,
                    _("Round “%(name)s” is open; reports now count towards it.") % {"name": reporting_round.name},
                )
                return redirect("rounds:round-detail", pk=reporting_round.pk)
    return render(
        request,
        "rounds/round_list.html",
        {
            "rounds": selectors.round_list(),
            "form": form,
            "may_manage": is_secretariat(request.user),
            # One round at a time: the form shows only when a round can be opened.
            "open_round": selectors.round_current(),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        reporting_round = selectors.round_get(pk=pk)
    except ReportingRound.DoesNotExist:
        raise Http404(_("No such reporting round.")) from None
    return render(
        request,
        "rounds/round_detail.html",
        {
            "round": reporting_round,
            "progress": [
                row
                for row in selectors.round_progress(reporting_round)
                # Confined officials see their own country's row only (RCM_OFFICIALS_SEE_ALL_COUNTRIES=0).
                if can_view_all_countries(request.user) or row.iso3 == getattr(request.user.country, "iso3", None)
            ],
            "may_manage": is_secretariat(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: what closing freezes, and a warning before the due date; POST with `confirm`: close."""
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    if not is_secretariat(request.user):
        raise PermissionDenied(_("Only the secretariat closes reporting rounds."))
    if reporting_round.closed_at is not None:
        messages.error(request, _("“%(name)s” is already closed.") % {"name": reporting_round.name})
        return redirect("rounds:round-detail", pk=pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.round_close(reporting_round=reporting_round, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Round “%(name)s” is closed; its figures are frozen.") % {"name": reporting_round.name}
            )
        return redirect("rounds:round-detail", pk=pk)
    return render(
        request,
        "rounds/round_close.html",
        {
            "round": reporting_round,
            "progress": selectors.round_progress(reporting_round),
            "early": timezone.localdate() < reporting_round.due_on,
        },
        status=400 if request.method == "POST" else 200,
    )
