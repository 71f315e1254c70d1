"""The document as the heuristics see it: cleaned text, lines, dates, and how paragraphs run on."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from declarations.parser.cleaning import _Cleaned
from declarations.parser.lines import (
    _CLOSING_RE,
    _OPENER_RE,
    _ends_sentence,
    _is_heading,
    _is_narrative,
    _is_signature,
    _Line,
    _marker,
)

if TYPE_CHECKING:
    from declarations.parser.dates import _DateMention


@dataclass
class _Document:
    cleaned: _Cleaned
    lines: list[_Line]
    line_starts: list[int]
    wrap_width: int | None = None
    dates: list[_DateMention] = field(default_factory=list)
    dateline_lines: set[int] = field(default_factory=set)

    @functools.cached_property
    def first_sentence_line(self) -> int | None:
        """The index of the first line that ends a sentence: where the body of the text begins."""
        return next((line.index for line in self.lines if not line.blank and _ends_sentence(line.text)), None)

    @property
    def clean(self) -> str:
        return self.cleaned.text

    def line_at(self, offset: int) -> _Line:
        return self.lines[max(0, bisect.bisect_right(self.line_starts, offset) - 1)]

    def is_closing(self, line: _Line) -> bool:
        """ "Done in …", "Dado en …", a "City, date" line, "In witness whereof"."""
        if line.index in self.dateline_lines:
            return True
        # Capitalised only: "adopted in 2018 by …" is an ordinary wrapped line.
        return line.text[:1].isupper() and bool(_CLOSING_RE.match(line.text))


def _line_starts(clean: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", clean))
    return starts


def _estimate_wrap_width(doc: _Document) -> int | None:
    """The width at which the text was hard-wrapped, or None when paragraphs are single lines.

    A line that does not end a sentence and is followed by a non-item line was certainly
    wrapped; the longest such line is the wrapping width (wrapped lines never exceed it, except
    a single unbreakable chunk too long for any line — those do not count).
    """
    if doc.cleaned.reflowed:
        return None  # the breaks were put at sentence ends: nothing was wrapped
    lines = doc.lines
    widths = [
        line.width
        for line, following in itertools.pairwise(lines)
        if not line.blank
        and not following.blank
        and not _ends_sentence(line.text)
        and not line.text.endswith(":")
        and line.index not in doc.dateline_lines  # "Belmopan, Belize, March 3, 2020" is short on purpose
        and _marker(following.text) is None
        and not _is_heading(line.text)
        and _breaks_after_marker(doc, line)
    ]
    return max(widths, default=None)


def _continues_paragraph(
    doc: _Document, previous: _Line, line: _Line, base_indent: int, *, in_item: bool = True
) -> bool:
    """Does ``line`` (right after ``previous``, no blank line between) continue its paragraph?

    ``in_item``: the paragraph is a marked item; in a text that came as one line, the sentences
    after an item's marker are its own until something else begins.
    """
    if doc.is_closing(line) or _is_signature(line) or (_is_heading(line.text) and line.text.endswith(":")):
        return False
    if not _ends_sentence(previous.text):
        return True  # the sentence is unfinished (even if the wrapped line is all acronyms)
    if doc.cleaned.reflowed:
        return in_item and not (
            _is_heading(line.text) or _is_narrative(line.text) or line.text.endswith(":") or _OPENER_RE.match(line.text)
        )
    if _is_heading(line.text):
        return False
    if not line.text[0].isupper():
        return True
    if _OPENER_RE.match(line.text):
        return False  # "Thanking…", "Recognizing…": a new preamble paragraph
    if line.indent > base_indent:
        return True
    if doc.wrap_width is None or previous.width > doc.wrap_width * _UNWRAPPED_RATIO + _WRAP_SLACK:
        # One line per paragraph (a line far longer than the wrapping width was never wrapped at it,
        # as in text taken out of a PDF): a finished sentence ends it. A line only a little longer
        # is no proof: the width is estimated from the few lines known to be wrapped, so it can
        # fall short of the real one (68 estimated for a text wrapped at 72).
        return False
    # Hard-wrapped text: had the paragraph ended here, the next word would have fitted.
    return previous.width + 1 + _first_word_length(doc, line) > doc.wrap_width


_WRAP_SLACK = 2
_UNWRAPPED_RATIO = 1.2
_BREAKING_SPACES = frozenset(" \t\n\r\f\v")


def _breaks_after_marker(doc: _Document, line: _Line) -> bool:
    """Could the line have been wrapped elsewhere? Not if, past its marker, it is one unbreakable chunk."""
    marker = _marker(line.text)
    start = doc.cleaned.origin[line.start + (marker.content if marker else 0)]
    end = doc.cleaned.origin[line.end - 1] + 1
    body = doc.cleaned.original[start:end].strip()
    return any(ch in _BREAKING_SPACES for ch in body)


def _first_word_length(doc: _Document, line: _Line) -> int:
    """Length of the line's first unbreakable chunk, read in the original text.

    Words joined by a no-break space wrap as one: the cleaned text has lost that distinction.
    """
    original = doc.cleaned.original
    start = doc.cleaned.origin[line.start]
    end = doc.cleaned.origin[line.end - 1] + 1
    length = 0
    while start + length < end and original[start + length] not in _BREAKING_SPACES:
        length += 1
    return length
