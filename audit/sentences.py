"""Each audit entry as a sentence in the reader's language, with a link to the thing it changed.

The trail knows no app's models (it is the bottom layer): apps above it lend their labels, e.g.
reporting registers the status names in `STATUS_LABELS` when it starts.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from audit.models import AuditEntry

STATUS_LABELS: dict[str, Any] = {}


def who(entry: AuditEntry) -> str:
    """ "Ana Pérez (Mexico)", the person alone, or the system for the command line."""
    actor = entry.actor
    if actor is None:
        return _("The system")
    country = getattr(actor, "country", None)
    return f"{actor} ({country.name})" if country is not None else str(actor)


def _thing(entry: AuditEntry) -> str:
    """ "Darien Declaration action 2 (Mexico)", or what the entry recorded of it."""
    if entry.declaration is not None and entry.commitment_number is not None:
        text = _("%(declaration)s action %(number)s") % {
            "declaration": entry.declaration.shown.text,
            "number": entry.commitment_number,
        }
        return f"{text} ({entry.country.name})" if entry.country is not None else text
    return entry.target_repr


def _status(code: object) -> str:
    return str(STATUS_LABELS.get(str(code), code))


def sentence(entry: AuditEntry) -> str:
    facts: dict[str, object] = {"who": who(entry), "thing": _thing(entry), "target": entry.target_repr}
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    action = entry.action
    if action == "report":
        after = changes.get("after") or {}
        facts["status"] = _status(after.get("status"))
        if after.get("progress") is not None:
            facts["progress"] = after["progress"]
            return _("%(who)s reported %(status)s, %(progress)s%% on %(thing)s") % facts
        return _("%(who)s reported %(status)s on %(thing)s") % facts
    if action == "review.accepted":
        return _("%(who)s accepted the update on %(thing)s") % facts
    if action == "review.returned":
        return _("%(who)s returned the update on %(thing)s for correction") % facts
    if action == "evidence.add":
        return _("%(who)s added evidence to the update on %(thing)s") % facts
    if action == "regional.follow":
        return _("%(who)s followed %(thing)s as a regional action") % facts
    if action == "report.import":
        facts["count"] = len(changes.get("updates") or [])
        return _("%(who)s imported a spreadsheet for %(target)s: %(count)s updates") % facts
    if action == "round.open":
        return _("%(who)s opened the reporting round %(target)s") % facts
    if action == "round.close":
        return _("%(who)s closed the reporting round %(target)s") % facts
    if action in ("declaration.create", "declaration.translation_create"):
        return _("%(who)s loaded %(target)s") % facts
    if action in ("declaration.update", "declaration.translation_update"):
        return _("%(who)s corrected the text of %(target)s") % facts
    if action == "user.create":
        return _("%(who)s created the account %(target)s") % facts
    if action == "user.password_change":
        return _("%(who)s changed their password") % facts
    if action == "admin.add":
        return _("%(who)s added %(target)s in the administration") % facts
    if action == "admin.change":
        return _("%(who)s changed %(target)s in the administration") % facts
    if action == "admin.delete":
        return _("%(who)s deleted %(target)s in the administration") % facts
    if action == "round.reminder":
        facts.update(country=changes.get("country", ""), open=changes.get("open", 0))
        return _("%(who)s reminded %(country)s of %(open)s actions awaiting a report") % facts
    if action == "user.token_issue":
        return _("%(who)s obtained an API token") % facts
    if action == "tally.rebuild":
        return _("%(who)s recounted the status tallies") % facts
    if action == "webhook.resend":
        return _("%(who)s sent a webhook delivery to %(target)s again") % facts
    facts["action"] = action
    return _("%(who)s: %(action)s, %(target)s") % facts


# The page of each kind of thing, by the name of its URL and how to read its id from the entry.
LINKS: dict[str, tuple[str, str]] = {
    "reporting.implementation": ("reporting:implementation-detail", "target_id"),
    "declarations.declaration": ("declarations:declaration-detail", "target_id"),
    "declarations.commitment": ("declarations:declaration-detail", "declaration_id"),
    "reporting.reportinground": ("rounds:round-detail", "target_id"),
    # An update's address answers a GET with its place in the implementation's history.
    "reporting.statusupdate": ("reporting:update-review", "target_id"),
}


def link(entry: AuditEntry) -> str | None:
    if entry.target_type == "declarations.membercountry" and entry.country is not None:
        return reverse("reporting:country-detail", args=[entry.country.iso3])
    if entry.target_type not in LINKS:
        return None
    name, attribute = LINKS[entry.target_type]
    value = getattr(entry, attribute)
    if value is None:
        return None
    try:
        return reverse(name, args=[int(value)])
    except (NoReverseMatch, ValueError):
        return None
