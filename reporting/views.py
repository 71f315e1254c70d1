from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.filters import InvalidFilters
from core.http import AuthenticatedHttpRequest
from core.permissions import (
    can_report_for,
    can_report_for_country,
    can_review,
    can_view_country,
    can_view_implementation,
)
from declarations import selectors as declaration_selectors
from declarations.models import Commitment, MemberCountry
from declarations.templatetags.bilingual import requested_version
from reporting import selectors, services
from reporting.downloads import downloadable_evidence, evidence_file_response
from reporting.filters import ImplementationFilter, ReviewQueueFilter
from reporting.forms import LinkForm, LinkFormSet, ReportForm, ReviewForm, link_inputs
from reporting.models import Implementation, ReviewState, StatusUpdate
from reporting.services import StaleVersion


@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    countries = [c for c in declaration_selectors.country_list() if can_view_country(request.user, c)]
    return render(request, "reporting/country_list.html", {"countries": countries})


def visible_country_or_404(request: HttpRequest, iso3: str) -> MemberCountry:
    """The country named in the URL, or 404 if there is none or the user may not see it."""
    try:
        country = declaration_selectors.country_get(iso3=iso3)
    except MemberCountry.DoesNotExist:
        raise Http404(_("No such Member Country.")) from None
    if not can_view_country(request.user, country):
        raise Http404(_("No such Member Country."))
    return country


@require_GET
def country_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    country = visible_country_or_404(request, iso3)

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
        "reporting/country_detail.html",
        {
            "country": country,
            "implementations": implementations,
            "filter_form": filterset.form,
            "may_report": can_report_for_country(request.user, country),
            "current_round": selectors.current_round(),
            "today": timezone.localdate(),
        },
        status=status_code,
    )


def workspace(request: HttpRequest) -> HttpResponse:
    """Where each role starts: an official on their country, the secretariat on its review queue."""
    user = request.user
    if user.is_authenticated and user.is_official and user.country is not None:
        return redirect("reporting:country-detail", iso3=user.country.iso3)
    if can_review(user):
        return redirect("reporting:review-queue")
    return redirect("declarations:declaration-list")


def _visible_implementation_or_404(request: HttpRequest, pk: int) -> Implementation:
    try:
        implementation = selectors.implementation_get(pk=pk, language=requested_version(request))
    except Implementation.DoesNotExist:
        raise Http404(_("No such implementation.")) from None
    if not can_view_implementation(request.user, implementation):
        raise Http404(_("No such implementation."))
    return implementation


def _render_implementation(
    request: HttpRequest,
    implementation: Implementation,
    *,
    form: ReportForm | None = None,
    links: BaseFormSet[LinkForm] | None = None,
    stale: StaleVersion | None = None,
    status: int = 200,
) -> HttpResponse:
    may_report = can_report_for(request.user, implementation)
    history = list(selectors.implementation_history(implementation=implementation))
    if may_report and form is None:
        initial: dict[str, object] = {"version": implementation.version}
        if history:
            # The latest report, returned or not: a correction starts from what was sent.
            initial.update(status=history[0].status, progress=history[0].progress)
        form = ReportForm(initial=initial)
        links = LinkFormSet(prefix="links")
    return render(
        request,
        "reporting/implementation_detail.html",
        {
            "implementation": implementation,
            "commitment": implementation.commitment,
            "version": requested_version(request),
            "history": history,
            "form": form,
            "links": links,
            "stale": stale,
            "may_report": may_report,
            "may_review": can_review(request.user),
            "review_form": ReviewForm(),
            "max_upload_mb": settings.RCM_MAX_UPLOAD_BYTES // 1_048_576,
        },
        status=status,
    )


@require_GET
def implementation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_implementation(request, _visible_implementation_or_404(request, pk))


@require_POST
def implementation_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    implementation = _visible_implementation_or_404(request, pk)
    services.report_allowed(implementation=implementation, by=request.user)
    form = ReportForm(request.POST, request.FILES)
    links = LinkFormSet(request.POST, prefix="links")
    if not (form.is_valid() and links.is_valid()):
        return _render_implementation(request, implementation, form=form, links=links, status=400)
    try:
        services.report_update(
            implementation=implementation,
            by=request.user,
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
            summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data["version"],
            links=link_inputs(links),
            files=form.file_inputs(),
        )
    except StaleVersion as exc:
        # Keep everything the user typed; the new version lets them resubmit once they have
        # read what the other report said. Files must be chosen again (browsers cannot refill them).
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        return _render_implementation(
            request,
            exc.current,
            form=ReportForm(data),
            links=LinkFormSet(data, prefix="links"),
            stale=exc,
            status=409,
        )
    except ValidationError as exc:
        _add_service_errors(form, links, exc)
        return _render_implementation(request, implementation, form=form, links=links, status=400)
    messages.success(request, _("Your update was saved. The secretariat will review it."))
    return redirect("reporting:implementation-detail", pk=implementation.pk)


def _add_service_errors(form: ReportForm, links: BaseFormSet[LinkForm], exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        if field == "links":
            links._non_form_errors = links.error_class(errors)  # type: ignore[attr-defined]  # shown above the rows
        elif field == "files":
            form.add_error("evidence_files", errors)
        else:
            form.add_error(field if field in form.fields else None, errors)


@require_POST
def update_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    services.review_allowed(by=request.user)
    update = get_object_or_404(StatusUpdate.objects.select_related("implementation"), pk=pk)
    form = ReviewForm(request.POST)
    back = _safe_next(request, fallback=reverse("reporting:review-queue"))
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to return the update."))
        return redirect(back)
    try:
        services.review_update(
            update=update, by=request.user, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    country = update.implementation.country
    facts = {"country": country, "commitment": update.implementation.commitment}
    if form.cleaned_data["decision"] == ReviewState.ACCEPTED:
        messages.success(request, _("Update from %(country)s on %(commitment)s accepted.") % facts)
    else:
        messages.success(request, _("Update from %(country)s on %(commitment)s returned to the country.") % facts)
    return redirect(back)


def _safe_next(request: HttpRequest, *, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not can_review(request.user):
        raise PermissionDenied(_("The review queue is the secretariat's."))
    filterset = ReviewQueueFilter(request.GET, queryset=StatusUpdate.objects.none())
    try:
        updates = list(selectors.review_queue(filters=request.GET))
        status_code = 200
    except InvalidFilters:
        updates, status_code = [], 400
    return render(
        request,
        "reporting/review_queue.html",
        {"updates": updates, "filter_form": filterset.form, "review_form": ReviewForm()},
        status=status_code,
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return evidence_file_response(downloadable_evidence(user=request.user, pk=pk))


@require_POST
def commitment_follow_regionally(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(Commitment, pk=pk)
    implementation = services.regional_follow(commitment=commitment, by=request.user)
    messages.success(
        request, _("Action %(number)s is now followed as a regional action.") % {"number": commitment.number}
    )
    return redirect("reporting:implementation-detail", pk=implementation.pk)
