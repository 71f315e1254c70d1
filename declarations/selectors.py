"""Every read query of the declarations app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from declarations.country_names import MEMBER_COUNTRIES, CountryName
from declarations.models import (
    Commitment,
    CommitmentTranslation,
    Declaration,
    DeclarationTranslation,
    MemberCountry,
    NameInLanguage,
    Signatory,
    current_language,
)
from declarations.parser import ParsedDeclaration, TextBlock, parse_declaration, text_blocks


def country_names_for_parser() -> tuple[CountryName, ...]:
    """The spellings the parser recognises: the database's, so an alias added in the admin counts.

    Before the database exists (a dry run on a fresh checkout) the built-in list serves.
    """
    try:
        rows = list(MemberCountry.objects.filter(is_regional=False))
    except DatabaseError:
        return MEMBER_COUNTRIES
    if not rows:
        return MEMBER_COUNTRIES
    return tuple(CountryName(iso3=c.iso3, name_en=c.name_en, name_es=c.name_es, aliases=tuple(c.aliases)) for c in rows)


def _count_per_declaration(model: type[Model]) -> Coalesce:
    # A correlated count per row; two COUNT(DISTINCT) over joins would multiply the rows instead.
    counts = (
        model._default_manager.filter(declaration=OuterRef("pk"))
        .order_by()
        .values("declaration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def translated(
    *, declaration: str | None = "", commitment: str | None = "", language: str | None = None, every: bool = False
) -> list[Prefetch[str, Any, str]]:
    """Prefetches that let `.shown` give titles and texts in the page's language without a query per row.

    `declaration` and `commitment` are the lookup paths from the queried model ("" for the model
    itself, None for none). A declaration gets all its translations (the page offers the
    other versions); a commitment only the text in `language` (the current one unless given), the
    only one a page shows — or, with `every`, the texts in every language (the API lists them all).
    """
    prefetches: list[Prefetch[str, Any, str]] = []
    if declaration is not None:
        prefetches.append(Prefetch(_path(declaration, "translations")))
    if commitment is not None:
        queryset = _commitment_translations(language=language, every=every)
        prefetches.append(Prefetch(_path(commitment, "translations"), queryset=queryset))
    return prefetches


def _commitment_translations(*, language: str | None, every: bool) -> QuerySet[CommitmentTranslation]:
    queryset = CommitmentTranslation.objects.select_related("translation").order_by("translation__language")
    return queryset if every else queryset.filter(translation__language=language or current_language())


def _path(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def declaration_list() -> QuerySet[Declaration]:
    return Declaration.objects.annotate(
        commitment_count=_count_per_declaration(Commitment),
        signatory_count=_count_per_declaration(Signatory),
    ).prefetch_related(*translated(commitment=None))


def declaration_list_with_signatories() -> QuerySet[Declaration]:
    return declaration_list().prefetch_related(_signatories_in_text_order())


def _signatories_in_text_order() -> Prefetch[str, QuerySet[Signatory], str]:
    return Prefetch(
        "signatory_links",
        queryset=Signatory.objects.select_related("country").order_by("position"),
        to_attr="signatories_in_order",
    )


def declaration_get(*, pk: int, language: str | None = None, every_language: bool = False) -> Declaration:
    """One declaration with its signatories (in text order) and its numbered commitments, their
    texts in `language` (default: the current one), or in every language."""
    commitments = Commitment.objects.order_by("number").prefetch_related(
        *translated(declaration=None, language=language, every=every_language)
    )
    return Declaration.objects.prefetch_related(
        _signatories_in_text_order(), Prefetch("commitments", queryset=commitments), *translated(commitment=None)
    ).get(pk=pk)


def declaration_find(*, reference: str) -> Declaration:
    """The declaration a person names on the command line: its id, its title in any loaded language, or
    the name of the file it was loaded from (so a translation can sit beside its original under the same name)."""
    reference = reference.strip()
    if reference.isdigit():
        return Declaration.objects.get(pk=int(reference))
    match = (
        Declaration.objects.filter(title__iexact=reference).first()
        or Declaration.objects.filter(source_name=reference).first()
        or Declaration.objects.filter(translations__title__iexact=reference).first()
    )
    if match is None:
        raise Declaration.DoesNotExist(reference)
    return match


def commitment_list() -> QuerySet[Commitment]:
    """Every commitment in declaration and number order, with its texts in every language."""
    return Commitment.objects.order_by("declaration_id", "number").prefetch_related(
        *translated(declaration=None, every=True)
    )


def country_list() -> QuerySet[MemberCountry]:
    """Member Countries by name, then the regional follow-up (the Conference as a whole) if any."""
    return MemberCountry.objects.annotate(implementation_count=Count("implementations")).order_by(
        "is_regional", MemberCountry.name_field()
    )


def country_get(*, iso3: str) -> MemberCountry:
    return MemberCountry.objects.get(iso3=iso3.upper())


COUNTRY_CODES_KEY = "country-codes"


def country_pk_by_code(code: str) -> int | None:
    """The country with this ISO3 code, from a cached map: list filters by country ask no query.

    Saving or deleting a country drops the map (see apps.py); bulk loads should too.
    """
    codes: dict[str, int] | None = cache.get(COUNTRY_CODES_KEY)
    if codes is None:
        codes = dict(MemberCountry.objects.values_list("iso3", "pk"))
        cache.set(COUNTRY_CODES_KEY, codes, settings.RCM_LOOKUP_CACHE_SECONDS)
    return codes.get(code)


def forget_country_codes(*args: object, **kwargs: object) -> None:
    cache.delete(COUNTRY_CODES_KEY)


# Menus: plain (value, label) pairs in the reader's language. A form field built on a queryset
# makes a model instance (and prefetches translations) for each option, which with a couple
# of hundred declarations cost more than the rest of the dashboard.


def declaration_choices() -> list[tuple[int, str]]:
    """Every declaration (newest first, the model's order), by its title in the current language where there is one."""
    language = current_language()
    titles = dict(DeclarationTranslation.objects.filter(language=language).values_list("declaration_id", "title"))
    rows = Declaration.objects.values_list("pk", "title", "language")
    return [(pk, title if original == language else titles.get(pk, title)) for pk, title, original in rows]


def country_choices() -> list[tuple[str, str]]:
    """The Member Countries (not the regional pseudo-country) as (ISO3, name), by name in the current language."""
    countries = MemberCountry.objects.filter(is_regional=False).order_by(NameInLanguage())
    return list(countries.values_list("iso3", MemberCountry.name_field()))


# --------------------------------------------------------------------------------------------
# A declaration's full text, cut at its commitments (the text page; an API could serve the same)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextPart:
    text: str
    commitment: Commitment | None = None


def declaration_text_parts(declaration: Declaration, language: str) -> list[TextPart]:
    """Cut the full text in `language` (or the original) at each commitment's span, to anchor them.

    `declaration` comes from `declaration_get` (commitments and their translations prefetched).
    """
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


@dataclass(frozen=True)
class DeclarationSource:
    """A text under review: its name, the parser's own reading of it and its paragraphs.

    What the web preview shows beside the draft; the API and the command read a text the same way.
    """

    text: str
    name: str
    parsed: ParsedDeclaration
    blocks: list[TextBlock]


def declaration_source(*, text: str, name: str, parsed: ParsedDeclaration | None = None) -> DeclarationSource:
    """Read `text` (raises ParseError when there is none): its draft (unless already parsed) and paragraphs."""
    countries = country_names_for_parser()
    parsed = parsed or parse_declaration(text, countries=countries)
    return DeclarationSource(text, name, parsed, text_blocks(text, countries=countries))
