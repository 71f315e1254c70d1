"""Turn the plain text of a Regional Conference on Migration (RCM) declaration into data.

Pure Python, no Django. :func:`parse_declaration` finds the title, kind, date and place of
adoption, language, signatory Member Countries and the numbered recommended actions
("commitments"); :func:`decode_text` turns the bytes of an uploaded file into text first.

Real declarations come out of Word and PDF files in English or Spanish, so the parser is a
set of deliberately forgiving heuristics rather than a grammar. Two ideas hold it together:

* Everything is read from a *cleaned* copy of the input, in which noise (CRLF, tabs,
  non-breaking spaces, zero-width characters, Word ``[bookmark: …]`` artefacts) has been
  replaced or removed. A table maps every cleaned character back to the original string,
  so each commitment can still be anchored in the text exactly as it was given.
* The text is read line by line. A line starting with a list marker opens an item; the
  lines after it are joined to it while they read as its continuation (wrapped lines,
  indented lines, lettered sub-items). Blank lines inside a list do not end it — page
  breaks look exactly like that — but a paragraph without a marker does.

Only :class:`ParseError` ever escapes :func:`parse_declaration`, whatever the input.
"""

from __future__ import annotations

import bisect
import codecs
import datetime
import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from declarations.country_names import MEMBER_COUNTRIES, CountryName

__all__ = [
    "KINDS",
    "ParseError",
    "ParsedCommitment",
    "ParsedDeclaration",
    "decode_text",
    "parse_declaration",
]

KINDS = ("declaration", "special_declaration", "extraordinary_declaration", "joint_statement", "other")

# Database column sizes the loader stores these values in.
MAX_TITLE_LENGTH = 300
MAX_PLACE_LENGTH = 120

UNTITLED = {"en": "Untitled declaration", "es": "Declaración sin título"}

_INTERNAL_ERROR = gettext_lazy(
    "the text could not be read as a declaration because of an unexpected error in the parser"
)


class ParseError(ValueError):
    """The input is not a usable declaration; the message is one human sentence naming why."""


@dataclass(frozen=True)
class ParsedCommitment:
    """One recommended action, numbered 1..n in text order whatever the source numbering."""

    number: int
    text: str
    start: int  # offset in the original input of the item's marker (or first word)
    end: int  # offset just after the item's last visible character (exclusive)


@dataclass(frozen=True)
class ParsedDeclaration:
    title: str
    kind: str
    adopted_on: datetime.date | None
    place: str | None
    language: str
    signatories: tuple[str, ...]
    commitments: tuple[ParsedCommitment, ...]

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape (``load_declarations --dry-run --format json``); no other keys."""
        return {
            "title": self.title,
            "adopted_on": self.adopted_on.isoformat() if self.adopted_on else None,
            "place": self.place,
            "language": self.language,
            "signatories": list(self.signatories),
            "commitments": [{"number": c.number, "text": c.text} for c in self.commitments],
        }


# --------------------------------------------------------------------------------------------
# Bytes → text
# --------------------------------------------------------------------------------------------

_BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    # UTF-32 before UTF-16: the UTF-32 little-endian mark begins with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
# Binary files decoded as cp1252 are full of control characters; real text has almost none.
_MAX_CONTROL_SHARE = 0.01
_NOT_TEXT = gettext_lazy("the file is not a readable text file")


def decode_text(data: bytes) -> str:
    """Decode an uploaded declaration: UTF-8 (BOM or not), UTF-16/32 with a BOM, else cp1252.

    Raises ParseError for an empty file and for anything that is not text (NUL bytes, or
    mostly control characters: a PDF, a Word file, an image).
    """
    if not data:
        raise ParseError(_("the file is empty"))
    text = _decode_bytes(data)
    if not _looks_like_text(text):
        raise ParseError(_NOT_TEXT)
    if not text.strip():
        raise ParseError(_("the file is empty"))
    return text


def _decode_bytes(data: bytes) -> str:
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise ParseError(_NOT_TEXT) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Word's "Save as plain text" on Windows: the one legacy encoding RCM files use.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ParseError(_NOT_TEXT) from None


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    return controls <= _MAX_CONTROL_SHARE * len(text)


# --------------------------------------------------------------------------------------------
# Cleaning, with a map back to the original offsets
# --------------------------------------------------------------------------------------------

_NOISE_RE = re.compile(
    r"(?P<bookmark>\[bookmark:[^\]\n\r]{0,200}\])"
    r"|(?P<newline>\r\n?|[\f\v\x1c-\x1e\x85\u2028\u2029])"
    r"|(?P<invisible>[\u00ad\u200b-\u200d\u2060\ufeff])"
    r"|(?P<space>[\t\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Cleaned:
    """The cleaned text, and for each of its characters the offset it came from."""

    original: str
    text: str
    origin: list[int]  # origin[i] = offset in the original of text[i]; one extra entry for the end

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty clean span back to the original string (end exclusive)."""
        return self.origin[start], self.origin[end - 1] + 1


def _clean(original: str) -> _Cleaned:
    """Normalise line breaks and spaces, drop invisible characters and Word bookmarks.

    Every line break becomes "\\n" (a form feed is a page break: a line break too), every
    odd space becomes " "; zero-width characters and bookmarks disappear.
    """
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _NOISE_RE.finditer(original):
        start, end = match.span()
        if start > last:
            pieces.append(original[last:start])
            origin.extend(range(last, start))
        replacement = {"newline": "\n", "space": " "}.get(match.lastgroup or "", "")
        if replacement:
            pieces.append(replacement)
            origin.append(start)
        last = end
    pieces.append(original[last:])
    origin.extend(range(last, len(original)))
    origin.append(len(original))
    return _Cleaned(original, "".join(pieces), origin)


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: the form in which names are compared."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Lines and list markers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    index: int
    start: int  # clean offset of the first visible character
    end: int  # clean offset just after the last visible character
    indent: int
    text: str  # the line without surrounding spaces; "" for a blank line

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def width(self) -> int:
        return self.indent + len(self.text)


# Page numbers ("3", "- 3 -", "Page 3 of 5") sit between items at page breaks: read as blank.
_PAGE_NUMBER_RE = re.compile(
    r"(?:-\s?)?\d{1,3}(?:\s?-)?|(?:page|p[áa]gina|p[áa]g\.)\s?\d{1,3}(?:\s(?:of|de)\s\d{1,3})?",
    re.IGNORECASE,
)
_HAS_WORD_RE = re.compile(r"[^\W_]")


def _split_lines(clean: str) -> list[_Line]:
    lines: list[_Line] = []
    position = 0
    for index, raw in enumerate(clean.split("\n")):
        leading = len(raw) - len(raw.lstrip())
        text = raw.strip()
        # A line without a letter or digit ("* * *", "______") separates, it says nothing.
        if _PAGE_NUMBER_RE.fullmatch(text) or not _HAS_WORD_RE.search(text):
            text = ""
        start = position + leading
        lines.append(_Line(index, start, start + len(text), leading, text))
        position += len(raw) + 1
    return lines


@dataclass(frozen=True)
class _Marker:
    family: str  # items of one list share a family: "bullet:-", "number:.", "sub:lower)" …
    number: int | None  # the item number of a numbered list
    content: int  # index in the line's text where the item's own words begin
    is_sub: bool  # a lettered or roman marker: a sub-item when it follows an item


_UPPER_START = "A-ZÁÉÍÓÚÑÜ“\"«'‘¿¡"
_PAREN_NUMBER_RE = re.compile(r"\((\d{1,3})\)\s*")
# "1." "1)" "1.-" followed by a space, the end of the line, or (PDF glue) straight by a capital.
_NUMBER_RE = re.compile(rf"(\d{{1,3}})(\.-|\.|\))(?:\s+|$|(?=[{_UPPER_START}]))")
_NUMBER_DASH_RE = re.compile(r"(\d{1,3})\s?[-–]\s+")
_DASH_BULLET_RE = re.compile(r"([-–—*])\s+|(-)(?=[A-ZÁÉÍÓÚÑ])")
_GLYPH_BULLET_RE = re.compile(r"([•▪●◦○■□►➢➤✓·])\s*")
_PAREN_SUB_RE = re.compile(r"\(([a-zA-Z]|[ivxlIVXL]{2,5})\)\s*")
_SUB_RE = re.compile(r"([a-zA-Z]|[ivxlIVXL]{2,5})([.)])\s+")
_ROMAN_RE = re.compile(r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})", re.IGNORECASE)


def _marker(text: str) -> _Marker | None:
    """The list marker at the start of a (stripped, non-blank) line, if any."""
    if match := _PAREN_NUMBER_RE.match(text):
        return _Marker("number:()", int(match[1]), match.end(), is_sub=False)
    if match := _NUMBER_RE.match(text):
        return _Marker(f"number:{match[2]}", int(match[1]), match.end(), is_sub=False)
    if match := _NUMBER_DASH_RE.match(text):
        return _Marker("number:-", int(match[1]), match.end(), is_sub=False)
    if match := _DASH_BULLET_RE.match(text):
        symbol = match[1] or match[2]
        return _Marker(f"bullet:{'–' if symbol == '—' else symbol}", None, match.end(), is_sub=False)
    if match := _GLYPH_BULLET_RE.match(text):
        return _Marker(f"bullet:{match[1]}", None, match.end(), is_sub=False)
    if match := _PAREN_SUB_RE.match(text):
        return _sub_marker(match[1], "()", match.end())
    if match := _SUB_RE.match(text):
        return _sub_marker(match[1], match[2], match.end())
    return None


def _sub_marker(label: str, style: str, content: int) -> _Marker | None:
    if len(label) > 1 and not _ROMAN_RE.fullmatch(label):
        return None
    case = "lower" if label.islower() else "upper"
    return _Marker(f"sub:{case}{style}", None, content, is_sub=True)


# --------------------------------------------------------------------------------------------
# What kind of line is this?
# --------------------------------------------------------------------------------------------

_SENTENCE_END_RE = re.compile(r"[.!?;…][\"'”’»)\]]*$")
# Preamble verbs: a paragraph opening with one of these is context, never an action.
_OPENER_RE = re.compile(
    r"(?:recogni[sz]ing|thanking|reaffirming|reiterating|considering|acknowledging|noting|taking|"
    r"welcoming|expressing|convinced|recalling|highlighting|stressing|emphasi[sz]ing|underlining|"
    r"bearing|aware|mindful|deeply|reconociendo|agradeciendo|reafirmando|reiterando|considerando|"
    r"tomando|expresando|convencid[oa]s|recordando|destacando|subrayando|enfatizando|teniendo|"
    r"conscientes|resaltando|saludando|acogiendo|observando)\b",
    re.IGNORECASE,
)
_CLOSING_RE = re.compile(
    r"(?:done|adopted|signed|issued|given|approved|dad[oa]|hech[oa]|firmad[oa]s?|suscrit[oa]s?|"
    r"adoptad[oa]|aprobad[oa]|emitid[oa])\s+(?:and\s+\w+\s+)?(?:at|in|on|en|el|a\s+los)\b"
    r"|in\s+witness\s+whereof|en\s+fe\s+de\s+lo\s+cual",
    re.IGNORECASE,
)
_SIGNATURE_RE = re.compile(r"(?:for|por)\s+(?:the\s+|el\s+|la\s+)?(?:government|gobierno|delegation|delegaci)", re.I)


def _is_signature(line: _Line) -> bool:
    """ "For the Government of Belize" / "Por el Gobierno de …": a signature block begins."""
    return line.text[:1].isupper() and bool(_SIGNATURE_RE.match(line.text))


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END_RE.search(text))


def _is_all_caps(text: str, *, threshold: float = 0.8, minimum: int = 3) -> bool:
    cased = [ch for ch in text if ch.isupper() or ch.islower()]
    if len(cased) < minimum:
        return False
    return sum(1 for ch in cased if ch.isupper()) >= threshold * len(cased)


def _is_heading(text: str) -> bool:
    """An all-caps line such as "CONCLUSIONS", "ACORDARON:" or "II. RECOMMENDATIONS"."""
    return (
        _is_all_caps(text, threshold=0.85, minimum=6)
        and len(text.split()) <= 15
        and not text.rstrip('"”’»').endswith((",", ";", "."))
    )


# --------------------------------------------------------------------------------------------
# The document as the heuristics see it
# --------------------------------------------------------------------------------------------


@dataclass
class _Document:
    cleaned: _Cleaned
    lines: list[_Line]
    line_starts: list[int]
    wrap_width: int | None = None
    dates: list[_DateMention] = field(default_factory=list)
    dateline_lines: set[int] = field(default_factory=set)

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
    lines = doc.lines
    widths = [
        line.width
        for line, following in itertools.pairwise(lines)
        if not line.blank
        and _first_word_length(doc, line) < len(line.text)
        and not following.blank
        and not _ends_sentence(line.text)
        and not line.text.endswith(":")
        and not _is_heading(line.text)
        and _marker(following.text) is None
    ]
    return max(widths, default=None)


def _continues_paragraph(doc: _Document, previous: _Line, line: _Line, base_indent: int) -> bool:
    """Does ``line`` (right after ``previous``, no blank line between) continue its paragraph?"""
    if doc.is_closing(line) or _is_signature(line) or (_is_heading(line.text) and line.text.endswith(":")):
        return False
    if not _ends_sentence(previous.text):
        return True  # the sentence is unfinished (even if the wrapped line is all acronyms)
    if _is_heading(line.text):
        return False
    if not line.text[0].isupper():
        return True
    if _OPENER_RE.match(line.text):
        return False  # "Thanking…", "Recognizing…": a new preamble paragraph
    if line.indent > base_indent:
        return True
    if doc.wrap_width is None:
        return False  # one line per paragraph: a finished sentence ends it
    # Hard-wrapped text: had the paragraph ended here, the next word would have fitted.
    return previous.width + 1 + _first_word_length(doc, line) > doc.wrap_width


_BREAKING_SPACES = frozenset(" \t\n\r\f\v")


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


# --------------------------------------------------------------------------------------------
# Lists of actions
# --------------------------------------------------------------------------------------------


@dataclass
class _Item:
    first: _Line
    content: int  # clean offset where the item's words begin (after its marker)
    lines: list[_Line] = field(default_factory=list)  # continuation and sub-item lines

    @property
    def end(self) -> int:
        return (self.lines[-1] if self.lines else self.first).end

    @property
    def last_index(self) -> int:
        return (self.lines[-1] if self.lines else self.first).index

    @property
    def has_content(self) -> bool:
        return self.content < self.first.end or bool(self.lines)

    def text(self, clean: str) -> str:
        parts = [clean[self.content : self.first.end], *(line.text for line in self.lines)]
        return _collapse(" ".join(parts))


@dataclass
class _List:
    items: list[_Item]
    intro_score: int
    marked: bool
    family: str = ""
    indent: int = 0
    last_number: int | None = None

    @property
    def rank(self) -> tuple[int, int, int]:
        # An introduced list beats a longer one; an unmarked (paragraph) list is the last resort.
        score = 2 * self.intro_score - (0 if self.marked else 1)
        return score, len(self.items), sum(item.end - item.content for item in self.items)


# Words that introduce the recommended actions ("agreed", "ACORDARON", "the following actions").
_ACTION_WORDS_RE = re.compile(
    r"\b(?:agree[sd]?|acord\w*|acuerd\w*|recommend\w*|recomend\w*|recomiend\w*|commit\w*|comprom\w*|"
    r"adopt(?:s|ed|ing)?|adopta\w*|approv(?:e|es|ed|ing)|aprob\w*|aprueb\w*|resol\w*|resuel\w*|decid\w*|"
    r"conclu\w*|actions?|acci[oó]n(?:es)?|measures|medidas|following\s+declaration|siguiente\s+declaraci[oó]n|"
    # the verb, not the noun: a heading "DECLARATION OF …" introduces nothing
    r"declare[sd]?|declar(?:a|an|amos|aron|ó))\b",
    re.IGNORECASE,
)
# Words that introduce a quotation or an enumeration of something else (SDG targets …).
_NOT_ACTIONS_RE = re.compile(r"\b(?:including|includes|such as|incluyendo|incluye|tales como|targets?|metas?)\b", re.I)


def _intro_text(lines: list[_Line], before: int) -> str:
    """The paragraph (or heading) just before line number ``before``; "" if there is none."""
    index = before - 1
    while index >= 0 and lines[index].blank:
        index -= 1
    if index < 0 or _marker(lines[index].text) is not None:
        return ""
    collected = [lines[index].text]
    # Walk back over the wrapped lines of the same paragraph (they do not end a sentence).
    while (
        index > 0
        and len(collected) < 8
        and not lines[index - 1].blank
        and not _ends_sentence(lines[index - 1].text)
        and _marker(lines[index - 1].text) is None
    ):
        index -= 1
        collected.insert(0, lines[index].text)
    return " ".join(collected)


def _intro_score(intro: str) -> int:
    if not intro:
        return 0
    strong = bool(_ACTION_WORDS_RE.search(intro))
    score = (2 if strong else 0) + (1 if intro.rstrip().endswith(":") else 0)
    if not strong and (_OPENER_RE.match(intro) or _NOT_ACTIONS_RE.search(intro)):
        score -= 1
    return score


def _new_item(line: _Line, marker: _Marker) -> _Item:
    return _Item(first=line, content=line.start + marker.content)


def _marked_lists(doc: _Document) -> list[_List]:
    """Every run of marked items in the text, each with the score of its introduction."""
    found: list[_List] = []
    current: _List | None = None
    previous: _Line | None = None
    after_blank = False
    for line in doc.lines:
        if line.blank:
            after_blank = True
            continue
        marker = _marker(line.text)
        if current is not None and not _extend_list(doc, current, line, marker, previous, after_blank):
            found.append(current)
            current = None
        if current is None and marker is not None and not _is_heading(line.text[marker.content :]):
            current = _List(
                items=[_new_item(line, marker)],
                intro_score=_intro_score(_intro_text(doc.lines, line.index)),
                marked=True,
                family=marker.family,
                indent=line.indent,
                last_number=marker.number,
            )
        previous = line
        after_blank = False
    if current is not None:
        found.append(current)
    return _merge_across_page_furniture(doc, found)


def _extend_list(
    doc: _Document, current: _List, line: _Line, marker: _Marker | None, previous: _Line | None, after_blank: bool
) -> bool:
    """Add ``line`` to the open list if it belongs there; False means the list has ended."""
    item = current.items[-1]
    if marker is not None:
        if _is_heading(line.text[marker.content :]):
            return False  # "II. RECOMMENDATIONS": a section heading, not an item
        same_family = marker.family == current.family
        in_sequence = marker.number is None or current.last_number is None or marker.number > current.last_number
        if same_family and in_sequence:
            current.items.append(_new_item(line, marker))
            current.last_number = marker.number
            return True
        if marker.is_sub or line.indent > current.indent:
            item.lines.append(line)  # a), (b), ii. … (or a deeper list) stay inside their item
            return True
        return False
    if not item.has_content:
        item.lines.append(line)  # a marker alone on its line ("1." then the text below it)
        return True
    if after_blank or previous is None:
        return False  # a paragraph after the list ends it
    if _continues_paragraph(doc, previous, line, item.first.indent):
        item.lines.append(line)
        return True
    return False


def _merge_across_page_furniture(doc: _Document, lists: list[_List]) -> list[_List]:
    """Join a numbered list cut in two by a running header or footer at a page break.

    Only when the numbering carries straight on and nothing but one or two short lines that
    are not sentences stands between the two halves.
    """
    merged: list[_List] = []
    for candidate in lists:
        if merged and _continues_across_furniture(doc, merged[-1], candidate):
            merged[-1].items.extend(candidate.items)
            merged[-1].last_number = candidate.last_number
        else:
            merged.append(candidate)
    return merged


def _continues_across_furniture(doc: _Document, before: _List, after: _List) -> bool:
    first = _marker(after.items[0].first.text)
    if (
        before.family != after.family
        or not before.family.startswith("number")
        or before.last_number is None
        or first is None
        or first.number != before.last_number + 1
    ):
        return False
    between = [
        line for line in doc.lines[before.items[-1].last_index + 1 : after.items[0].first.index] if not line.blank
    ]
    return len(between) <= 2 and all(
        len(line.text) <= 80
        and not _ends_sentence(line.text)
        and not line.text.endswith(":")
        and not _is_heading(line.text)
        and not doc.is_closing(line)
        and not _OPENER_RE.match(line.text)
        for line in between
    )


def _unmarked_lists(doc: _Document) -> list[_List]:
    """Best effort: actions written as plain paragraphs after "…agreed on the following:"."""
    found: list[_List] = []
    scanned_to = -1  # lines already read as paragraphs: an introduction among them is not a new one
    for line in doc.lines:
        if line.index <= scanned_to or line.blank or _marker(line.text) is not None:
            continue
        if not (line.text.endswith(":") or _is_heading(line.text)):
            continue
        score = _intro_score(_intro_text(doc.lines, line.index + 1))
        if score < 2:
            continue
        items, scanned_to = _paragraphs_after(doc, line.index + 1)
        if items:
            found.append(_List(items=items, intro_score=score, marked=False))
    return found


def _paragraphs_after(doc: _Document, start: int) -> tuple[list[_Item], int]:
    """The paragraphs from line ``start`` to the first closing line; and the last line read."""
    items: list[_Item] = []
    previous: _Line | None = None
    after_blank = False
    title_skipped = False
    last = start
    for line in doc.lines[start:]:
        last = line.index
        if line.blank:
            after_blank = True
            continue
        if _marker(line.text) is not None:
            break  # a marked list: that one is the candidate, not these paragraphs
        if items and previous is not None and not after_blank and _continues_paragraph(doc, previous, line, 0):
            items[-1].lines.append(line)
        elif _is_heading(line.text) and not items and not title_skipped:
            title_skipped = True  # the quoted or capitalised name of the declaration after the colon
        elif doc.is_closing(line) or _is_heading(line.text) or _OPENER_RE.match(line.text) or _is_signature(line):
            break
        else:
            items.append(_Item(first=line, content=line.start))
        previous = line
        after_blank = False
    return items, last


def _action_list(doc: _Document) -> _List | None:
    candidates = [
        candidate
        for candidate in _marked_lists(doc) + _unmarked_lists(doc)
        if any(item.text(doc.clean) for item in candidate.items)
    ]
    return max(candidates, key=lambda candidate: candidate.rank, default=None)


def _commitments(doc: _Document, chosen: _List) -> tuple[ParsedCommitment, ...]:
    commitments: list[ParsedCommitment] = []
    for item in chosen.items:
        text = item.text(doc.clean)
        if not text:
            continue
        start, end = doc.cleaned.original_span(item.first.start, item.end)
        commitments.append(ParsedCommitment(number=len(commitments) + 1, text=text, start=start, end=end))
    return tuple(commitments)


# --------------------------------------------------------------------------------------------
# Dates and places
# --------------------------------------------------------------------------------------------

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
    score: int = 0  # 3 dateline, 2 meeting sentence with a place, 1 meeting sentence, 0 other
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
_CITY_OF_RE = re.compile(r"(?:the\s+|la\s+)?(city\s+of|ciudad\s+de)\s+(.*)", re.IGNORECASE | re.DOTALL)
# Cities whose own name is "Ciudad de …": "Dado en la Ciudad de Guatemala" happened there, not in "Guatemala".
_CIUDAD_DE_CITIES = frozenset({"guatemala", "panama", "mexico"})
_NAME_CONNECTORS = frozenset({"de", "del", "la", "las", "los", "el", "of", "the", "y", "and"})
_DATELINE_SUFFIX_RE = re.compile(r"[\s.,;)]*")


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


def _as_dateline(doc: _Document, mention: _DateMention) -> _DateMention | None:
    """The mention scored as a dateline ("Panama City, March 25, 2022" on its own line)."""
    line = doc.line_at(mention.start)
    end_line = doc.line_at(max(mention.start, mention.end - 1))
    prefix = _collapse(doc.clean[line.start : mention.start])
    suffix = doc.clean[mention.end : max(mention.end, end_line.end)]
    if not _DATELINE_SUFFIX_RE.fullmatch(suffix) or len(prefix) > 100:
        return None
    above = doc.lines[line.index - 1] if line.index > 0 else None
    if above is not None and not above.blank and not (_ends_sentence(above.text) or _is_all_caps(above.text)):
        return None  # the end of a wrapped sentence ("…reunidos en Tegucigalpa,\nHonduras, el 1 de …")
    if not prefix:
        return _DateMention(mention.date, mention.start, mention.end, score=3)
    closing = _CLOSING_PREFIX_RE.match(prefix) if prefix[0].isupper() else None
    rest = prefix[closing.end() :] if closing else prefix
    place = _place_from_prefix(rest) if rest.strip(" ,") else None
    if place is None and not closing:
        return None
    return _DateMention(mention.date, mention.start, mention.end, score=3, place=place)


_IN_RE = re.compile(r"\b(?:in|at|en)\s+")
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
            return _DateMention(mention.date, mention.start, mention.end, score=2, place=place)
    if _MEETING_RE.search(window):
        return _DateMention(mention.date, mention.start, mention.end, score=1)
    return mention


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


def _score_dates(doc: _Document, countries: _CountryMatcher) -> None:
    """Score every date mention and remember which lines are datelines (they close lists)."""
    scored: list[_DateMention] = []
    for mention in _date_mentions(doc.clean):
        dateline = _as_dateline(doc, mention)
        if dateline is not None:
            doc.dateline_lines.add(doc.line_at(mention.start).index)
            scored.append(dateline)
        else:
            scored.append(_in_meeting_sentence(doc, mention, countries))
    doc.dates = scored


def _adoption(
    doc: _Document, actions: tuple[int, int], countries: _CountryMatcher
) -> tuple[datetime.date | None, str | None]:
    """Date and city of adoption: a dateline first, then the meeting sentence; never a guess."""
    candidates = [m for m in doc.dates if m.score > 0 and not actions[0] <= m.start < actions[1]]
    best = max(candidates, key=lambda m: (m.score, -m.start), default=None)
    adopted_on = best.date if best else None
    place = best.place if best else None
    if place is None:
        place = next((m.place for m in candidates if m.place and m.score >= 2), None)
    if place is None:
        place = _meeting_place_without_date(doc, actions[0], countries)
    return adopted_on, place


# --------------------------------------------------------------------------------------------
# Signatories
# --------------------------------------------------------------------------------------------

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
    r"\b(?:in|en|at)\s+(?:the\s+city\s+of\s+|la\s+ciudad\s+de\s+)?(?P<city>[A-ZÁÉÍÓÚÑ][^\s,]*(?:\s[^\s,]+){0,3}),\s*$"
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


def _signatories(doc: _Document, countries: _CountryMatcher, actions_start: int) -> tuple[str, ...]:
    """The countries of the longest enumeration of Member Countries (before the actions if any)."""
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
    return tuple(dict.fromkeys(mention.iso3 for mention in best))


# --------------------------------------------------------------------------------------------
# Language, title and kind
# --------------------------------------------------------------------------------------------

# fmt: off
_ENGLISH_WORDS = frozenset(
    [
        "the", "and", "of", "to", "in", "for", "with", "on", "that", "is", "are", "we", "our", "by", "this",
        "these", "which", "from", "as", "its",
    ]
)
_SPANISH_WORDS = frozenset(
    [
        "el", "la", "los", "las", "de", "del", "y", "en", "para", "con", "por", "que", "se", "su", "sus", "una",
        "un", "al", "sobre", "como",
    ]
)
# fmt: on
_LANGUAGE_SAMPLE = 20_000


def _language(clean: str) -> str:
    english = spanish = 0
    for word in _LETTERS_RE.findall(clean[:_LANGUAGE_SAMPLE].lower()):
        english += word in _ENGLISH_WORDS
        spanish += word in _SPANISH_WORDS
    return "es" if spanish > english else "en"


_QUOTED_TITLE_RE = re.compile(r"[\"“”«„'‘’](?P<title>[^\"“”«»„]{3,250}?)[\"“”»'’]\s*[.:]?")
_TITLE_WORD_RE = re.compile(r"declara|statement|comunicado|communiqu|compromiso|commitment|plan\b", re.I)
_TITLE_NAME_RE = re.compile(r"declara|statement|comunicado|communiqu|conferen|meeting|reuni[oó]n|summit|cumbre", re.I)
# fmt: off
_SMALL_WORDS = frozenset(
    [
        "a", "an", "the", "and", "or", "nor", "but", "of", "on", "in", "to", "for", "at", "by", "with", "from",
        "as", "into", "upon", "per", "vs", "via", "de", "la", "el", "del", "los", "las", "y", "e", "o", "u", "en",
        "sobre", "para", "con", "por", "al", "un", "una",
    ]
)
_ACRONYMS = frozenset(
    [
        "RCM", "CRM", "IOM", "OIM", "SICA", "UN", "ONU", "UNHCR", "ACNUR", "OAS", "OEA", "SACM", "CSM", "MIRPS",
        "GCM", "PMM", "USA", "EEUU", "EE.UU.", "U.S.", "UNICEF", "OCAM", "CELAC", "COVID", "LGBTI", "LGTBI",
        "LGBTIQ", "SDG", "SDGS", "ODS", "NGO", "NGOS", "ONG", "ONGS", "ILO", "OIT", "UNDP", "PNUD", "UNFPA", "IDB",
        "BID", "ECLAC", "CEPAL", "OHCHR", "ACNUDH", "CARICOM", "COMMCA", "WHO", "OMS", "OPS", "PAHO",
    ]
)
# fmt: on
_NOT_ROMAN = frozenset({"MIX", "DI", "MI", "DIM", "MID", "LID", "CID", "DC", "CD", "MD", "LI", "MIL", "VID"})
_VOWELS = frozenset("AEIOUYÁÉÍÓÚÜ")
_TRIM_CHARS = "\"“”«»„'‘’()[]¿?¡!,;:."


def _title_case(text: str) -> str:
    """ "SPECIAL DECLARATION OF THE RCM" → "Special Declaration of the RCM"."""
    words = text.split()
    result: list[str] = []
    capitalise = True
    for word in words:
        result.append(_title_word(word, capitalise=capitalise))
        capitalise = word.endswith((":", "—", "–"))
    return " ".join(result)


def _title_word(word: str, *, capitalise: bool) -> str:
    core = word.strip(_TRIM_CHARS)
    if not core:
        return word
    lead = word[: word.index(core)]
    trail = word[len(lead) + len(core) :]
    if core.upper() in _ACRONYMS or core.rstrip(".").upper() in _ACRONYMS:
        return lead + core + trail
    if core.lower() in _SMALL_WORDS and not capitalise:
        return lead + core.lower() + trail
    parts = re.split(r"([-/])", core)
    return lead + "".join(_title_part(part) for part in parts) + trail


def _title_part(part: str) -> str:
    letters = "".join(ch for ch in part if ch.isalpha())
    if not letters:
        return part
    upper = letters.upper()
    if upper in _ACRONYMS:
        return part
    if _ROMAN_RE.fullmatch(letters) and upper not in _NOT_ROMAN:
        return part.upper()  # "XXII", "IV"
    if len(letters) >= 2 and not any(ch in _VOWELS for ch in upper):
        return part  # "RCM", "CRM": consonants only, an acronym
    return part[:1].upper() + part[1:].lower()


def _tidy_title(raw: str) -> str:
    title = _collapse(raw).strip(" \"“”«»„'‘’").rstrip(" :;,.")
    if _is_all_caps(title):
        title = _title_case(title)
    if len(title) > MAX_TITLE_LENGTH:
        title = title[:MAX_TITLE_LENGTH].rsplit(" ", 1)[0]
    return title


def _quoted_title(doc: _Document, before: int) -> str | None:
    """ "DARIEN DECLARATION" on its own line, in quotes: the declaration naming itself."""
    for line in doc.lines:
        if line.start >= before:
            break
        match = _QUOTED_TITLE_RE.fullmatch(line.text)
        if match and _TITLE_WORD_RE.search(match["title"]):
            return match["title"]
    return None


def _heading_groups(doc: _Document) -> list[list[str]]:
    """The heading lines at the top of the text, in groups separated by blank lines."""
    groups: list[list[str]] = [[]]
    seen = 0
    for line in doc.lines:
        if line.blank:
            if groups[-1]:
                groups.append([])
            continue
        seen += 1
        if seen > 12:
            break
        if line.index in doc.dateline_lines:
            continue  # "Panama City, March 25, 2022" above or below the heading
        if _is_title_line(doc, line):
            groups[-1].append(line.text)
        else:
            break
    return [group for group in groups if group]


def _is_title_line(doc: _Document, line: _Line) -> bool:
    text = line.text
    if _marker(text) is not None and not _is_all_caps(text):
        return False
    if _is_all_caps(text):
        return len(text.split()) <= 40
    following = doc.lines[line.index + 1] if line.index + 1 < len(doc.lines) else None
    return (
        len(text.split()) <= 15
        and bool(_TITLE_NAME_RE.search(text))
        and not text.endswith((".", ",", ";"))
        and (following is None or following.blank or _is_all_caps(following.text))
    )


def _heading(doc: _Document) -> str | None:
    groups = _heading_groups(doc)
    if not groups:
        return None
    named = [group for group in groups if _TITLE_WORD_RE.search(" ".join(group))]
    group = (named or groups)[0]
    # Lines above the one that names the declaration are the organisation's banner
    # ("REGIONAL CONFERENCE ON MIGRATION"); lines from it on are one wrapped heading.
    first = next((i for i, text in enumerate(group) if _TITLE_WORD_RE.search(text)), 0)
    return " ".join(group[first:])


def _kind(text: str) -> str:
    folded = _fold(text).upper()
    if re.search(r"JOINT (?:STATEMENT|DECLARATION|COMMUNIQUE)|DECLARACION CONJUNTA|COMUNICADO CONJUNTO", folded):
        return "joint_statement"
    if "EXTRAORDINAR" in folded:
        return "extraordinary_declaration"
    if re.search(r"\b(?:SPECIAL|ESPECIAL)\b", folded):
        return "special_declaration"
    if re.search(r"\bDECLARA(?:TION|CION)\b", folded):
        return "declaration"
    return "other"


def _title_and_kind(doc: _Document, language: str, actions_start: int) -> tuple[str, str]:
    heading = _heading(doc)
    quoted = _quoted_title(doc, actions_start)
    raw = quoted or heading
    title = _tidy_title(raw) if raw else ""
    kind = _kind(" ".join(filter(None, (heading, quoted))))
    return title or UNTITLED[language], kind


# --------------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------------


def parse_declaration(text: str, *, countries: Sequence[CountryName] = MEMBER_COUNTRIES) -> ParsedDeclaration:
    """Parse a declaration's plain text. Raises ParseError (and only that) when it is unusable."""
    try:
        # Rebuilt so the cache key is hashable even if a caller's aliases came as a list.
        key = tuple(CountryName(c.iso3, c.name_en, c.name_es, tuple(c.aliases)) for c in countries)
        return _parse(text, _country_matcher(key))
    except ParseError:
        raise
    except Exception as error:
        # Callers handle ParseError only; a parser bug must not take the whole upload down.
        raise ParseError(_INTERNAL_ERROR) from error


def _parse(text: str, countries: _CountryMatcher) -> ParsedDeclaration:
    cleaned = _clean(text)
    lines = _split_lines(cleaned.text)
    doc = _Document(cleaned=cleaned, lines=lines, line_starts=_line_starts(cleaned.text))
    _score_dates(doc, countries)
    doc.wrap_width = _estimate_wrap_width(doc)

    chosen = _action_list(doc)
    commitments = _commitments(doc, chosen) if chosen else ()
    if chosen is None or not commitments:
        raise ParseError(_("no recommended actions found"))
    actions = (chosen.items[0].first.start, chosen.items[-1].end)

    signatories = _signatories(doc, countries, actions[0])
    if not signatories:
        raise ParseError(_("no signatory Member Country recognised"))

    language = _language(cleaned.text)
    adopted_on, place = _adoption(doc, actions, countries)
    title, kind = _title_and_kind(doc, language, actions[0])
    return ParsedDeclaration(
        title=title,
        kind=kind,
        adopted_on=adopted_on,
        place=place,
        language=language,
        signatories=signatories,
        commitments=commitments,
    )
