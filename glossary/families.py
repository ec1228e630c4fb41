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
   has "ch" (Ho Chi Minh, Chile); ژ ≡ ج ≡ ز where it has "j", "z" or "g"; ث ≡ ت ≡ س where it
   has "th" (سميث/سميس), in a word of three consonants or more without ح ع ض ظ (كيث Keith is
   not كيت Kate, حارث not حارس). Aligned word by word when the Arabic and the English have as
   many words, else against the whole target. Without the English letter the Arabic letters
   stay apart: قاسم (Qasim) ≠ جاسم (Jasim).
2. **A place's final ا / ة / ه** is one letter (مالطا/مالطة, روسيا/روسية), after ـي or three
   consonants, without ح ع ض ظ (جدة is not جدا "very").
3. **Doubled vowels** وو, يي, اا inside a word are one letter (هوليوود/هوليود), in a word with
   three consonants or more and none of ح ع ض ظ: كييف (Kyiv) stays apart from كيف ("how").
4. **Lone long vowels**: a vowel letter ا و ي between two consonants (not first or last of
   the joined string) may be written, left out, moved or changed (ترامب/ترمب/ترومب,
   الكرملين/الكريملين, ميشيل/ميشال), where the name's English has a vowel at that place the
   letter can stand for (:mod:`tarjama.glossary.english`: ماركوس is not Marx). Vowel
   clusters (وا يا يو او اي …) stand for diphthongs and stay: هونغ (Hong) ≠ هوانغ (Hoang).
   Guards, each against a real pair of different names:

   - only inside one word of the glossary spelling, never across its word boundary;
   - never in a word with ح ع ض ظ (Arabic names: محمد/محمود, حسن/حسين);
   - consonants are counted without a leading ال, a final ان (سلمان/سليمان) and a feminine ة;
     a word with four or more changes freely; one with three changes once and keeps a vowel
     letter (ديفيد/ديفد, but كريم Karim never becomes كرم, سليم never سالم); shorter ones
     never (كيم Kim is not كم "how many").
5. **Known names**: a family spelling that is a known different real name is not matched
   (:mod:`tarjama.glossary.known_names`, applied by the matcher: القابون is not الغابون).

ة/ه and ى/ي at the end are already one letter after folding. Words in :data:`NOT_NAMES`
(البرتقال, "the orange", which the G family of البرتغال Portugal reaches) are never a name. Offsets, clitics (first word
only) and whole-word matching are handled by the matcher as for exact matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from tarjama.glossary.english import gap_vowels, plain_latin
from tarjama.glossary.normalize import Folded, normalize, words
from tarjama.glossary.terms import Term
from tarjama.glossary.variants import canonical

VOWELS = frozenset("اوي")
G_LETTERS = frozenset("جغقگڨڭ")
ZH_LETTERS = frozenset("ژجز")
P_LETTERS = frozenset("بپ")
V_LETTERS = frozenset("فڤڥ")
CH_LETTERS = frozenset({"ش", "تش", "چ"})
TH_LETTERS = frozenset("ثتس")  # English "th": سميث/سميس, ثيريزا/تيريزا
# Letters one tradition uses for a foreign sound and another replaces (بوسطن/بوستن Boston,
# إيرباص/إيرباس Airbus, شولتس/شولتز Scholz), each pair where the English has one of the letters
SWAPS = ((frozenset("تط"), "t"), (frozenset("سص"), "sc"), (frozenset("سز"), "sz"))
FINAL_A = frozenset("اه")  # a name's last letter ا, or ه / ة (ة folds to ه)
FINAL_COARSE = "ة"
NONE, SHORT, LONG = 0, 1, 2
MAX_TH_KEYS = 81  # four ث ت س in "th" words
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
    vowel: bool = False  # ا و ي (where they are letters of a word, not of a window of joined words)
    pos: int = 0  # its place among its word's units


def graphemes(word: str, index: int) -> list[Grapheme]:
    """The letters of one canonical word as units: تش is one; a doubled vowel is one in a word
    with three consonants or more and no ح ع ض ظ (كييف Kyiv is not كيف "how")."""
    collapse = sum(ch not in VOWELS for ch in word) >= 3 and not (set(word) & ARABIC_ONLY)
    # after the article, an ا is the stem's hamza (الإسلام), never a vowel that may be left out
    hamza = 2 if word.startswith("الا") and len(word) > 3 else -1
    out: list[Grapheme] = []
    i = 0
    while i < len(word):
        letter = word[i : i + 2] if word.startswith("تش", i) else word[i]
        vowel = letter in VOWELS and i != hamza
        i += len(letter)
        if collapse and vowel and out and out[-1].letter == letter and out[-1].vowel:
            continue
        out.append(Grapheme(_COARSE.get(letter, letter), letter, index, vowel, len(out)))
    return out


@dataclass(frozen=True)
class Skeleton:
    key: str  # coarse letters of the kept units (the index key)
    kept: tuple[Grapheme, ...]
    gaps: tuple[str, ...]  # per gap before/between/after kept units: the lone vowel there, or ""


def _seat(u: Grapheme) -> bool:
    """A word's first ا: a hamza's seat, a consonant for the vowel letter after it (إريك/إيريك:
    that ي is a lone vowel letter, like any other). It stays a vowel letter itself, so a name
    written as one word or two (عبد الفتاح/عبدالفتاح, واتس آب/واتساب) gives one skeleton."""
    return u.pos == 0 and u.letter == "ا"


def _pair(us: Sequence[Grapheme], p: int) -> bool:
    """Two different vowel letters (اي, او, يو, وا …) between two consonants, not before a
    place's final ا/ة: the gap holds both (مايكروسوفت, شنايدر). Decided on the letters alone,
    as a lone vowel is, so a name written as one word or two gives one skeleton."""
    if not (0 < p < len(us) - 2):
        return False
    a, b, before, after = us[p], us[p + 1], us[p - 1], us[p + 2]
    return (
        a.vowel
        and b.vowel
        and a.letter != b.letter
        and (not before.vowel or _seat(before))
        and not after.vowel
        and not (p + 2 == len(us) - 1 and after.letter in FINAL_A)
    )


def skeleton(us: Sequence[Grapheme]) -> Skeleton:
    kept: list[Grapheme] = []
    gaps = [""]
    last = len(us) - 1
    skip = -1
    for p, u in enumerate(us):
        if p == skip:
            continue
        if _pair(us, p):  # two vowel letters inside a word: a diphthong, or one vowel written twice
            gaps[-1] = u.letter + us[p + 1].letter
            skip = p + 1
            continue
        lone = (
            u.vowel
            and 0 < p < last
            and (not us[p - 1].vowel or _seat(us[p - 1]))
            and not us[p + 1].vowel
            and not (p + 1 == last and us[last].letter in FINAL_A)  # سورية/سوريا: ي stays before the end
        )
        if lone:
            gaps[-1] = u.letter
        else:
            kept.append(u)
            gaps.append("")
    if len(kept) >= 3 and kept[-1].letter in FINAL_A:  # the name's final ا / ة / ه: one index letter
        kept[-1] = replace(kept[-1], coarse=FINAL_COARSE)
    return Skeleton("".join(u.coarse for u in kept), tuple(kept), tuple(gaps))


@lru_cache(maxsize=65536)
def text_skeleton(ws: tuple[str, ...]) -> Skeleton:
    """The skeleton of consecutive canonical text words (cached: news repeats its words)."""
    return skeleton([u for i, w in enumerate(ws) for u in graphemes(w, i)])


def _stem(word: str, article: bool = True) -> str:
    """A word without a leading ال (``article``: the glossary wrote it without a hamza, so it is
    the article; أل is the name's own letters, أليكسي Alexei), a final ان (سلمان/سليمان) and a
    final ة (folded ه: جميلة is جميل's feminine, not a word of four consonants)."""
    stem = word[2:] if article and word.startswith("ال") and len(word) > 3 else word
    stem = stem[:-1] if stem.endswith("ه") and len(stem) > 3 else stem
    return stem[:-2] if stem.endswith("ان") and len(stem) > 3 else stem


def _consonants(word: str, strip: bool = True, article: bool = True) -> int:
    """Consonant letters of a word's stem (``strip``: :func:`_stem`); its first letter is one even
    when it is ا و ي (a hamza's seat, w, y: أوروبا, ويلسون)."""
    return sum(1 for u in graphemes(_stem(word, article) if strip else word, 0) if not u.vowel or u.pos == 0)


def flex_mode(word: str, article: bool = True) -> int:
    """How freely a glossary word's vowel letters may differ: LONG (four consonants or more),
    SHORT (three: one change, a vowel letter kept), or NONE (shorter, or an Arabic-only letter)."""
    if set(word) & ARABIC_ONLY:
        return NONE
    n = _consonants(word, article=article)
    return LONG if n >= MIN_FLEX_CONSONANTS else SHORT if n == MIN_FLEX_CONSONANTS - 1 else NONE


def _same_letter(t: Grapheme, x: Grapheme, english: str, th_word: bool = True, swap: bool = False) -> bool:
    """Whether text letter ``x`` may stand for glossary letter ``t`` (aligned English ``english``;
    ``th_word``: the glossary word may have its ث ت س swapped at all, see :func:`th_word`)."""
    if t.letter == x.letter:
        return True
    pair = {t.letter, x.letter}
    if pair <= TH_LETTERS and th_word and "th" in english:
        return True
    if swap and any(pair <= letters and any(c in english for c in latin) for letters, latin in SWAPS):
        return True
    if pair <= TH_LETTERS:
        return False
    if t.coarse != x.coarse:
        return False
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
    flexible: tuple[int, ...]  # per gap: NONE, SHORT or LONG (the mode of its word)
    words: int
    admit: tuple[frozenset[str], ...] = ()  # per gap: the vowel letters the English has there
    word_vowels: tuple[int, ...] = ()  # per word: how many vowel letters the glossary writes
    final_ok: bool = False  # a place whose final ا / ة / ه may be written either way
    arabic: tuple[str, ...] = ()  # the glossary spelling's canonical words
    keys: tuple[str, ...] = ()  # index keys: the skeleton's, and with ث ت س swapped where the English has th
    th_words: tuple[bool, ...] = ()  # per word: may its ث ت س be swapped (th_word)
    swap_words: tuple[bool, ...] = ()  # per word: may its letters swap by SWAPS (swap_word)

    def accepts(self, text: Skeleton) -> bool:
        """Whether a text skeleton with the same key is this term's spelling family."""
        for t, x in zip(self.skeleton.kept, text.kept, strict=True):
            if t.coarse == FINAL_COARSE and t.letter != x.letter:
                if not self.final_ok:
                    return False
            elif not _same_letter(t, x, self.english[t.word], self.th_words[t.word], self.swap_words[t.word]):
                return False
        short_changes: dict[int, int] = {}
        for g, (tv, xv) in enumerate(zip(self.skeleton.gaps, text.gaps, strict=True)):
            if tv == xv:
                continue
            mode = self.flexible[g]
            if mode == NONE:
                return False
            if len(tv) > 1 or len(xv) > 1:
                # two vowel letters where the other spelling writes one of them, in a name of
                # four consonants or more, the one kept a vowel the English has there
                # (شنايدر/شنيدر Schneider, كلاوزفيتز/كلوزفيتز); a shorter name's pair is its
                # diphthong (هوانغ Hoang is not هونغ Hong, بايرن Bayern not بيرن Bern)
                two, one = (tv, xv) if len(tv) > 1 else (xv, tv)
                if mode != LONG or len(one) != 1 or one not in two or one not in self.admit[g]:
                    return False
                continue
            if xv and xv not in self.admit[g]:
                return False  # the English has no vowel there that this letter can stand for
            if mode == SHORT:
                w = self.skeleton.kept[g].word
                short_changes[w] = short_changes.get(w, 0) + 1
                if short_changes[w] > 1:
                    return False
                if self.word_vowels[w] < (2 if tv and not xv else 1):
                    return False  # a short name keeps a vowel letter: كرم is not كريم
                before = self.skeleton.kept[g - 1]
                if tv and not xv and before.pos == 0 and before.letter in VOWELS:
                    # the vowel after a short name's hamza seat is its only trace of which one
                    # it is: إيرينا Irina left out is أرينا "arena"; it may be written, not dropped
                    return False
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
    # ال as written is the article; أل/إل (folded to ال too) are the name's own letters
    articles = [term.source[folded.origin[t.start] : folded.origin[t.start] + 1] == "ا" for t in toks]
    us = [u for i, w in enumerate(arabic) for u in graphemes(w, i)]
    sk = skeleton(us)
    if len(sk.key) < MIN_KEY:
        return None
    latin = [w for w in re.split(r"[\s\-–—]+", plain_latin(term.target)) if w]
    english = tuple(latin) if len(latin) == len(arabic) else tuple([term.target.lower()] * len(arabic))
    modes = [flex_mode(w, a) for w, a in zip(arabic, articles, strict=True)]
    by_word = [[u for u in us if u.word == w] for w in range(len(arabic))]
    flexible = [NONE] * len(sk.gaps)
    admit = [frozenset[str]()] * len(sk.gaps)
    for g in range(1, len(sk.kept)):
        a, b = sk.kept[g - 1], sk.kept[g]
        if a.word == b.word and modes[a.word] != NONE:
            flexible[g] = modes[a.word]
            letters = [u.letter for u in by_word[a.word]]
            admit[g] = gap_vowels(letters, english[a.word], [a.pos + 1])[0]
    ths = [th_word(w, e) for w, e in zip(arabic, english, strict=True)]
    swaps = [swap_word(w, a) for w, a in zip(arabic, articles, strict=True)]
    word_vowels = tuple(
        sum(u.vowel and u.pos > 0 for u in graphemes(_stem(w, a), 0))
        for w, a in zip(arabic, articles, strict=True)
    )
    return FamilyTerm(
        term,
        sk,
        english,
        tuple(flexible),
        len(arabic),
        tuple(admit),
        word_vowels,
        _final_ok(term, arabic[-1]),
        tuple(arabic),
        _th_keys(sk, english, ths, swaps),
        tuple(ths),
        tuple(swaps),
    )


def th_word(word: str, english: str) -> bool:
    """Whether a glossary word's ث ت س may be written as one another: its English has "th"
    (Smith سميث/سميس, Thatcher تاتشر/ثاتشر), it has three consonants or more (كيث Keith is not
    كيت Kate, بيث Beth not بيت "house") and none of ح ع ض ظ (حارث Harith is not حارس "guard")."""
    stem = word[2:] if word.startswith("ال") and len(word) > 3 else word  # ناثان Nathan keeps its ان
    return "th" in english and _consonants(stem, strip=False) >= 3 and not (set(word) & ARABIC_ONLY)


def swap_word(word: str, article: bool = True) -> bool:
    """Whether a glossary word's letters may be swapped by :data:`SWAPS`: four consonants or
    more and none of ح ع ض ظ. Shorter words are Arabic names and words as often as foreign
    ones, where ط ص ز are letters of their own (مطر Matar is not متر "metre", نصر Nasr not نسر
    "eagle", فيروز Fairuz not فيروس "virus")."""
    return _consonants(word, article=article) >= MIN_FLEX_CONSONANTS and not (set(word) & ARABIC_ONLY)


def _th_keys(
    sk: Skeleton, english: Sequence[str], ths: Sequence[bool], swaps: Sequence[bool] = ()
) -> tuple[str, ...]:
    """The skeleton's index key, and the keys with each ث ت س of a "th" word written as the
    others and each letter of :data:`SWAPS` as its pair where the English allows (text keys
    keep the letters apart: ت and س are too common to merge)."""
    keys = [""]
    for u in sk.kept:
        options = set(TH_LETTERS if u.letter in TH_LETTERS and ths[u.word] else (u.coarse,))
        if swaps and swaps[u.word]:
            for letters, latin in SWAPS:
                if u.letter in letters and any(c in english[u.word] for c in latin):
                    options |= {_COARSE.get(c, c) for c in letters}
        keys = [k + o for k in keys for o in sorted(options)][:MAX_TH_KEYS]
    return tuple(dict.fromkeys([sk.key, *keys]))


def _final_ok(term: Term, last: str) -> bool:
    """A place name whose final ا / ة / ه may be written either way (مالطا/مالطة, روسيا/روسية,
    برشلونة/برشلونا): a place, ending in ا or ه, either in ـيا/ـية (the "-ia" of country names)
    or with three consonants or more before it, and no Arabic-only letter (جدة is not جدا "very",
    غزة not غزا "raided")."""
    if name_kind(term.type) != "place" or last[-1:] not in FINAL_A or set(last) & ARABIC_ONLY:
        return False
    body = last[:-1]
    body = body[2:] if body.startswith("ال") and len(body) > 3 else body
    return body.endswith("ي") or _consonants(body) >= 3
