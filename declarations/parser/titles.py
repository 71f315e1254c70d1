"""Language, title and kind of a declaration."""

from __future__ import annotations

import re

from declarations.parser.cleaning import _collapse, _fold
from declarations.parser.countries import _LETTERS_RE
from declarations.parser.document import _Document
from declarations.parser.lines import _ROMAN_RE, _is_all_caps, _is_clutter, _Line, _marker
from declarations.parser.result import MAX_TITLE_LENGTH, UNTITLED, Evidence

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
_TITLE_WORD_RE = re.compile(
    r"declara|statement|comunicado|communiqu|compromiso|commitment|plan\b|conclusion|acuerdos\s+de|acta\b|minutes", re.I
)
_TITLE_NAME_RE = re.compile(
    r"declara|statement|comunicado|communiqu|conferen|meeting|reuni[oó]n|summit|cumbre|conclusion|consultation|consulta",
    re.I,
)
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


def _quoted_title(doc: _Document, before: int) -> tuple[_Line, str] | None:
    """ "DARIEN DECLARATION" on its own line, in quotes: the declaration naming itself."""
    for line in doc.lines:
        if line.start >= before:
            break
        match = _QUOTED_TITLE_RE.fullmatch(line.text)
        if match and _TITLE_WORD_RE.search(match["title"]):
            return line, match["title"]
    return None


def _heading_groups(doc: _Document) -> list[list[_Line]]:
    """The heading lines at the top of the text, in groups separated by blank lines."""
    groups: list[list[_Line]] = [[]]
    seen = 0
    for line in doc.lines:
        if line.blank:
            if groups[-1]:
                groups.append([])
            continue
        seen += 1
        if seen > 16:
            break
        if line.index in doc.dateline_lines or _is_clutter(line.text):
            continue  # "Panama City, March 25, 2022" above or below the heading; "Download PDF"
        if _is_title_line(doc, line):
            groups[-1].append(line)
        else:
            break
    return [group for group in groups if group]


_LONGEST_TITLE_LINE = 400


def _is_title_line(doc: _Document, line: _Line) -> bool:
    text = line.text
    if _marker(text) is not None and not _is_all_caps(text):
        return False
    if len(text) > _LONGEST_TITLE_LINE:
        return False
    if _is_all_caps(text):
        return len(text.split()) <= 40
    following = next(
        (other for other in doc.lines[line.index + 1 : line.index + 40] if not _is_clutter(other.text)), None
    )
    # Text out of a PDF has no blank line under the title: near the top, a title word is enough.
    near_top = sum(1 for other in doc.lines[: line.index] if not other.blank and not _is_clutter(other.text)) < 3
    return (
        len(text.split()) <= 15
        and bool(_TITLE_NAME_RE.search(text))
        and not text.endswith((".", ",", ";", ":"))
        and (
            following is None
            or following.blank
            or _is_all_caps(following.text)
            or following.index in doc.dateline_lines
            or (near_top and bool(_TITLE_WORD_RE.search(text)))
        )
    )


def _heading(doc: _Document) -> list[_Line]:
    groups = _heading_groups(doc)
    if not groups:
        return []
    named = [group for group in groups if _TITLE_WORD_RE.search(" ".join(line.text for line in group))]
    group = (named or groups)[0]
    # Lines above the one that names the declaration are the organisation's banner
    # ("REGIONAL CONFERENCE ON MIGRATION"); lines from it on are one wrapped heading.
    first = next((i for i, line in enumerate(group) if _TITLE_WORD_RE.search(line.text)), 0)
    return group[first:]


# "The Sixth Regional Conference on Migration was held in …": no title line, the meeting names itself.
_MEETING_NAME_RE = re.compile(
    r"(?:the\s+|la\s+|el\s+)?(?P<name>[A-ZÁÉÍÓÚÑ0-9][^.;:\n]{5,160}?)\s+"
    r"(?:was\s+held|took\s+place|met|convened|se\s+(?:celebr[oó]|llev[oó]\s+a\s+cabo|realiz[oó]|reuni[oó])|tuvo\s+lugar)\b",
    re.IGNORECASE,
)
_MEETING_NAME_WORDS_RE = re.compile(r"conferen|reuni[oó]n|meeting|group|grupo|summit|cumbre", re.IGNORECASE)


def _meeting_name(doc: _Document) -> tuple[int, int] | None:
    """The clean span of the meeting's name in the text's first sentence, if that sentence names it."""
    first = next((line for line in doc.lines if not line.blank and not _is_clutter(line.text)), None)
    if first is None:
        return None
    match = _MEETING_NAME_RE.match(doc.clean, first.start, min(len(doc.clean), first.start + 400))
    if match is None or not _MEETING_NAME_WORDS_RE.search(match["name"]):
        return None
    return match.span("name")


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


_BANNER_RE = re.compile(
    r".{0,80}?(?:conference\s+on\s+migration|conferencia\s+regional\s+sobre\s+migraci[oó]n|\bRCM|\bCRM)\s+"
    r"(?=(?:special\s+|joint\s+|extraordinary\s+)?declaration\b|declaraci[oó]n\b)",
    re.IGNORECASE,
)


def _title_and_kind(doc: _Document, language: str, actions_start: int) -> tuple[str, str, Evidence]:
    heading = _heading(doc)
    quoted = _quoted_title(doc, actions_start)
    chosen = [quoted[0]] if quoted is not None else heading
    raw = quoted[1] if quoted is not None else " ".join(line.text for line in chosen)
    span = (chosen[0].start, chosen[-1].end) if chosen else None
    if not raw and (meeting := _meeting_name(doc)) is not None:
        span = meeting
        raw = doc.clean[meeting[0] : meeting[1]]
    if banner := _BANNER_RE.match(raw):
        # "XXI REGIONAL CONFERENCE ON MIGRATION DECLARATION OF MANAGUA": a page without line breaks.
        raw = raw[banner.end() :]
        if span is not None and len(chosen) == 1:
            span = (span[0] + banner.end(), span[1])
    title = _tidy_title(raw) if raw else ""
    kind = _kind(" ".join(filter(None, (" ".join(line.text for line in heading), quoted[1] if quoted else ""))))
    if not title or span is None:
        return UNTITLED[language], kind, Evidence(False)
    start, end = doc.cleaned.original_span(*span)
    return title, kind, Evidence(True, start, end)
