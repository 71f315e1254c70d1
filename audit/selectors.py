from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEntry


def audit_entry_list(*, action: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-pk")
    return entries.filter(action__startswith=action) if action else entries
