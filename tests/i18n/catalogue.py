"""Reading a gettext catalogue (.po) without a third-party library: enough for the checks here."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPANISH_PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


@dataclass
class Entry:
    flags: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.fields.get("msgctxt", ""), self.fields["msgid"]

    @property
    def translations(self) -> list[str]:
        return [value for name, value in self.fields.items() if name.startswith("msgstr")]


def read_po(path: Path) -> list[Entry]:
    """Every entry but the header (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    last = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current is not None and "msgid" in current.fields:
                entries.append(current)
            current = None
            continue
        current = current or Entry()
        if line.startswith("#,"):
            current.flags = line
        elif line.startswith("#"):
            continue
        elif match := LINE.match(line):
            last = match.group(1)
            current.fields[last] = ast.literal_eval(match.group(2))
        elif line.startswith('"'):
            current.fields[last] += ast.literal_eval(line)
    return [entry for entry in entries if entry.fields["msgid"]]
