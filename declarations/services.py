"""Every write to declarations and their commitments goes through here.

What hangs off a declaration in the apps above (implementations, their counts) is kept in step by
those apps, through the signals in `declarations.signals`, inside the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_record
from core.db import deadlock_retried
from declarations import selectors
from declarations.models import (
    Commitment,
    CommitmentTranslation,
    Declaration,
    DeclarationKind,
    DeclarationTranslation,
    Language,
    MemberCountry,
    Signatory,
    in_current_language,
)
from declarations.parser import ParsedDeclaration
from declarations.signals import declaration_changed, declaration_changing

if TYPE_CHECKING:
    from accounts.models import User


class DeclarationLoadError(Exception):
    """The text cannot be loaded as it stands; the message says why, nothing was written."""


@dataclass
class LoadOutcome:
    declaration: Declaration
    action: Literal["created", "updated", "unchanged"]
    changes: list[str] = field(default_factory=list)


def source_sha256(source_text: str) -> str:
    return hashlib.sha256(source_text.encode("utf-8")).hexdigest()


@deadlock_retried
@transaction.atomic
def declaration_load(
    *, parsed: ParsedDeclaration, source_text: str, source_name: str = "", by: User | None = None
) -> LoadOutcome:
    """Create a declaration from parsed text, or bring an existing one in line with a corrected text.

    The same text loaded twice changes nothing. A corrected text (recognised by its title and
    language) updates commitments in place, keyed by number, so every recorded report stays
    attached. Anything that would destroy a recorded report — a commitment or a signatory that
    disappears although a country has reported on it — is refused with a clear message.
    """
    digest = source_sha256(source_text)
    countries = _countries_for(parsed.signatories)
    translation = DeclarationTranslation.objects.filter(source_sha256=digest).select_related("declaration").first()
    if translation is not None:
        # Loaded as a declaration of its own, it would duplicate every implementation.
        raise DeclarationLoadError(
            _(
                "this text is already loaded as a translation (%(language)s) of “%(title)s” (id %(id)s); "
                "load it with --translation-of"
            )
            % {
                "language": translation.language,
                "title": translation.declaration.title,
                "id": translation.declaration_id,
            }
        )

    existing = (
        Declaration.objects.select_for_update().filter(source_sha256=digest).first()
        or Declaration.objects.select_for_update().filter(title__iexact=parsed.title, language=parsed.language).first()
    )
    if existing is not None and existing.source_sha256 == digest:
        return LoadOutcome(declaration=existing, action="unchanged")

    if existing is None:
        declaration = Declaration(title=parsed.title)
        action: Literal["created", "updated"] = "created"
    else:
        declaration = existing
        action = "updated"
    declaration.kind = parsed.kind
    declaration.adopted_on = parsed.adopted_on
    declaration.language = parsed.language
    _save_text(declaration, parsed=parsed, source_text=source_text, digest=digest, source_name=source_name)

    dropped_numbers = sorted(set(declaration.commitments.values_list("number", flat=True)) - _numbers(parsed))
    signed = set(declaration.signatory_links.values_list("country_id", flat=True))
    dropped_countries = signed - {country.pk for country in countries}
    for _receiver, refusal in declaration_changing.send(
        sender=Declaration,
        declaration=declaration,
        dropped_numbers=dropped_numbers,
        dropped_countries=dropped_countries,
    ):
        if refusal:
            raise DeclarationLoadError(refusal)
    changes = _sync_commitments(declaration, parsed)
    changes += _sync_signatories(declaration, countries)
    declaration_changed.send(sender=Declaration, declaration=declaration, dropped_countries=dropped_countries)
    audit_record(
        actor=by,
        action=f"declaration.{action[:-1]}",
        target=declaration,
        changes={"source": source_name, "sha256": digest, "changes": changes},
    )
    return LoadOutcome(declaration=declaration, action=action, changes=changes)


def _save_text(
    instance: Declaration | DeclarationTranslation,
    *,
    parsed: ParsedDeclaration,
    source_text: str,
    digest: str,
    source_name: str,
) -> None:
    """What a declaration and a translation both take from their text, validated, then saved."""
    instance.title = parsed.title
    instance.place = parsed.place
    instance.source_text = source_text
    instance.source_sha256 = digest
    instance.source_name = source_name
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise DeclarationLoadError("; ".join(exc.messages)) from exc
    instance.save()


def _countries_for(iso3_codes: tuple[str, ...]) -> list[MemberCountry]:
    by_code = MemberCountry.objects.in_bulk(iso3_codes, field_name="iso3")
    unknown = [code for code in iso3_codes if code not in by_code]
    if unknown:
        raise DeclarationLoadError(_("unknown Member Country code(s): %(codes)s") % {"codes": ", ".join(unknown)})
    return [by_code[code] for code in iso3_codes]


def _numbers(parsed: ParsedDeclaration) -> set[int]:
    return {c.number for c in parsed.commitments}


def _sync_commitments(declaration: Declaration, parsed: ParsedDeclaration) -> list[str]:
    current = {c.number: c for c in declaration.commitments.all()}
    wanted = {c.number: c for c in parsed.commitments}
    changes: list[str] = []

    removed = sorted(set(current) - set(wanted))
    if removed:
        Commitment.objects.filter(declaration=declaration, number__in=removed).delete()
        changes.append(_("removed commitment(s) %(numbers)s") % {"numbers": ", ".join(map(str, removed))})

    to_update: list[Commitment] = []
    to_create: list[Commitment] = []
    for number, item in wanted.items():
        commitment = current.get(number)
        if commitment is None:
            to_create.append(
                Commitment(
                    declaration=declaration,
                    number=number,
                    text=item.text,
                    source_start=item.start,
                    source_end=item.end,
                )
            )
            continue
        if commitment.text != item.text:
            changes.append(_("changed the text of commitment %(number)s") % {"number": number})
        if (commitment.text, commitment.source_start, commitment.source_end) != (item.text, item.start, item.end):
            commitment.text, commitment.source_start, commitment.source_end = item.text, item.start, item.end
            to_update.append(commitment)
    Commitment.objects.bulk_update(to_update, ["text", "source_start", "source_end"])
    Commitment.objects.bulk_create(to_create)
    if to_create and current:
        changes.append(_("added commitment(s) %(numbers)s") % {"numbers": ", ".join(str(c.number) for c in to_create)})
    return changes


def _sync_signatories(declaration: Declaration, countries: list[MemberCountry]) -> list[str]:
    before = list(declaration.signatory_links.order_by("position").values_list("country_id", flat=True))
    after = [country.pk for country in countries]
    if before == after:
        return []

    declaration.signatory_links.all().delete()
    Signatory.objects.bulk_create(
        Signatory(declaration=declaration, country=country, position=position)
        for position, country in enumerate(countries, start=1)
    )
    return [_("changed the signatories")] if before else []


@dataclass
class TranslationOutcome:
    translation: DeclarationTranslation
    action: Literal["created", "updated", "unchanged"]
    changes: list[str] = field(default_factory=list)


@transaction.atomic
def declaration_translation_load(
    *,
    declaration: Declaration,
    parsed: ParsedDeclaration,
    source_text: str,
    source_name: str = "",
    official: bool = True,
    by: User | None = None,
) -> TranslationOutcome:
    """Link another language version of `declaration`: its title and its commitments' texts.

    Commitments are aligned by number, so the versions must list the same number of actions and
    name the same signatories; anything else is refused before a row is written. Loading the same
    text again changes nothing; a corrected text of the same language updates it in place.
    """
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if parsed.language == declaration.language:
        raise DeclarationLoadError(
            _(
                "the text is in %(language)s, the language of “%(title)s” itself; "
                "a translation must be in another language"
            )
            % {"language": declaration.get_language_display(), "title": declaration.title}
        )
    commitments = list(declaration.commitments.order_by("number"))
    if len(parsed.commitments) != len(commitments):
        raise DeclarationLoadError(
            _(
                "the text has %(found)s recommended actions but “%(title)s” has %(expected)s; "
                "a translation must list the same actions in the same order"
            )
            % {"found": len(parsed.commitments), "title": declaration.title, "expected": len(commitments)}
        )
    signatories = set(declaration.signatory_links.values_list("country__iso3", flat=True))
    if set(parsed.signatories) != signatories:
        raise DeclarationLoadError(
            _("the text names other signatories (%(found)s) than “%(title)s” (%(expected)s)")
            % {
                "found": ", ".join(sorted(parsed.signatories)),
                "title": declaration.title,
                "expected": ", ".join(sorted(signatories)),
            }
        )

    digest = source_sha256(source_text)
    existing = DeclarationTranslation.objects.filter(declaration=declaration, language=parsed.language).first()
    if existing is not None and existing.source_sha256 == digest and existing.official == official:
        return TranslationOutcome(translation=existing, action="unchanged")
    translation = existing or DeclarationTranslation(declaration=declaration, language=parsed.language)
    action: Literal["created", "updated"] = "created" if existing is None else "updated"
    changes = _translation_field_changes(translation, title=parsed.title, official=official) if existing else []
    translation.official = official
    _save_text(translation, parsed=parsed, source_text=source_text, digest=digest, source_name=source_name)

    current = {row.commitment_id: row for row in translation.commitments.all()}
    rows = []
    for commitment, item in zip(commitments, parsed.commitments, strict=True):
        row = current.get(commitment.pk) or CommitmentTranslation(translation=translation, commitment=commitment)
        if row.pk is not None and row.text != item.text:
            changes.append(_("changed the translated text of commitment %(number)s") % {"number": commitment.number})
        row.text, row.source_start, row.source_end = item.text, item.start, item.end
        rows.append(row)
    CommitmentTranslation.objects.bulk_update([r for r in rows if r.pk], ["text", "source_start", "source_end"])
    CommitmentTranslation.objects.bulk_create([r for r in rows if r.pk is None])
    audit_record(
        actor=by,
        action=f"declaration.translation_{action[:-1]}",
        target=translation,
        changes={"source": source_name, "sha256": digest, "official": official, "changes": changes},
    )
    return TranslationOutcome(translation=translation, action=action, changes=changes)


def _translation_field_changes(translation: DeclarationTranslation, *, title: str, official: bool) -> list[str]:
    changes = [_("changed the title to “%(title)s”") % {"title": title}] if translation.title != title else []
    if translation.official != official:
        changes.append(_("marked as official") if official else _("marked as unofficial"))
    return changes


class _PreviewRollback(Exception):
    """Carries a preview's outcome out of the transaction it undoes."""

    def __init__(self, outcome: LoadOutcome) -> None:
        super().__init__(outcome.action)
        self.outcome = outcome


def declaration_preview(*, parsed: ParsedDeclaration, source_text: str, source_name: str = "") -> LoadOutcome:
    """What `declaration_load` would do with this text, writing nothing.

    It runs the load itself and rolls it back, so a preview can never promise a change the load
    would refuse, nor miss one it would make. A refusal raises DeclarationLoadError as the load
    does. For "created", the outcome's declaration is unsaved (pk None); otherwise it is the
    existing declaration as the load would leave it in memory — not as the database still holds it.
    """
    try:
        with transaction.atomic():
            raise _PreviewRollback(declaration_load(parsed=parsed, source_text=source_text, source_name=source_name))
    except _PreviewRollback as rollback:
        outcome = rollback.outcome
    if outcome.action == "created":
        outcome.declaration.pk = None  # its row was rolled back; nothing may link to it
    return outcome


# --------------------------------------------------------------------------------------------
# The preview of a load: what it would do, and how a corrected text differs from the stored one
# --------------------------------------------------------------------------------------------

INCOMPLETE = gettext_noop(
    "a declaration needs at least one recommended action and one signatory Member Country; "
    "mark the actions in the text and check the signatories"
)


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


def declaration_preview_details(*, parsed: ParsedDeclaration, source_text: str, source_name: str) -> PreviewDetails:
    """The web preview's (and any other client's) account of loading `parsed`, writing nothing.

    A draft without an action or a signatory is not run through the load at all: it cannot be
    confirmed, and the page says what is missing.
    """
    if not parsed.commitments or not parsed.signatories:
        return PreviewDetails(declaration=parsed, refusal=_(INCOMPLETE))
    try:
        outcome = declaration_preview(parsed=parsed, source_text=source_text, source_name=source_name)
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
