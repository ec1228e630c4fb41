"""Translation-memory speed: index 50,000 reviewed entries, then exact and fuzzy lookups.

No corpus of 50,000 reviewed Arabic sentences ships with the project, so the entries are
synthetic but shaped like news: 8-45 words drawn with a Zipf-like distribution from the
example article's vocabulary plus generated names/words (a realistic ~40,000-type
vocabulary, so the rare-word index has real work to do). Queries are (a) sentences in the
memory (exact), (b) the same with 1-3 words replaced or inserted (fuzzy, ≥ 0.75 expected),
(c) new sentences (usually no match: the worst case, every candidate list is scored).

    python benchmarks/memory.py [--entries 50000] [--queries 2000] [--po]

``--po`` also writes the entries into 100 PO files and times building the memory from them
(parsing included), which is what `tarjama translate` does on every run.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from tarjama.catalog.memory import TranslationMemory, memory_key

ROOT = Path(__file__).resolve().parent.parent
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def vocabulary(rng: random.Random, size: int) -> list[str]:
    article = (ROOT / "examples" / "hanoi-convention.ar.txt").read_text(encoding="utf-8")
    words = list(dict.fromkeys(re.findall(r"[\u0600-\u06ff]+", article)))
    while len(words) < size:
        words.append("".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 9))))
    return words


def sentences(rng: random.Random, vocab: list[str], n: int) -> list[str]:
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))  # Zipf
    out = []
    for _ in range(n):
        k = rng.randint(8, 45)
        out.append(" ".join(rng.choices(vocab, cum_weights=cumulative, k=k)) + ".")
    return out


def mutate(rng: random.Random, vocab: list[str], text: str) -> str:
    words = text[:-1].split()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[i] = rng.choice(vocab)
        else:
            words.insert(i, rng.choice(vocab))
    return " ".join(words) + "."


def brute_force(tm: TranslationMemory, query: str) -> float | None:
    best = process.extractOne(memory_key(query), tm.keys, scorer=fuzz.ratio, score_cutoff=75)
    return None if best is None else round(best[1] / 100, 4)


def timed(fn, queries: list[str]) -> tuple[list[float], list[float], int]:
    """Wall and CPU (this thread) milliseconds per lookup: on a shared machine the wall tail is
    other processes' time slices, the CPU time is the lookup's own cost."""
    wall, cpu, hits = [], [], 0
    for q in queries:
        c0, t0 = time.thread_time(), time.perf_counter()
        hit = fn(q)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        hits += hit is not None
    return wall, cpu, hits


def row(name: str, measured: tuple[list[float], list[float], int]) -> str:
    wall, cpu, hits = sorted(measured[0]), sorted(measured[1]), measured[2]

    def p99(xs: list[float]) -> float:
        return xs[int(len(xs) * 0.99) - 1]

    return (
        f"| {name:<26} | {len(wall):>5} | {hits:>5} | {statistics.mean(wall):>7.3f} | "
        f"{statistics.median(wall):>7.3f} | {p99(wall):>7.3f} | {wall[-1]:>7.3f} | "
        f"{statistics.mean(cpu):>7.3f} | {p99(cpu):>7.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--po", action="store_true", help="also time building from PO files")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--recall", type=int, default=200, help="queries also scored against every entry")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    vocab = vocabulary(rng, 40_000)
    corpus = sentences(rng, vocab, args.entries)
    targets = [f"English translation number {i}." for i in range(len(corpus))]
    triples = [
        (s, t, f"locales/en/LC_MESSAGES/article-{i % 100:03d}.po")
        for i, (s, t) in enumerate(zip(corpus, targets, strict=True))
    ]

    c0, t0 = time.thread_time(), time.perf_counter()
    tm = TranslationMemory.from_pairs(triples)
    build_s, build_cpu = time.perf_counter() - t0, time.thread_time() - c0

    sample = rng.sample(corpus, args.queries)
    exact = timed(tm.exact, sample)
    fuzzy_q = [mutate(rng, vocab, s) for s in sample]
    edited = timed(lambda q: tm.fuzzy(q, 0.75), fuzzy_q)
    new_q = sentences(rng, vocab, args.queries)
    new = timed(lambda q: tm.fuzzy(q, 0.75), new_q)
    recovered = sum(
        (hit := tm.fuzzy(q, 0.75)) is not None and hit.source == s
        for q, s in zip(fuzzy_q, sample, strict=True)
    )
    # Recall of the rare-word candidate filter against scoring every entry (slow: a subset).
    checks = [(q, brute_force(tm, q)) for q in fuzzy_q[: args.recall]]
    checks = [(q, b) for q, b in checks if b is not None]
    agree = sum((hit := tm.fuzzy(q, 0.75)) is not None and hit.score == b for q, b in checks)

    print(f"entries: {len(tm)}  words/entry: 8-45  vocabulary: {len(vocab)}  seed: {args.seed}")
    print(f"index build (from pairs): {build_s:.2f} s wall, {build_cpu:.2f} s cpu")
    if args.po:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for f in range(100):
                po = polib.POFile(wrapwidth=78)
                po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
                for s, t, _ in triples[f::100]:
                    po.append(polib.POEntry(msgid=s, msgstr=t))
                path = root / "en" / "LC_MESSAGES" / f"article-{f:03d}.po"
                path.parent.mkdir(parents=True, exist_ok=True)
                po.save(str(path))
            c0, t0 = time.thread_time(), time.perf_counter()
            from_po = TranslationMemory.from_dir(root / "en")
            po_s, po_cpu = time.perf_counter() - t0, time.thread_time() - c0
        print(
            f"build from 100 PO files (polib parsing included): {po_s:.2f} s wall, {po_cpu:.2f} s cpu "
            f"({len(from_po)} entries)"
        )
    print()
    print(
        "| lookup                     | n     | hits  | mean ms | p50 ms  | p99 ms  | max ms  | cpu ms  | cpu p99 |"
    )
    print(
        "|----------------------------|-------|-------|---------|---------|---------|---------|---------|---------|"
    )
    print(row("exact (in memory)", exact))
    print(row("fuzzy (1-3 words edited)", edited))
    print(row("fuzzy (new sentence)", new))
    print()
    print(f"edited sentences whose original was found: {recovered}/{len(fuzzy_q)}")
    print(
        f"best score equal to scoring all {len(tm)} entries: {agree}/{len(checks)} "
        f"(of the first {args.recall} edited queries that have a match ≥ 0.75)"
    )


if __name__ == "__main__":
    main()
