from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Min
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 otherwise: what a load balancer needs to know.

    `queue_oldest_seconds`: how long the oldest task that is due has been waiting (0 when none): a
    number that grows means no worker is running, for a monitor to alert on.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    waited = max(0, int((timezone.now() - oldest).total_seconds())) if oldest else 0
    return JsonResponse({"status": "ok", "database": "up", "queue_oldest_seconds": waited})


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    # Resolved per request: the hashed static name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
