"""The benchmark's ceiling: the implementations list's first 100 rows, straight from psycopg to JSON.

No ORM, no DRF, no authentication, no count: what this stack (gunicorn, Django's middleware,
PostgreSQL) can serve at best for the same rows, so `make bench` can say how close the real
endpoint comes. Routed only by bench.settings (bench/urls.py), which refuse any database but a benchmark one (its
name starts with `rcm_bench`): never in production.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse

from reporting.api import ImplementationOut

# The list's own columns, in its order: the ceiling returns the same JSON keys.
FIELDS = ImplementationOut.Meta.fields
SQL = """
SELECT i.id, c.declaration_id, i.commitment_id, c.number, c.text, m.iso3, i.status, i.progress,
       i.last_reported_at, i.version, i.review_state, i.updated_at
FROM reporting_implementation i
JOIN declarations_commitment c ON c.id = i.commitment_id
JOIN declarations_membercountry m ON m.id = i.country_id
WHERE m.iso3 = %s
ORDER BY c.declaration_id, c.number, m.iso3, i.id
LIMIT 100
"""


@login_not_required
def ceiling(request: HttpRequest) -> HttpResponse:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(SQL, [request.GET.get("country", "")])
        rows = cursor.fetchall()
    results = []
    for row in rows:
        item = dict(zip(FIELDS, row, strict=True))
        for name in ("last_reported_at", "updated_at"):
            item[name] = item[name].isoformat() if item[name] else None
        results.append(item)
    return HttpResponse(json.dumps({"results": results}), content_type="application/json")
