from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    UPDATE_ACCEPTED = "update_accepted", _("Update accepted")
    UPDATE_RETURNED = "update_returned", _("Update returned")
    DIGEST = "digest", _("Daily digest of new reports")


class Notification(models.Model):
    """One thing a user should know about, shown in their list until read.

    The message is stored as written when it happened: it describes the event at that moment,
    and later edits (a commitment's wording) must not rewrite what the person was told.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    message = models.TextField()
    # The message's key and facts, so the list words it in the reader's language (notifications/messages.py).
    message_key = models.CharField(max_length=32, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    # A path inside the site ("/implementations/8/"); e-mails prefix RCM_SITE_URL.
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            # The header counts a user's unread notifications on every page: this keeps it an index lookup.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def text(self) -> str:
        """The message in the language of whoever reads it now."""
        from notifications.messages import worded

        return worded(self.message_key, self.params, self.message) if self.message_key else self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choices about notifications; no row means the defaults (e-mails on).

    Kept out of the user model: accounts stays about identity and role.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(
        _("send me e-mails"), default=True, help_text=_("In-app notifications are always kept.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: e-mails {'on' if self.email_enabled else 'off'}"


class DigestLog(models.Model):
    """One daily digest produced for one user: what makes `send_digest` idempotent per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    submissions = models.PositiveIntegerField(default=0)
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="digest_once_per_user_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.date}"
