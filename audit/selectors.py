from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from audit.filters import AuditFilter
from audit.models import AuditEntry
from core.filters import apply_filters


def audit_entry_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """Entries newest first, filtered; with who, their country, and what the change is about, so
    a page of sentences costs the same few queries however long it is."""
    entries = (
        AuditEntry.objects.select_related("actor__country", "country", "declaration")
        .prefetch_related("declaration__translations")
        .order_by("-at", "-pk")
    )
    return apply_filters(AuditFilter, filters or {}, entries)
