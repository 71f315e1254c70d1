"""What a parse gives back: the draft declaration, the evidence for each field, the problems seen."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from declarations.parser.errors import Problem

KINDS = ("declaration", "special_declaration", "extraordinary_declaration", "joint_statement", "other")
# The fields of the documented JSON shape, each with its evidence.
FIELDS = ("title", "adopted_on", "place", "language", "signatories", "commitments")

# Database column sizes the loader stores these values in.
MAX_TITLE_LENGTH = 300
MAX_PLACE_LENGTH = 120

UNTITLED = {"en": "Untitled declaration", "es": "Declaración sin título"}


@dataclass(frozen=True)
class ParsedCommitment:
    """One recommended action, numbered 1..n in text order whatever the source numbering."""

    number: int
    text: str
    start: int  # offset in the original input of the item's marker (or first word)
    end: int  # offset just after the item's last visible character (exclusive)


@dataclass(frozen=True)
class Evidence:
    """Where a field was read from (offsets in the original text), and what else the text offered.

    ``alternatives`` are other readings a person may prefer: other dates (ISO) or places the text
    mentions; for the signatories, the phrase naming them collectively.
    """

    found: bool
    start: int | None = None
    end: int | None = None
    alternatives: tuple[str, ...] = ()


NOT_FOUND = Evidence(found=False)


@dataclass(frozen=True)
class ParsedDeclaration:
    title: str
    kind: str
    adopted_on: datetime.date | None
    place: str | None
    language: str
    signatories: tuple[str, ...]
    commitments: tuple[ParsedCommitment, ...]
    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def found(self) -> dict[str, bool]:
        return {name: self.evidence.get(name, NOT_FOUND).found for name in FIELDS}

    @property
    def blocking_problems(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.blocking)

    def alternatives(self, name: str) -> tuple[str, ...]:
        return self.evidence.get(name, NOT_FOUND).alternatives

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape (``load_declarations --dry-run --format json``), without extras."""
        return {
            "title": self.title,
            "adopted_on": self.adopted_on.isoformat() if self.adopted_on else None,
            "place": self.place,
            "language": self.language,
            "signatories": list(self.signatories),
            "commitments": [{"number": c.number, "text": c.text} for c in self.commitments],
        }
