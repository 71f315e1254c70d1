"""`manage.py evidence_sweep`: remove evidence files that no row records (schedule it daily).

Files are written under a temporary `.part` name and moved into place once their row commits. A
worker killed mid-upload (a timeout, an out-of-memory kill, a deploy) leaves the `.part` file behind
with no row; one killed between the commit and the move leaves a row whose file is still `.part`.
This removes the first and finishes the second, touching only files older than `--older-than-hours`
(default 1) so uploads in flight are left alone. Safe to run at any time.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reporting.services import evidence_sweep


class Command(BaseCommand):
    help = "Remove evidence files that no evidence row records; finish moves a killed worker left undone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-hours", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        result = evidence_sweep(older_than=datetime.timedelta(hours=options["older_than_hours"]))
        for name in result.removed:
            self.stdout.write(f"removed {name}")
        for name in result.completed:
            self.stdout.write(f"moved into place {name}")
        self.stdout.write(f"{len(result.removed)} orphan file(s) removed, {len(result.completed)} move(s) finished")
