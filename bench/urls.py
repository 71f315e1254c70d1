"""The application's URLs with the benchmark's ceiling in front (bench.settings only)."""

from django.urls import path

from bench.ceiling import ceiling
from rcm_tracker.urls import urlpatterns as application

urlpatterns = [path("bench/ceiling/", ceiling), *application]
