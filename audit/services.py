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
    whole_table = isinstance(target, type)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id="" if whole_table else str(target.pk),
        target_repr=str(target._meta.verbose_name_plural if whole_table else target)[:300],
        changes=changes or {},
    )
