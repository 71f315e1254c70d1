"""Every piece of text a person reads in a template goes through {% translate %} or {% blocktranslate %}.

The check strips what is marked, then reads what is left like a browser would (text nodes and the
attributes people see or hear: title, aria-label, placeholder, alt) and fails on any word left.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for pattern in ("*.html", "*.txt")
    for path in ROOT.glob(f"**/templates/**/{pattern}")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
# Words that are the same in every language: acronyms, file formats, the product's mark.
NEUTRAL = {"RCM", "ISO3", "CSV", "SHA-256", "Excel"}
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÑÜáéíóúñü][A-Za-zÁÉÍÓÚÑÜáéíóúñü0-9-]*")
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}

MARKED = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|{#.*?#}"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}"
    r"|{%\s*trans(?:late)?\s.*?%}",
    re.DOTALL,
)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)


def unmarked_text(source: str) -> str:
    """The template with every translated string and every tag or variable removed."""
    return TEMPLATE_CODE.sub(" ", MARKED.sub(" ", source))


def english_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if word not in NEUTRAL]


class TextCollector(HTMLParser):
    """Text nodes and read attributes, except inside <code>, <script>, <style> and elements whose
    literal lang="…" says they are deliberately in a given language (a country's Spanish name)."""

    SKIP = {"code", "script", "style"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skipped = (bool(self.stack) and self.stack[-1]) or tag in self.SKIP or bool((values.get("lang") or "").strip())
        if not skipped:
            self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.found.append(data)


def untranslated(path: Path) -> list[str]:
    text = unmarked_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        pieces = [text]
    else:
        collector = TextCollector()
        collector.feed(text)
        pieces = collector.found
    return [piece.strip() for piece in pieces if english_words(piece)]


def test_templates_are_found() -> None:
    names = {path.name for path in TEMPLATES}
    assert {"base.html", "implementation_detail.html", "reminder.txt", "preferences.html"} <= names


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_template_string_is_marked_for_translation(path: Path) -> None:
    assert untranslated(path) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Save</p>", ["Save"]),
        ('<a title="Open it" href="#">{% translate "Open" %}</a>', ["Open it"]),
        ('<input placeholder="Search">', ["Search"]),
        ("<button aria-label=\"{% translate 'Close' %}\">×</button>", []),
        ("<p>{% blocktranslate with n=1 %}{{ n }} report{% endblocktranslate %}</p>", []),
        ('<td lang="es">Nombre</td>', []),
        ("<code>manage.py</code> {{ user }}", []),
        ("<p>RCM · CSV</p>", []),
    ],
)
def test_the_check_itself(source: str, expected: list[str], tmp_path: Path) -> None:
    template = tmp_path / "page.html"
    template.write_text(source, encoding="utf-8")
    assert untranslated(template) == expected
