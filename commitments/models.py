from __future__ import annotations

from django.db import models

from declarations.models import Commitment, MemberCountry


class Status(models.TextChoices):
    """Stored as these codes everywhere (database, API, exports); shown translated."""

    NOT_REPORTED = "not_reported", "Not reported"
    NOT_STARTED = "not_started", "Not started"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ONGOING = "ongoing", "Ongoing"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Implementation(models.Model):
    """One commitment × one signatory country, holding the *current* state.

    Lists and dashboards read these columns instead of scanning the update history; the
    reporting service keeps them equal to the latest update inside the same transaction.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="implementations")
    country = models.ForeignKey(MemberCountry, on_delete=models.PROTECT, related_name="implementations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_REPORTED)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every update: the optimistic-concurrency token behind forms and ETags.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["commitment__declaration_id", "commitment__number", "country__iso3"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "country"], name="implementation_unique_country"),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="implementation_progress_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["country", "status"], name="impl_country_status"),
            models.Index(fields=["status"], name="impl_status"),
            models.Index(fields=["last_reported_at"], name="impl_last_reported"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.country.iso3}"

    @property
    def is_reported(self) -> bool:
        return self.version > 0
