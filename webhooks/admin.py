from django.contrib import admin

from webhooks.models import Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin[Endpoint]):
    """The secretariat registers endpoints here (URL, event types); the secret is generated."""

    list_display = ["url", "is_active", "description", "created_at"]
    fields = ["url", "description", "event_types", "is_active", "secret"]
