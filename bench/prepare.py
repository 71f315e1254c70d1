"""Run by bench/run.py inside Django against a benchmark database: users, a token, a session, target ids.

Prints one JSON object: what the load generator needs to build its URLs and headers.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.synthetic import CODES  # noqa: E402
from declarations.models import Declaration  # noqa: E402
from reporting.models import Implementation  # noqa: E402
from reporting.selectors import IMPLEMENTATION_ORDER  # noqa: E402


def user(username: str, role: str) -> User:
    found, _ = User.objects.get_or_create(username=username, defaults={"role": role})
    return found


observer = user("bench.observer", Role.OBSERVER)
token, _ = Token.objects.get_or_create(user=observer)
secretariat = user("bench.secretariat", Role.SECRETARIAT)
session = SessionStore()
session[SESSION_KEY] = str(secretariat.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.UserWithCountryBackend"
session[HASH_SESSION_KEY] = secretariat.get_session_auth_hash()
session.create()

country = f"X{CODES[0]}"
declaration = Declaration.objects.filter(title__startswith="Synthetic declaration").order_by("pk").first()
implementation = (
    Implementation.objects.filter(country__iso3=country, version__gt=1).order_by("pk").values_list("pk", flat=True)
).first()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM reporting_implementation")
    implementations = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM reporting_statusupdate")
    updates = cursor.fetchone()[0]
    cursor.execute("SELECT pg_database_size(current_database())")
    database_bytes = cursor.fetchone()[0]
# The cursor that reaches the same rows as the last numbered page, as DRF's CursorPagination writes
# it: the declaration before that row's (`p`) and how many rows after it to skip (`o`).
deep_page = max(implementations // 100, 1)
deep_cursor = ""
if deep_page > 1:
    first_row = (deep_page - 1) * 100
    ordered = Implementation.objects.order_by(*IMPLEMENTATION_ORDER)
    declaration_id = ordered.values_list("commitment__declaration_id", flat=True)[first_row]
    before = Implementation.objects.filter(commitment__declaration_id__lt=declaration_id)
    position = before.aggregate(last=Max("commitment__declaration_id"))["last"]
    tokens = {"o": str(first_row - before.count())} if first_row > before.count() else {}
    if position is not None:
        tokens["p"] = str(position)
    deep_cursor = base64.b64encode(urlencode(tokens).encode("ascii")).decode("ascii")
print(
    json.dumps(
        {
            "token": token.key,
            "session": session.session_key,
            "country": country,
            "declaration": declaration.pk if declaration else None,
            "implementation": implementation,
            "implementations": implementations,
            "updates": updates,
            "database_bytes": database_bytes,
            "countries_in_list": Implementation.objects.filter(country__iso3=country).count(),
            "deep_page": deep_page,
            "deep_cursor": deep_cursor,
        }
    )
)
