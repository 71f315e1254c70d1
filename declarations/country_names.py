"""The 11 Member Countries of the Regional Conference on Migration (RCM), as declarations name them.

Pure data, no Django: the text parser uses it directly, and the database's country table is
seeded from the same spellings. Declarations are written in English or Spanish, so every
country carries both names plus the other forms seen in real texts (official long names,
names with their article, abbreviations). Matching is case- and accent-insensitive, so an
unaccented variant ("Panama" for "Panamá") only needs listing when it is also a name in its
own right.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountryName:
    """One Member Country and every spelling under which a declaration may name it."""

    iso3: str
    name_en: str
    name_es: str
    aliases: tuple[str, ...]


MEMBER_COUNTRIES: tuple[CountryName, ...] = (
    CountryName(
        iso3="BLZ",
        name_en="Belize",
        name_es="Belice",
        aliases=("Belize", "Belice"),
    ),
    CountryName(
        iso3="CAN",
        name_en="Canada",
        name_es="Canadá",
        aliases=("Canada", "Canadá"),
    ),
    CountryName(
        iso3="CRI",
        name_en="Costa Rica",
        name_es="Costa Rica",
        aliases=("Costa Rica", "Republic of Costa Rica", "República de Costa Rica"),
    ),
    CountryName(
        iso3="DOM",
        name_en="Dominican Republic",
        name_es="República Dominicana",
        aliases=(
            "Dominican Republic",
            "the Dominican Republic",
            "República Dominicana",
            "la República Dominicana",
        ),
    ),
    CountryName(
        iso3="SLV",
        name_en="El Salvador",
        name_es="El Salvador",
        aliases=("El Salvador", "Republic of El Salvador", "República de El Salvador"),
    ),
    CountryName(
        iso3="GTM",
        name_en="Guatemala",
        name_es="Guatemala",
        aliases=("Guatemala", "Republic of Guatemala", "República de Guatemala"),
    ),
    CountryName(
        iso3="HND",
        name_en="Honduras",
        name_es="Honduras",
        aliases=("Honduras", "Republic of Honduras", "República de Honduras"),
    ),
    CountryName(
        iso3="MEX",
        name_en="Mexico",
        name_es="México",
        aliases=(
            "Mexico",
            "México",
            "Méjico",
            "United Mexican States",
            # Must stay listed: without it "Estados Unidos Mexicanos" would read as the United States.
            "Estados Unidos Mexicanos",
        ),
    ),
    CountryName(
        iso3="NIC",
        name_en="Nicaragua",
        name_es="Nicaragua",
        aliases=("Nicaragua", "Republic of Nicaragua", "República de Nicaragua"),
    ),
    CountryName(
        iso3="PAN",
        name_en="Panama",
        name_es="Panamá",
        aliases=("Panama", "Panamá", "Republic of Panama", "República de Panamá"),
    ),
    CountryName(
        iso3="USA",
        name_en="United States",
        name_es="Estados Unidos",
        aliases=(
            "United States",
            "the United States",
            "United States of America",
            "the United States of America",
            "USA",
            "U.S.A.",
            "U.S.",
            "Estados Unidos",
            "los Estados Unidos",
            "Estados Unidos de América",
            "Estados Unidos de Norteamérica",
            "EE.UU.",
            "EE. UU.",
            "EEUU",
        ),
    ),
)
