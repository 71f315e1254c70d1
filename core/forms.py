"""The one error summary every form of the project shows: each problem linked to its field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms


@dataclass(frozen=True)
class ErrorLink:
    anchor: str  # the id of the field to jump to; empty for a problem of the whole form
    message: str


def error_links(form: forms.BaseForm, *, label: str = "") -> list[ErrorLink]:
    """The form's errors, its own first, then each field's, linked to the field (a group's first box)."""
    links = [ErrorLink("", str(error)) for error in form.non_field_errors()]
    for bound in form:
        anchor = f"{bound.auto_id}_0" if bound.field.widget.use_fieldset else str(bound.auto_id)
        links += [ErrorLink(anchor, f"{label or bound.label}: {error}") for error in bound.errors]
    return links


def formset_error_links(formset: forms.BaseFormSet[Any], *, label: str = "") -> list[ErrorLink]:
    """A formset's errors: those of the whole set, then each row's, its number after the field's label."""
    first = formset.forms[0] if formset.forms else None
    top = str(next(iter(first)).auto_id) if first is not None else ""
    links = [ErrorLink(top, str(error)) for error in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        for bound in form:
            name = f"{label or bound.label} {number}"
            links += [ErrorLink(str(bound.auto_id), f"{name}: {error}") for error in bound.errors]
    return links


def all_error_links(*items: forms.BaseForm | forms.BaseFormSet[Any] | None) -> list[ErrorLink]:
    links: list[ErrorLink] = []
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            links += formset_error_links(item) if item.is_bound else []
        elif item is not None and item.is_bound:
            links += error_links(item)
    return links


def extra_links(anchor: str, messages: Iterable[str]) -> list[ErrorLink]:
    return [ErrorLink(anchor, message) for message in messages]
