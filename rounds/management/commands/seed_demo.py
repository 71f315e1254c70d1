"""`manage.py seed_demo`: demo accounts and a few realistic reports for `make run`.

Refuses to run with DEBUG off: demo accounts with a published password must never reach a
production database. Idempotent: users and reports are created only when missing.
"""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from reporting.models import Implementation, ReportingRound, ReviewState, StatusUpdate
from reporting.services import LinkInput, report_update, review_update
from rounds.services import round_open

DEMO_PASSWORD = "rcm-demo-2026"  # noqa: S105 -- published on purpose; DEBUG only
DEMO_USERS: list[tuple[str, str, str | None]] = [
    ("secretariat", Role.SECRETARIAT, None),
    ("official_mex", Role.OFFICIAL, "MEX"),
    ("official_gtm", Role.OFFICIAL, "GTM"),
    ("observer", Role.OBSERVER, None),
]

# (official, declaration title fragment, commitment number, status, progress, summary, link, review)
DEMO_REPORTS: list[tuple[str, str, int, str, int | None, str, str | None, str | None]] = [
    (
        "official_mex",
        "Darien",
        1,
        "in_progress",
        40,
        "Mexico chaired two technical meetings on the regional roadmap with civil society and IOM; "
        "a draft of common short-term goals is under consultation.",
        "https://www.gob.mx/inm",
        ReviewState.ACCEPTED,
    ),
    (
        "official_mex",
        "Darien",
        5,
        "completed",
        None,
        "National information campaign on the risks of the Darien route ran on radio and social media "
        "in the southern border states.",
        None,
        ReviewState.RETURNED,
    ),
    (
        "official_gtm",
        "Darien",
        2,
        "planned",
        10,
        "A bilateral dialogue with countries of transit is scheduled for the first quarter.",
        None,
        None,
    ),
    (
        "official_gtm",
        "Global Compact",
        13,
        "ongoing",
        None,
        "The migration statistics unit publishes quarterly figures with the standard regional methodology.",
        "https://igm.gob.gt",
        None,
    ),
]


class Command(BaseCommand):
    help = "Create the demo users and a few reports (development only) and print how to sign in."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (a demo server).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with a published password; it runs only with DEBUG=1")
        with transaction.atomic():
            for username, role, country in DEMO_USERS:
                if not User.objects.filter(username=username).exists():
                    user_create(username=username, role=role, country_iso3=country, password=DEMO_PASSWORD)
            if not ReportingRound.objects.exists():
                today = timezone.localdate()
                # Through the service, like a round the secretariat opens: audited, announced.
                round_open(
                    name=f"{today.year} {'first' if today.month <= 6 else 'second'} semester",
                    starts_on=today.replace(day=1, month=1 if today.month <= 6 else 7),
                    due_on=today + datetime.timedelta(days=30),
                    declarations=(),
                    by=User.objects.get(username="secretariat"),
                )
            if not StatusUpdate.objects.exists():
                self._demo_reports()
        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD})")
        for username, role, country in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {role}{' of ' + country if country else ''}")
        self.stdout.write("")

    def _demo_reports(self) -> None:
        secretariat = User.objects.get(username="secretariat")
        for username, title, number, status, progress, summary, link, review in DEMO_REPORTS:
            official = User.objects.get(username=username)
            implementation = Implementation.objects.select_related("country").get(
                country=official.country, commitment__declaration__title__icontains=title, commitment__number=number
            )
            update = report_update(
                implementation=implementation,
                by=official,
                status=status,
                progress=progress,
                summary=summary,
                links=[LinkInput(url=link, title="Official page")] if link else [],
            )
            if review is not None:
                review_update(
                    update=update,
                    by=secretariat,
                    decision=review,
                    comment="Please attach the campaign materials or a link to them."
                    if review == ReviewState.RETURNED
                    else "",
                )
