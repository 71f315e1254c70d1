from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICIAL = "official", _("Country official")
    SECRETARIAT = "secretariat", _("Secretariat")
    OBSERVER = "observer", _("Observer")


class User(AbstractUser):
    """A person who signs in. The role decides what they may do; officials belong to one country."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OBSERVER)
    country = models.ForeignKey(
        "declarations.MemberCountry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        help_text=_("Required for country officials, empty for everyone else."),
    )
    # Empty until the person picks a language or first signs in; then pages after sign-in and
    # every e-mail to them use it, whatever browser they come from.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default="")

    class Meta:
        constraints = [
            # An official without a country could write nowhere; anyone else with one would
            # look like an official to a careless check. The database refuses both.
            models.CheckConstraint(
                condition=(Q(role=Role.OFFICIAL) & Q(country__isnull=False))
                | (~Q(role=Role.OFFICIAL) & Q(country__isnull=True)),
                name="official_has_country_others_none",
                violation_error_message=_(
                    "A country official needs a country; the secretariat and observers have none. "
                    "Choose a country for an official, or clear it for any other role."
                ),
            ),
        ]

    @property
    def is_official(self) -> bool:
        return self.role == Role.OFFICIAL

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def preferred_language(self) -> str:
        """The language to write to this person in when there is no request to ask (e-mails)."""
        return self.language or settings.LANGUAGE_CODE

    def __str__(self) -> str:
        return self.get_full_name() or self.username
