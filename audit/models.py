from __future__ import annotations

import json

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who changed what, when. Written by the services in the same transaction as the change.

    An own table rather than a history library: the services already know the actor and the
    meaning of each change ("returned update 12 with a comment"), bulk writes of the loader are
    covered, and it works the same on PostgreSQL and SQLite.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    target_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    # What the change is about, for the trail's filters and sentences: the country and declaration of
    # the thing changed, and the action's number in it (empty when the change has none).
    country = models.ForeignKey(
        "declarations.MemberCountry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commitment_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["country", "at"], name="audit_country_at"),
            models.Index(fields=["declaration", "at"], name="audit_declaration_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.action} {self.target_repr}"

    def changes_display(self) -> list[tuple[str, str]]:
        """Each recorded detail as (name, compact JSON), for people reading the trail."""
        return [
            (key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            for key, value in self.changes.items()
        ]
