"""Segmentation quality and speed: tarjama vs sentencex vs pySBD (language "ar").

    .venv/bin/python benchmarks/segmentation.py [--mb 1.0]

For every gold file (the example article and ``tests/data/seg-*``) prints boundary
precision/recall/F1 and exact-sentence accuracy per tool, all tools given the same
whole article text, and the two libraries also line by line (each non-empty line
segmented alone, so they get the line-end boundaries for free); then sentences/s and MB/s (UTF-8) on an article of at least
``--mb`` MB built by repeating the gold articles, pinned to one CPU core. The numbers
go to docs/segmentation.md.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import pysbd
import sentencex

from tarjama.evaluation.segmentation import Gold, read_gold, score
from tarjama.sources.segment import segment

ROOT = Path(__file__).resolve().parent.parent
GOLD_FILES = [
    ROOT / "examples" / "hanoi-convention.gold.tsv",
    *sorted((ROOT / "tests" / "data").glob("seg-*.gold.tsv")),
    *sorted((ROOT / "tests" / "data").glob("seg-*.lines.txt")),
]

Spans = list[tuple[int, int]]


def tarjama_spans(text: str) -> Spans:
    return [(s.start, s.end) for s in segment(text)]


def sentencex_spans(text: str) -> Spans:
    return [(b["start_index"], b["end_index"]) for b in sentencex.get_sentence_boundaries("ar", text)]


_PYSBD = pysbd.Segmenter(language="ar", clean=False, char_span=True)


def pysbd_spans(text: str) -> Spans:
    return [(s.start, s.end) for s in _PYSBD.segment(text)]


def per_line(tool: Callable[[str], Spans]) -> Callable[[str], Spans]:
    """The tool run on each line alone: it gets "a line end is a boundary" for free."""

    def run(text: str) -> Spans:
        spans: Spans = []
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                spans.extend((pos + s, pos + e) for s, e in tool(line))
            pos += len(line) + 1
        return spans

    return run


TOOLS: dict[str, Callable[[str], Spans]] = {
    "tarjama": tarjama_spans,
    "sentencex": sentencex_spans,
    "sentencex per line": per_line(sentencex_spans),
    "pySBD": pysbd_spans,
    "pySBD per line": per_line(pysbd_spans),
}


def quality(golds: list[Gold]) -> None:
    print("| gold file | sentences | tool | segments | P | R | F1 | exact |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for gold in golds:
        for name, tool in TOOLS.items():
            r = score(gold, tool(gold.text))
            print(
                f"| {gold.name} | {r.gold} | {name} | {r.predicted} | {r.precision:.3f} | "
                f"{r.recall:.3f} | {r.f1:.3f} | {r.exact_accuracy:.3f} ({r.exact}/{r.gold}) |"
            )


def speed(golds: list[Gold], megabytes: float) -> None:
    unit = "\n\n".join(g.text for g in golds)
    copies = int(megabytes * 1_000_000 / len(unit.encode("utf-8"))) + 1
    big = "\n\n".join([unit] * copies)
    size = len(big.encode("utf-8")) / 1_000_000
    print(f"\nSpeed on one core, {size:.2f} MB article ({len(big):,} characters):\n")
    print("| tool | text | seconds | sentences | sentences/s | MB/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, tool in TOOLS.items():
        # pySBD is slow enough that a tenth of the article gives a stable rate.
        slow = name.startswith("pySBD")
        text = big[: len(big) // 10] if slow else big
        mb = len(text.encode("utf-8")) / 1_000_000
        best, count = float("inf"), 0
        for _ in range(1 if slow else 3):
            t0 = time.perf_counter()
            count = len(tool(text))
            best = min(best, time.perf_counter() - t0)
        print(f"| {name} | {mb:.2f} MB | {best:.3f} | {count:,} | {count / best:,.0f} | {mb / best:.2f} |")


WORST_CASES = {
    "one 200k-character line, no punctuation": "كلمة " * 40_000,
    "a 120k-character quotation full of ellipses": "«" + "كلمة… " * 20_000 + "»",
    "100k periods": "." * 100_000,
    "20k parentheticals closed by !)": "كلمة (نعم!) " * 20_000,
    "20k URLs ending sentences": "راجع www.a.org. " * 20_000,
    "50k glued one-letter abbreviations": "ب." * 50_000,
}


def worst_cases() -> None:
    """Inputs built to make a backtracking regex or a backward scan quadratic."""
    print("\nAdversarial inputs (tarjama):\n")
    print("| input | characters | sentences | seconds |")
    print("|---|---:|---:|---:|")
    for name, text in WORST_CASES.items():
        t0 = time.perf_counter()
        count = len(segment(text))
        print(f"| {name} | {len(text):,} | {count:,} | {time.perf_counter() - t0:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=1.0, help="size of the speed-test article")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    golds = [read_gold(p) for p in GOLD_FILES]
    quality(golds)
    speed(golds, args.mb)
    worst_cases()


if __name__ == "__main__":
    main()
