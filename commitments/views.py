from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commitments import selectors
from commitments.filters import ImplementationFilter, InvalidFilters
from commitments.models import Implementation
from declarations import selectors as declaration_selectors
from declarations.models import MemberCountry
from rcm_tracker.permissions import can_view_country


@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    countries = [c for c in declaration_selectors.country_list() if can_view_country(request.user, c)]
    return render(request, "commitments/country_list.html", {"countries": countries})


@require_GET
def country_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    try:
        country = declaration_selectors.country_get(iso3=iso3)
    except MemberCountry.DoesNotExist:
        raise Http404("No such Member Country.") from None
    if not can_view_country(request.user, country):
        raise Http404("No such Member Country.")

    filters = request.GET.copy()
    filters.pop("country", None)  # the page is one country's; a forged filter must not widen it
    filterset = ImplementationFilter(filters, queryset=Implementation.objects.none())
    status_code = 200
    try:
        implementations = list(selectors.country_implementations(country=country, filters=filters))
    except InvalidFilters:
        implementations, status_code = [], 400
    return render(
        request,
        "commitments/country_detail.html",
        {"country": country, "implementations": implementations, "filter_form": filterset.form},
        status=status_code,
    )
