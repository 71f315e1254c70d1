"""Branch coverage per app, from the `.coverage` data of `make test`'s PostgreSQL pass.

    .venv/bin/python tests/coverage_by_app.py

One line per package of pyproject.toml's [tool.coverage.run] `source`, then the project's total (the
gate, `fail_under`, applies to the total; this table says where the untested code is).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import coverage
from coverage.exceptions import NoDataError

ROOT = Path(__file__).resolve().parent.parent


def _report(cov: coverage.Coverage, include: list[str] | None) -> tuple[float, list[str]]:
    """The percentage and the TOTAL line's counts (statements, missed, branches, partial branches)."""
    out = io.StringIO()
    percent = cov.report(include=include, file=out, skip_covered=False, show_missing=False)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("TOTAL")]
    # A single file's report has no TOTAL line: its own line has the same columns.
    last = lines[-1] if lines else out.getvalue().strip().splitlines()[-1]
    return percent, last.split()[1:5]


def main() -> int:
    cov = coverage.Coverage(config_file=str(ROOT / "pyproject.toml"), data_file=str(ROOT / ".coverage"))
    cov.load()
    apps = cov.config.source or []
    print(f"{'app':<16} {'statements':>10} {'missed':>7} {'branches':>9} {'partial':>8} {'coverage':>9}")
    for app in [*apps, None]:
        try:
            percent, (statements, missed, branches, partial) = _report(cov, [f"{app}/*"] if app else None)
        except NoDataError:
            print(f"{app:<16} (no data)")
            continue
        name = app or "total"
        print(f"{name:<16} {statements:>10} {missed:>7} {branches:>9} {partial:>8} {percent:>8.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
