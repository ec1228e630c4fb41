"""Name detection across the Arab press's spellings, on a held-out set, and matching speed.

``benchmarks/data/spellings-heldout.tsv`` holds names as a desk glossary writes them and the
spelling another outlet uses (issue 27's classes: a vowel letter moved or changed, "th", the
final ة/ا, short names, abbreviations, months); ``spellings-heldout-lookalikes.tsv`` holds
other names and words a liberal rule might take for a glossary name. Both were written
before the rules they measure and were not used to tune them.

- detection: one glossary of every held-out row; each written spelling put in a sentence
  must be found once, at its exact offsets, with its approved English, and nothing else;
- false matches: each look-alike in a sentence, with a glossary of its one name, must match
  nothing; and every family match the held-out glossary finds in the project's real
  articles (the example and the segmentation gold articles, which name none of these
  names) is counted as false too;
- speed: building the default glossary's matcher and scanning the example article (median
  of ``--repeat``), and one warm scan of the example with the held-out glossary.

    .venv/bin/python benchmarks/glossary_spellings.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from tarjama.glossary import Glossary, Matcher, Term, load_default
from tarjama.sources import read

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
EXAMPLE = ROOT / "examples" / "hanoi-convention.ar.txt"
ARTICLES = [EXAMPLE, *sorted((ROOT / "tests" / "data").glob("seg-*.ar.txt"))]
PREFIX = "وقال مراسلنا إن "
SUFFIX = " كان في الخبر أمس."


def rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def detection(variants: list[list[str]]) -> tuple[Counter[str], Counter[str], list[str], int]:
    """Found and total per class, the misses, and the extra (false) matches."""
    terms = {(r[0], r[1]): Term(r[0], r[1], r[2], origin=f"heldout:{n}") for n, r in enumerate(variants, 1)}
    matcher = Matcher(Glossary(list(terms.values())))
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    extra = 0
    for source, target, _kind, written, cls in variants:
        text = PREFIX + written + SUFFIX
        got = [(m.start, m.end, m.target) for m in matcher.find(text)]
        want = (len(PREFIX), len(PREFIX) + len(written), target)
        total[cls] += 1
        if want in got:
            found[cls] += 1
        else:
            misses.append(f"{cls}: {written} ({source} → {target}) got {[text[s:e] for s, e, _ in got]}")
        extra += len([g for g in got if g != want])
    return found, total, misses, extra


def false_matches(lookalikes: list[list[str]], variants: list[list[str]]) -> list[str]:
    out = []
    for source, target, kind, written, why in lookalikes:
        m = Matcher(Glossary([Term(source, target, kind, origin="lookalike:1")]))
        for x in m.find(PREFIX + written + SUFFIX):
            out.append(f"look-alike {written} ({why}) matched as {x.target}")
    matcher = Matcher(Glossary([Term(r[0], r[1], r[2], origin="heldout:1") for r in variants]))
    for path in ARTICLES:
        for s in read(path).sentences:
            for x in matcher.find(s.text):
                out.append(f"{path.name} sentence {s.n}: {x.surface} matched as {x.target}")
    return out


def timing(repeat: int, variants: list[list[str]]) -> tuple[float, float, float]:
    sentences = [s.text for s in read(EXAMPLE).sentences]
    glossary = load_default()
    builds, scans = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        m = Matcher(glossary)
        t1 = time.perf_counter()
        for s in sentences:
            m.scan(s)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        scans.append(t2 - t1)
    held = Matcher(Glossary([Term(r[0], r[1], r[2], origin="heldout:1") for r in variants]))
    held_scans = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for s in sentences:
            held.scan(s)
        held_scans.append(time.perf_counter() - t0)
    return statistics.median(builds), statistics.median(scans), statistics.median(held_scans)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--misses", action="store_true", help="list every miss and false match")
    args = ap.parse_args()
    variants = rows("spellings-heldout.tsv")
    lookalikes = rows("spellings-heldout-lookalikes.tsv")
    found, total, misses, extra = detection(variants)
    false = false_matches(lookalikes, variants)
    print("| class | found | of | detection |")
    print("|---|---:|---:|---:|")
    for cls in sorted(total):
        print(f"| {cls} | {found[cls]} | {total[cls]} | {found[cls] / total[cls]:.2f} |")
    n, d = sum(found.values()), sum(total.values())
    print(f"| **all** | {n} | {d} | **{n / d:.3f}** |")
    print(
        f"\nfalse matches: {len(false) + extra} ({len(lookalikes)} look-alikes, {extra} extra in the variant sentences)"
    )
    build, scan, held = timing(args.repeat, variants)
    print(
        f"speed: default glossary {build * 1000:.1f} ms to build, {scan * 1000:.1f} ms to scan the example "
        f"(median of {args.repeat}); held-out glossary ({len(variants)} names) {held * 1000:.1f} ms per scan"
    )
    if args.misses:
        print("\n".join(["", *misses, *false]))


if __name__ == "__main__":
    main()
