from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ENGLISH = "en", pgettext_lazy("language of a declaration", "English")
    # Labels as before (no migration): "Español" names the language in itself in English pages too.
    SPANISH = "es", pgettext_lazy("language of a declaration", "Español")


def current_language() -> str:
    """The two-letter code of the language the page is being rendered in ("en" outside a request)."""
    return (get_language() or "en")[:2]


def in_current_language(*, en: str, es: str) -> str:
    """Of a name given in both languages, the one to show now: the one helper behind every country name."""
    return es if current_language() == Language.SPANISH else en


class NameInLanguage(models.F):
    """Orders countries by their name in the language current when the query runs, not when it was built,
    so a form's class-level queryset sorts as each reader reads."""

    def __init__(self, path: str = "") -> None:
        super().__init__(f"{path}__name_en" if path else "name_en")
        self.path = path

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        name = MemberCountry.name_field()
        return models.F(f"{self.path}__{name}" if self.path else name).resolve_expression(*args, **kwargs)


class DeclarationKind(models.TextChoices):
    DECLARATION = "declaration", _("Declaration")
    SPECIAL = "special_declaration", _("Special declaration")
    EXTRAORDINARY = "extraordinary_declaration", _("Extraordinary declaration")
    JOINT_STATEMENT = "joint_statement", _("Joint statement")
    OTHER = "other", _("Other")


class MemberCountry(models.Model):
    """A Member Country of the RCM, named as the declarations name it (in either language)."""

    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166 alpha-2", max_length=2, unique=True)
    name_en = models.CharField("name (English)", max_length=100)
    name_es = models.CharField("name (Spanish)", max_length=100)
    # Other spellings the parser accepts ("the United States of America", "Estados Unidos").
    aliases = models.JSONField(default=list, blank=True)
    # The Conference as a whole: follows regional actions, reported by the secretariat; never a
    # signatory and never counted among the Member Countries.
    is_regional = models.BooleanField(default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "member countries"

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the current language: the one helper templates, exports and e-mails use."""
        return in_current_language(en=self.name_en, es=self.name_es)

    @property
    def sort_key(self) -> str:
        decomposed = unicodedata.normalize("NFKD", self.name.casefold())
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

    @property
    def other_name(self) -> Shown:
        """The name in the other language, for pages that give both."""
        if current_language() == Language.SPANISH:
            return Shown(text=self.name_en, language=Language.ENGLISH)
        return Shown(text=self.name_es, language=Language.SPANISH)

    @staticmethod
    def name_field() -> str:
        """The column holding the names in the current language, for `order_by`."""
        return "name_es" if current_language() == Language.SPANISH else "name_en"


class LoadedText(models.Model):
    """What a declaration and each of its translations take from the text they were loaded from."""

    title = models.CharField(max_length=300)
    # Null when the text does not say: the app never invents a date or a place.
    place = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 -- "not stated" ≠ ""
    source_text = models.TextField()
    source_sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=255, blank=True, help_text=_("File the text was loaded from."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Declaration(LoadedText):
    kind = models.CharField(max_length=32, choices=DeclarationKind.choices, default=DeclarationKind.DECLARATION)
    adopted_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    signatories = models.ManyToManyField["MemberCountry", "Signatory"](
        MemberCountry, through="Signatory", related_name="declarations"
    )

    class Meta:
        ordering = [models.F("adopted_on").desc(nulls_last=True), "title"]
        constraints = [
            # The loader recognises a corrected text of a declaration by its title and language.
            models.UniqueConstraint(
                Lower("title"),
                "language",
                name="declaration_unique_title_language",
                violation_error_message=_("A declaration with this title already exists in this language."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _translation(self, language: str) -> DeclarationTranslation | None:
        """The version in `language`; None in the original's language or when there is none."""
        if language == self.language:
            return None
        # Reads the prefetched translations (selectors prefetch them); a language has at most one.
        return next((t for t in self.translations.all() if t.language == language), None)

    @property
    def shown(self) -> Shown:
        """The title in the current language when a version exists, else in the original language."""
        return self.shown_in(current_language())

    def shown_in(self, language: str) -> Shown:
        translation = self._translation(language)
        if translation is None:
            return Shown(text=self.title, language=self.language)
        return Shown(text=translation.title, language=language, unofficial=not translation.official)

    def place_in(self, language: str) -> str | None:
        """The place as the version in `language` names it, else as the original does."""
        translation = self._translation(language)
        return (translation.place if translation is not None else None) or self.place

    @property
    def shown_place(self) -> str | None:
        return self.place_in(current_language())

    def source_in(self, language: str) -> tuple[str, DeclarationTranslation | None]:
        """The full text to show in `language` and the translation it comes from (None: the original)."""
        translation = self._translation(language)
        return (self.source_text, None) if translation is None else (translation.source_text, translation)

    def versions(self) -> list[Shown]:
        """Every language this declaration can be read in: the original first."""
        versions = [Shown(text=self.title, language=self.language)]
        versions += [Shown(t.title, t.language, not t.official) for t in self.translations.all()]
        return versions


@dataclass(frozen=True)
class Shown:
    """A text as a page shows it, with its language (for `lang`) and whether it is an unofficial translation."""

    text: str
    language: str
    unofficial: bool = False

    def __str__(self) -> str:
        return self.text


class DeclarationTranslation(LoadedText):
    """Another language version of a declaration: the same declaration, its text in that language.

    Implementations, reports and dashboards belong to the declaration and its commitments; a
    translation only gives their text in another language. Its place is as this language names it.
    """

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=2, choices=Language.choices)
    # False for a translation made by the secretariat or the team rather than adopted by the Conference.
    official = models.BooleanField(default=True)

    class Meta:
        ordering = ["declaration", "language"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "language"], name="translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Signatory(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="signatory_links")
    country = models.ForeignKey(MemberCountry, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(help_text=_("Order in which the text names the country, from 1."))

    class Meta:
        ordering = ["declaration", "position"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "country"], name="signatory_unique_country"),
            models.UniqueConstraint(fields=["declaration", "position"], name="signatory_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.country} — {self.declaration}"


class Commitment(models.Model):
    """One recommended action of a declaration."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveSmallIntegerField(help_text=_("Order in the text, from 1."))
    text = models.TextField()
    label = models.CharField(max_length=120, blank=True)
    # Where the item stands in Declaration.source_text, so the full-text page can anchor it.
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="commitment_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="commitment_number_positive",
                violation_error_message=_("A recommended action's number starts at 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.declaration} #{self.number}"

    @property
    def anchor(self) -> str:
        return f"commitment-{self.number}"

    @property
    def shown(self) -> Shown:
        """The text in the current language when a version exists, else the original."""
        return self.shown_in(current_language())

    def shown_in(self, language: str) -> Shown:
        original = Shown(text=self.text, language=self.declaration.language)
        if language == original.language:
            return original
        # Reads the prefetched translations (selectors prefetch the current language's only).
        translated = next((t for t in self.translations.all() if t.translation.language == language), None)
        if translated is None:
            return original
        return Shown(text=translated.text, language=language, unofficial=not translated.translation.official)


class CommitmentTranslation(models.Model):
    """A commitment's text in the language of one translation, aligned with the original by number."""

    translation = models.ForeignKey(DeclarationTranslation, on_delete=models.CASCADE, related_name="commitments")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="translations")
    text = models.TextField()
    # Where the item stands in the translation's source_text, for the anchors of its full-text page.
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["translation", "commitment__number"]
        constraints = [
            models.UniqueConstraint(fields=["translation", "commitment"], name="commitment_translation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} ({self.translation.language})"
