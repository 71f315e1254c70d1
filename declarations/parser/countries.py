"""Countries: every mention of a Member Country, the enumeration that names the signatories."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from declarations.country_names import MEMBER_COUNTRIES, CountryName
from declarations.parser.cleaning import _collapse, _fold
from declarations.parser.document import _Document
from declarations.parser.errors import Problem
from declarations.parser.result import Evidence

_ACCENT_CLASSES = {"a": "aáàâä", "e": "eéèêë", "i": "iíìîï", "o": "oóòôö", "u": "uúùûü", "n": "nñ", "c": "cç"}
# What may stand between two names of one enumeration: "Belize, Canada and the United States".
_SEPARATOR_WORDS = frozenset({"and", "y", "e", "the", "la", "el", "los", "las", "as", "well", "así", "como", "also"})
_SEPARATOR_SPLIT_RE = re.compile(r"[\s,;/&•·*–—-]+")
_MAX_SEPARATOR_LENGTH = 60
# "Panamanian", "Guatemalan", "Belizean", "beliceño": adjectives that begin with a country's name.
# fmt: off
_ADJECTIVE_SUFFIXES = frozenset(
    [
        "n", "ns", "an", "ans", "ian", "ians", "nian", "nians", "ean", "eans", "eno", "ena", "enos", "enas", "no",
        "na", "nos", "nas", "nse", "nses", "ense", "enses", "ese", "eses", "s", "es",
    ]
)
# fmt: on
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_CITY_AFTER_RE = re.compile(r"\s+city\b", re.IGNORECASE)
_CITY_BEFORE_RE = re.compile(r"\b(?:ciudad|city)\s+(?:de|of)\s+(?:la\s+)?$", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"['’]s\b")
_SIGNATORY_CONTEXT_RE = re.compile(
    r"\b(?:members?|miembros?|countries|pa[ií]ses|governments?|gobiernos?|delegations?|delegaciones|"
    r"states|estados|representatives|representantes|comprised|composed|integrad[oa]|conformad[oa]|"
    r"compuest[oa]|ministers|ministros|vice-?ministers|viceministr\w*|signator\w*|signatari\w*)\b",
    re.IGNORECASE,
)
_PLACE_QUALIFIER_RE = re.compile(
    r"\b(?:in|en|at)\s+(?i:the\s+city\s+of\s+|the\s+cities\s+of\s+|la\s+ciudad\s+de\s+|las\s+ciudades\s+de\s+)?(?P<city>[A-ZÁÉÍÓÚÑ][^\s,]*(?:\s[^\s,]+){0,3}),\s*$"
)


@dataclass(frozen=True)
class _CountryMention:
    iso3: str
    start: int
    end: int
    glued: bool  # runs straight into the next word ("…the United Statesgathered in…")


@dataclass(frozen=True, eq=False)
class _CountryMatcher:
    names: re.Pattern[str] | None  # case-insensitive spellings
    acronyms: re.Pattern[str] | None  # "USA", "EE.UU.": case matters ("usa" is a Spanish verb)
    iso3_by_spelling: dict[str, str]

    def is_country_name(self, text: str) -> bool:
        folded = _fold(text)
        for article in ("the ", "la ", "el ", "los "):
            folded = folded.removeprefix(article)
        return folded in self.iso3_by_spelling or f"the {folded}" in self.iso3_by_spelling

    def mentions(self, text: str) -> list[_CountryMention]:
        # The patterns are lookaheads, so overlapping spellings are all seen: in "Los Estados
        # Unidos Mexicanos" both "los Estados Unidos" and "Estados Unidos Mexicanos" match,
        # and the longer one (Mexico) must win even though the shorter one starts first.
        found: list[tuple[int, int, str]] = []
        for pattern in (self.names, self.acronyms):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                start, end = match.span(1)
                iso3 = self.iso3_by_spelling.get(_fold(match[1]))
                if iso3:
                    found.append((start, end, iso3))
        taken = bytearray(len(text))
        chosen: list[tuple[int, int, str]] = []
        for start, end, iso3 in sorted(found, key=lambda entry: (entry[0] - entry[1], entry[0])):
            if not any(taken[start:end]):
                taken[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, iso3))
        chosen.sort()
        starts = {start for start, _, _ in chosen}
        mentions = [_mention_if_country(text, start, end, iso3, starts) for start, end, iso3 in chosen]
        return [mention for mention in mentions if mention is not None]


def _mention_if_country(text: str, start: int, end: int, iso3: str, starts: set[int]) -> _CountryMention | None:
    """The match as a country mention, or None for a city, a possessive or an adjective."""
    if _CITY_AFTER_RE.match(text, end) or _CITY_BEFORE_RE.search(text[max(0, start - 25) : start]):
        return None  # Panama City, Ciudad de Guatemala, Mexico City
    if _POSSESSIVE_RE.match(text, end):
        return None  # "Panama's proposal" speaks about Panama, it is not Panama signing
    glued = False
    if end < len(text) and text[end].isalpha() and end not in starts:
        following = _LETTERS_RE.match(text, end)
        rest = _fold(following.group()) if following else ""
        if rest in _ADJECTIVE_SUFFIXES:
            return None
        glued = rest not in {"and", "y"}  # "Canadaand Mexico" is glued to its separator only
    return _CountryMention(iso3, start, end, glued)


def _spelling_pattern(spelling: str) -> str:
    words = _fold(spelling).split()
    return r"\s+".join(
        "".join(f"[{_ACCENT_CLASSES[ch]}]" if ch in _ACCENT_CLASSES else re.escape(ch) for ch in word) for word in words
    )


def _is_acronym(spelling: str) -> bool:
    return not any(ch.islower() for ch in spelling)


@functools.lru_cache(maxsize=16)
def _country_matcher(countries: tuple[CountryName, ...]) -> _CountryMatcher:
    builtin = {country.iso3: country for country in MEMBER_COUNTRIES}
    iso3_by_spelling: dict[str, str] = {}
    spellings: list[str] = []
    for country in countries:
        # A shorter list (an admin's) still knows the built-in spellings of the same country:
        # without "Estados Unidos Mexicanos", Mexico's official name would read as the USA.
        extra = builtin[country.iso3].aliases if country.iso3 in builtin else ()
        for spelling in (country.name_en, country.name_es, *country.aliases, *extra):
            key = _fold(spelling)
            if key and key not in iso3_by_spelling:
                iso3_by_spelling[key] = country.iso3
                spellings.append(spelling)
    ordered = sorted(spellings, key=lambda s: len(_fold(s)), reverse=True)  # longest spelling wins
    names = [_spelling_pattern(s) for s in ordered if not _is_acronym(s)]
    acronyms = [r"\s*".join(re.escape(part) for part in s.split()) for s in ordered if _is_acronym(s)]
    not_after_letter = r"(?<![^\W\d_])"
    return _CountryMatcher(
        names=re.compile(not_after_letter + "(?=(" + "|".join(names) + "))", re.IGNORECASE) if names else None,
        acronyms=re.compile(not_after_letter + "(?=(" + "|".join(acronyms) + r")(?![^\W\d_]))") if acronyms else None,
        iso3_by_spelling=iso3_by_spelling,
    )


def _is_separator(gap: str) -> bool:
    if len(gap) > _MAX_SEPARATOR_LENGTH:
        return False
    return all(token.lower() in _SEPARATOR_WORDS for token in _SEPARATOR_SPLIT_RE.split(gap) if token)


def _enumerations(text: str, mentions: list[_CountryMention]) -> list[list[_CountryMention]]:
    """Group mentions into runs of names separated only by commas, "and"/"y", articles."""
    runs: list[list[_CountryMention]] = []
    for mention in mentions:
        if runs and not runs[-1][-1].glued and _is_separator(text[runs[-1][-1].end : mention.start]):
            runs[-1].append(mention)
        else:
            runs.append([mention])
    # A name glued to the next word is believable only as the last name of an enumeration.
    return [run for run in runs if not (len(run) == 1 and run[0].glued)]


def _is_place_qualifier(doc: _Document, mention: _CountryMention, countries: _CountryMatcher) -> bool:
    """ "Tegucigalpa, Honduras, 24 June": the country of a city, not a signatory."""
    if doc.line_at(mention.start).index in doc.dateline_lines:
        return True
    match = _PLACE_QUALIFIER_RE.search(doc.clean[max(0, mention.start - 60) : mention.start])
    return match is not None and not countries.is_country_name(match["city"])


# "the governments of the member countries of the Conference": every Member Country, named at once.
_COLLECTIVE_RE = re.compile(
    r"(?:(?:the\s+)?(?:governments?|delegations?|representatives)\s+of\s+(?:the\s+|all\s+(?:the\s+)?)?"
    r"member\s+(?:countries|states)"
    r"|(?:the\s+|all\s+(?:the\s+)?)?member\s+(?:countries|states)(?=\s+of\s+the\s+(?:regional\s+)?(?:conference|rcm))"
    r"|(?:los\s+)?(?:gobiernos|delegaciones|representantes)\s+de\s+(?:los\s+|todos\s+los\s+)?(?:pa[ií]ses|estados)\s+miembros"
    r"|(?:los\s+|todos\s+los\s+)?(?:pa[ií]ses|estados)\s+miembros(?=\s+de\s+la\s+(?:conferencia|crm)))"
    r"(?:\s+(?:of|de)\s+(?:the\s+|la\s+)?(?:regional\s+conference\s+on\s+migration|conferencia\s+regional\s+sobre\s+"
    r"migraci[oó]n|conference|conferencia|rcm|crm)\b)?",
    re.IGNORECASE,
)


_INTRODUCED_WITHIN = 60


@dataclass(frozen=True)
class _Signatories:
    codes: tuple[str, ...]
    evidence: Evidence
    problems: tuple[Problem, ...] = ()


def _signatories(
    doc: _Document, countries: _CountryMatcher, actions_start: int, all_codes: tuple[str, ...]
) -> _Signatories:
    """The countries of the longest enumeration of Member Countries (before the actions if any).

    Without an enumeration of two or more, a phrase naming the member countries collectively
    stands for all of them, with a problem asking for a check.
    """
    runs = [
        run
        for run in _enumerations(doc.clean, countries.mentions(doc.clean))
        if len(run) > 1 or not _is_place_qualifier(doc, run[0], countries)
    ]
    pool = [run for run in runs if run[0].start < actions_start] or runs

    def strength(run: list[_CountryMention]) -> tuple[int, bool, int]:
        context = doc.clean[max(0, run[0].start - 150) : run[0].start]
        return len({m.iso3 for m in run}), bool(_SIGNATORY_CONTEXT_RE.search(context)), -run[0].start

    best = max(pool, key=strength, default=[])
    codes = tuple(dict.fromkeys(mention.iso3 for mention in best))
    collective = _COLLECTIVE_RE.search(doc.clean, 0, actions_start) or _COLLECTIVE_RE.search(doc.clean)
    phrase = _collapse(collective[0]) if collective else ""
    # "the Member Countries of the RCM, Belize, …": the phrase introduces the enumeration.
    introduces = collective is not None and bool(best) and 0 <= best[0].start - collective.end() <= _INTRODUCED_WITHIN
    if codes and (len(codes) > 1 or not phrase or introduces):
        start, end = doc.cleaned.original_span(best[0].start, best[-1].end)
        return _Signatories(codes, Evidence(True, start, end, (phrase,) if phrase else ()))
    if collective is not None and all_codes:
        start, end = doc.cleaned.original_span(*collective.span())
        return _Signatories(
            all_codes,
            Evidence(True, start, end, (phrase,)),
            (Problem("collective_signatories", {"phrase": phrase}),),
        )
    return _Signatories((), Evidence(False), (Problem("no_signatories"),))
