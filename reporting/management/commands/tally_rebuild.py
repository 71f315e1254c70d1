"""`manage.py tally_rebuild`: recount the status tallies from the implementations and the review queue.

The reporting, review and loading services keep the tallies current. Edits that bypass them —
deleting a declaration, a commitment or an implementation in the admin, or SQL by hand — leave
the countries' totals behind until this runs. It is one transaction; safe to run at any time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reporting.services import tallies_rebuild


class Command(BaseCommand):
    help = "Recount the status tallies behind the summary and the dashboard (after admin deletions)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{tallies_rebuild():,} tally rows written")
