"""Forms of the secretariat's "Add a declaration" pages: the upload, then the checked preview.

Between the two steps the text travels in the page itself (no temporary file on one server that
the next request may not reach), base64-encoded because browsers rewrite the line breaks of any
form value; a signed SHA-256 beside it shows the text came back exactly as it was parsed.
"""

from __future__ import annotations

import base64
import binascii
import string
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from declarations.country_names import CountryName
from declarations.management.commands.load_declarations import MAX_FILE_BYTES
from declarations.models import DeclarationKind, Language, in_current_language
from declarations.parser import (
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    ParsedCommitment,
    ParsedDeclaration,
    ParseError,
    decode_text,
    parse_declaration,
)
from declarations.services import source_sha256

ACCEPTED_EXTENSIONS = (".txt", ".docx")
# A .docx is a zip: a few megabytes can unpack to gigabytes. Real declarations unpack to well under this.
MAX_DOCX_UNPACKED_BYTES = 10 * MAX_FILE_BYTES
_NOT_WORD = gettext_lazy("the file is not a readable Word (.docx) document")
_SOURCE_SALT = "declarations.upload.source"
# Marked here, translated where raised: tests and callers compare against the English constant.
TAMPERED_TEXT = gettext_noop(
    "The declaration text sent back with the preview is not the text that was uploaded, so nothing was loaded. "
    "Upload the file again."
)


def _collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Step 1: the uploaded file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedDeclaration:
    text: str
    name: str
    parsed: ParsedDeclaration


def read_uploaded_declaration(upload: UploadedFile) -> str:
    """The text of an uploaded .txt or .docx; ParseError (a human sentence) when there is none."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise ParseError(_("only .txt and .docx files can be read"))
    if (upload.size or 0) > MAX_FILE_BYTES:
        limit = filesizeformat(MAX_FILE_BYTES)
        raise ParseError(_("the file is larger than %(limit)s, the most a declaration text can be") % {"limit": limit})
    if extension == ".docx":
        return docx_text(upload)
    return decode_text(upload.read())


def docx_text(stream: IO[bytes]) -> str:
    """The paragraphs of a Word document, table cells included, one per line in document order."""
    import docx  # about 0.1 s to import (lxml): paid by the upload, not by every process start

    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ParseError(_NOT_WORD) from None
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise ParseError(
            _("the Word document unpacks to %(size)s, far more than a declaration") % {"size": filesizeformat(unpacked)}
        )
    stream.seek(0)
    try:
        document = docx.Document(stream)
        text = "\n".join(_docx_lines(document))
    except Exception as exc:
        # python-docx lets zip, XML and missing-part errors of a damaged file through as they are.
        raise ParseError(_NOT_WORD) from exc
    if not text.strip():
        raise ParseError("the Word document has no text")
    return text


def _docx_lines(container: Any) -> Iterator[str]:
    sub_item = 0
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):  # a table
            yield from _docx_table_lines(block)
            continue
        level = _list_level(block)
        if level is None:
            yield block.text
        elif level == 0:
            sub_item = 0
            # Word keeps automatic numbering out of the text; the parser needs a marker to see the list.
            yield f"- {block.text}"
        else:
            letter = string.ascii_lowercase[sub_item % 26]
            sub_item += 1
            yield f"{'    ' * level}{letter}) {block.text}"


def _docx_table_lines(table: Any) -> Iterator[str]:
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once for every grid cell it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            yield from _docx_lines(cell)


def _list_level(paragraph: Any) -> int | None:
    """The list level of an automatically numbered or bulleted paragraph; None for plain text."""
    for properties in (paragraph._p.pPr, paragraph.style.element.pPr if paragraph.style is not None else None):
        numbering = properties.numPr if properties is not None else None
        if numbering is None:
            continue
        if numbering.numId is not None and numbering.numId.val == 0:
            return None  # numId 0 is Word's way of switching a style's list off for one paragraph
        return numbering.ilvl.val if numbering.ilvl is not None else 0
    return None


def _carried_size(text: str) -> int:
    """About the bytes the preview form posts back: the text in base64, the commitments' copy, the rest."""
    size = len(text.encode())
    return 4 * -(-size // 3) + size + 64 * 1024


class DeclarationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Declaration text"),
        error_messages={"required": gettext_lazy("Choose the file of the declaration's text.")},
        allow_empty_file=True,  # the parser's own "the file is empty" names the file like every other problem
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".txt,.docx,text/plain,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args: Any, countries: Sequence[CountryName], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.countries = countries
        self.fields["file"].help_text = _("A .txt or .docx file of at most %(size)s, in English or Spanish.") % {
            "size": filesizeformat(MAX_FILE_BYTES)
        }

    def clean_file(self) -> UploadedDeclaration:
        upload: UploadedFile = self.cleaned_data["file"]
        name = PurePath(upload.name or "upload").name[:255]
        try:
            text = read_uploaded_declaration(upload)
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and _carried_size(text) > limit:
                raise ParseError(
                    _("the text is too long to be checked in the browser; load it with manage.py load_declarations")
                )
            parsed = parse_declaration(text, countries=self.countries)
        except ParseError as exc:
            raise ValidationError(
                _("“%(name)s” cannot be loaded: %(problem)s.") % {"name": name, "problem": exc}, code="unreadable"
            ) from None
        return UploadedDeclaration(text=text, name=name, parsed=parsed)


class TranslationUploadForm(DeclarationUploadForm):
    """Another language version of a loaded declaration; the same file rules as a declaration's."""

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
    place = forms.CharField(
        max_length=MAX_PLACE_LENGTH,
        required=False,
        label=gettext_lazy("Place"),
        help_text=gettext_lazy("Leave empty if the text does not say."),
    )
    language = forms.ChoiceField(choices=Language.choices, widget=forms.RadioSelect, label=gettext_lazy("Language"))
    signatories = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Signatory Member Countries"),
        error_messages={"required": gettext_lazy("Check at least one signatory Member Country.")},
    )
    # What the page showed loading would do; confirming anything else shows the preview again.
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, countries: Sequence[CountryName], parsed: ParsedDeclaration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The countries the text names first, in its order, then the others: checking one appends it.
        names = {c.iso3: in_current_language(en=c.name_en, es=c.name_es) for c in countries}
        order = [code for code in parsed.signatories if code in names]
        order += sorted((code for code in names if code not in order), key=names.__getitem__)
        field = cast(forms.MultipleChoiceField, self.fields["signatories"])
        field.choices = [(code, f"{names[code]} ({code})") for code in order]
        self._signatory_order = {code: position for position, code in enumerate(order)}

    @staticmethod
    def initial_for(parsed: ParsedDeclaration) -> dict[str, Any]:
        return {
            "title": parsed.title,
            "kind": parsed.kind,
            "adopted_on": parsed.adopted_on,
            "place": parsed.place or "",
            "language": parsed.language,
            "signatories": list(parsed.signatories),
        }

    def clean_title(self) -> str:
        return _collapse(self.cleaned_data["title"])

    def clean_place(self) -> str | None:
        return _collapse(self.cleaned_data["place"]) or None  # "not stated", never an empty string

    def clean_signatories(self) -> list[str]:
        return sorted(self.cleaned_data["signatories"], key=self._signatory_order.__getitem__)


class CommitmentForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    # The parsed item this box started from, so the stored commitment keeps its place in the text.
    origin = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        return _collapse(self.cleaned_data["text"])  # a commitment is one paragraph


class BaseCommitmentFormSet(forms.BaseFormSet[CommitmentForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("text") for form in self.forms):
            raise ValidationError(_("Keep at least one recommended action."), code="no_commitments")


CommitmentFormSet = forms.formset_factory(CommitmentForm, formset=BaseCommitmentFormSet, extra=1)


def commitments_initial(declaration: ParsedDeclaration, *, parsed: ParsedDeclaration) -> list[dict[str, Any]]:
    """One box per commitment of `declaration`, each remembering the item of the text's own parse it is."""
    origins = {(c.start, c.end): c.number for c in parsed.commitments}
    return [{"text": c.text, "origin": origins.get((c.start, c.end))} for c in declaration.commitments]


def corrected_declaration(
    *, parsed: ParsedDeclaration, form: DeclarationReviewForm, commitments: forms.BaseFormSet[CommitmentForm]
) -> ParsedDeclaration:
    """The declaration as the secretariat corrected it; `parsed` is the text's own parse, for the spans.

    An emptied box drops its commitment and the others are numbered again in order, as if the item
    were not in the text: the same numbering the loader gives a corrected text file.
    """
    spans = {c.number: (c.start, c.end) for c in parsed.commitments}
    kept = [f.cleaned_data for f in commitments.forms if f.cleaned_data.get("text")]
    items = []
    for number, item in enumerate(kept, start=1):
        start, end = spans.get(item.get("origin") or 0, (None, None))
        # A commitment typed in the preview has no place in the text; the loader stores None.
        items.append(ParsedCommitment(number=number, text=item["text"], start=start, end=end))  # type: ignore[arg-type]
    data = form.cleaned_data
    return ParsedDeclaration(
        title=data["title"],
        kind=data["kind"],
        adopted_on=data["adopted_on"],
        place=data["place"],
        language=data["language"],
        signatories=tuple(data["signatories"]),
        commitments=tuple(items),
    )
