"""The dashboard's matrix cells, written in Python: a declaration of 50 countries has 1,000 of them.

Through the template language (an `{% include %}`, a `{% url %}` and translations per cell) the
cells took most of the page's time; here a row of cells costs a few string formats. The status
badge still comes from `includes/status.html`, rendered once per status, so it looks the same as
everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from dashboards.figures import Cell, CommitmentRow
from reporting.models import Status

register = template.Library()


def implementation_url() -> Callable[[int], str]:
    """`reverse()` of an implementation's page for any pk, resolved once instead of once per cell."""
    head, _, tail = reverse("reporting:implementation-detail", args=[0]).rpartition("0")
    return lambda pk: f"{head}{pk}{tail}"


@register.simple_tag(takes_context=True)
def matrix_cells(context: template.Context, row: CommitmentRow, own_country_id: int | None) -> SafeString:
    """The `<td>` of each country of a commitment row; `own_country_id`'s column is highlighted."""
    # Per page, not per row: the context's render_context lives as long as one rendering.
    cache = cast("dict[str, Any]", context.render_context.setdefault("matrix_cells", {}))  # type: ignore[arg-type]
    if not cache:
        cache["url"] = implementation_url()
        cache["badges"] = {
            code: render_to_string("includes/status.html", {"status": code, "label": label}).strip()
            for code, label in Status.choices
        }
        cache["not_reported"] = format_html(
            '<span aria-hidden="true">—</span><span class="visually-hidden">{}</span>', gettext("Not reported")
        )
        cache["stale"] = format_html('<span class="cell-flag">{}</span>', gettext("stale"))
        cache["not_followed"] = format_html(
            '<td class="cell"><span class="visually-hidden">{}</span></td>', gettext("not followed")
        )
    # Every piece is a number, a fixed class name or markup made safe above: nothing to escape.
    return mark_safe("".join(_cell(cell, own_country_id, cache) for cell in row.cells))  # noqa: S308


def _cell(cell: Cell | None, own_country_id: int | None, cache: dict[str, Any]) -> str:
    if cell is None:
        return str(cache["not_followed"])
    not_reported = cell.status == Status.NOT_REPORTED
    classes = "cell" + (" not-reported" if not_reported else " stale" if cell.stale else "")
    if own_country_id is not None and cell.country_id == own_country_id:
        classes += " own"
    shown = cache["not_reported"] if not_reported else cache["badges"][cell.status]
    progress = f' <span class="muted">{int(cell.progress)}%</span>' if cell.progress is not None else ""
    stale = f" {cache['stale']}" if cell.stale else ""
    return f'<td class="{classes}"><a href="{cache["url"](int(cell.pk))}">{shown}</a>{progress}{stale}</td>'
