from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from declarations import selectors
from declarations.models import Commitment, Declaration


@require_GET
def declaration_list(request: HttpRequest) -> HttpResponse:
    return render(request, "declarations/declaration_list.html", {"declarations": selectors.declaration_list()})


def _get_declaration_or_404(pk: int) -> Declaration:
    try:
        return selectors.declaration_get(pk=pk)
    except Declaration.DoesNotExist:
        raise Http404("No such declaration.") from None


@require_GET
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _get_declaration_or_404(pk)
    return render(request, "declarations/declaration_detail.html", {"declaration": declaration})


@dataclass(frozen=True)
class TextPart:
    text: str
    commitment: Commitment | None = None


def split_source_text(declaration: Declaration) -> list[TextPart]:
    """Cut the full text at each commitment's span, so the page can anchor every commitment."""
    parts: list[TextPart] = []
    position = 0
    source = declaration.source_text
    for commitment in declaration.commitments.all():
        start, end = commitment.source_start, commitment.source_end
        if start is None or end is None or start < position or end > len(source):
            continue  # a span the text no longer matches is shown unanchored rather than garbled
        if start > position:
            parts.append(TextPart(source[position:start]))
        parts.append(TextPart(source[start:end], commitment))
        position = end
    if position < len(source):
        parts.append(TextPart(source[position:]))
    return [TextPart(_tidy(part.text), part.commitment) for part in parts if part.text.strip()]


_PAGE_BREAKS = re.compile(r"[ \t\u00a0]*(?:\r\n|\r|\n|\f)(?:[ \t\u00a0\f]*(?:\r\n|\r|\n|\f))+")


def _tidy(text: str) -> str:
    """Page breaks and runs of blank lines become one paragraph break on screen."""
    return _PAGE_BREAKS.sub("\n\n", text.replace("\r\n", "\n")).strip("\n")


@require_GET
def declaration_text(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _get_declaration_or_404(pk)
    return render(
        request,
        "declarations/declaration_text.html",
        {"declaration": declaration, "parts": split_source_text(declaration)},
    )
