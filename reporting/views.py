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
from core.forms import ErrorLink
from core.http import AuthenticatedHttpRequest
from core.permissions import (
    can_report_for,
    can_report_for_country,
    can_review,
    can_view_country,
    can_view_implementation,
    sees_validated_only,
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
    validated_only = sees_validated_only(request.user)
    if validated_only:
        filters["validated_only"] = "true"  # observers read the validated state, whatever they ask
    filterset = ImplementationFilter(filters, queryset=Implementation.objects.none())
    current_round = selectors.current_round()
    may_report = can_report_for_country(request.user, country)
    status_code = 200
    try:
        if may_report:
            queryset = selectors.country_workspace(country=country, filters=filters, reporting_round=current_round)
        else:
            queryset = selectors.country_implementations(country=country, filters=filters)
        implementations = list(queryset)
    except InvalidFilters:
        implementations, status_code = [], 400
    if validated_only:
        implementations = selectors.as_validated(implementations)
    reported, in_scope = selectors.country_round_count(country=country, reporting_round=current_round)
    return render(
        request,
        "reporting/country_detail.html",
        {
            "country": country,
            "implementations": implementations,
            "filter_form": filterset.form,
            "may_report": may_report,
            "validated_only": validated_only,
            "current_round": current_round,
            "round_reported": reported,
            "round_in_scope": in_scope,
            "next_item": next((i for i in implementations if i.attention < 3), None) if may_report else None,  # type: ignore[attr-defined]
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


DRAFT_KEY = "report-draft-{pk}"
DRAFT_FIELDS = ("status", "progress", "summary", "version")


def _draft_save(request: HttpRequest, implementation: Implementation) -> None:
    """Keep the unsent text of a refused report, so a reload or a language switch shows it again."""
    data = {key: value for key, value in request.POST.items() if key in DRAFT_FIELDS or key.startswith("links-")}
    request.session[DRAFT_KEY.format(pk=implementation.pk)] = data


def _draft_get(request: HttpRequest, implementation: Implementation) -> dict[str, str] | None:
    draft: dict[str, str] | None = request.session.get(DRAFT_KEY.format(pk=implementation.pk))
    if draft is not None and draft.get("version") != str(implementation.version):
        # Someone reported since: the draft answered a state that is gone.
        del request.session[DRAFT_KEY.format(pk=implementation.pk)]
        return None
    return draft


def _lost_files(request: HttpRequest, form: ReportForm) -> list[ErrorLink]:
    """Files a failed submit could not keep (browsers cannot refill a file input), by name."""
    anchor = str(form["evidence_files"].auto_id)
    names = [upload.name for upload in request.FILES.getlist("evidence_files") if upload.name]
    message = _("Attach %(name)s again: files are not kept after an error.")
    return [ErrorLink(anchor, message % {"name": name}) for name in names]


def _render_implementation(
    request: HttpRequest,
    implementation: Implementation,
    *,
    form: ReportForm | None = None,
    links: BaseFormSet[LinkForm] | None = None,
    stale: StaleVersion | None = None,
    lost_files: list[ErrorLink] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_report = can_report_for(request.user, implementation)
    validated_only = sees_validated_only(request.user)
    if validated_only:
        history = list(selectors.validated_history(implementation=implementation))
        implementation = selectors.implementation_validated(implementation=implementation)
    else:
        history = list(selectors.implementation_history(implementation=implementation))
    if may_report and form is None:
        draft = _draft_get(request, implementation)
        if draft is not None:
            form = ReportForm(draft)
            links = LinkFormSet(draft, prefix="links")
            form.is_valid()
            links.is_valid()
        else:
            initial: dict[str, object] = {"version": implementation.version}
            if history:
                # The latest report, returned or not: a correction starts from what was sent.
                initial.update(status=history[0].status, progress=history[0].progress)
            form = ReportForm(initial=initial)
            links = LinkFormSet(prefix="links")
    returned = history[0] if history and history[0].review_state == ReviewState.RETURNED else None
    may_review = can_review(request.user)
    return render(
        request,
        "reporting/implementation_detail.html",
        {
            "implementation": implementation,
            "commitment": implementation.commitment,
            "version": requested_version(request),
            "history": history,
            "returned": returned,
            "form": form,
            "links": links,
            "lost_files": lost_files or [],
            "stale": stale,
            "may_report": may_report,
            "may_review": may_review,
            "validated_only": validated_only,
            "review_draft": request.session.pop(REVIEW_DRAFT_KEY, None) if may_review else None,
            "report_next": request.GET.get("next") == "1",
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
    # Both validated, whatever the first says, and the links' addresses too: every problem at once.
    form_valid, links_valid = form.is_valid(), links.is_valid()
    if links_valid:
        try:
            services.validate_links(link_inputs(links))
        except ValidationError as exc:
            _add_service_errors(form, links, exc)
            links_valid = False
    if not (form_valid and links_valid):
        return _refused(request, implementation, form, links)
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
            lost_files=_lost_files(request, form),
            status=409,
        )
    except ValidationError as exc:
        _add_service_errors(form, links, exc)
        return _refused(request, implementation, form, links)
    request.session.pop(DRAFT_KEY.format(pk=implementation.pk), None)
    messages.success(request, _("Your update was saved. The secretariat will review it."))
    if request.POST.get("then") == "next":
        following = selectors.next_to_report(
            country=implementation.country, reporting_round=selectors.current_round(), after=implementation
        )
        if following is not None:
            return redirect(reverse("reporting:implementation-detail", args=[following.pk]) + "?next=1#report-title")
        messages.info(request, _("Nothing else needs your attention: every action is reported."))
        return redirect("reporting:country-detail", iso3=implementation.country.iso3)
    return redirect("reporting:implementation-detail", pk=implementation.pk)


def _refused(
    request: HttpRequest, implementation: Implementation, form: ReportForm, links: BaseFormSet[LinkForm]
) -> HttpResponse:
    _draft_save(request, implementation)
    lost = _lost_files(request, form)
    return _render_implementation(request, implementation, form=form, links=links, lost_files=lost, status=400)


def _add_service_errors(form: ReportForm, links: BaseFormSet[LinkForm], exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        if field == "links":
            links._non_form_errors = links.error_class(errors)  # type: ignore[attr-defined]  # shown above the rows
        elif field == "files":
            form.add_error("evidence_files", errors)
        else:
            form.add_error(field if field in form.fields else None, errors)


REVIEW_DRAFT_KEY = "review-draft"


@require_POST
def update_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    services.review_allowed(by=request.user)
    update = get_object_or_404(
        StatusUpdate.objects.select_related("implementation__country", "implementation__commitment"), pk=pk
    )
    form = ReviewForm(request.POST)
    back = _safe_next(request, fallback=reverse("reporting:review-queue"))
    facts = {"country": update.implementation.country, "commitment": update.implementation.commitment}
    problem = ""
    if not form.is_valid():
        problem = _("Choose to accept or to return the update.")
    else:
        try:
            services.review_update(
                update=update,
                by=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    if problem:
        # Back to the form with the choice and the comment as they were, the problem beside them.
        named = _("Update from %(country)s on %(commitment)s was not reviewed.") % facts
        messages.error(request, f"{named} {problem}")
        request.session[REVIEW_DRAFT_KEY] = {
            "update": update.pk,
            "decision": request.POST.get("decision", ""),
            "comment": request.POST.get("comment", ""),
            "problem": problem,
        }
        return redirect(back)
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
        {
            "updates": updates,
            "filter_form": filterset.form,
            "review_draft": request.session.pop(REVIEW_DRAFT_KEY, None),
        },
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
