"""The secretariat's meeting preparation: dashboard, its exports, reporting rounds, public summary."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.db_router import read_only_view
from core.exports import short_slug
from core.permissions import can_view_all_countries, sees_validated_only
from dashboards import exports, selectors
from dashboards.charts import legend, status_bars
from dashboards.figures import Dashboard, build_dashboard
from dashboards.forms import DashboardFilterForm
from declarations import selectors as declaration_selectors
from declarations.models import MemberCountry
from reporting.models import Status
from rounds import selectors as round_selectors


def _visible_countries(request: HttpRequest, chosen: MemberCountry | None) -> list[MemberCountry]:
    """The countries the figures may count: the chosen one (or all), except for a confined official,
    who sees their own country only (RCM_OFFICIALS_SEE_ALL_COUNTRIES=0); another is 404, as everywhere."""
    if can_view_all_countries(request.user):
        return [chosen] if chosen else []
    own = getattr(request.user, "country", None)
    if own is None or (chosen is not None and chosen.pk != own.pk):
        raise Http404(_("No such country."))
    return [own]


def _dashboard_from(form: DashboardFilterForm, countries: list[MemberCountry]) -> Dashboard:
    data = form.cleaned_data
    in_round = list(data["round"].declarations.all()) if data["round"] else []
    # A round looks at its own declarations unless one is chosen; otherwise, all of them.
    declarations = (
        [data["declaration"]] if data["declaration"] else in_round or list(declaration_selectors.declaration_list())
    )
    return build_dashboard(
        declarations=declarations,
        countries=countries,
        statuses=data["status"],
        reporting_round=data["round"],
        validated_only=data["validated_only"],
    )


def _name_parts(form: DashboardFilterForm) -> list[str]:
    """What an export holds, for its file name: declaration, country, round, statuses, validated."""
    data = form.cleaned_data
    parts = [
        short_slug(data["declaration"].title) if data["declaration"] else "",
        data["country"].iso3.lower() if data["country"] else "",
        data["round"].name if data["round"] else "",
        *data["status"],
        "validated" if data["validated_only"] else "",
    ]
    return [part for part in parts if part]


@require_GET
@read_only_view
def dashboard(request: HttpRequest) -> HttpResponseBase:
    form = DashboardFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "dashboards/dashboard.html", {"form": form}, status=400)
    if not request.GET:
        form = DashboardFilterForm({})
        form.is_valid()
    countries = _visible_countries(request, form.cleaned_data["country"])
    if sees_validated_only(request.user):
        form.cleaned_data["validated_only"] = True  # observers read the validated state only
    board = _dashboard_from(form, countries)
    output = request.GET.get("format")
    if output == "csv":
        return exports.dashboard_csv(board, name_parts=_name_parts(form))
    if output == "xlsx":
        return exports.dashboard_xlsx(board, name_parts=_name_parts(form))
    chosen_round = form.cleaned_data["round"]
    chart = status_bars(
        [(country.name, figures) for country, figures in board.country_figures],
        chart_id="by-country",
        title=_("Status of implementations by country"),
    )
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "form": form,
            "board": board,
            "chosen_round": chosen_round,
            "round_progress": [
                row
                for row in round_selectors.round_progress(chosen_round)
                if can_view_all_countries(request.user) or row.iso3 in {country.iso3 for country in countries}
            ]
            if chosen_round
            else None,
            "export_query": request.GET.urlencode(),
            "validated_view": sees_validated_only(request.user),
            "chart": chart,
            "legend": legend(),
        },
    )


@require_GET
@login_not_required
def public_summary(request: HttpRequest) -> HttpResponse:
    """Accepted statuses per country and declaration, for anyone: no evidence, no comments, no names."""
    if not settings.RCM_PUBLIC_SUMMARY:
        raise Http404(_("The public summary is not enabled."))
    return render(
        request,
        "dashboards/public_summary.html",
        {"blocks": selectors.public_summary(), "statuses": Status.choices},
    )
