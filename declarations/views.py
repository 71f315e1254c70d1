from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseFormSet, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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
)
from declarations.models import (
    Commitment,
    Declaration,
    DeclarationKind,
    Language,
    current_language,
    in_current_language,
)
from declarations.parser import ParsedDeclaration, ParseError, parse_declaration
from declarations.services import (
    DeclarationLoadError,
    LoadOutcome,
    TranslationOutcome,
    declaration_load,
    declaration_preview,
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


@dataclass(frozen=True)
class TextPart:
    text: str
    commitment: Commitment | None = None


def split_source_text(declaration: Declaration, language: str) -> list[TextPart]:
    """Cut the full text in `language` (or the original) at each commitment's span, to anchor them."""
    parts: list[TextPart] = []
    position = 0
    source, translation = declaration.source_in(language)
    for commitment in declaration.commitments.all():
        span = commitment if translation is None else next(iter(commitment.translations.all()), None)
        start, end = (span.source_start, span.source_end) if span is not None else (None, None)
        if start is None or end is None or start < position or end > len(source):
            continue  # a span the text no longer matches is shown unanchored rather than garbled
        if start > position:
            parts.append(TextPart(source[position:start]))
        parts.append(TextPart(source[start:end], commitment))
        position = end
    if position < len(source):
        parts.append(TextPart(source[position:]))
    return [TextPart(_tidy(part.text), part.commitment) for part in parts if part.text.strip()]


_PAGE_BREAKS = re.compile(r"[ \t\u00a0]*(?:\r\n|\r|\n|\f)(?:[ \t\u00a0\f]*(?:\r\n|\r|\n|\f))+")


def _tidy(text: str) -> str:
    """Page breaks and runs of blank lines become one paragraph break on screen."""
    return _PAGE_BREAKS.sub("\n\n", text.replace("\r\n", "\n")).strip("\n")


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
            "parts": split_source_text(declaration, version),
        },
    )


# --------------------------------------------------------------------------------------------
# Adding or correcting a declaration from the web: upload, check the preview, confirm.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorLink:
    anchor: str
    message: str


def _error_links(form: Form, *, label: str = "") -> list[ErrorLink]:
    """The form's errors for the page's summary, each linked to its field (the first box of a group)."""
    links: list[ErrorLink] = []
    for bound in form:
        anchor = f"{bound.auto_id}_0" if bound.field.widget.use_fieldset else str(bound.auto_id)
        links += [ErrorLink(anchor, f"{label or bound.label}: {error}") for error in bound.errors]
    return links


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class CommitmentChange:
    number: int
    before: str  # "" for a commitment the new text adds
    after: str  # "" for a commitment it removes


@dataclass
class PreviewDetails:
    """What loading `declaration` would do, and for a corrected text, how the stored one would differ."""

    declaration: ParsedDeclaration
    outcome: LoadOutcome | None = None
    refusal: str = ""
    existing: Declaration | None = None
    fields: list[FieldChange] = field(default_factory=list)
    signatories_added: list[str] = field(default_factory=list)
    signatories_removed: list[str] = field(default_factory=list)
    commitments: list[CommitmentChange] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Names what the page announced, so that confirming anything else can be caught."""
        if self.outcome is None:
            shown: list[object] = ["refused", self.refusal]
        else:
            target = self.outcome.declaration.pk if self.outcome.action != "created" else None
            shown = [self.outcome.action, target, self.outcome.changes]
        return hashlib.sha256(json.dumps(shown).encode()).hexdigest()

    @property
    def may_confirm(self) -> bool:
        return self.outcome is not None and self.outcome.action != "unchanged"

    @property
    def implementation_count(self) -> int:
        return len(self.declaration.commitments) * len(self.declaration.signatories)


def _preview_details(*, parsed: ParsedDeclaration, text: str, name: str) -> PreviewDetails:
    try:
        outcome = declaration_preview(parsed=parsed, source_text=text, source_name=name)
    except DeclarationLoadError as exc:
        return PreviewDetails(declaration=parsed, refusal=str(exc))
    details = PreviewDetails(declaration=parsed, outcome=outcome)
    if outcome.action == "created":
        return details
    # The outcome's declaration already holds the new values in memory: compare with the stored one.
    existing = selectors.declaration_get(pk=outcome.declaration.pk)
    before = [link.country for link in existing.signatories_in_order]  # type: ignore[attr-defined]
    names = {c.iso3: in_current_language(en=c.name_en, es=c.name_es) for c in selectors.country_names_for_parser()}
    current = {c.number: c.text for c in existing.commitments.all()}
    wanted = {c.number: c.text for c in parsed.commitments}
    details.existing = existing
    details.fields = _field_changes(existing, parsed)
    details.signatories_added = [
        names.get(code, code) for code in parsed.signatories if code not in {c.iso3 for c in before}
    ]
    details.signatories_removed = [c.name for c in before if c.iso3 not in parsed.signatories]
    details.commitments = [
        CommitmentChange(number, current.get(number, ""), wanted.get(number, ""))
        for number in sorted(current.keys() | wanted.keys())
        if current.get(number) != wanted.get(number)
    ]
    return details


def _field_changes(existing: Declaration, parsed: ParsedDeclaration) -> list[FieldChange]:
    def stated(value: object) -> str:
        return str(value) if value else _("not stated")

    pairs = [
        (_("Title"), existing.title, parsed.title),
        (_("Kind"), existing.get_kind_display(), DeclarationKind(parsed.kind).label),
        (_("Adopted on"), stated(existing.adopted_on), stated(parsed.adopted_on)),
        (_("Place"), stated(existing.place), stated(parsed.place)),
        (_("Language"), existing.get_language_display(), Language(parsed.language).label),
    ]
    return [FieldChange(label, str(before), str(after)) for label, before, after in pairs if before != after]


def _require_declaration_manager(request: HttpRequest) -> None:
    if not can_manage_declarations(request.user):
        raise PermissionDenied(_("Only the secretariat adds and corrects declarations."))


def _render_upload(
    request: HttpRequest, form: DeclarationUploadForm, *, errors: Sequence[str] = (), status: int = 200
) -> HttpResponse:
    error_links = [ErrorLink(str(form["file"].auto_id), message) for message in errors] + _error_links(form)
    return render(request, "declarations/declaration_upload.html", {"form": form, "errors": error_links}, status=status)


def _render_preview(
    request: HttpRequest,
    *,
    text: str,
    name: str,
    parsed: ParsedDeclaration,
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
    return render(
        request,
        "declarations/declaration_preview.html",
        {
            "source": SourceForm(initial=SourceForm.initial_for(text=text, name=name)),
            "source_name": name,
            "source_sha256": source_sha256(text),
            "parsed": parsed,
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
    *,
    text: str,
    name: str,
    parsed: ParsedDeclaration,
    corrected: ParsedDeclaration,
    details: PreviewDetails | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The preview of `corrected`, in forms filled from it; `parsed` is the text's own parse."""
    details = details or _preview_details(parsed=corrected, text=text, name=name)
    review = DeclarationReviewForm(
        initial={**DeclarationReviewForm.initial_for(corrected), "previewed": details.fingerprint},
        countries=selectors.country_names_for_parser(),
        parsed=parsed,
    )
    commitments = CommitmentFormSet(initial=commitments_initial(corrected, parsed=parsed), prefix="commitments")
    return _render_preview(
        request,
        text=text,
        name=name,
        parsed=parsed,
        review=review,
        commitments=commitments,
        details=details,
        notice=notice,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def declaration_upload(request: HttpRequest) -> HttpResponse:
    _require_declaration_manager(request)
    countries = selectors.country_names_for_parser()
    if request.method != "POST":
        return _render_upload(request, DeclarationUploadForm(countries=countries))
    form = DeclarationUploadForm(request.POST, request.FILES, countries=countries)
    if not form.is_valid():
        return _render_upload(request, form, status=400)
    upload: UploadedDeclaration = form.cleaned_data["file"]
    return _render_fresh_preview(
        request, text=upload.text, name=upload.name, parsed=upload.parsed, corrected=upload.parsed
    )


@require_POST
def declaration_upload_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_declaration_manager(request)
    countries = selectors.country_names_for_parser()
    source = SourceForm(request.POST)
    if not source.is_valid():
        return _render_upload(
            request,
            DeclarationUploadForm(countries=countries),
            errors=[str(error) for error in source.non_field_errors()],
            status=400,
        )
    text, name = source.cleaned_data["text"], source.cleaned_data["source_name"]
    try:
        parsed = parse_declaration(text, countries=countries)
    except ParseError as exc:  # possible only if the Member Countries' names changed since the upload
        problem = _("“%(name)s” cannot be loaded: %(problem)s.") % {"name": name, "problem": exc}
        return _render_upload(request, DeclarationUploadForm(countries=countries), errors=[problem], status=400)

    review = DeclarationReviewForm(request.POST, countries=countries, parsed=parsed)
    commitments = CommitmentFormSet(request.POST, prefix="commitments")
    if not (review.is_valid() and commitments.is_valid()):
        return _render_preview(
            request,
            text=text,
            name=name,
            parsed=parsed,
            review=review,
            commitments=commitments,
            details=None,
            status=400,
        )
    corrected = corrected_declaration(parsed=parsed, form=review, commitments=commitments)
    page = functools.partial(_render_fresh_preview, request, text=text, name=name, parsed=parsed, corrected=corrected)
    if "check" in request.POST:
        return page()

    details = _preview_details(parsed=corrected, text=text, name=name)
    if not details.may_confirm:  # the page offered no confirmation: it says why
        return page(details=details, status=409)
    if details.fingerprint != review.cleaned_data["previewed"]:
        return page(details=details, notice=_(CHANGED_SINCE_PREVIEW), status=409)
    try:
        outcome = declaration_load(parsed=corrected, source_text=text, source_name=name, by=request.user)
    except DeclarationLoadError:  # someone reported on a dropped commitment since the check above
        return page(notice=_(CHANGED_SINCE_PREVIEW), status=409)
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
        upload: UploadedDeclaration = form.cleaned_data["file"]
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
            form.add_error("file", f"“{upload.name}”: {exc}.")
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
