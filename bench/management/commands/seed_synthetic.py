"""`manage.py seed_synthetic`: synthetic countries, declarations and reports at scale, for benchmarks.

PostgreSQL only (it loads through COPY). Never run it against a production database: it adds
synthetic countries and declarations beside the real ones (clearly named, codes with a digit).
"""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import CODES, SeedSize, seed


class Command(BaseCommand):
    help = "Fill PostgreSQL with synthetic countries, declarations, commitments and reports (benchmarks)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--countries", type=int, default=200, help=f"synthetic countries (1–{len(CODES)})")
        parser.add_argument("--declarations", type=int, default=50)
        parser.add_argument("--commitments-per-declaration", type=int, default=100)
        parser.add_argument("--updates-per-implementation", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        size = SeedSize(
            countries=options["countries"],
            declarations=options["declarations"],
            commitments=options["commitments_per_declaration"],
            updates=options["updates_per_implementation"],
        )
        if not 1 <= size.countries <= len(CODES):
            raise CommandError(f"--countries must be from 1 to {len(CODES)}")
        if size.declarations < 1 or size.commitments < 1 or size.updates < 0:
            raise CommandError("--declarations and --commitments-per-declaration must be at least 1, updates 0 or more")
        started = time.monotonic()
        try:
            written = seed(size, progress=_bar)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        self.stdout.write(", ".join(f"{n:,} {name}" for name, n in written.items()) + f" written in {seconds:.1f} s")


def _bar(table: str, done: int, total: int) -> None:
    """A one-line bar per table, redrawn in place on a terminal; only the final line in a log."""
    if done < total and not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total if total else width
    end = "\n" if done >= total else ""
    sys.stderr.write(f"\r{table:<32} [{'#' * filled}{'.' * (width - filled)}] {done:>10,}/{total:,}{end}")
    sys.stderr.flush()
