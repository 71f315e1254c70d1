"""`make bench`'s settings: the application's, plus the benchmark app (`seed_synthetic`) and the ceiling.

The ceiling is an unauthenticated raw-psycopg endpoint, so these settings refuse any database but a
benchmark one (its name starts with `rcm_bench`): production settings never route it at all.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from rcm_tracker.settings import *  # noqa: F403
from rcm_tracker.settings import DATABASES, INSTALLED_APPS

if not str(DATABASES["default"]["NAME"]).startswith("rcm_bench"):
    raise ImproperlyConfigured("bench.settings is only allowed with a benchmark database (rcm_bench…).")

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
