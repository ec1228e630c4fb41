"""Name detection across the Arab press's spellings, on a held-out set, and matching speed.

Held-out sets, each written before the rules it measures and not used to tune them:

- set 1, ``benchmarks/data/spellings-heldout.tsv`` (+ ``-lookalikes``): names as a desk
  glossary writes them and the spelling another outlet uses (issue 27's classes: a vowel
  letter moved or changed, "th", the final ة/ا, short names, abbreviations, months), put in
  one fixed sentence; written before the first round of rules (and partly seen while they
  were designed);
- set 2, ``spellings-heldout-2.tsv`` (+ ``-2-lookalikes``): 189 spellings of persons, places,
  organisations and events in sentences of Levantine, Gulf, Egyptian, Maghrebi papers and the
  agencies, and 59 look-alikes, written before the second round (the development set of the
  third);
- set 3, ``spellings-heldout-3.tsv`` (+ ``-3-lookalikes``): 233 spellings of other names in
  sentences of the same kinds of outlets, and 65 look-alikes, written and committed before the
  third round: its held-out measure (a development set of the fourth);
- set 4, ``spellings-heldout-4.tsv`` (+ ``-4-lookalikes``): 249 spellings of names in none of
  sets 1-3, the tests or the shipped glossary, in sentences of the same kinds of outlets, and 71
  look-alikes (an article written or left out, Arabic names one consonant letter away, vowel
  letters moved or doubled), written and committed before the fourth round: its held-out measure;
- set 5, ``spellings-heldout-5.tsv`` (+ ``-5-lookalikes``, ``-5-articles``): 268 spellings of names in
  none of sets 1-4, the tests or the shipped glossary (persons, places, organisations, clubs,
  companies, media, parties, events; Arab names too), 92 look-alikes, and 8 clean news articles
  that name nothing of sets 1-5, written blind to the rules and committed before the fifth round;
- set 6, ``spellings-heldout-6.tsv`` (+ ``-6-lookalikes``, ``-6-articles``): 266 spellings of names in
  none of sets 1-5, the tests or the shipped glossary (and no first name whose two spellings an
  earlier set tests), 114 look-alikes, and 8 clean news articles that name nothing of sets 1-6,
  written blind to the rules and committed before the sixth round;
- set 7, ``spellings-heldout-7.tsv`` (+ ``-7-lookalikes``, ``-7-articles``): 291 spellings of names
  in none of sets 1-6, the tests or the shipped glossary, weighted like an outside tester's set
  towards the names most frequent in 2024-2026 news, 92 look-alikes, and 8 clean news articles that
  name nothing of sets 1-7, written blind to the rules and committed before the seventh round;
- set 8, ``spellings-heldout-8.tsv`` (+ ``-8-lookalikes``, ``-8-articles``): 271 spellings of names
  in none of sets 1-7, the tests or the shipped glossary, weighted like set 7 towards the names most
  frequent in 2024-2026 news (the Arab world's own names more), 102 look-alikes, and 8 clean news
  articles that name nothing of sets 1-8, written blind to the rules and committed before the eighth
  round;
- set 9, ``spellings-heldout-9.tsv`` (+ ``-9-lookalikes``, ``-9-articles``): 276 spellings of names
  in none of sets 1-8, the tests or the shipped glossary, weighted like sets 7 and 8 towards the
  names most frequent in 2024-2026 news and the differences outlets show most, 121 look-alikes, and
  8 clean news articles that name nothing of sets 1-9, written blind to the rules and committed
  before the ninth round;
- set 10, ``spellings-heldout-10.tsv`` (+ ``-10-lookalikes``, ``-10-articles``): 266 spellings of
  names in none of sets 1-9, the tests or the shipped glossary, weighted like sets 7 to 9 towards
  names in 2024-2026 news (ministers, MPs, officials, districts, towns, camps, clubs and players,
  aircraft, alliances and stadiums named for a date), 120 look-alikes, and 8 clean news articles
  that name nothing of sets 1-10, written blind to the rules and committed before the round it
  measures;
- set 11, ``spellings-heldout-11.tsv`` (+ ``-11-lookalikes``, ``-11-articles``): 112 spellings of
  names in none of sets 1-10, the tests or the shipped glossary (the frequent names being used up:
  former ministers, footballers, clubs, towns, districts and villages of the Arab world and Turkey,
  a few foreign leaders, two anniversaries), 73 look-alikes, and 8 clean news articles that name
  nothing of sets 1-11, written blind to the rules and committed before the round it measures;
- set 12, ``spellings-heldout-12.tsv`` (+ ``-12-lookalikes``, ``-12-articles``): 242 spellings of
  names in none of sets 1-11, the tests or the shipped glossary (names frequent in 2010-2023 news and
  regional and local figures, places and bodies: former leaders, ministers, judges, envoys,
  footballers and coaches, clubs, districts and villages, foreign leaders, parties, aircraft,
  anniversaries), spread over the classes like set 9, 90 look-alikes, and 8 clean news articles that
  name nothing of sets 1-12, written blind to the rules at the start of round 9 (with set 6 its
  held-out measure).

- detection: one glossary of every held-out row; each written spelling put in a sentence
  must be found once, at its exact offsets, with its approved English among the renderings the
  occurrence accepts (a full name with a father's name more, ``glossary/fullnames.py``, forces its
  own English: "Sultan Ahmed Al Jaber" for سلطان أحمد الجابر, and accepts the row's), and nothing else;
- false matches: each look-alike in a sentence, with a glossary of its one name, must match
  nothing; every family match the held-out glossary finds in the project's real articles
  (the example and the segmentation gold articles, which write the few of these names they
  hold as the glossary does) is counted as false too, and so is any match in a variant's
  sentence other than its own; where the set has an ``-articles.txt`` (articles separated by
  ``---`` lines that name nothing of the sets up to it), every match in them, by the set's glossary or by
  the union of the glossaries of every set up to it (a later set's names were not kept out of an
  earlier set's articles), is false and is reported on a line of its own;
- speed: building the default glossary's matcher and scanning the example article (median
  of ``--repeat``), and one warm scan of the example with the held-out glossary.

    .venv/bin/python benchmarks/glossary_spellings.py [--set 1|2|3|4|5|6|7|8|9|10|11|12] [--repeat 20] [--misses]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from tarjama.glossary import Glossary, Matcher, Term, load_default
from tarjama.sources import read
from tarjama.sources.segment import segment

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
EXAMPLE = ROOT / "examples" / "hanoi-convention.ar.txt"
ARTICLES = [EXAMPLE, *sorted((ROOT / "tests" / "data").glob("seg-*.ar.txt"))]
PREFIX = "وقال مراسلنا إن "
SUFFIX = " كان في الخبر أمس."


SETS = {
    "1": ("spellings-heldout.tsv", "spellings-heldout-lookalikes.tsv"),
    "2": ("spellings-heldout-2.tsv", "spellings-heldout-2-lookalikes.tsv"),
    "3": ("spellings-heldout-3.tsv", "spellings-heldout-3-lookalikes.tsv"),
    "4": ("spellings-heldout-4.tsv", "spellings-heldout-4-lookalikes.tsv"),
    "5": ("spellings-heldout-5.tsv", "spellings-heldout-5-lookalikes.tsv"),
    "6": ("spellings-heldout-6.tsv", "spellings-heldout-6-lookalikes.tsv"),
    "7": ("spellings-heldout-7.tsv", "spellings-heldout-7-lookalikes.tsv"),
    "8": ("spellings-heldout-8.tsv", "spellings-heldout-8-lookalikes.tsv"),
    "9": ("spellings-heldout-9.tsv", "spellings-heldout-9-lookalikes.tsv"),
    "10": ("spellings-heldout-10.tsv", "spellings-heldout-10-lookalikes.tsv"),
    "11": ("spellings-heldout-11.tsv", "spellings-heldout-11-lookalikes.tsv"),
    "12": ("spellings-heldout-12.tsv", "spellings-heldout-12-lookalikes.tsv"),
}


def rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def placed(row: list[str]) -> tuple[str, int]:
    """A row's sentence and where its written spelling starts there (set 1: a fixed frame;
    sets 2 to 4: the row's own sentence, column 7 of a spelling, 6 of a look-alike)."""
    written = row[3]
    if len(row) >= 6 and written in row[-1]:
        return row[-1], row[-1].index(written)
    return PREFIX + written + SUFFIX, len(PREFIX)


def detection(variants: list[list[str]]) -> tuple[Counter[str], Counter[str], list[str], list[str]]:
    """Found and total per class (and, in sets 2 to 4, per convention: ``conv:`` keys), the misses,
    and the extra (false) matches."""
    terms = {(r[0], r[1]): Term(r[0], r[1], r[2], origin=f"heldout:{n}") for n, r in enumerate(variants, 1)}
    matcher = Matcher(Glossary(list(terms.values())))
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    extra: list[str] = []
    for row in variants:
        source, target, _kind, written, cls = row[:5]
        keys = [cls, *([f"conv:{row[5]}"] if len(row) > 6 else [])]
        text, at = placed(row)
        # a match's span holds the proclitics before it (لانتفاضة: ل + the name); a row's written
        # spelling holds them or not
        got = [(m.start, m.end, m.approved, len(m.clitics)) for m in matcher.find(text)]
        span = (at, at + len(written))
        # a full name's occurrence asks for its own English, the row's among its renderings
        own = [(s, e, a, c) for s, e, a, c in got if span in ((s, e), (s + c, e)) and target in a]
        for k in keys:
            total[k] += 1
        if own:
            for k in keys:
                found[k] += 1
        else:
            misses.append(f"{cls}: {written} ({source} → {target}) got {[text[s:e] for s, e, _, _ in got]}")
        extra += [
            f"extra in '{text}': {text[s:e]} as {a[0]}" for s, e, a, c in got if (s, e, a, c) not in own
        ]
    return found, total, misses, extra


def false_matches(lookalikes: list[list[str]], variants: list[list[str]]) -> list[str]:
    out = []
    for row in lookalikes:
        source, target, kind, written, why = row[:5]
        m = Matcher(Glossary([Term(source, target, kind, origin="lookalike:1")]))
        for x in m.find(placed(row)[0]):
            out.append(f"look-alike {written} ({why}) matched {x.surface} as {x.target}")
    matcher = Matcher(Glossary([Term(r[0], r[1], r[2], origin="heldout:1") for r in variants]))
    for path in ARTICLES:  # they name some of set 2's names (رويترز, أوبك) as the glossary writes them
        for s in read(path).sentences:
            for x in matcher.find(s.text):
                if x.family:
                    out.append(f"{path.name} sentence {s.n}: {x.surface} matched as {x.target}")
    return out


def articles(name: str) -> list[str]:
    """The set's clean articles (``<set>-articles.txt``, ``---`` lines between them); none where the
    set has no such file."""
    path = DATA / name.replace(".tsv", "-articles.txt")
    if not path.exists():
        return []
    return [
        a.strip() for a in re.split(r"^---[ \t]*$", path.read_text(encoding="utf-8"), flags=re.M) if a.strip()
    ]


def union(upto: str) -> list[list[str]]:
    """The held-out rows of every set up to ``upto`` as one glossary: one row per glossary spelling
    (the first set's, where two sets share a spelling)."""
    seen: set[str] = set()
    out = []
    for key, names in SETS.items():
        if int(key) > int(upto):
            continue
        for r in rows(names[0]):
            if r[0] not in seen:
                seen.add(r[0])
                out.append(r)
    return out


def article_matches(
    texts: list[str], variants: list[list[str]], upto: str
) -> tuple[list[str], int, int, int]:
    """Every match in the clean articles, by the set's glossary and by the union of the sets' up to
    it (each a false match, counted once where both find it), the two glossaries' counts, and the
    sentences scanned."""
    everyone = union(upto)
    matchers = {
        "set": Matcher(
            Glossary([Term(r[0], r[1], r[2], origin=f"heldout:{n}") for n, r in enumerate(variants, 1)])
        ),
        "union": Matcher(
            Glossary([Term(r[0], r[1], r[2], origin=f"heldout-union:{n}") for n, r in enumerate(everyone, 1)])
        ),
    }
    sentences = [(k, s) for k, text in enumerate(texts, 1) for s in segment(text)]
    found: dict[tuple[int, int, int, int, str], str] = {}
    counts = {"set": 0, "union": 0}
    for label, matcher in matchers.items():
        for k, s in sentences:
            for x in matcher.find(s.text):
                counts[label] += 1
                key = (k, s.n, x.start, x.end, x.target)
                found.setdefault(
                    key, f"article {k} sentence {s.n}: {x.surface} matched as {x.target} ({label} glossary)"
                )
    return list(found.values()), counts["set"], counts["union"], len(sentences)


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
    ap.add_argument("--set", choices=sorted(SETS), default="2", help="which held-out set (default 2)")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--misses", action="store_true", help="list every miss and false match")
    args = ap.parse_args()
    names = SETS[args.set]
    variants = rows(names[0])
    lookalikes = rows(names[1])
    found, total, misses, extra = detection(variants)
    false = false_matches(lookalikes, variants)
    print(f"held-out set {args.set} ({names[0]})\n")
    print("| class | found | of | detection |")
    print("|---|---:|---:|---:|")
    classes = sorted((k for k in total if not k.startswith("conv:")), key=lambda k: int(k.split()[0]))
    for cls in [*classes, *sorted(k for k in total if k.startswith("conv:"))]:
        print(
            f"| {cls.removeprefix('conv:')} | {found[cls]} | {total[cls]} | {found[cls] / total[cls]:.2f} |"
        )
    n, d = sum(found[c] for c in classes), sum(total[c] for c in classes)
    print(f"| **all** | {n} | {d} | **{n / d:.3f}** |")
    print(
        f"\nfalse matches: {len(false) + len(extra)} ({len(lookalikes)} look-alikes and the project's articles: "
        f"{len(false)}; extra in the variant sentences: {len(extra)})"
    )
    texts = articles(names[0])
    in_articles: list[str] = []
    if texts:
        in_articles, by_set, by_union, scanned = article_matches(texts, variants, args.set)
        print(
            f"articles: {len(in_articles)} false matches ({len(texts)} clean articles, {scanned} sentences; "
            f"the set's glossary: {by_set}; the union of sets {min(SETS)}-{args.set} ({len(union(args.set))} names): {by_union})"
        )
    build, scan, held = timing(args.repeat, variants)
    print(
        f"speed: default glossary {build * 1000:.1f} ms to build, {scan * 1000:.1f} ms to scan the example "
        f"(median of {args.repeat}); held-out glossary ({len(variants)} names) {held * 1000:.1f} ms per scan"
    )
    if args.misses:
        print("\n".join(["", *misses, *false, *extra, *in_articles]))


if __name__ == "__main__":
    main()
