from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    OFFICIAL = "official", "Country official"
    SECRETARIAT = "secretariat", "Secretariat"
    OBSERVER = "observer", "Observer"


class User(AbstractUser):
    """A person who signs in. The role decides what they may do; officials belong to one country."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OBSERVER)
    country = models.ForeignKey(
        "declarations.MemberCountry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text="Required for country officials, empty for everyone else.",
    )

    class Meta:
        constraints = [
            # An official without a country could write nowhere; anyone else with one would
            # look like an official to a careless check. The database refuses both.
            models.CheckConstraint(
                condition=(Q(role=Role.OFFICIAL) & Q(country__isnull=False))
                | (~Q(role=Role.OFFICIAL) & Q(country__isnull=True)),
                name="official_has_country_others_none",
            ),
        ]

    @property
    def is_official(self) -> bool:
        return self.role == Role.OFFICIAL

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def is_observer(self) -> bool:
        return self.role == Role.OBSERVER

    def __str__(self) -> str:
        return self.get_full_name() or self.username
