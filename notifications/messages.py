"""In-app notification texts, worded when they are read, in the reader's language.

A notification keeps its message's key and the facts it names, each name in every language
(a declaration's title, a country's name as they were then): the words follow whoever reads
it, the facts stay as they were. `message` keeps the text as first written, for e-mails and
for notifications stored before the key existed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext, gettext_noop, ngettext

ACCEPTED = gettext_noop("The secretariat accepted your update on %(declaration)s, action %(number)s (%(country)s).")
RETURNED = gettext_noop(
    "The secretariat returned your update on %(declaration)s, action %(number)s (%(country)s): “%(comment)s”"
)
TEMPLATES = {"update_accepted": ACCEPTED, "update_returned": RETURNED}


def _in_language(value: Any, language: str) -> Any:
    """A fact named in several languages ({"en": …, "es": …}) in `language`, else in English."""
    if isinstance(value, dict):
        return value.get(language) or value.get("en") or next(iter(value.values()), "")
    return value


def worded(key: str, params: dict[str, Any], fallback: str) -> str:
    language = (get_language() or "en").split("-")[0]
    facts = {name: _in_language(value, language) for name, value in params.items()}
    try:
        if key == "digest":
            return (
                ngettext(
                    "%(count)d new report since %(start)s (%(pending)d awaiting review).",
                    "%(count)d new reports since %(start)s (%(pending)d awaiting review).",
                    int(facts["count"]),
                )
                % facts
            )
        if key in TEMPLATES:
            return gettext(TEMPLATES[key]) % facts
    except (KeyError, TypeError, ValueError):
        pass
    return fallback
