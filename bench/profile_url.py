"""Profile one URL in-process against a benchmark database: `python bench/profile_url.py URL [N]`.

Runs the request N times through Django's test client (authenticated as bench.observer with a
token, or with the secretariat's session for pages) under cProfile and prints the top entries.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcm_tracker.settings")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import User  # noqa: E402

url = sys.argv[1]
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 50
client = Client(HTTP_HOST="127.0.0.1")
if url.startswith("/api/"):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get(user__username='bench.observer').key}"
else:
    client.force_login(User.objects.get(username="bench.secretariat"))
with CaptureQueriesContext(connection) as queries:
    first = client.get(url)
print(first.status_code, len(first.content), "bytes,", len(queries), "queries")
for query in queries.captured_queries:
    print(f"  {query['time']}s {query['sql'][:160]}")
reset_queries()
profile = cProfile.Profile()
started = time.perf_counter()
profile.enable()
for _ in range(repeat):
    client.get(url)
profile.disable()
print(f"{(time.perf_counter() - started) / repeat * 1000:.2f} ms per request (profiled)")
pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "35")))
