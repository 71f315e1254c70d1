"""Bytes to text, and text to a cleaned copy that remembers where each character came from.

Everything the other modules read comes from the *cleaned* copy, in which noise (CRLF, tabs,
non-breaking spaces, zero-width characters, Word ``[bookmark: …]`` artefacts) has been replaced
or removed. A table maps every cleaned character back to the original string, so each finding
can still be anchored in the text exactly as it was given.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass

from declarations.parser.errors import ParseError

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


def decode_text(data: bytes) -> str:
    """Decode an uploaded declaration: UTF-8 (BOM or not), UTF-16/32 with a BOM, else cp1252.

    Raises ParseError for an empty file and for anything that is not text (NUL bytes, or
    mostly control characters: a PDF, a Word file, an image).
    """
    if not data:
        raise ParseError("empty")
    text = _decode_bytes(data)
    if not _looks_like_text(text):
        raise ParseError("not_text")
    if not text.strip():
        raise ParseError("empty")
    return text


def _decode_bytes(data: bytes) -> str:
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise ParseError("not_text") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Word's "Save as plain text" on Windows: the one legacy encoding RCM files use.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ParseError("not_text") from None


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
    reflowed: bool = False  # line breaks were added to a text that came as one long line

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
    return _reflow(_Cleaned(original, "".join(pieces), origin))


# --------------------------------------------------------------------------------------------
# Line breaks a copy out of a web page lost
# --------------------------------------------------------------------------------------------
# Breaks are put in place of the spaces before them, character for character, so the map back to
# the original stays exactly as it is.

_UPPER = "A-ZÁÉÍÓÚÑÜ"
_OPENING = rf"[{_UPPER}¿¡\"“«]"
# "…a través de las siguientes acciones: Fortalecer …": a lead-in that ends in the middle of a line.
# So does "Los Viceministros y Jefes de Delegación: Analizaron …" (who speaks, a colon, what they did).
_INLINE_LEAD_IN_RE = re.compile(
    r"(?:\b(?:following|below|siguientes|a\s+continuaci[oó]n)\b[^:\n]{0,80}"
    r"|(?:^|(?<=\n))[^\S\n]*(?:the\s+|los\s+)?(?:vice-?ministers|viceministros)\b[^:.;\n]{0,80})"
    rf":(?P<gap>[ ]{{1,8}})(?-i:(?={_OPENING}))",
    re.IGNORECASE,
)
_INLINE_MARKER_RE = re.compile(rf"(?P<gap>\s{{1,8}})(?P<number>\d{{1,2}})[.)]-?\s{{1,4}}(?={_OPENING})")
# A sentence ends at ".", ";", "!" or "?" unless the word before is an abbreviation ("D.C.", "Sr.", "No.").
_SENTENCE_GAP_RE = re.compile(rf"(?<=[.;!?])(?P<gap>[ ]{{1,8}})(?={_OPENING}|\d{{1,2}}\s)")
_COLON_GAP_RE = re.compile(rf"(?<=:)(?P<gap>[ ]{{1,8}})(?={_OPENING})")
_ABBREVIATION_RE = re.compile(
    r"(?:\b[^\W\d_]{1,3}|\b(?:[^\W\d_]\.){2,}|\b(?:etc|art|núm|num)|(?:^|\s)\d{1,3})\.$", re.IGNORECASE
)
# "DECLARACIÓN DE SAN SALVADOR Los Viceministros …": a capitalised heading run, then a sentence.
_CAPS_WORD = rf"[{_UPPER}0-9][{_UPPER}0-9\-.,“”\"]*"
_HEADING_RUN_RE = re.compile(
    rf"(?:^|(?<=\n))(?:{_CAPS_WORD}[ ]){{1,24}}{_CAPS_WORD}(?P<gap>[ ]{{1,8}})(?=[{_UPPER}][a-záéíóúñü])"
)
_INLINE_TITLE_RE = re.compile(
    r"[^\S\n]*(?:(?:special|joint|extraordinary|especial|conjunta)\s+)?"
    r"(?:declaration|declaraci[oó]n|statement|communiqu[eé]|comunicado|conclusions|conclusiones)\s+"
    r"(?:of|on|de|del|sobre)\s[^\n.:;]{1,100}?(?P<gap>[ ]{1,8})(?-i:(?=(?:The|Los|Las|La|El|We)\s))",
    re.IGNORECASE,
)
# A paragraph of this many characters is a page that lost its line breaks, not a paragraph;
# so is a long line in a text of two or three lines.
_ONE_LINE_LENGTH = 1500
_FEW_LINES = 3
_FEW_LINES_LENGTH = 400


def _is_one_line(text: str) -> bool:
    lines = [line for line in text.split("\n") if line.strip()]
    longest = max((len(line) for line in lines), default=0)
    return longest > _ONE_LINE_LENGTH or (len(lines) <= _FEW_LINES and longest > _FEW_LINES_LENGTH)


def _reflow(cleaned: _Cleaned) -> _Cleaned:
    text = cleaned.text
    gaps: list[tuple[int, int]] = [match.span("gap") for match in _INLINE_LEAD_IN_RE.finditer(text)]
    one_line = _is_one_line(text)
    if one_line:
        gaps += _numbered_chain_gaps(text)
        gaps += [
            match.span("gap")
            for match in _SENTENCE_GAP_RE.finditer(text)
            if not _ABBREVIATION_RE.search(text[max(0, match.start() - 12) : match.start()])
        ]
        gaps += [match.span("gap") for match in _COLON_GAP_RE.finditer(text)]
    if not gaps:
        return cleaned
    chars = list(text)
    for start, end in gaps:
        chars[start:end] = "\n" * (end - start)
    text = "".join(chars)
    if one_line and (title := _INLINE_TITLE_RE.match(text)):
        # "Declaration of Tela The Vice-Ministers …": the title, then the first sentence.
        start, end = title.span("gap")
        text = text[:start] + "\n" * (end - start) + text[end:]
    if one_line:
        # Headings are found once sentences are on lines of their own.
        chars = list(text)
        for match in _HEADING_RUN_RE.finditer(text):
            start, end = match.span("gap")
            chars[start:end] = "\n" * (end - start)
        text = "".join(chars)
    return _Cleaned(cleaned.original, text, cleaned.origin, reflowed=one_line)


def _numbered_chain_gaps(text: str) -> list[tuple[int, int]]:
    """The spaces before "1. … 2. … 3. …" written inline: the longest run numbered 1, 2, 3 in order."""
    chains: list[list[re.Match[str]]] = []
    waiting: dict[int, list[re.Match[str]]] = {}  # the chain each next number would extend
    for match in _INLINE_MARKER_RE.finditer(text):
        number = int(match["number"])
        chain = waiting.pop(number, None)
        if chain is None and number == 1:
            chain = []
            chains.append(chain)
        if chain is not None:
            chain.append(match)
            waiting.setdefault(number + 1, chain)
    best = max(chains, key=len, default=[])
    return [match.span("gap") for match in best] if len(best) >= 2 else []


@functools.lru_cache(maxsize=4096)  # country names and words repeat; folding them is not free
def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: the form in which names are compared."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _collapse(text: str) -> str:
    return " ".join(text.split())
