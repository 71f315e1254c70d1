"""Run by bench/run.py: stream the CSV export of every implementation and report the peak memory.

It drives the same code as `GET /api/v1/implementations/?format=csv` (selector, then the streaming
response) and reads every chunk as a client would, counting bytes. Peak memory is the process's
maximum resident set size (ru_maxrss), Django and psycopg included.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcm_tracker.settings")

import django

django.setup()

from accounts.models import Role, User  # noqa: E402
from reporting import exports, selectors  # noqa: E402


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


reader, _ = User.objects.get_or_create(username="bench.observer", defaults={"role": Role.OBSERVER})
before = peak_rss_mib()
started = time.monotonic()
response = exports.implementations_csv(selectors.implementation_list(user=reader, filters={}))
size = rows = 0
for chunk in cast("Iterator[bytes]", response.streaming_content):
    size += len(chunk)
    rows += chunk.count(b"\n")
print(
    json.dumps(
        {
            "rows": rows - 1,
            "bytes": size,
            "seconds": round(time.monotonic() - started, 1),
            "rss_before_mib": round(before, 1),
            "peak_rss_mib": round(peak_rss_mib(), 1),
        }
    )
)
