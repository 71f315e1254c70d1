"""How long the parser takes on the seed declarations (median of 20 runs): `python bench/parser.py`.

Was a timed test; a time limit in the suite fails on a busy CI machine, so it is measured here instead.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from declarations.parser import parse_declaration  # noqa: E402


def main() -> None:
    for path in sorted((ROOT / "fixtures" / "declarations").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        parse_declaration(text)  # regular expressions compiled once
        runs = []
        for _ in range(20):
            started = time.perf_counter()
            parse_declaration(text)
            runs.append(time.perf_counter() - started)
        print(f"{path.relative_to(ROOT)}: {len(text):,} chars, median {statistics.median(runs) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
