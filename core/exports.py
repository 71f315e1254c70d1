"""File names for exports that say what they hold: `rcm-dashboard-darien-mex-2026-12-03.xlsx`."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.text import slugify

# Words a declaration's title shares with every other: the name keeps the one that tells it apart.
COMMON_WORDS = frozenset(
    {
        *("a", "an", "and", "de", "del", "el", "en", "la", "las", "los", "of", "on", "the", "to", "y"),
        *("declaration", "declaración", "special", "especial", "conference", "conferencia", "regional"),
        *("migration", "migración", "rcm", "crm"),
    }
)


def short_slug(title: str, *, words: int = 2) -> str:
    """ "Darien Declaration on Migration and Protection" → "darien"; at most `words` telling words."""
    telling = [word for word in slugify(title).split("-") if word and word not in COMMON_WORDS]
    return "-".join(telling[:words]) or slugify(title)[:30]


def export_filename(kind: str, parts: Iterable[str | None], extension: str) -> str:
    named = [slugify(part)[:40] for part in parts if part]
    return (
        "-".join(["rcm", kind, *[part for part in named if part], f"{timezone.localdate():%Y-%m-%d}"]) + f".{extension}"
    )
