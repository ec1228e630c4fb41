"""Regenerate ``glossary/common-words.txt.gz``: the Arabic words common enough to be read as words.

The last tier of name matching (``glossary/translit.py``) accepts a spelling because it reads as
a glossary row's English. A common Arabic word can read so by accident (كونية "cosmic" as
قونية Konya, لزوم "need" as ل + زوم Zoom); a rarer outlet spelling of a name almost never is one.
This list lets the tier ask "is this a word of the language?" and want a second witness (the
known-names gazetteer) before it takes one for a name.

Source: ``wordfreq`` 3.1.1 (Robyn Speer; its data CC BY-SA 4.0, https://github.com/rspeer/wordfreq),
the large Arabic list: every word of Arabic letters only with a Zipf frequency of ``MIN_ZIPF``
or more (about once in a million words of running text or more often), folded and
variant-canonical as the matcher reads text. The generated file carries the same licence.

    pip install wordfreq==3.1.1   # into a scratch environment; not a dependency of tarjama
    python tools/gen_common_words.py
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

from tarjama.files import atomic_write_bytes
from tarjama.glossary.normalize import fold
from tarjama.glossary.variants import canonical

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "glossary" / "common-words.txt.gz"
MIN_ZIPF = 3.0
HEADER = (
    "# Arabic words of Zipf frequency >= {z} (folded), from wordfreq 3.1.1's large Arabic list "
    "(CC BY-SA 4.0, https://github.com/rspeer/wordfreq); tools/gen_common_words.py\n"
)


def main() -> None:
    from wordfreq import iter_wordlist, zipf_frequency  # a tool's dependency only

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-zipf", type=float, default=MIN_ZIPF)
    args = ap.parse_args()
    words: dict[str, None] = {}
    for w in iter_wordlist("ar", "large"):
        if zipf_frequency(w, "ar", "large") < args.min_zipf:
            break
        if all("\u0621" <= c <= "\u064a" for c in w):
            words[canonical(fold(w))] = None
    body = HEADER.format(z=args.min_zipf) + "\n".join(words) + "\n"
    atomic_write_bytes(OUT, gzip.compress(body.encode("utf-8"), mtime=0))
    print(f"{OUT}: {len(words)} words")


if __name__ == "__main__":
    main()
