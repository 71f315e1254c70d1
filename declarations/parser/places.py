"""Places: the city a meeting sentence, a dateline or a closing line names."""

from __future__ import annotations

import re

from declarations.parser.cleaning import _collapse, _fold
from declarations.parser.countries import _CountryMatcher
from declarations.parser.document import _Document
from declarations.parser.lines import _is_clutter
from declarations.parser.result import MAX_PLACE_LENGTH

_CLOSING_PREFIX_RE = re.compile(
    r"(?:done|adopted|signed|issued|given|approved|dad[oa]|hech[oa]|firmad[oa]s?|suscrit[oa]s?|"
    r"adoptad[oa]|aprobad[oa]|emitid[oa])\b(?:\s+and\s+\w+)?\s*(?:(?:at|in|en)\b\s*)?",
    re.IGNORECASE,
)
_TRAILING_CONNECTOR_RE = re.compile(
    r"[\s,]{0,5}(?:\b(?:on|the|this|dated|el(?:\s+d[ií]a)?|a\s+los|los\s+d[ií]as|d[ií]as?|del|de\s+fecha|en\s+fecha)"
    r"\s{0,3})?[\s,]{0,5}$",
    re.IGNORECASE,
)
# "the city of", "la Ciudad de", and for a meeting held in two: "the cities of A and B", "las ciudades de A y B".
_CITY_OF_RE = re.compile(
    r"(?:the\s+|la\s+|las\s+)?(city\s+of|cities\s+of|ciudad\s+de|ciudades\s+de)\s+(.*)", re.IGNORECASE | re.DOTALL
)
# Cities whose own name is "Ciudad de …": "Dado en la Ciudad de Guatemala" happened there, not in "Guatemala".
_CIUDAD_DE_CITIES = frozenset({"guatemala", "panama", "mexico"})
_NAME_CONNECTORS = frozenset({"de", "del", "la", "las", "los", "el", "of", "the", "y", "and"})


def _first_folded_word(text: str) -> str:
    words = _fold(text).split(maxsplit=1)
    return words[0].strip(",") if words else ""


def _is_capitalised_name(text: str, *, max_words: int) -> bool:
    """ "San José", "Ciudad de Panamá", "Panama City", "D.C." — not "a plenary meeting"."""
    words = text.split()
    if not 1 <= len(words) <= max_words or len(text) > 60 or any(ch.isdigit() for ch in text):
        return False
    for position, word in enumerate(words):
        if word.lower() in _NAME_CONNECTORS and 0 < position < len(words) - 1:
            continue
        if not (word[0].isupper() and any(ch.isalpha() for ch in word)):
            return False
    return True


def _place_from_prefix(text: str) -> str | None:
    """The city at the start of "Tegucigalpa, Honduras, on " (what precedes a date)."""
    text = _collapse(text)
    for _round in range(3):  # ", el día", ", on the", "a los días": connectors come in small piles
        text = _TRAILING_CONNECTOR_RE.sub("", text)
    if match := _CITY_OF_RE.fullmatch(text):
        rest = match[2]
        if match[1].lower().startswith("ciudad") and _first_folded_word(rest) in _CIUDAD_DE_CITIES:
            text = "Ciudad de " + rest
        else:
            text = rest
    segments = [segment.strip() for segment in text.split(",")]
    city = segments[0]
    if not _is_capitalised_name(city, max_words=5):
        return None
    if not all(_is_capitalised_name(segment, max_words=4) for segment in segments[1:]):
        return None
    return city[:MAX_PLACE_LENGTH]


_MEETING_PLACE_RE = re.compile(
    r"\b(?:met|meeting|gathered|convened|assembled|reunid[oa]s|reuni[oó]n|celebrad[oa]|congregad[oa]s)"
    r"\s+(?:[a-z]+\s+){0,2}?(?:in|en)\s+(?P<place>(?:[^.;:\n]|\n(?![ \t]*\n)){1,80})",
    re.IGNORECASE,
)


def _meeting_place_without_date(doc: _Document, before: int, countries: _CountryMatcher) -> str | None:
    """ "…reunidos en San José, Costa Rica, …" when the meeting sentence gives no date."""
    for match in _MEETING_PLACE_RE.finditer(doc.clean, 0, before):
        words: list[str] = []
        phrase = match["place"]
        if city_of := _CITY_OF_RE.match(phrase):
            phrase = city_of[2]
            if city_of[1].lower().startswith("ciudad") and _first_folded_word(phrase) in _CIUDAD_DE_CITIES:
                words = ["Ciudad", "de"]
        for word in phrase.split():
            bare = word.rstrip(",")
            if not (bare[:1].isupper() or (words and bare.lower() in _NAME_CONNECTORS)):
                break
            words.append(bare)
            if word.endswith(",") or len(words) >= 5:
                break
        while words and words[-1].lower() in _NAME_CONNECTORS:
            words.pop()
        place = " ".join(words)
        if words == ["Ciudad", "de"] or not place:
            continue
        if _is_capitalised_name(place, max_words=5) and not countries.is_country_name(place):
            return place[:MAX_PLACE_LENGTH]
    return None


_PLACE_LINE_WORDS = 8


def _place_line(text: str) -> str | None:
    """ "Tegucigalpa, Honduras" alone on the line above a date: the city."""
    if len(text.split()) > _PLACE_LINE_WORDS or text.rstrip().endswith((".", ":", ";")) or _is_clutter(text):
        return None
    return _place_from_prefix(text)
