from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm[NotificationPreference]):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled"]
        labels = {"email_enabled": _("Send me e-mails about my notifications")}
        help_texts = {
            "email_enabled": _(
                "Reviews of your reports, and for the secretariat the daily digest of new reports. "
                "Notifications stay listed here either way."
            )
        }
