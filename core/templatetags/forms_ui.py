"""`{% error_summary form formset … %}`: the project's one error summary (includes/error_summary.html)."""

from __future__ import annotations

from typing import Any

from django import template

from core.forms import ErrorLink, all_error_links

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*items: Any, heading: str = "", extra: list[ErrorLink] | None = None) -> dict[str, Any]:
    """Every problem of the forms and formsets given, plus `extra` ones (e.g. a file to attach again)."""
    return {"errors": list(extra or []) + all_error_links(*items), "heading": heading}
