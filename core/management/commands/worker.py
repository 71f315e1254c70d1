"""`manage.py worker`: process the task queue (e-mails, webhook deliveries, the daily jobs).

django-tasks-db's `db_worker`, after making sure the daily jobs are scheduled. Run as many as
wanted, on any machine that reaches the database: each task is claimed by one worker only.
Options are db_worker's (`--batch` processes what is due and exits).
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from core.schedule import ensure_scheduled


class Command(DbWorker):
    help = "Process the task queue (and schedule the daily jobs if they are not)."

    def handle(self, *args: Any, **options: Any) -> None:
        if ensure_scheduled():
            self.stdout.write("Scheduled the daily jobs.")
        super().handle(*args, **options)
