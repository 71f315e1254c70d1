"""The secretariat's meeting preparation: dashboard, its exports, reporting rounds, public summary."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import dashboard_exports, selectors, services
from commitments.charts import legend, status_bars
from commitments.dashboard import Dashboard, build_dashboard
from commitments.forms import DashboardFilterForm, RoundForm
from commitments.models import ReportingRound, Status
from declarations import selectors as declaration_selectors
from rcm_tracker.db_router import read_only_view
from rcm_tracker.http import AuthenticatedHttpRequest
from rcm_tracker.permissions import is_secretariat


def _dashboard_from(form: DashboardFilterForm) -> Dashboard:
    data = form.cleaned_data
    in_round = list(data["round"].declarations.all()) if data["round"] else []
    # A round looks at its own declarations unless one is chosen; otherwise, all of them.
    declarations = (
        [data["declaration"]] if data["declaration"] else in_round or list(declaration_selectors.declaration_list())
    )
    return build_dashboard(
        declarations=declarations,
        countries=[data["country"]] if data["country"] else [],
        statuses=data["status"],
        reporting_round=data["round"],
    )


@require_GET
@read_only_view
def dashboard(request: HttpRequest) -> HttpResponseBase:
    form = DashboardFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "commitments/dashboard.html", {"form": form}, status=400)
    if not request.GET:
        form = DashboardFilterForm({})
        form.is_valid()
    board = _dashboard_from(form)
    output = request.GET.get("format")
    if output == "csv":
        return dashboard_exports.dashboard_csv(board)
    if output == "xlsx":
        return dashboard_exports.dashboard_xlsx(board)
    chosen_round = form.cleaned_data["round"]
    chart = status_bars(
        [(country.name, figures) for country, figures in board.country_figures],
        chart_id="by-country",
        title=_("Status of implementations by country"),
    )
    return render(
        request,
        "commitments/dashboard.html",
        {
            "form": form,
            "board": board,
            "chosen_round": chosen_round,
            "round_progress": selectors.round_progress(chosen_round) if chosen_round else None,
            "export_query": request.GET.urlencode(),
            "chart": chart,
            "legend": legend(),
        },
    )


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
                return redirect("commitments:round-detail", pk=reporting_round.pk)
    return render(
        request,
        "commitments/round_list.html",
        {"rounds": selectors.round_list(), "form": form, "may_manage": is_secretariat(request.user)},
        status=400 if form.errors else 200,
    )


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        reporting_round = selectors.round_get(pk=pk)
    except ReportingRound.DoesNotExist:
        raise Http404(_("No such reporting round.")) from None
    return render(
        request,
        "commitments/round_detail.html",
        {
            "round": reporting_round,
            "progress": selectors.round_progress(reporting_round),
            "may_manage": is_secretariat(request.user),
        },
    )


@require_POST
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    try:
        services.round_close(reporting_round=reporting_round, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Round “%(name)s” is closed; its figures are frozen.") % {"name": reporting_round.name}
        )
    return redirect("commitments:round-detail", pk=pk)


@require_GET
@login_not_required
def public_summary(request: HttpRequest) -> HttpResponse:
    """Accepted statuses per country and declaration, for anyone: no evidence, no comments, no names."""
    if not settings.RCM_PUBLIC_SUMMARY:
        raise Http404(_("The public summary is not enabled."))
    return render(
        request,
        "commitments/public_summary.html",
        {"blocks": selectors.public_summary(), "statuses": Status.choices},
    )
