from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from audit.models import AuditEntry

if TYPE_CHECKING:
    from accounts.models import User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | type[models.Model],
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; call it inside the transaction of the change it records.

    `target` is the row changed, or its model when the change is to the whole table (a recount).
    """
    if isinstance(target, type):
        target_id, target_repr = "", str(target._meta.verbose_name_plural)
        country_id = declaration_id = number = None
    else:
        target_id, target_repr = str(target.pk), str(target)
        country_id, declaration_id, number = audit_scope(target)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target_id,
        target_repr=target_repr[:300],
        changes=changes or {},
        country_id=country_id,
        declaration_id=declaration_id,
        commitment_number=number,
    )


def audit_scope(target: models.Model) -> tuple[int | None, int | None, int | None]:
    """(country id, declaration id, action number) of what changed, read from its fields by name:
    the trail knows no app's models. An update speaks for its implementation, an implementation for
    its commitment and country, a declaration or a country for itself."""
    label = target._meta.label_lower
    if label == "declarations.declaration":
        return None, target.pk, None
    if label == "declarations.membercountry":
        return target.pk, None, None
    implementation = getattr(target, "implementation", None) if label == "reporting.statusupdate" else target
    country_id = getattr(implementation, "country_id", None)
    commitment = getattr(implementation, "commitment", None) if hasattr(implementation, "commitment_id") else None
    if commitment is None and label == "declarations.commitment":
        commitment = target
    declaration_id = getattr(commitment, "declaration_id", None) or getattr(target, "declaration_id", None)
    number = getattr(commitment, "number", None)
    return country_id, declaration_id, number
