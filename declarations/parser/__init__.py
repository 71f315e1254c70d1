"""Turn the plain text of a Regional Conference on Migration (RCM) declaration into data.

Pure Python, no Django: errors are codes with parameters, which the callers translate.
:func:`parse_declaration` finds the title, kind, date and place of adoption, language, signatory
Member Countries and the recommended actions ("commitments"), and says for each field whether
it was found, where, and what else the text offered; :func:`decode_text` turns the bytes of a
text file into text first, and :mod:`declarations.parser.files` reads Word and PDF files.

Real declarations come out of Word files, PDFs and web pages, in English or Spanish, so the
parser is a set of deliberately forgiving heuristics rather than a grammar, one module per
concern:

* :mod:`.cleaning` — bytes to text; a cleaned copy mapped back to the original offsets; line
  breaks put back into a page that came as one line.
* :mod:`.lines` and :mod:`.document` — lines, list markers, what kind of line each is, and
  whether a line continues the paragraph above it.
* :mod:`.lists` — the candidate lists of actions (marked items, paragraphs after a lead-in,
  "We …" paragraphs) and the choice among them.
* :mod:`.dates`, :mod:`.places`, :mod:`.countries`, :mod:`.titles` — the other fields.

Nothing but :class:`ParseError` escapes :func:`parse_declaration`, and only when there is no
text at all; every other shortcoming is a :class:`Problem` in the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from declarations.country_names import MEMBER_COUNTRIES, CountryName
from declarations.parser.cleaning import _clean, decode_text
from declarations.parser.countries import _country_matcher, _CountryMatcher, _signatories
from declarations.parser.dates import _adoption, _score_dates
from declarations.parser.document import _continues_paragraph, _Document, _estimate_wrap_width, _line_starts
from declarations.parser.errors import ParseError, Problem
from declarations.parser.lines import _is_heading, _marker, _split_lines
from declarations.parser.lists import _action_list, _commitments
from declarations.parser.result import (
    FIELDS,
    KINDS,
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    UNTITLED,
    Evidence,
    ParsedCommitment,
    ParsedDeclaration,
)
from declarations.parser.titles import _language, _title_and_kind

__all__ = [
    "FIELDS",
    "KINDS",
    "MAX_PLACE_LENGTH",
    "MAX_TITLE_LENGTH",
    "UNTITLED",
    "Evidence",
    "ParseError",
    "ParsedCommitment",
    "ParsedDeclaration",
    "Problem",
    "TextBlock",
    "decode_text",
    "parse_declaration",
    "text_blocks",
]


def parse_declaration(text: str, *, countries: Sequence[CountryName] = MEMBER_COUNTRIES) -> ParsedDeclaration:
    """Parse a declaration's plain text into a draft, with the evidence and the problems seen.

    Raises ParseError (and only that) when there is no text at all, or on a bug in the parser.
    """
    if not text.strip():
        raise ParseError("empty")
    try:
        return _parse(text, _matcher(countries), tuple(c.iso3 for c in countries))
    except ParseError:
        raise
    except Exception as error:
        # Callers handle ParseError only; a parser bug must not take the whole upload down.
        raise ParseError("internal_error") from error


def _matcher(countries: Sequence[CountryName]) -> _CountryMatcher:
    # Rebuilt so the cache key is hashable even if a caller's aliases came as a list.
    return _country_matcher(tuple(CountryName(c.iso3, c.name_en, c.name_es, tuple(c.aliases)) for c in countries))


def _document(text: str, countries: _CountryMatcher) -> _Document:
    cleaned = _clean(text)
    doc = _Document(cleaned=cleaned, lines=_split_lines(cleaned.text), line_starts=_line_starts(cleaned.text))
    _score_dates(doc, countries)
    doc.wrap_width = _estimate_wrap_width(doc)
    return doc


def _parse(text: str, countries: _CountryMatcher, all_codes: tuple[str, ...]) -> ParsedDeclaration:
    doc = _document(text, countries)
    if not doc.clean.strip():
        raise ParseError("empty")  # nothing but invisible characters
    problems: list[Problem] = []

    chosen = _action_list(doc)
    commitments = _commitments(doc, chosen) if chosen else ()
    if chosen is not None and commitments:
        actions = (chosen.items[0].first.start, chosen.items[-1].end)
        start, end = doc.cleaned.original_span(*actions)
        commitments_evidence = Evidence(True, start, end)
    else:
        actions = (len(doc.clean), len(doc.clean))  # no list: the whole text comes before it
        commitments_evidence = Evidence(False)
        problems.append(Problem("no_actions"))

    signatories = _signatories(doc, countries, actions[0], all_codes)
    problems.extend(signatories.problems)
    language = _language(doc.clean)
    adoption = _adoption(doc, actions, countries)
    title, kind, title_evidence = _title_and_kind(doc, language, actions[0])
    if not title_evidence.found:
        problems.append(Problem("no_title"))
    return ParsedDeclaration(
        title=title,
        kind=kind,
        adopted_on=adoption.adopted_on,
        place=adoption.place,
        language=language,
        signatories=signatories.codes,
        commitments=commitments,
        evidence={
            "title": title_evidence,
            "adopted_on": adoption.date_evidence,
            "place": adoption.place_evidence,
            "language": Evidence(True),
            "signatories": signatories.evidence,
            "commitments": commitments_evidence,
        },
        problems=tuple(problems),
    )


@dataclass(frozen=True)
class TextBlock:
    """A paragraph or list item of the text as the parser reads it; offsets in the original."""

    index: int
    start: int
    end: int
    text: str  # on one line, spaces collapsed
    body: str  # the same without its list marker ("1.", "-", "a)"): the words of an action


def text_blocks(text: str, *, countries: Sequence[CountryName] = MEMBER_COUNTRIES) -> list[TextBlock]:
    """The text cut into paragraphs and items, for a person to pick the actions from."""
    if not text.strip():
        return []
    doc = _document(text, _matcher(countries))
    blocks: list[TextBlock] = []
    first = previous = None
    for line in [*doc.lines, None]:
        ends = (
            line is None
            or line.blank
            or (first is not None and previous is not None and _marker(line.text) is not None)
            or (previous is not None and (_is_heading(previous.text) or _is_heading(line.text)))
            or (previous is not None and not _continues_paragraph(doc, previous, line, 0, in_item=False))
        )
        if ends and first is not None and previous is not None:
            start, end = doc.cleaned.original_span(first.start, previous.end)
            words = " ".join(doc.clean[first.start : previous.end].split())
            marker = _marker(first.text)
            body = " ".join(doc.clean[first.start + (marker.content if marker else 0) : previous.end].split())
            blocks.append(TextBlock(len(blocks), start, end, words, body or words))
            first = previous = None
        if line is not None and not line.blank:
            first = first or line
            previous = line
    return blocks
