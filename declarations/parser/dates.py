"""Dates: every date the text mentions, scored by where it stands; the meeting's date and place."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from declarations.parser.cleaning import _collapse
from declarations.parser.countries import _CountryMatcher
from declarations.parser.document import _Document
from declarations.parser.lines import _ends_sentence, _is_all_caps
from declarations.parser.places import (
    _CLOSING_PREFIX_RE,
    _meeting_place_without_date,
    _place_from_prefix,
    _place_line,
)
from declarations.parser.result import NOT_FOUND, Evidence

# How much a date says about the adoption: the higher, the likelier it is the day of adoption.
DATELINE = 6  # "Panama City, March 25, 2022" on its own line, or "Done in …, on …"
MEETING_WITH_PLACE = 4  # "…meeting in Tegucigalpa, Honduras, on June 25, 2014"
MEETING = 2  # "…met on June 25, 2014"
POSTED = 1  # a bare date above the text: a web page's posting date, used only if nothing else
OTHER = 0

_DATELINE_SUFFIX_RE = re.compile(r"[\s.,;)]*")
_DATELINE_PREFIX = 100
_SCORED_AT_EACH_END = 100
# A line that stops on a connector is a sentence going on below it ("…meeting in" / "Tegucigalpa, …").
_CUT_SENTENCE_RE = re.compile(r"(?:\b(?:in|en|at|of|de|del|the|la|el|on|y|and|a)|,)$", re.IGNORECASE)


_ENGLISH_MONTHS = "january february march april may june july august september october november december"
_SPANISH_MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
_MONTH_ABBREVIATIONS = "jan feb mar apr _ jun jul aug sep oct nov dec"
_MONTHS: dict[str, int] = {
    name: number
    for names in (_ENGLISH_MONTHS, _SPANISH_MONTHS, _MONTH_ABBREVIATIONS)
    for number, name in enumerate(names.split(), 1)
    if name != "_"
}
# Spanish variants and abbreviations ("setiembre" is the Central American spelling).
_MONTHS.update({"setiembre": 9, "sept": 9, "ene": 1, "abr": 4, "ago": 8, "dic": 12})
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Bounded whitespace everywhere: no quadratic backtracking over long runs of spaces.
_SP = r"\s{1,4}"
_SP0 = r"\s{0,3}"
_RANGE = r"(?:-|–|—|and|&|to|through|y|e|al|a)"
_ORDINAL = r"(?:st|nd|rd|th|º|°)?"
_DATE_RE = re.compile(
    # March 25, 2022 · June 24-25, 2014 · marzo 25 de 2022
    rf"\b(?P<m1>{_MONTH})\.?{_SP}(?P<a1>\d{{1,2}}){_ORDINAL}"
    rf"(?:{_SP0}{_RANGE}{_SP0}(?P<b1>\d{{1,2}}){_ORDINAL})?"
    rf"(?:,{_SP0}|{_SP}del?{_SP}|{_SP})(?P<y1>\d{{4}})\b"
    # 25 March 2022 · 24–25 June 2014 · 25 de marzo de 2022 · 30 y 31 de mayo del 2002 ·
    # 25 días del mes de marzo del año 2001 · 25th day of March, 2022
    rf"|\b(?P<a2>\d{{1,2}}){_ORDINAL}(?:{_SP0}{_RANGE}{_SP0}(?P<b2>\d{{1,2}}){_ORDINAL})?{_SP}"
    rf"(?:(?:d[ií]as?|days?){_SP})?(?:(?:of|del?){_SP})?(?:(?:the{_SP})?(?:month|mes){_SP}(?:of|de){_SP})?"
    rf"(?P<m2>{_MONTH})\.?,?{_SP}(?:(?:of|del?){_SP})?(?:(?:the{_SP})?(?:year|a[ñn]o){_SP})?(?P<y2>\d{{4}})\b"
    # 2022-03-25
    r"|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d?)-(?P<a3>\d\d?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _DateMention:
    date: datetime.date
    start: int
    end: int
    score: int = OTHER
    place: str | None = None


def _date_mentions(clean: str) -> list[_DateMention]:
    mentions: list[_DateMention] = []
    for match in _DATE_RE.finditer(clean):
        date = _date_of(match)
        if date is not None:
            mentions.append(_DateMention(date, match.start(), match.end()))
    return mentions


def _date_of(match: re.Match[str]) -> datetime.date | None:
    """The (last) day a date match names, or None when it is not a real calendar date."""
    if match["y3"]:
        year, month, day = int(match["y3"]), int(match["m3"]), int(match["a3"])
    elif match["m1"]:
        year, month, day = int(match["y1"]), _MONTHS[match["m1"].lower()], int(match["b1"] or match["a1"])
    else:
        year, month, day = int(match["y2"]), _MONTHS[match["m2"].lower()], int(match["b2"] or match["a2"])
    if not 1900 <= year <= 2100:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None  # 30 February: a typo, not a date


def _as_dateline(doc: _Document, mention: _DateMention) -> _DateMention | None:
    """The mention scored as a dateline ("Panama City, March 25, 2022" on its own line)."""
    line = doc.line_at(mention.start)
    end_line = doc.line_at(max(mention.start, mention.end - 1))
    if mention.start - line.start > _DATELINE_PREFIX or end_line.end - mention.end > _DATELINE_PREFIX:
        return None  # the date is inside a paragraph (and slicing a long line for each date costs)
    prefix = _collapse(doc.clean[line.start : mention.start])
    suffix = doc.clean[mention.end : max(mention.end, end_line.end)]
    if not _DATELINE_SUFFIX_RE.fullmatch(suffix) or len(prefix) > _DATELINE_PREFIX:
        return None
    above = doc.lines[line.index - 1] if line.index > 0 else None
    if not prefix and above is not None and not above.blank:
        place = _place_line(above.text)
        if place is not None and (above.index == 0 or not _CUT_SENTENCE_RE.search(doc.lines[above.index - 1].text)):
            doc.dateline_lines.add(above.index)
            return _DateMention(mention.date, mention.start, mention.end, score=DATELINE, place=place)
    if above is not None and not above.blank and not (_ends_sentence(above.text) or _is_all_caps(above.text)):
        return None  # the end of a wrapped sentence ("…reunidos en Tegucigalpa,\nHonduras, el 1 de …")
    if not prefix:
        body_started = doc.first_sentence_line is not None and doc.first_sentence_line < line.index
        score = DATELINE if body_started else POSTED
        return _DateMention(mention.date, mention.start, mention.end, score=score)
    closing = _CLOSING_PREFIX_RE.match(prefix) if prefix[0].isupper() else None
    rest = prefix[closing.end() :] if closing else prefix
    place = _place_from_prefix(rest) if rest.strip(" ,") else None
    if place is None and not closing:
        return None
    return _DateMention(mention.date, mention.start, mention.end, score=DATELINE, place=place)


_IN_RE = re.compile(r"\b(?:in|at|en)\s+", re.IGNORECASE)
_MEETING_RE = re.compile(
    r"\b(?:met|meet|meeting|gathered|held|convened|assembled|adopted|approved|signed|done|"
    r"reunid[oa]s?|reuni[oó]n|celebrad[oa]|congregad[oa]s?|adoptad[oa]|aprobad[oa]|firmad[oa]|dad[oa])\b",
    re.IGNORECASE,
)
# A date in a sentence that looks back at an earlier meeting is not this declaration's date.
_RECALL_RE = re.compile(r"\b(?:recall\w*|record\w*|previous|anterior\w*|last\s+year|pasad[oa])\b", re.IGNORECASE)
_SENTENCE_BREAK_RE = re.compile(r"[.;:!?]\s|\n\s*\n")


def _in_meeting_sentence(doc: _Document, mention: _DateMention, countries: _CountryMatcher) -> _DateMention:
    """Score a date by the sentence it closes: "…meeting in Panama City, on March 25, 2022"."""
    window = doc.clean[max(0, mention.start - 250) : mention.start]
    breaks = list(_SENTENCE_BREAK_RE.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    if _RECALL_RE.search(window):
        return mention
    for match in reversed(list(_IN_RE.finditer(window))):
        place = _place_from_prefix(window[match.end() :])
        if place is not None and not countries.is_country_name(place):
            return _DateMention(mention.date, mention.start, mention.end, score=MEETING_WITH_PLACE, place=place)
    if _MEETING_RE.search(window):
        return _DateMention(mention.date, mention.start, mention.end, score=MEETING)
    return mention


def _score_dates(doc: _Document, countries: _CountryMatcher) -> None:
    """Score every date mention and remember which lines are datelines (they close lists)."""
    scored: list[_DateMention] = []
    mentions = _date_mentions(doc.clean)
    # A declaration names a few dozen dates at most; in a list of thousands, the ones in the
    # middle are not the adoption's and are not worth reading each one's sentence.
    if len(mentions) > 2 * _SCORED_AT_EACH_END:
        middle = mentions[_SCORED_AT_EACH_END:-_SCORED_AT_EACH_END]
        mentions = mentions[:_SCORED_AT_EACH_END] + mentions[-_SCORED_AT_EACH_END:]
    else:
        middle = []
    for mention in mentions:
        dateline = _as_dateline(doc, mention)
        if dateline is not None:
            doc.dateline_lines.add(doc.line_at(mention.start).index)
            scored.append(dateline)
        else:
            scored.append(_in_meeting_sentence(doc, mention, countries))
    doc.dates = sorted(scored + middle, key=lambda mention: mention.start)


@dataclass(frozen=True)
class _Adoption:
    adopted_on: datetime.date | None
    place: str | None
    date_evidence: Evidence
    place_evidence: Evidence


def _adoption(doc: _Document, actions: tuple[int, int], countries: _CountryMatcher) -> _Adoption:
    """Date and city of adoption: a dateline first, then the meeting sentence; never a guess."""
    candidates = [m for m in doc.dates if m.score > OTHER and not actions[0] <= m.start < actions[1]]
    best = max(candidates, key=lambda m: (m.score, -m.start), default=None)
    place = best.place if best else None
    place_from = best
    if place is None:
        place_from = next((m for m in candidates if m.place and m.score >= MEETING_WITH_PLACE), None)
        place = place_from.place if place_from else None
    if place is None:
        place = _meeting_place_without_date(doc, actions[0], countries)

    seen_dates = [m for m in doc.dates if not actions[0] <= m.start < actions[1]]
    other_dates = tuple(dict.fromkeys(m.date.isoformat() for m in seen_dates if best is None or m.date != best.date))
    places = [m.place for m in seen_dates if m.place] + [_meeting_place_without_date(doc, actions[0], countries)]
    other_places = tuple(dict.fromkeys(p for p in places if p and p != place))
    if best is None:
        date_evidence = Evidence(found=False, alternatives=other_dates)
    else:
        start, end = doc.cleaned.original_span(best.start, best.end)
        date_evidence = Evidence(found=True, start=start, end=end, alternatives=other_dates)
    place_evidence = NOT_FOUND if place is None else Evidence(found=True)
    if place is not None:
        near = place_from.start if place_from is not None else len(doc.clean)
        at = doc.clean.rfind(place, 0, near)
        if at < 0:
            at = doc.clean.find(place)
        if at >= 0:
            start, end = doc.cleaned.original_span(at, at + len(place))
            place_evidence = Evidence(found=True, start=start, end=end, alternatives=other_places)
        else:  # "Ciudad de Guatemala" read from "la ciudad de Guatemala"
            place_evidence = Evidence(found=True, alternatives=other_places)
    else:
        place_evidence = Evidence(found=False, alternatives=other_places)
    return _Adoption(best.date if best else None, place, date_evidence, place_evidence)
