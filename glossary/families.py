"""Transliteration families: one glossary spelling of a *name* also matches the other ways
foreign names reach Arabic, without listing each spelling.

Only names get this (``Term.type`` person, place, organization or event, in their common
spellings, or the explicit ``variants`` flag); ordinary Arabic words keep exact matching
(folded, :mod:`tarjama.glossary.variants`). Families are a second tier: an exact match
always beats a family match, and a spelling that reaches two names with different targets
equally is reported as ambiguous by :class:`tarjama.glossary.match.Matcher`, never guessed.

A spelling is reduced to a *skeleton*: its words joined (a name may be written as one word
or two: هوشي منه / هو تشي منه), each word's final نج/ذي rule applied first
(:func:`tarjama.glossary.variants.canonical`), then:

1. **Letter families** (the term's aligned English word decides): ج غ ق گ ڨ ڭ are one letter
   in a word whose English has a "g" (not "gh", which is غ itself): جوجل/غوغل/قوقل/گوگل;
   پ ≡ ب where the English has "p"; ڤ ڥ ≡ ف where it has "v" or "w"; چ ≡ تش ≡ ش where it
   has "ch" (Ho Chi Minh, Chile); ژ ≡ ج ≡ ز where it has "j", "z" or "g". Aligned word by
   word when the Arabic and the English have as many words, else against the whole target.
   Without the English letter the Arabic letters stay apart: قاسم (Qasim) ≠ جاسم (Jasim).
2. **Doubled vowels** وو, يي, اا inside a word are one letter (هوليوود/هوليود), in a word with
   three consonants or more and none of ح ع ض ظ: كييف (Kyiv) stays apart from كيف ("how").
3. **Lone long vowels**: a vowel letter ا و ي between two consonants (not first or last of
   the joined string) may be written or left out (ترامب/ترمب, نيوزيلندا/نيوزلندا). Vowel
   clusters (وا يا يو او اي …) stand for diphthongs and stay: هونغ (Hong) ≠ هوانغ (Hoang).
   Guards, each against a real pair of different names:

   - where both spellings write a vowel, it is the same letter (لونغ ≠ لينغ, بوتين ≠ باتين);
   - all missing vowels are missing on the same side (سليم Salim ≠ سالم Salem);
   - only inside one word of the glossary spelling, never across its word boundary;
   - only in a word with at least four consonants besides a leading ال and a final ان and
     none of ح ع ض ظ: in Arabic names the long vowel is part of the name (محمد/محمود,
     حسن/حسين, كريم/كرم, جميل/جمل, سلمان/سليمان), and كيم (Kim) never becomes كم.

ة/ه and ى/ي at the end are already one letter after folding. Words in :data:`NOT_NAMES`
(البرتقال, "the orange", which the G family of البرتغال Portugal reaches) are never a name. Offsets, clitics (first word
only) and whole-word matching are handled by the matcher as for exact matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tarjama.glossary.normalize import Folded, normalize, words
from tarjama.glossary.terms import Term
from tarjama.glossary.variants import canonical

VOWELS = frozenset("اوي")
G_LETTERS = frozenset("جغقگڨڭ")
ZH_LETTERS = frozenset("ژجز")
P_LETTERS = frozenset("بپ")
V_LETTERS = frozenset("فڤڥ")
CH_LETTERS = frozenset({"ش", "تش", "چ"})
ARABIC_ONLY = frozenset("حعضظ")  # letters foreign names (nearly) never need
GAF = "گ"
MIN_KEY = 3  # shorter skeletons get no family
MIN_FLEX_CONSONANTS = 4
# Everyday words that a name's family reaches but that are words, not that name: البرتقال is
# "the orange" (the fruit), not Portugal (البرتغال) in Gulf spelling.
NOT_NAMES = frozenset({"برتقال", "البرتقال"})

# One coarse letter per family, for the index; the exact family check is `_same_letter`.
_COARSE = {
    **dict.fromkeys("جغقگڨڭژز", "G"),
    "پ": "ب",
    **dict.fromkeys("ڤڥ", "ف"),
    "چ": "ش",
    "تش": "ش",
}

# Term.type values that mark a name (lower case; "_" and "-" read as spaces).
NAME_TYPES = {
    "person": "person",
    "persons": "person",
    "people": "person",
    "per": "person",
    "person name": "person",
    "personal name": "person",
    "place": "place",
    "location": "place",
    "loc": "place",
    "gpe": "place",
    "geo": "place",
    "geography": "place",
    "country": "place",
    "city": "place",
    "organization": "organization",
    "organisation": "organization",
    "org": "organization",
    "company": "organization",
    "institution": "organization",
    "agency": "organization",
    "event": "event",
}

_G = re.compile(r"g(?!h)")


def name_kind(type_: str) -> str | None:
    """person/place/organization/event for a name type in any common spelling, else None."""
    return NAME_TYPES.get(re.sub(r"[\s_-]+", " ", type_.strip().lower()))


def uses_families(term: Term) -> bool:
    """Whether a term gets transliteration families: its ``variants`` flag, else its type."""
    if term.variants is not None:
        return term.variants
    return name_kind(term.type) is not None


def _is_gaf(ch: str) -> bool:
    return ch == GAF or (not ch.isspace() and unicodedata.normalize("NFKC", ch) == GAF)


def family_text(original: str, folded: Folded) -> str:
    """Folded text with گ kept apart from ك (folding makes it ك; for names it is a G)."""
    if GAF not in original and not any(0xFB92 <= ord(c) <= 0xFB95 for c in original):
        return folded.text
    return "".join(
        GAF if c == "ك" and _is_gaf(original[o]) else c
        for c, o in zip(folded.text, folded.origin, strict=True)
    )


@dataclass(frozen=True)
class Grapheme:
    """One letter of a spelling as families compare them (تش is one)."""

    coarse: str  # one character: the index letter
    letter: str  # the letter as written (تش is one unit)
    word: int  # which word of the spelling it comes from


def graphemes(word: str, index: int) -> list[Grapheme]:
    """The letters of one canonical word as units: تش is one; a doubled vowel is one in a word
    with three consonants or more and no ح ع ض ظ (كييف Kyiv is not كيف "how")."""
    collapse = sum(ch not in VOWELS for ch in word) >= 3 and not (set(word) & ARABIC_ONLY)
    out: list[Grapheme] = []
    i = 0
    while i < len(word):
        letter = word[i : i + 2] if word.startswith("تش", i) else word[i]
        i += len(letter)
        if collapse and letter in VOWELS and out and out[-1].letter == letter:
            continue
        out.append(Grapheme(_COARSE.get(letter, letter), letter, index))
    return out


@dataclass(frozen=True)
class Skeleton:
    key: str  # coarse letters of the kept units (the index key)
    kept: tuple[Grapheme, ...]
    gaps: tuple[str, ...]  # per gap before/between/after kept units: the lone vowel there, or ""


def skeleton(us: Sequence[Grapheme]) -> Skeleton:
    kept: list[Grapheme] = []
    gaps = [""]
    last = len(us) - 1
    for p, u in enumerate(us):
        lone = (
            u.letter in VOWELS
            and 0 < p < last
            and us[p - 1].letter not in VOWELS
            and us[p + 1].letter not in VOWELS
        )
        if lone:
            gaps[-1] = u.letter
        else:
            kept.append(u)
            gaps.append("")
    return Skeleton("".join(u.coarse for u in kept), tuple(kept), tuple(gaps))


@lru_cache(maxsize=65536)
def text_skeleton(ws: tuple[str, ...]) -> Skeleton:
    """The skeleton of consecutive canonical text words (cached: news repeats its words)."""
    return skeleton([u for w in ws for u in graphemes(w, 0)])


def _consonants(word: str) -> int:
    stem = word[2:] if word.startswith("ال") and len(word) > 3 else word
    stem = stem[:-2] if stem.endswith("ان") and len(stem) > 3 else stem
    return sum(1 for u in graphemes(stem, 0) if u.letter not in VOWELS)


def vowel_flexible(word: str) -> bool:
    """Whether a glossary word's lone long vowels may be written or left out (see guards)."""
    return _consonants(word) >= MIN_FLEX_CONSONANTS and not (set(word) & ARABIC_ONLY)


def _same_letter(t: Grapheme, x: Grapheme, english: str) -> bool:
    """Whether text letter ``x`` may stand for glossary letter ``t`` (aligned English ``english``)."""
    if t.letter == x.letter:
        return True
    if t.coarse != x.coarse:
        return False
    pair = {t.letter, x.letter}
    if pair <= G_LETTERS:
        return bool(_G.search(english))
    if "ژ" in pair and pair <= ZH_LETTERS:
        return "j" in english or "z" in english or bool(_G.search(english))
    if pair <= P_LETTERS:
        return "p" in english
    if pair <= V_LETTERS:
        return "v" in english or "w" in english
    if pair <= CH_LETTERS:
        return "ch" in english or "č" in english or "ç" in english or "cz" in english
    return False


@dataclass(frozen=True)
class FamilyTerm:
    """A name term's skeleton with what its English and its words allow."""

    term: Term
    skeleton: Skeleton
    english: tuple[str, ...]  # per Arabic word: the aligned English word(s), lower case
    flexible: tuple[bool, ...]  # per gap: may a lone vowel be there on one side only
    words: int

    def accepts(self, text: Skeleton) -> bool:
        """Whether a text skeleton with the same key is this term's spelling family."""
        for t, x in zip(self.skeleton.kept, text.kept, strict=True):
            if not _same_letter(t, x, self.english[t.word]):
                return False
        side = ""
        for flexible, tv, xv in zip(self.flexible, self.skeleton.gaps, text.gaps, strict=True):
            if tv == xv:
                continue
            if (tv and xv) or not flexible:
                return False
            missing_in = "text" if tv else "term"
            if side and side != missing_in:
                return False
            side = missing_in
        return True


def family_term(term: Term) -> FamilyTerm | None:
    """The family entry of a name term (None when it gets none: not a name, punctuation, too short)."""
    if not uses_families(term):
        return None
    folded = normalize(term.source)
    toks = words(family_text(term.source, folded))
    if not toks or not all(t.text[0].isalnum() for t in toks):
        return None
    arabic = [canonical(t.text) for t in toks]
    us = [u for i, w in enumerate(arabic) for u in graphemes(w, i)]
    sk = skeleton(us)
    if len(sk.key) < MIN_KEY:
        return None
    latin = [w for w in re.split(r"[\s\-–—]+", term.target.lower()) if w]
    english = tuple(latin) if len(latin) == len(arabic) else tuple([term.target.lower()] * len(arabic))
    flex_word = [vowel_flexible(w) for w in arabic]
    flexible = [False] * len(sk.gaps)
    for g in range(1, len(sk.kept)):
        a, b = sk.kept[g - 1], sk.kept[g]
        flexible[g] = a.word == b.word and flex_word[a.word]
    return FamilyTerm(term, sk, english, tuple(flexible), len(arabic))
