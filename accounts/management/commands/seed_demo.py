"""`manage.py seed_demo`: demo accounts for `make run`, printed with their password.

Refuses to run with DEBUG off: demo accounts with a published password must never reach a
production database.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.services import user_create

DEMO_PASSWORD = "rcm-demo-2026"
DEMO_USERS: list[tuple[str, str, str | None]] = [
    ("secretariat", Role.SECRETARIAT, None),
    ("official_mex", Role.OFFICIAL, "MEX"),
    ("official_gtm", Role.OFFICIAL, "GTM"),
    ("observer", Role.OBSERVER, None),
]


class Command(BaseCommand):
    help = "Create the demo users (development only) and print how to sign in."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (a demo server).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with a published password; it runs only with DEBUG=1")
        for username, role, country in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                user_create(username=username, role=role, country_iso3=country, password=DEMO_PASSWORD)
        self.stdout.write("\nDemo users (password for all: %s)" % DEMO_PASSWORD)
        for username, role, country in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {role}{' of ' + country if country else ''}")
        self.stdout.write("")
