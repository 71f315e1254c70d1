"""`manage.py send_digest`: e-mail the secretariat the reports submitted since its last digest.

Meant for a daily cron job; running it twice on one day sends nothing twice.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from core.commands import today_option
from notifications.services import send_digest


class Command(BaseCommand):
    help = "Send the secretariat its daily digest of new reports (idempotent per user and day)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD (for testing a schedule).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = today_option(options["today"])
        results = send_digest(today=today)
        for result in results:
            how = "e-mail and in-app" if result.emailed else "in-app only (e-mails off or no address)"
            self.stdout.write(f"{result.username}: {result.submissions} report(s), {how}")
        self.stdout.write(f"{len(results)} digest(s) sent.")
