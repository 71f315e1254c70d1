"""How long the parser takes (median CPU time of 20 runs): `python bench/parser.py`.

Targets (issue #15): median under 20 ms for a 10 KB declaration; any 250 KB input under 1 s.
Was a timed test; a time limit in the suite fails on a busy CI machine, so it is measured here.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from declarations.parser import parse_declaration, text_blocks  # noqa: E402

CORPUS = ROOT / "tests" / "declarations" / "parsing" / "corpus"
KB = 1024


def median_ms(function: Callable[[str], object], text: str, runs: int = 20) -> float:
    """Median CPU time of `runs` calls (process time: what the parser costs, not what the neighbours do)."""
    function(text)  # regular expressions compiled once
    timings = []
    for _ in range(runs):
        started = time.process_time()
        function(text)
        timings.append(time.process_time() - started)
    return statistics.median(timings) * 1000


def ten_kb_declaration() -> str:
    """A declaration of about 10 KB: the Darien seed's head and a long numbered list."""
    darien = (ROOT / "fixtures" / "declarations" / "2022-darien-declaration.txt").read_text(encoding="utf-8")
    head, _, _ = darien.partition("1.")
    items: list[str] = []
    while len(head) + sum(map(len, items)) < 10 * KB:
        number = len(items) + 1
        items.append(
            f"{number}. Strengthen the cooperation between the consular networks of the region, item {number}.\n"
        )
    return head + "".join(items)


def hostile_inputs(size: int) -> dict[str, str]:
    rng = random.Random(15)
    words = "migración Belize agreed: 1. - • Ciudad de Panamá, 25 de marzo de 2022 The Vice-Ministers We".split()  # noqa: SIM905
    sentence = "The Vice-Ministers of Belize and Mexico agreed to strengthen cooperation. "
    inputs = {
        "one word": "migration" * (size // 9),
        "random words": " ".join(rng.choice(words) for _ in range(size // 4)),
        "random lines": "\n".join(rng.choice(words) for _ in range(size // 6)),
        "one line of sentences": sentence * (size // len(sentence)),
        "numbered one line": " ".join(f"{n}. Act now." for n in range(1, size // 11)),
        "colons": "They agreed:\n" * (size // 13),
        "dates": "March 25, 2022 " * (size // 15),
        "countries": "Belize, " * (size // 8),
    }
    return {name: text[:size] for name, text in inputs.items()}


def main() -> None:
    print("Declarations (median CPU time of 20 runs):")
    for path in sorted((ROOT / "fixtures" / "declarations").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        print(f"  {path.relative_to(ROOT)}: {len(text):,} chars, median {median_ms(parse_declaration, text):.1f} ms")
    corpus = [median_ms(parse_declaration, p.read_text(encoding="utf-8"), runs=5) for p in sorted(CORPUS.glob("*.txt"))]
    print(f"  corpus ({len(corpus)} texts): median {statistics.median(corpus):.1f} ms, slowest {max(corpus):.1f} ms")
    text = ten_kb_declaration()
    ten = median_ms(parse_declaration, text)
    print(f"  10 KB declaration ({len(text):,} chars): median {ten:.1f} ms (target < 20 ms)")
    print(f"  10 KB declaration, text_blocks for the preview: median {median_ms(text_blocks, text):.1f} ms")
    print("Hostile 250 KB inputs (one run each; target < 1 s for the parse):")
    print("  (CPU time beside wall time: on a loaded machine the wall time says more about the neighbours)")
    worst = 0.0
    for name, hostile in hostile_inputs(250 * KB).items():
        wall, cpu = time.perf_counter(), time.process_time()
        parse_declaration(hostile)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        blocks = time.process_time()
        text_blocks(hostile)
        blocks = time.process_time() - blocks
        worst = max(worst, cpu)
        print(
            f"  {name}: {len(hostile):,} chars, parse {wall * 1000:.0f} ms wall / {cpu * 1000:.0f} ms CPU; "
            f"text_blocks {blocks * 1000:.0f} ms CPU"
        )
    print(f"  slowest parse: {worst * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
