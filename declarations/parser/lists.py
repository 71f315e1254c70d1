"""Lists of actions: marked items, paragraphs after a lead-in, "We …" paragraphs; which one is the declaration's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from declarations.parser.cleaning import _collapse
from declarations.parser.document import _continues_paragraph, _Document
from declarations.parser.lines import (
    _OPENER_RE,
    _ends_sentence,
    _is_heading,
    _is_narrative,
    _is_short_heading,
    _is_signature,
    _Line,
    _Marker,
    _marker,
)
from declarations.parser.result import ParsedCommitment


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


# "Los Viceministros y Jefes de Delegación:": who speaks, then a colon; what follows is what they did.
_SUBJECT_RE = re.compile(
    r"\b(?:vice-?ministers|viceministr[oa]s|heads\s+of\s+delegations?|jef[ea]s\s+(?:y\s+jefas\s+)?de\s+delegaci[oó]n|"
    r"delegations|delegaciones|member\s+countries|pa[ií]ses\s+miembros|governments|gobiernos|participants|"
    r"participantes|(?:the|la)\s+conferen\w+|rcgm|grupo\s+regional\s+de\s+consulta|regional\s+consultation\s+group)\b",
    re.IGNORECASE,
)
_SUBJECT_LEAD_IN_WORDS = 30


def _intro_score(intro: str) -> int:
    if not intro:
        return 0
    strong = bool(_ACTION_WORDS_RE.search(intro))
    colon = intro.rstrip().endswith(":")
    score = (2 if strong else 0) + (1 if colon else 0)
    if not strong and (_OPENER_RE.match(intro) or _NOT_ACTIONS_RE.search(intro)):
        score -= 1
    elif (
        not strong
        and colon
        and len(intro.split()) <= _SUBJECT_LEAD_IN_WORDS
        and _SUBJECT_RE.search(intro)
        and not _is_narrative(intro)
    ):
        score = 2
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
    """The paragraphs from line ``start`` to the first that is not an action; and the last line read.

    The line that ends the list is not counted as read: it may introduce a list of its own.
    """
    items: list[_Item] = []
    previous: _Line | None = None
    after_blank = False
    title_skipped = False
    last = start - 1
    for index in range(start, len(doc.lines)):  # a slice (or islice) would walk the lines before each time
        line = doc.lines[index]
        if line.blank:
            after_blank = True
            last = line.index
            continue
        if _marker(line.text) is not None:
            break  # a marked list: that one is the candidate, not these paragraphs
        if (
            items
            and previous is not None
            and not after_blank
            and _continues_paragraph(doc, previous, line, 0, in_item=False)
        ):
            items[-1].lines.append(line)
        elif (_is_heading(line.text) or _is_short_heading(line.text)) and not items and not title_skipped:
            # The quoted or capitalised name of the declaration after the colon, or "Conclusions".
            title_skipped = True
        elif (
            doc.is_closing(line)
            or _is_heading(line.text)
            or _OPENER_RE.match(line.text)
            or _is_signature(line)
            or _is_narrative(line.text)
            or line.text.endswith(":")  # "They welcomed:": another lead-in, the list is over (or empty)
        ):
            break
        else:
            items.append(_Item(first=line, content=line.start))
        last = line.index
        previous = line
        after_blank = False
    return items, last


# "We recognize the need to …", "Nos comprometemos a …", "Reconocemos …": the Conference speaking.
_WE_RE = re.compile(
    r"(?:[Ww]e\s+(?!the\b|,)|[Nn]osotros\s|[Nn]os\s+\w+(?:amos|emos|imos)\b|[A-ZÁÉÍÓÚ][a-záéíóúñ]+(?:amos|emos|imos)\b)"
)


def _we_lists(doc: _Document) -> list[_List]:
    """Runs of "We …" paragraphs, for a text that has no lead-in line at all."""
    found: list[_List] = []
    current: list[_Item] = []
    previous: _Line | None = None
    after_blank = True
    for line in doc.lines:
        if line.blank:
            after_blank = True
            continue
        if (
            current
            and previous is not None
            and not after_blank
            and _continues_paragraph(doc, previous, line, 0, in_item=False)
        ):
            current[-1].lines.append(line)
        elif _WE_RE.match(line.text) and not line.text.endswith(":") and _marker(line.text) is None:
            current.append(_Item(first=line, content=line.start))
        elif current:
            found.append(_List(items=current, intro_score=1, marked=False))
            current = []
        previous = line
        after_blank = False
    if current:
        found.append(_List(items=current, intro_score=1, marked=False))
    return found


def _action_list(doc: _Document) -> _List | None:
    candidates = [
        candidate
        for candidate in _marked_lists(doc) + _unmarked_lists(doc) + _we_lists(doc)
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
