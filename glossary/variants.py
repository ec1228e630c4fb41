"""How one Arabic word may be written: transliteration variants and attached proclitics.

Both term and text words are reduced to a *canonical key* before comparison, so one
glossary row matches all its spellings without listing them.

Transliteration variant rules (Vietnamese and other foreign names in Arabic; words are
already folded by :mod:`tarjama.glossary.normalize`):

1. ``نج`` at the end of a word ≡ ``نغ`` (Vietnamese final "-ng": دانج/دانغ, هوانج/هوانغ,
   جيانج/جيانغ, تونج/تونغ, هونج/هونغ). Only word-final: initial نج/نغ would merge real
   words such as نجم and نغم.
2. the whole words ``ذا`` ≡ ``ذي`` (Vietnamese "The"/"Thi": فام ذا تونج / فام ذي تونج;
   ``ذى`` is already ``ذي`` after folding).
3. the names of Latin letters written two ways: ``كيه`` ≡ ``كي`` (K: كي إف سي / كيه إف سي KFC),
   ``جيه`` ≡ ``جي`` (J: جي دي فانس / جيه دي فانس JD Vance); neither longer form is a word.
4. a hamza after a long a, before a consonant, written on its ي seat or as a plain ي: ``ائ`` ≡
   ``اي`` (قائد/قايد, عائشة/عايشة, فائزة/فايزة: Egyptian and Maghrebi papers drop the hamza
   there; no word turns into another by it); before ي the other way, ``ايي`` ≡ ``ائي`` (محسن
   رضائي/رضايي, طباطبائي/طباطبايي, رافائيل/رافاييل: Persian and foreign names).
5. a final hamza after a long a left out of a word of six letters or more (السويداء/السويدا,
   كربلاء/كربلا); shorter words are other words without it (ماء "water", ما "what").
6. a hamza inside a word on any seat, و, ي or the line: ``ؤ`` ≡ ``ئ`` ≡ ``ء`` (الشؤون/الشئون,
   مسؤول/مسئول, رؤوف/رءوف, سيئون/سيؤون: Egyptian papers seat a hamza before و on ي or the line);
   a last ``ئ`` ≡ ``يء`` (الشاطئ/الشاطيء). The seat follows the vowels around it, which papers
   weigh differently; no two words differ by it alone.
7. the long a of الرحمن, which Quranic spelling writes as a dagger alef (over the letter, lost
   in plain text) and Maghrebi and South Asian names as ا: ``الرحمن`` ≡ ``الرحمان`` (عبد الرحمان,
   مجيب الرحمان), with its article, with عبد joined, or alone. No other word is either. Other
   names of that spelling are left out: إسحق (إسحاق) folds to أسحق "I crush".
8. two words that name-bearing bodies hold and papers spell two ways: ``أميركا`` ≡ ``أمريكا``
   with every form of it (الأميركية/الأمريكية, الأميركيين: Lebanese and Gulf papers against
   Egyptian ones) and ``ديموقراطي`` ≡ ``ديمقراطي`` (الديموقراطية/الديمقراطية). No other word
   holds either stem.

Proclitics (only on the first word of a term, as Arabic attaches them):
an optional conjunction و or ف, then an optional preposition ب ل ك, then the word. A term
whose first word carries the article ال keeps it; after ل the article's alef drops
(ل + الأمم → للأمم, ل + اللواء → للواء). A term without ال never matches a word with one
(فيتنام does not match الفيتنامية): the article belongs to the term, not to the clitics.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# rule 4: ائ before a consonant is اي; اي before ي is ائي (رضايي/رضائي: the families read a ئ there)
_HAMZA_YA = re.compile("ائ(?=[^اويهء])")
_WHOLE_WORD = {"ذي": "ذا", "كيه": "كي", "جيه": "جي"}
_DAGGER_ALEF = ("رحمان", "الرحمان", "عبدالرحمان")  # rule 7: written رحمن
_TWO_WAYS = (("اميرك", "امريك"), ("ديموقراط", "ديمقراط"))  # rule 8
# rule 6: a hamza inside a word, on whatever seat, is written ئ; a last يء is ئ
_INNER_HAMZA = re.compile("(?<=.)[ؤء](?=.)")
CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")


def canonical(word: str) -> str:
    """The key of one folded word under the variant rules above."""
    word = _WHOLE_WORD.get(word, word)
    if word.endswith("رحمان") and word in _DAGGER_ALEF:
        word = word[:-2] + "ن"  # rule 7: الرحمان/الرحمن
    if "مير" in word or "موق" in word:
        for other, usual in _TWO_WAYS:
            word = word.replace(other, usual)  # rule 8
    if "اي" in word or "ائ" in word:  # rule 4 (most words have neither: no regex for them)
        word = _HAMZA_YA.sub("اي", word.replace("ايي", "ائي"))
    if len(word) >= 6 and word.endswith("اء"):
        word = word[:-1]  # rule 5: السويداء/السويدا
    if "ؤ" in word or "ء" in word[1:-1]:
        word = _INNER_HAMZA.sub("ئ", word)  # rule 6: مسؤول/مسئول
    if word.endswith("يء") and len(word) > 3:
        word = word[:-2] + "ئ"  # rule 6: الشاطيء/الشاطئ
    if len(word) > 2 and word.endswith("نج"):
        word = word[:-1] + "غ"
    return word


def stems(word: str) -> Iterator[tuple[str, str]]:
    """Every (clitics, canonical stem) reading of a folded text word, the bare word first."""
    seen: set[tuple[str, str]] = set()
    for conj in ("", *CONJUNCTIONS):
        if not word.startswith(conj):
            continue
        rest = word[len(conj) :]
        readings = [(conj, rest)]
        if len(rest) > 2 and rest[0] in PREPOSITIONS:
            readings.append((conj + rest[0], rest[1:]))
        if len(rest) > 3 and rest.startswith("لل"):
            # ل + ال + X is written للX; ل + ال + لX is written للX too (three lams → two)
            readings.append((conj + "ل", "ال" + rest[2:]))
            readings.append((conj + "ل", "ال" + rest[1:]))
        for clitics, stem in readings:
            if len(stem) < 2:
                continue
            key = canonical(stem)
            if (clitics, key) not in seen:
                seen.add((clitics, key))
                yield clitics, key


def unended(word: str) -> str:
    """A word less its ending: a last ه (ة) or ا, then a last ي (سامية, هدى, سامي)."""
    word = word[:-1] if len(word) > 3 and word.endswith(("ه", "ا")) else word
    return word[:-1] if len(word) > 3 and word.endswith("ي") else word


def root_consonants(word: str) -> int:
    """The letters of a word less its ending that are neither a vowel letter nor a hamza (ع and ه
    count: an Arabic root's three are سلم in سالم, عمر in عامر)."""
    return sum(c not in "اويئؤء" for c in unended(word.replace("تش", "چ")))


def arabic_word(word: str) -> bool:
    """Whether a word (its article aside) has an Arabic noun's shape: three root consonants and
    the feminine ending ة (البليدة Blida, الداخلة Dakhla, الجنينة El Geneina: "the dull", "the
    inner", "the little garden"). Such a place's article is the word's: without it it is the
    common noun or adjective, however well it reads as its English."""
    w = word[2:] if word.startswith("ال") and len(word) >= 4 else word
    return w.endswith("ه") and root_consonants(w) == 3
