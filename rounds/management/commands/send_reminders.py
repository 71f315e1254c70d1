"""`manage.py send_reminders`: e-mail countries what they have not reported in the open round.

Meant for a daily cron job (see README); running it twice sends nothing twice.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from core.commands import today_option
from rounds.services import reminders_send


class Command(BaseCommand):
    help = "Send the due reminders of the open reporting round (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD (for testing a schedule).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = today_option(options["today"])
        results = reminders_send(today=today)
        for result in results:
            self.stdout.write(
                f"{result.country}: {result.kind} reminder to {result.recipients} official(s), "
                f"{result.open_items} open action(s)"
            )
        self.stdout.write(f"{len(results)} reminder(s) sent.")
