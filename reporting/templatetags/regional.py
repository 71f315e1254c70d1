"""Regional follow-ups on the declaration page: reporting's part of a page the declarations app renders."""

from __future__ import annotations

from django import template

from declarations.models import Commitment, Declaration
from reporting import selectors
from reporting.models import Implementation

register = template.Library()


@register.simple_tag
def regional_follow_ups(declaration: Declaration) -> dict[int, Implementation]:
    """The declaration's regional implementations by commitment id, in one query."""
    return selectors.regional_implementations(declaration=declaration)


@register.filter
def for_commitment(follow_ups: dict[int, Implementation], commitment: Commitment) -> Implementation | None:
    return follow_ups.get(commitment.pk)
