from __future__ import annotations

import functools
from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseFormSet, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import ErrorLink, error_links
from core.http import AuthenticatedHttpRequest
from core.permissions import can_manage_declarations
from declarations import selectors
from declarations.forms import (
    CommitmentForm,
    CommitmentFormSet,
    DeclarationReviewForm,
    DeclarationUploadForm,
    SourceForm,
    TranslationUploadForm,
    UploadedDeclaration,
    commitments_initial,
    corrected_declaration,
    marked_commitments,
)
from declarations.messages import error_message, problem_messages
from declarations.models import Declaration, current_language
from declarations.parser import ParsedDeclaration, ParseError
from declarations.selectors import DeclarationSource
from declarations.services import (
    DeclarationLoadError,
    LoadOutcome,
    PreviewDetails,
    TranslationOutcome,
    declaration_load,
    declaration_preview_details,
    declaration_translation_load,
    source_sha256,
)
from declarations.templatetags.bilingual import requested_version


@require_GET
def declaration_list(request: HttpRequest) -> HttpResponse:
    return render(request, "declarations/declaration_list.html", {"declarations": selectors.declaration_list()})


def _get_declaration_or_404(pk: int, *, language: str) -> Declaration:
    try:
        return selectors.declaration_get(pk=pk, language=language)
    except Declaration.DoesNotExist:
        raise Http404(_("No such declaration.")) from None


@require_GET
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = requested_version(request)
    declaration = _get_declaration_or_404(pk, language=version)
    return render(request, "declarations/declaration_detail.html", {"declaration": declaration, "version": version})


@require_GET
def declaration_text(request: HttpRequest, pk: int) -> HttpResponse:
    version = requested_version(request)
    declaration = _get_declaration_or_404(pk, language=version)
    return render(
        request,
        "declarations/declaration_text.html",
        {
            "declaration": declaration,
            "version": version,
            "source": declaration.source_in(version)[1] or declaration,
            "parts": selectors.declaration_text_parts(declaration, version),
        },
    )


# --------------------------------------------------------------------------------------------
# Adding or correcting a declaration from the web: upload, check the preview, confirm.
# --------------------------------------------------------------------------------------------


def _error_links(form: Form, *, label: str = "") -> list[ErrorLink]:
    """The form's field errors for the page's summary (its own errors are shown apart)."""
    return [link for link in error_links(form, label=label) if link.anchor]


def _require_declaration_manager(request: HttpRequest) -> None:
    if not can_manage_declarations(request.user):
        raise PermissionDenied(_("Only the secretariat adds and corrects declarations."))


def _render_upload(
    request: HttpRequest, form: DeclarationUploadForm, *, errors: Sequence[str] = (), status: int = 200
) -> HttpResponse:
    error_links = [ErrorLink(str(form["file"].auto_id), message) for message in errors] + _error_links(form)
    return render(request, "declarations/declaration_upload.html", {"form": form, "errors": error_links}, status=status)


# The text of the last preview, so that a language switch can show it again (the preview is the
# answer to a POST); the longest declarations are a few tens of thousands of characters.
PREVIEW_DRAFT_KEY = "declaration-preview"
MAX_KEPT_PREVIEW_CHARS = 200_000


def _render_preview(
    request: HttpRequest,
    source: DeclarationSource,
    *,
    review: DeclarationReviewForm,
    commitments: BaseFormSet[CommitmentForm],
    details: PreviewDetails | None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    errors = _error_links(review)
    for number, form in enumerate(commitments.forms, start=1):
        errors += _error_links(form, label=_("Recommended action %(number)s") % {"number": number})
    if commitments.forms:
        first_box = str(commitments.forms[0]["text"].auto_id)
        errors += [ErrorLink(first_box, str(message)) for message in commitments.non_form_errors()]
    marked = set(review["paragraphs"].value() or ())
    if len(source.text) <= MAX_KEPT_PREVIEW_CHARS:
        request.session[PREVIEW_DRAFT_KEY] = {"text": source.text, "name": source.name}
    return render(
        request,
        "declarations/declaration_preview.html",
        {
            "source": SourceForm(initial=SourceForm.initial_for(text=source.text, name=source.name)),
            "resume_url": reverse("declarations:declaration-upload") + "?resume=1",
            "source_name": source.name,
            "source_sha256": source_sha256(source.text),
            "parsed": source.parsed,
            "problems": problem_messages(source.parsed.problems),
            "blocks": [(block, str(block.index) in marked) for block in source.blocks],
            "review": review,
            "commitments": commitments,
            "details": details,
            "notice": notice,
            "errors": errors,
        },
        status=status,
    )


def _render_fresh_preview(
    request: HttpRequest,
    source: DeclarationSource,
    *,
    corrected: ParsedDeclaration,
    details: PreviewDetails | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The preview of `corrected`, in forms filled from it; `source.parsed` is the text's own reading."""
    details = details or declaration_preview_details(parsed=corrected, source_text=source.text, source_name=source.name)
    review = DeclarationReviewForm(
        initial={
            **DeclarationReviewForm.initial_for(corrected, blocks=source.blocks),
            "previewed": details.fingerprint,
        },
        countries=selectors.country_names_for_parser(),
        parsed=source.parsed,
        blocks=source.blocks,
    )
    commitments = CommitmentFormSet(initial=commitments_initial(corrected), prefix="commitments")
    return _render_preview(
        request, source, review=review, commitments=commitments, details=details, notice=notice, status=status
    )


@require_http_methods(["GET", "POST"])
def declaration_upload(request: HttpRequest) -> HttpResponse:
    _require_declaration_manager(request)
    countries = selectors.country_names_for_parser()
    if request.method != "POST":
        kept = request.session.get(PREVIEW_DRAFT_KEY) if request.GET.get("resume") else None
        if kept is not None:
            # Back from a language switch on the preview: the same text, read again in the new language.
            source = selectors.declaration_source(text=kept["text"], name=kept["name"])
            return _render_fresh_preview(request, source, corrected=source.parsed)
        return _render_upload(request, DeclarationUploadForm(countries=countries))
    form = DeclarationUploadForm(request.POST, request.FILES, countries=countries)
    if not form.is_valid():
        return _render_upload(request, form, status=400)
    upload: UploadedDeclaration = form.cleaned_data["declaration"]
    # Whatever was found, even nothing, the preview opens: there the actions and signatories are marked.
    source = selectors.declaration_source(text=upload.text, name=upload.name, parsed=upload.parsed)
    return _render_fresh_preview(request, source, corrected=upload.parsed)


@require_POST
def declaration_upload_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_declaration_manager(request)
    countries = selectors.country_names_for_parser()
    posted = SourceForm(request.POST)
    if not posted.is_valid():
        return _render_upload(
            request,
            DeclarationUploadForm(countries=countries),
            errors=[str(error) for error in posted.non_field_errors()],
            status=400,
        )
    try:
        source = selectors.declaration_source(text=posted.cleaned_data["text"], name=posted.cleaned_data["source_name"])
    except ParseError as exc:  # the signed text was readable at upload; only a parser change can refuse it now
        problem = _("“%(name)s” cannot be loaded: %(problem)s.") % {
            "name": posted.cleaned_data["source_name"],
            "problem": error_message(exc),
        }
        return _render_upload(request, DeclarationUploadForm(countries=countries), errors=[problem], status=400)

    review = DeclarationReviewForm(request.POST, countries=countries, parsed=source.parsed, blocks=source.blocks)
    commitments = CommitmentFormSet(request.POST, prefix="commitments")
    use_marked = "use_marked" in request.POST
    # Ticking paragraphs replaces the boxes: their contents need not be valid, they are not used.
    if not (review.is_valid() and (use_marked or commitments.is_valid())):
        return _render_preview(request, source, review=review, commitments=commitments, details=None, status=400)
    marked = marked_commitments(review.marked_blocks()) if use_marked else None
    corrected = corrected_declaration(form=review, commitments=commitments, text_length=len(source.text), marked=marked)
    page = functools.partial(_render_fresh_preview, request, source, corrected=corrected)
    if "check" in request.POST or use_marked:
        return page()

    details = declaration_preview_details(parsed=corrected, source_text=source.text, source_name=source.name)
    if not details.may_confirm:  # the page offered no confirmation: it says why
        return page(details=details, status=409)
    if details.fingerprint != review.cleaned_data["previewed"]:
        return page(details=details, notice=_(CHANGED_SINCE_PREVIEW), status=409)
    try:
        outcome = declaration_load(parsed=corrected, source_text=source.text, source_name=source.name, by=request.user)
    except DeclarationLoadError:  # someone reported on a dropped commitment since the check above
        return page(notice=_(CHANGED_SINCE_PREVIEW), status=409)
    request.session.pop(PREVIEW_DRAFT_KEY, None)
    messages.success(request, _outcome_message(outcome, corrected))
    return redirect("declarations:declaration-detail", pk=outcome.declaration.pk)


@require_http_methods(["GET", "POST"])
def declaration_translation_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add or correct another language version in one step: the service refuses any text that does
    not line up with the declaration (actions, signatories, language), so there is nothing to preview."""
    _require_declaration_manager(request)
    declaration = _get_declaration_or_404(pk, language=current_language())
    countries = selectors.country_names_for_parser()
    form = TranslationUploadForm(request.POST or None, request.FILES or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        upload: UploadedDeclaration = form.cleaned_data["declaration"]
        try:
            outcome = declaration_translation_load(
                declaration=declaration,
                parsed=upload.parsed,
                source_text=upload.text,
                source_name=upload.name,
                official=form.cleaned_data["official"],
                by=request.user,
            )
        except DeclarationLoadError as exc:
            if upload.name:
                form.add_error("file", f"“{upload.name}”: {exc}.")
            else:
                form.add_error("pasted", _("The pasted text cannot be loaded: %(problem)s.") % {"problem": exc})
        else:
            messages.success(request, _translation_message(outcome))
            url = reverse("declarations:declaration-detail", args=[declaration.pk])
            return redirect(f"{url}?version={outcome.translation.language}")
    return render(
        request,
        "declarations/declaration_translation_upload.html",
        {"declaration": declaration, "form": form, "errors": _error_links(form)},
        status=400 if form.errors else 200,
    )


def _translation_message(outcome: TranslationOutcome) -> str:
    values = {"title": outcome.translation.title, "changes": "; ".join(outcome.changes)}
    if outcome.action == "created":
        return _("Linked “%(title)s”: every recommended action now has its text in this language.") % values
    if outcome.action == "unchanged":
        return _("Nothing to load: “%(title)s” already has exactly this text.") % values
    if outcome.changes:
        return _("Updated “%(title)s”: %(changes)s.") % values
    return _("Updated “%(title)s”: the text changed, no recommended action did.") % values


CHANGED_SINCE_PREVIEW = gettext_noop(
    "Loading this text would now do something other than what the page showed, so nothing was saved. "
    "Check the preview below, then confirm again."
)


def _outcome_message(outcome: LoadOutcome, parsed: ParsedDeclaration) -> str:
    title = outcome.declaration.title
    if outcome.action == "created":
        commitments, signatories = len(parsed.commitments), len(parsed.signatories)
        return ngettext(
            "Loaded “%(title)s”: %(count)d commitment", "Loaded “%(title)s”: %(count)d commitments", commitments
        ) % {"title": title, "count": commitments} + ngettext(
            ", %(count)d signatory.", ", %(count)d signatories.", signatories
        ) % {"count": signatories}
    if outcome.action == "unchanged":
        return _("Nothing to load: “%(title)s” already has exactly this text.") % {"title": title}
    changes = "; ".join(outcome.changes) or _("no commitment or signatory changed")
    return _("Updated “%(title)s”: %(changes)s.") % {"title": title, "changes": changes}
