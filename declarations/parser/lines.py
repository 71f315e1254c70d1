"""Lines of the cleaned text, the list markers that open items, and what kind of line each one is."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Lines are asked the same questions many times over (and hostile inputs repeat lines).
_CACHE_SIZE = 16_384


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


@functools.lru_cache(maxsize=_CACHE_SIZE)
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


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _is_heading(text: str) -> bool:
    """An all-caps line such as "CONCLUSIONS", "ACORDARON:" or "II. RECOMMENDATIONS"."""
    return (
        not text.rstrip('"”’»').endswith((",", ";", "."))
        and len(text) < _LONGEST_HEADING
        and len(text.split()) <= 15
        and _is_all_caps(text, threshold=0.85, minimum=6)
    )


_LONGEST_HEADING = 300


# Where an unnumbered list of actions ends: the meeting's own narrative after it.
_NARRATIVE_RE = re.compile(
    r"(?:(?:they|ellos|the\s+(?:vice-?ministers|delegations|participants|conference|heads\s+of\s+delegation|"
    r"member\s+countries|countries|group)|los\s+(?:viceministros|participantes|pa[ií]ses(?:\s+miembros)?)|"
    r"las\s+delegaciones|la\s+conferencia|el\s+grupo)\b[^.:;\n]{0,80}?\b"
    r"(?:noted|took\s+note|welcomed|thanked|expressed|acknowledged|congratulated|recogni[sz]ed|commended|"
    r"appreciated|received|heard|tomaron\s+nota|acogieron|saludaron|agradecieron|expresaron|reconocieron|"
    r"felicitaron|destacaron|celebraron|recibieron|escucharon|dieron\s+la\s+bienvenida)\b"
    r"|(?:finally|lastly|finalmente|por\s+[uú]ltimo)\b"
    r"|[^.:;\n]{0,80}\b(?:thank(?:s|ed)?|gratitude|agradec\w*|gratitud)\b)",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _is_narrative(text: str) -> bool:
    """ "They noted with interest …", "Finally, …", thanks to the host: what happened, not an action."""
    return bool(_NARRATIVE_RE.match(text))


_SHORT_HEADING_WORDS = 6


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _is_short_heading(text: str) -> bool:
    """ "Conclusions", "Acuerdos", "Recommended actions": a heading in normal case, never an item."""
    words = text.split()
    return (
        0 < len(words) <= _SHORT_HEADING_WORDS
        and text[:1].isupper()
        and not _ends_sentence(text)
        and not text.endswith((",", ":"))
        and not any(ch.isdigit() for ch in text)
    )


# What a page converted to text leaves around the title: not the title, not the end of the heading.
_CLUTTER_RE = re.compile(
    r"(?:advertisement|publicidad|anuncio|download\b.*|descarga\w*\b.*|final\s+version|versi[oó]n\s+final|draft|"
    r"borrador|print|imprimir|share|compartir|skip\s+to\s+.*|ir\s+al\s+contenido|menu|men[uú]|home|inicio|"
    r"(?:[XVILC]+|\d{1,2}(?:st|nd|rd|th|[ºª])?)\s+(?:RCM|CRM)|posted\b.*|publicado\b.*|"
    r"\d{1,2}\s+de\s+\w+\s+de\s+\d{4}|\w+\s+\d{1,2},\s+\d{4}|\d{1,2}\s+\w+\s+\d{4}|\d{4}-\d\d-\d\d)",
    re.IGNORECASE,
)


def _is_clutter(text: str) -> bool:
    return bool(_CLUTTER_RE.fullmatch(text.strip(" .:|-–—[]()")))
