"""Which common Arabic words the name matcher takes for a name: false matches at scale.

The held-out sets (``glossary_spellings.py``) put each name in a sentence; a look-alike list is
only as good as its writer's imagination. This puts every word of ``glossary/common-words.txt.gz``
(the ~52,000 Arabic words wordfreq sees about once in a million words or more, folded) through a
matcher holding every name of the shipped glossary and of every held-out set (about 800 names),
one word at a time, and lists each word matched as a name by a family or by the last tier
(``translit.py``) — a word the glossary does not write. Most should be outlet spellings of the
name (داوود for داود Dawood); any other is a false match waiting for an article that uses the word.

    .venv/bin/python benchmarks/glossary_common_words.py [--upto N]   # the sets 1..N only (default: all)
"""

from __future__ import annotations

import argparse
import gzip
import time
from importlib import resources

from glossary_spellings import SETS, rows  # type: ignore[import-not-found]

from tarjama.glossary import Glossary, Matcher, Term, load_default
from tarjama.glossary.translit import TranslitIndex


def names(upto: str | None = None) -> list[Term]:
    """The shipped glossary's terms and the held-out sets' names (those of sets 1 to ``upto``: a
    figure is compared with an earlier one on the same names)."""
    terms = list(load_default().terms)
    seen = {(t.source, t.target) for t in terms}
    keys = list(SETS)
    for variants, _ in [SETS[k] for k in keys[: keys.index(upto) + 1 if upto else len(keys)]]:
        for r in rows(variants):
            if (r[0], r[1]) not in seen:
                seen.add((r[0], r[1]))
                terms.append(Term(r[0], r[1], r[2], origin="heldout:1"))
    return terms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upto", choices=sorted(SETS), help="only the names of the sets up to this one")
    args = ap.parse_args()
    raw = (resources.files("tarjama.glossary") / "common-words.txt.gz").read_bytes()
    words = [w for w in gzip.decompress(raw).decode("utf-8").splitlines() if w and w[0] != "#"]
    terms = names(args.upto)
    with_tier = Matcher(Glossary(terms))
    without = Matcher(Glossary(terms))
    without._translit = TranslitIndex()  # the matcher as it was before the last tier
    t0 = time.perf_counter()
    family: dict[str, str] = {}
    last: dict[str, str] = {}
    for w in words:
        before = {m.surface for m in without.find(w) if m.family}
        for m in with_tier.find(w):
            if not m.family:
                continue
            (family if m.surface in before else last)[w] = f"{m.term.source} → {m.target}"
    took = time.perf_counter() - t0
    print(f"{len(words)} common words, {len(terms)} names, {took:.1f} s\n")
    print("| tier | common words matched as a name |\n|---|---:|")
    print(f"| families | {len(family)} |\n| last tier (translit) | {len(last)} |\n")
    for title, found in (("families", family), ("last tier", last)):
        print(f"{title}:")
        for w, what in sorted(found.items()):
            print(f"  {w}  as  {what}")


if __name__ == "__main__":
    main()
