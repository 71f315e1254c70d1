from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Language(models.TextChoices):
    ENGLISH = "en", pgettext_lazy("language of a declaration", "English")
    # Labels as before (no migration): "Español" names the language in itself in English pages too.
    SPANISH = "es", pgettext_lazy("language of a declaration", "Español")


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
        return self.name_en


class Declaration(models.Model):
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=32, choices=DeclarationKind.choices, default=DeclarationKind.DECLARATION)
    # Null when the text does not say: the app never invents a date or a place.
    adopted_on = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 -- "not stated" ≠ ""
    language = models.CharField(max_length=2, choices=Language.choices)
    source_text = models.TextField()
    source_sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=255, blank=True, help_text=_("File the text was loaded from."))
    signatories = models.ManyToManyField["MemberCountry", "Signatory"](
        MemberCountry, through="Signatory", related_name="declarations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [models.F("adopted_on").desc(nulls_last=True), "title"]
        constraints = [
            # The loader recognises a corrected text of a declaration by its title and language.
            models.UniqueConstraint(Lower("title"), "language", name="declaration_unique_title_language"),
        ]

    def __str__(self) -> str:
        return self.title


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
            models.CheckConstraint(condition=models.Q(number__gte=1), name="commitment_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration} #{self.number}"

    @property
    def anchor(self) -> str:
        return f"commitment-{self.number}"
