"""Arabic normalisation for term matching only: the text itself is never changed.

``normalize(text)`` returns the folded string plus, for every folded character, the index
of the original character it came from, so a match in folded text maps back to exact
offsets (and surface form) in the article.

Folding rules (each one is a way the same word is really written in Arabic news):

- tashkeel (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks) and tatweel ـ removed;
- alef forms أ إ آ ٱ → ا; alef maqsura ى → ي; ta marbuta ة → ه (ة only ends a word, so the
  fold is the "final ة ≈ ه" rule);
- Persian/Urdu letters ک گ ی ې ہ ۀ ۃ → ك ك ي ي ه ه ه;
- Arabic-Indic ٠-٩ and Persian ۰-۹ digits → 0-9;
- zero-width and bidi control characters (ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, LRE…PDF, LRI…PDI,
  BOM, soft hyphen) removed;
- Arabic presentation forms (ﻻ, ﺍ …) → their base letters (NFKC, per character);
- dash forms ‐ ‑ ‒ – — ― − → "-";
- any run of whitespace → one space. Spacing *around punctuation* is handled by
  :func:`words`, which splits punctuation into its own tokens, so "هانوي ." and "هانوي."
  give the same token stream.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DROP = set(
    "\u0640"  # tatweel
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/non-joiner/joiner, LRM, RLM
    "\u061c"  # Arabic letter mark
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings/overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\ufeff\u00ad"  # BOM/ZWNBSP, soft hyphen
)
_MAP = {
    **dict.fromkeys("أإآٱ", "ا"),
    "ى": "ي",
    "ة": "ه",
    "ک": "ك",
    "گ": "ك",
    "ی": "ي",
    "ې": "ي",
    "ہ": "ه",
    "ۀ": "ه",
    "ۃ": "ه",
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),  # dash forms
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}


def _is_mark(ch: str) -> bool:
    cp = ord(ch)
    return 0x064B <= cp <= 0x065F or cp == 0x0670 or 0x06D6 <= cp <= 0x06ED or 0x0610 <= cp <= 0x061A


def _fold_char(ch: str) -> str:
    if ch in _DROP or _is_mark(ch):
        return ""
    if ch in _MAP:
        return _MAP[ch]
    cp = ord(ch)
    if 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:  # presentation forms
        return "".join(_fold_char(c) for c in unicodedata.normalize("NFKC", ch))
    if ch.isspace():
        return " "
    return ch


@dataclass(frozen=True)
class Folded:
    """Folded text and, per folded character, the index of its original character."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of folded ``[start, end)`` (end exclusive, non-empty span)."""
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str) -> Folded:
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        for c in folded:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
            origin.append(i)
    return Folded("".join(out), origin)


def fold(text: str) -> str:
    """The folded string alone (for keys and comparisons)."""
    return normalize(text).text


# A word is a run of letters/digits (Arabic or other scripts); anything else that is not
# a space is a one-character punctuation token.
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Word:
    text: str  # folded
    start: int  # offsets in the folded string
    end: int


def words(folded: str) -> list[Word]:
    """Word and punctuation tokens of folded text (punctuation is one token per character)."""
    return [Word(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


Seats = tuple[frozenset[int], frozenset[int], str]
# a word of the shape of two Arabic patterns that only the first hamza's seat tells apart: أفعال, a
# plural (أعمار "ages", أعلام "flags", أنعام "cattle", أضرار) and إفعال, a verbal noun (إعمار
# "building", إعلام "media", إنعام, إدرار), after proclitics and the article at most; not with ي
# second, where foreign names write their I either way (إيفان/أيفان Ivan, إيلان/أيلان)
_PATTERN = re.compile(r"^(?:[وف]?(?:[بلك]|ال|بال|لل|كال)?)ا[^اي][^ا]ا[^ا]$")


def seats(original: str, folded: Folded, start: int, end: int) -> Seats:
    """Where a folded word ``[start, end)`` had an alef written آ, and where أ or إ, after its
    first letter (offsets from the word's end, so a proclitic in front does not shift them); and
    the seat (أ or إ) of the first alef of a word of the أفعال/إفعال shape, else ""."""
    madda: set[int] = set()
    hamza: set[int] = set()
    for p in range(start + 1, end):  # a word's first letter: أ for آ is a common slip (أسيا)
        if folded.text[p] == "ا":
            ch = original[folded.origin[p]]
            if ch == "آ":
                madda.add(end - p)
            elif ch in "أإ":
                hamza.add(end - p)
    pattern = ""
    if end - start >= 5 and _PATTERN.match(folded.text[start:end]):
        ch = original[folded.origin[end - 5]]
        pattern = ch if ch in "أإ" else ""
    return frozenset(madda), frozenset(hamza), pattern


def seats_clash(a: Seats, b: Seats) -> bool:
    """Two spellings that both write a hamza on one alef, one as آ and one as أ/إ: different
    words, though they fold alike (مآرب "aims" / مأرب Marib, المرآة "the mirror" / المرأة "the
    woman"). Not a word's first letter, where writers often type أ for آ (أسيا for آسيا), or
    أ for إ (أسبانيا), except in a word of the أفعال/إفعال shape, where the seat is the pattern:
    أعمار "ages" is not إعمار Emaar, أدرار Adrar not إدرار "yield". A bare ا is either (news
    often leaves the hamza out)."""
    return bool(a[0] & b[1]) or bool(a[1] & b[0]) or (a[2] != b[2] and bool(a[2]) and bool(b[2]))
