"""Every read query of the declarations app."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from declarations.country_names import MEMBER_COUNTRIES, CountryName
from declarations.models import Commitment, Declaration, MemberCountry, Signatory


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


def declaration_list() -> QuerySet[Declaration]:
    return Declaration.objects.annotate(
        commitment_count=_count_per_declaration(Commitment),
        signatory_count=_count_per_declaration(Signatory),
    )


def declaration_list_with_signatories() -> QuerySet[Declaration]:
    return declaration_list().prefetch_related(_signatories_in_text_order())


def _signatories_in_text_order() -> Prefetch[str, QuerySet[Signatory], str]:
    return Prefetch(
        "signatory_links",
        queryset=Signatory.objects.select_related("country").order_by("position"),
        to_attr="signatories_in_order",
    )


def declaration_get(*, pk: int, with_regional: bool = False) -> Declaration:
    """One declaration with its signatories (in text order) and its numbered commitments; with
    `with_regional`, each commitment's regional implementation (`commitment.regional`, 0 or 1)."""
    from commitments.models import Implementation

    commitments = Commitment.objects.order_by("number")
    if with_regional:
        commitments = commitments.prefetch_related(
            Prefetch(
                "implementations",
                queryset=Implementation.objects.filter(country__is_regional=True),
                to_attr="regional",
            )
        )
    return Declaration.objects.prefetch_related(
        _signatories_in_text_order(), Prefetch("commitments", queryset=commitments)
    ).get(pk=pk)


def country_list() -> QuerySet[MemberCountry]:
    """Member Countries by name, then the regional follow-up (the Conference as a whole) if any."""
    return MemberCountry.objects.annotate(implementation_count=Count("implementations")).order_by(
        "is_regional", "name_en"
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
