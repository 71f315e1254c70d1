"""A declaration's source text as people read it: *emphasis* typed with asterisks is shown as emphasis."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# *Shared Responsibility*: an asterisk, text that neither starts nor ends with a space, an asterisk,
# within one line. A lone asterisk (a footnote mark, "5 * 3") stays as it is.
EMPHASIS = re.compile(r"\*(?=\S)([^*\n]*?\S)\*")


@register.filter(is_safe=True)
def emphasis(text: object) -> SafeString:
    escaped = str(conditional_escape(str(text)))
    return mark_safe(EMPHASIS.sub(r"<em>\1</em>", escaped))  # noqa: S308 -- escaped above, only <em> added
