"""Showing a declaration's title and commitments' text in the reader's language, and offering the others."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest

from declarations.models import Commitment, Declaration, Shown, current_language

register = template.Library()

# Each label is written in the language it offers, and marked with `lang`: whoever wants the
# Spanish text may not read the page's English, and the other way round.
READ_IN = {"en": "Read in English", "es": "Leer en español"}


def requested_version(request: HttpRequest) -> str:
    """The language of the text asked for with `?version=`, else the page's language."""
    version = request.GET.get("version", "")
    return version if version in dict(settings.LANGUAGES) else current_language()


@register.filter
def shown_in(item: Declaration | Commitment, language: str) -> Shown:
    return item.shown_in(language)


@register.filter
def place_in(declaration: Declaration, language: str) -> str | None:
    return declaration.place_in(language)


@register.inclusion_tag("includes/version_links.html", takes_context=True)
def version_links(context: dict[str, Any], declaration: Declaration, version: str, anchor: str = "") -> dict[str, Any]:
    """Links to the same page in the declaration's other languages, and the shown version's status."""
    shown = declaration.shown_in(version)
    return {
        "shown": shown,
        "others": [
            {"language": other.language, "label": READ_IN.get(other.language, other.language), "anchor": anchor}
            for other in declaration.versions()
            if other.language != shown.language
        ],
    }


@register.filter
def version_query(version: str) -> str:
    """`?version=xx` to carry a chosen text version to the next page; nothing for the page's own language."""
    return "" if version == current_language() else f"?version={version}"
