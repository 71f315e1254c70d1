"""Forms of the secretariat's "Add a declaration" pages: the upload, then the checked preview.

Between the two steps the text travels in the page itself (no temporary file on one server that
the next request may not reach), base64-encoded because browsers rewrite the line breaks of any
form value; a signed SHA-256 beside it shows the text came back exactly as it was parsed.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from declarations.country_names import CountryName
from declarations.messages import error_message, problem_messages
from declarations.models import DeclarationKind, Language, in_current_language
from declarations.parser import (
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    ParsedCommitment,
    ParsedDeclaration,
    ParseError,
    TextBlock,
    parse_declaration,
)
from declarations.parser.files import MAX_FILE_BYTES, read_declaration
from declarations.services import source_sha256

ACCEPTED_EXTENSIONS = (".txt", ".docx", ".pdf")
_SOURCE_SALT = "declarations.upload.source"
# Marked here, translated where raised: tests and callers compare against the English constant.
TAMPERED_TEXT = gettext_noop(
    "The declaration text sent back with the preview is not the text that was uploaded, so nothing was loaded. "
    "Upload the file again."
)


def _collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Step 1: the uploaded file or the pasted text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedDeclaration:
    text: str
    name: str  # the file's name; "" for a pasted text
    parsed: ParsedDeclaration


def read_uploaded_declaration(upload: UploadedFile) -> str:
    """The text of an uploaded .txt, .docx or .pdf; ParseError (a code) when there is none."""
    name = upload.name or ""
    if PurePath(name).suffix.lower() not in ACCEPTED_EXTENSIONS:
        raise ParseError("unsupported_type", extension=PurePath(name).suffix.lower() or name)
    if (upload.size or 0) > MAX_FILE_BYTES:  # refused before a byte is read
        raise ParseError("too_large", size=str(upload.size), limit=str(MAX_FILE_BYTES))
    return read_declaration(upload.read(), name)


def _carried_size(text: str) -> int:
    """About the bytes the preview form posts back: the text in base64, the commitments' copy, the rest."""
    size = len(text.encode())
    return 4 * -(-size // 3) + size + 64 * 1024


class DeclarationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Declaration text"),
        required=False,
        allow_empty_file=True,  # the parser's own "the file is empty" names the file like every other problem
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".txt,.docx,.pdf,text/plain,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )
    pasted = forms.CharField(
        label=gettext_lazy("Or paste the text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Copied from a web page or a PDF: the line breaks may be lost, the preview finds them."),
    )
    # Without a preview (a translation is loaded at once), the text must be complete as it stands.
    needs_complete_text = False

    def __init__(self, *args: Any, countries: Sequence[CountryName], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.countries = countries
        self.fields["file"].help_text = _("A .txt, .docx or .pdf file of at most %(size)s, in English or Spanish.") % {
            "size": filesizeformat(MAX_FILE_BYTES)
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload: UploadedFile | None = data.get("file")
        pasted: str = data.get("pasted") or ""
        if upload is None and not pasted.strip():
            if pasted:  # spaces only: a paste that came out empty
                self.add_error("pasted", _("The pasted text cannot be loaded: the text is empty."))
            else:
                self.add_error("file", _("Choose the file of the declaration's text, or paste the text."))
            return data
        if upload is not None and pasted.strip():
            self.add_error("pasted", _("Choose a file or paste the text, not both."))
            return data
        if upload is not None:
            name = PurePath(upload.name or "upload").name[:255]
            field, intro = "file", _("“%(name)s” cannot be loaded: %(problem)s.")
        else:
            name = ""
            field, intro = "pasted", _("The pasted text cannot be loaded: %(problem)s.")
        try:
            text = read_uploaded_declaration(upload) if upload is not None else pasted
            parsed = self._parse(text)
        except ParseError as exc:
            self.add_error(
                field, ValidationError(intro % {"name": name, "problem": error_message(exc)}, code="unreadable")
            )
            return data
        if self.needs_complete_text and parsed.blocking_problems:
            problem = problem_messages(parsed.blocking_problems)[0]
            self.add_error(field, ValidationError(intro % {"name": name, "problem": problem}, code="incomplete"))
            return data
        data["declaration"] = UploadedDeclaration(text=text, name=name, parsed=parsed)
        return data

    def _parse(self, text: str) -> ParsedDeclaration:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _carried_size(text) > limit:
            raise ParseError("too_long_for_browser")
        return parse_declaration(text, countries=self.countries)


class TranslationUploadForm(DeclarationUploadForm):
    """Another language version of a loaded declaration; the same file rules as a declaration's."""

    needs_complete_text = True
    official = forms.BooleanField(
        required=False,
        label=gettext_lazy("Official translation"),
        help_text=gettext_lazy(
            "Check only if the Conference adopted this text; pages mark other versions as unofficial."
        ),
    )


# --------------------------------------------------------------------------------------------
# Step 2: the text carried back, the corrected fields, the commitments
# --------------------------------------------------------------------------------------------


class SourceForm(forms.Form):
    """The uploaded text as the preview page sends it back; invalid means altered on the way."""

    source = forms.CharField(widget=forms.HiddenInput)
    source_sha256 = forms.CharField(widget=forms.HiddenInput)
    source_name = forms.CharField(widget=forms.HiddenInput, max_length=255, required=False)

    @staticmethod
    def initial_for(*, text: str, name: str) -> dict[str, str]:
        return {
            "source": base64.b64encode(text.encode()).decode("ascii"),
            # Signed, not just hashed: whoever edits the text could recompute a bare checksum.
            "source_sha256": signing.Signer(salt=_SOURCE_SALT).sign(source_sha256(text)),
            "source_name": name,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            text = base64.b64decode(data["source"], validate=True).decode()
            expected = signing.Signer(salt=_SOURCE_SALT).unsign(data["source_sha256"])
        except (KeyError, binascii.Error, UnicodeDecodeError, signing.BadSignature):
            raise ValidationError(_(TAMPERED_TEXT), code="tampered") from None
        if source_sha256(text) != expected:
            raise ValidationError(_(TAMPERED_TEXT), code="tampered")
        data["text"] = text
        return data


class DeclarationReviewForm(forms.Form):
    title = forms.CharField(
        max_length=MAX_TITLE_LENGTH,
        label=gettext_lazy("Title"),
        error_messages={"required": gettext_lazy("Enter the title.")},
    )
    kind = forms.ChoiceField(choices=DeclarationKind.choices, label=gettext_lazy("Kind"))
    adopted_on = forms.DateField(
        required=False,
        label=gettext_lazy("Adopted on"),
        help_text=gettext_lazy("Leave empty if the text does not say."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter the date as year-month-day, or leave it empty.")},
    )
    date_choice = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        label=gettext_lazy("Other dates in the text"),
        help_text=gettext_lazy("Pick one to use it instead of the date above."),
    )
    place = forms.CharField(
        max_length=MAX_PLACE_LENGTH,
        required=False,
        label=gettext_lazy("Place"),
        help_text=gettext_lazy("Leave empty if the text does not say."),
    )
    place_choice = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        label=gettext_lazy("Other places in the text"),
        help_text=gettext_lazy("Pick one to use it instead of the place above."),
    )
    language = forms.ChoiceField(choices=Language.choices, widget=forms.RadioSelect, label=gettext_lazy("Language"))
    signatories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Signatory Member Countries"),
        error_messages={"required": gettext_lazy("Check at least one signatory Member Country.")},
    )
    # The paragraphs of the text ticked as actions (rendered beside the text, not as a list here).
    paragraphs = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    # What the page showed loading would do; confirming anything else shows the preview again.
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        countries: Sequence[CountryName],
        parsed: ParsedDeclaration,
        blocks: Sequence[TextBlock] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The countries the text names first, in its order, then the others: checking one appends it.
        names = {c.iso3: in_current_language(en=c.name_en, es=c.name_es) for c in countries}
        order = [code for code in parsed.signatories if code in names]
        order += sorted((code for code in names if code not in order), key=names.__getitem__)
        field = cast(forms.MultipleChoiceField, self.fields["signatories"])
        field.choices = [(code, f"{names[code]} ({code})") for code in order]
        self._signatory_order = {code: position for position, code in enumerate(order)}
        self.blocks = list(blocks)
        paragraphs = cast(forms.MultipleChoiceField, self.fields["paragraphs"])
        paragraphs.choices = [(str(block.index), block.text) for block in self.blocks]
        dates = cast(forms.ChoiceField, self.fields["date_choice"])
        dates.choices = [("", _("The date above"))] + [
            (iso, format_date(datetime.date.fromisoformat(iso), "DATE_FORMAT"))
            for iso in parsed.alternatives("adopted_on")
        ]
        self.has_date_choices = bool(parsed.alternatives("adopted_on"))
        self.has_place_choices = bool(parsed.alternatives("place"))
        places = cast(forms.ChoiceField, self.fields["place_choice"])
        places.choices = [("", _("The place above"))] + [(place, place) for place in parsed.alternatives("place")]

    @staticmethod
    def initial_for(parsed: ParsedDeclaration, *, blocks: Sequence[TextBlock] = ()) -> dict[str, Any]:
        spans = [(c.start, c.end) for c in parsed.commitments]
        return {
            "title": parsed.title,
            "kind": parsed.kind,
            "adopted_on": parsed.adopted_on,
            "date_choice": "",
            "place": parsed.place or "",
            "place_choice": "",
            "language": parsed.language,
            "signatories": list(parsed.signatories),
            "paragraphs": [str(block.index) for block in blocks if _overlaps(block, spans)],
        }

    def clean_title(self) -> str:
        return _collapse(self.cleaned_data["title"])

    def clean_place(self) -> str | None:
        return _collapse(self.cleaned_data["place"]) or None  # "not stated", never an empty string

    def clean_signatories(self) -> list[str]:
        return sorted(self.cleaned_data["signatories"], key=self._signatory_order.__getitem__)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_choice"):
            data["adopted_on"] = datetime.date.fromisoformat(data["date_choice"])
        if data.get("place_choice"):
            data["place"] = data["place_choice"]
        return data

    def marked_blocks(self) -> list[TextBlock]:
        marked = set(self.cleaned_data.get("paragraphs") or ())
        return [block for block in self.blocks if str(block.index) in marked]


def _overlaps(block: TextBlock, spans: Sequence[tuple[int | None, int | None]]) -> bool:
    return any(
        start is not None and end is not None and start < block.end and block.start < end for start, end in spans
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    merge = forms.BooleanField(required=False, label=gettext_lazy("Join to the action above"))
    # Where in the text this action was read ("start-end"), so the stored commitment keeps its place.
    span = forms.RegexField(regex=r"^(\d{1,9}-\d{1,9})?$", required=False, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        # One paragraph per action; an empty line inside a box splits it into two actions.
        paragraphs = (_collapse(part) for part in self.cleaned_data["text"].replace("\r\n", "\n").split("\n\n"))
        return "\n\n".join(part for part in paragraphs if part)

    def clean_span(self) -> tuple[int, int] | None:
        value = self.cleaned_data["span"]
        if not value:
            return None
        start, end = (int(part) for part in value.split("-"))
        return (start, end) if start < end else None


class BaseCommitmentFormSet(forms.BaseFormSet[CommitmentForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("text") for form in self.forms):
            raise ValidationError(_("Keep at least one recommended action."), code="no_commitments")


CommitmentFormSet = forms.formset_factory(CommitmentForm, formset=BaseCommitmentFormSet, extra=1)


def commitments_initial(declaration: ParsedDeclaration) -> list[dict[str, Any]]:
    """One box per commitment of `declaration`, each remembering where in the text it was read."""
    return [
        {"text": c.text, "span": f"{c.start}-{c.end}" if c.start is not None and c.end is not None else ""}
        for c in declaration.commitments
    ]


def marked_commitments(blocks: Sequence[TextBlock]) -> tuple[ParsedCommitment, ...]:
    """The paragraphs ticked in the text, each one action, in text order."""
    return tuple(
        ParsedCommitment(number=number, text=block.body, start=block.start, end=block.end)
        for number, block in enumerate(blocks, start=1)
    )


def corrected_declaration(
    *,
    form: DeclarationReviewForm,
    commitments: forms.BaseFormSet[CommitmentForm] | None,
    text_length: int,
    marked: tuple[ParsedCommitment, ...] | None = None,
) -> ParsedDeclaration:
    """The declaration as the secretariat corrected it in the preview.

    An emptied box drops its action and the others are numbered again in order, as if the item
    were not in the text: the same numbering the loader gives a corrected text file. A box with
    an empty line in it becomes two actions; a box marked "join" is added to the one above it.
    With `marked`, the paragraphs ticked in the text replace the boxes.
    """
    items: list[tuple[str, int | None, int | None]] = []
    if marked is not None:
        items = [(c.text, c.start, c.end) for c in marked]
    else:
        for box in commitments.forms if commitments is not None else ():
            text = box.cleaned_data.get("text") or ""
            span = box.cleaned_data.get("span")
            start, end = span if span and span[1] <= text_length else (None, None)
            parts = [part for part in text.split("\n\n") if part]
            if not parts:
                continue
            if box.cleaned_data.get("merge") and items:
                before, first, last = items[-1]
                joined_span = (first, end) if first is not None and end is not None and first < end else (first, last)
                items[-1] = (f"{before} {parts[0]}", *joined_span)
                parts = parts[1:]
                start = end = None
            if len(parts) > 1:
                start = end = None  # a split box's parts have no exact place in the text
            items += [(part, start, end) for part in parts]
    data = form.cleaned_data
    return ParsedDeclaration(
        title=data["title"],
        kind=data["kind"],
        adopted_on=data["adopted_on"],
        place=data["place"],
        language=data["language"],
        signatories=tuple(data["signatories"]),
        commitments=tuple(
            # A commitment typed in the preview has no place in the text; the loader stores None.
            ParsedCommitment(number=number, text=text, start=start, end=end)  # type: ignore[arg-type]
            for number, (text, start, end) in enumerate(items, start=1)
        ),
    )
