"""The approved English form as arbiter of a name's Arabic vowel letters.

Arabic writes a foreign name's vowels as the long letters ا و ي, or not at all, and the
traditions disagree on which and where (ميشيل/ميشال Michel, تراس/تروس Truss, بلينكن/بلينكين
Blinken). Every glossary row has the name's English, so where a family spelling writes a
vowel letter the glossary spelling does not (or another one), the English decides whether
the name has a vowel there that the letter can stand for: ``Blinken`` has an "e" between k
and n, so بلينكين is Blinken; ``Marx`` has none between k and s, so ماركوس is not Marx
(it is Marcus); ``Jamil``'s vowel after m is an "i", so جمال (Jamal) is not جميل.

:func:`gap_vowels` aligns the Arabic letters of a glossary word with the letters of its
English word (a small edit-distance alignment over letter correspondences) and returns,
per place between two Arabic letters, which Arabic vowel letters the English there admits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Latin spellings each Arabic letter may stand for in a name (lower case, one or two letters).
LATIN_OF: dict[str, tuple[str, ...]] = {
    "ا": ("a", "e", "o", "u", "i", "aa"),
    "ب": ("b", "p"),
    "پ": ("p",),
    "ت": ("t", "th", "d"),
    "ث": ("th", "t", "s", "z", "c"),  # Castilian z and c: أثنار Aznar, ثاباتيرو Zapatero
    "ج": ("j", "g", "dj", "zh", "ge", "gi", "c", "ch"),
    "ح": ("h", "ch"),  # a Hebrew ch: Simcha سيمحا, Chabad حباد
    "خ": ("kh", "h", "ch", "x", "j", "g"),
    "د": ("d", "th"),
    "ذ": ("dh", "th", "z", "d"),
    "ر": ("r",),
    "ز": ("z", "s", "x"),
    "ژ": ("j", "zh", "g", "s"),
    "س": ("s", "c", "th", "ss", "x", "z", "sh"),
    "ش": ("sh", "ch", "sch", "s", "x", "sz"),
    "تش": ("ch", "tch", "cz", "c", "tsch", "zh"),
    "تس": ("ts", "tz", "z", "c"),  # Herzliya هرتسليا, Fico فيتسو
    "چ": ("ch", "c"),
    "ص": ("s", "ss"),
    "ض": ("d", "dh", "z"),
    "ط": ("t",),
    "ظ": ("z", "dh"),
    "ع": ("a", "e", "i", "o", "u"),
    "غ": ("gh", "g", "r", "h"),
    "ف": ("f", "v", "ph", "w"),
    "ڤ": ("v", "w"),
    "ڥ": ("v",),
    "ق": ("q", "k", "g", "c", "gh"),
    "ك": ("k", "c", "ck", "ch", "q", "x", "kh", "g"),
    "گ": ("g",),
    "ڨ": ("g",),
    "ڭ": ("g",),
    "ل": ("l", "ll"),
    "م": ("m",),
    "ن": ("n", "ng"),
    "ه": ("h", "a", "ah", "e"),
    "و": ("w", "v", "o", "u", "oo", "ou", "ow", "au", "aw"),
    "ي": ("y", "i", "e", "ee", "ie", "ey", "ai", "ay", "ei", "j"),
}
_VOWELS = frozenset("aeiouy")
_SKIP_ARABIC = 1.0
_SKIP_LATIN_VOWEL = 0.2  # Arabic leaves short vowels unwritten
_SKIP_LATIN = 1.0
_SKIP_LATIN_H = 0.5  # a silent h: John, Thailand


# Latin letters with no decomposition to a base letter (NFKD leaves them whole): Kılıçdaroğlu.
_BASE = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}
)


def plain_latin(english: str) -> str:
    """An English name in lower case without accents, spaces and punctuation kept (Erdoğan →
    erdogan, Kılıçdaroğlu → kilicdaroglu): what the letter families look for a "g" or "th" in."""
    plain = unicodedata.normalize("NFKD", english.lower().translate(_BASE))
    return "".join(c for c in plain if not unicodedata.combining(c))


@lru_cache(maxsize=8192)
def latin(english: str) -> str:
    """Lower-case a-z letters of an English name (accents dropped, doubled consonants single)."""
    plain = unicodedata.normalize("NFKD", english.lower().translate(_BASE))
    letters = [c for c in plain if "a" <= c <= "z"]
    out: list[str] = []
    for c in letters:
        if out and c == out[-1] and c not in _VOWELS:
            continue
        out.append(c)
    return "".join(out)


def _admits(word: str, k: int, long: bool = False) -> set[str]:
    """The Arabic vowel letters that the English vowel letter at ``word[k]`` can be written with
    (``long``: in a glossary word of four consonants or more, see the open "a" below)."""
    c = word[k]
    nxt = word[k + 1] if k + 1 < len(word) else ""
    after = word[k + 2] if k + 2 < len(word) else ""
    if c == "a":
        if nxt in ("i", "y") or (nxt and nxt not in _VOWELS and after in ("e", "i")):
            # David, Kate, Baker: an open "a" sounds "ay" (بيكر, not باكر "early"); in a long
            # name it is as often an "a" written ا (Hanegbi هنغبي/هانغبي, Kazakhstan), where
            # no short Arabic word is within reach
            return {"ي", "ا"} if long else {"ي"}
        if nxt in ("l", "w", "u"):  # Walz, Paul: "aw"
            return {"ا", "و"}
        return {"ا"}
    if c == "e":
        if nxt == "r" and k + 2 == len(word):
            return {"ي"}  # a final "-er" is a schwa, written ي or not at all: Peter بيتر, not بيتار Beitar
        return {"ي", "ا"}  # Merkel ميركل, Michel ميشيل/ميشال (French e)
    if c in ("i", "y"):
        return {"ي"}
    if c == "o":
        return {"و"}
    if c == "u":
        return {"و", "ا"}  # Putin بوتين, Truss تراس/تروس
    if c == "w":
        return {"و"}
    return set()


def _align(arabic: tuple[str, ...], word: str) -> tuple[tuple[int, int], ...]:
    """Per Arabic letter, the English span ``[s, e)`` it stands for (``s == e``: none), from
    the cheapest alignment; English letters before the first and after the last Arabic letter
    cost nothing (the English may be the whole target of a longer name)."""
    return _dp(arabic, word)[1]


def alignment_cost(arabic: str, english: str) -> float:
    """How badly an Arabic word and an English word align (0: every letter accounted for)."""
    return _dp(tuple(arabic), latin(english))[0]


@lru_cache(maxsize=8192)
def _dp(arabic: tuple[str, ...], word: str) -> tuple[float, tuple[tuple[int, int], ...]]:
    n, m = len(arabic), len(word)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        cost[0][j] = 0.0  # free English prefix
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            if j < m and i > 0:  # skip an English letter
                ch = word[j]
                step = _SKIP_LATIN_VOWEL if ch in _VOWELS else _SKIP_LATIN_H if ch == "h" else _SKIP_LATIN
                if c + step < cost[i][j + 1]:
                    cost[i][j + 1], back[i][j + 1] = c + step, (i, j)
            if i < n:
                if c + _SKIP_ARABIC < cost[i + 1][j]:
                    cost[i + 1][j], back[i + 1][j] = c + _SKIP_ARABIC, (i, j)
                for spelling in LATIN_OF.get(arabic[i], ()):
                    if arabic[i] == "ه" and i < n - 1 and spelling[0] in _VOWELS:
                        continue  # ه is a vowel (ة, "-a/-e") only at a word's end: هرتسوغ's is the h
                    if word.startswith(spelling, j) and c < cost[i + 1][j + len(spelling)]:
                        cost[i + 1][j + len(spelling)], back[i + 1][j + len(spelling)] = c, (i, j)
    end = min(range(m + 1), key=lambda j: cost[n][j])  # free English suffix
    spans: list[tuple[int, int]] = [(0, 0)] * n
    i, j = n, end
    while i > 0:
        prev = back[i][j]
        if prev is None:  # reached row 0 through the free prefix
            break
        pi, pj = prev
        if pi == i - 1:
            spans[i - 1] = (pj, j)
        i, j = pi, pj
    # an unaligned Arabic letter sits where the English before it ends
    last = spans[0][0] if n else 0
    fixed: list[tuple[int, int]] = []
    for s, e in spans:
        if s == e:
            s = e = last
        fixed.append((s, e))
        last = e
    return cost[n][end], tuple(fixed)


def _spans(arabic: Sequence[str], english: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The English letters (:func:`latin`) and, per Arabic letter, the span of them it stands for."""
    word, _, spans = _aligned(arabic, english)
    return word, spans


def _aligned(arabic: Sequence[str], english: str) -> tuple[str, float, tuple[tuple[int, int], ...]]:
    """:func:`_spans` with the alignment's cost."""
    word = latin(english)
    skip = 0
    if len(arabic) > 3 and arabic[0] == "ا" and arabic[1] == "ل" and not word.startswith(("al", "el")):
        skip = 2  # the Arabic article has no letters in the English (الفلبين Philippines)
    if len(arabic) > skip + 2 and arabic[skip] == "ا" and arabic[skip + 1] not in ("ا", "و", "ي"):
        # a first ا (after the article too) is a hamza's seat: the vowel after it in the English
        # (Eric إريك/إيريك, Ecuador الإكوادور/الإيكوادور) is the gap's, where a vowel letter may stand
        skip += 1
    cost, spans = _dp(tuple(arabic[skip:]), word)
    return word, cost, ((0, 0),) * skip + spans


def aligned_latin(arabic: Sequence[str], english: str) -> list[str]:
    """Per Arabic letter, the English letters it stands for ("" for none): غلاسكو/Glasgow's ك is
    the "g", شينخوا/Xinhua's خ the "h"."""
    word, spans = _spans(arabic, english)
    return [word[s:e] for s, e in spans]


def _gap_range(
    arabic: Sequence[str], word: str, spans: Sequence[tuple[int, int]], cut: int
) -> tuple[int, int]:
    lo = spans[cut - 1][1] if cut > 0 else 0
    spelt = spans[cut - 1][1] - spans[cut - 1][0] if cut > 0 else 0
    if spelt > 1 and arabic[cut - 1] not in ("ا", "و", "ي") and word[lo - 1] in _VOWELS:
        lo -= 1  # a consonant spelt with its vowel (ج as "ge", "gi": Geneva) shares it with the gap
    k = cut
    while k < len(arabic) and arabic[k] in ("ا", "و", "ي"):
        k += 1  # a vowel letter the glossary writes there stands in the gap too
    hi = spans[k][0] if k < len(arabic) else len(word)
    return lo, max(lo, hi)


def gap_vowels(
    arabic: Sequence[str], english: str, cuts: Sequence[int], long: bool = False
) -> list[frozenset[str]]:
    """For each cut (an index into ``arabic``: the place before that letter), the Arabic vowel
    letters the English admits there: those its vowel letters between the letter before the
    cut and the next consonant after it can be written with (``long``: see :func:`_admits`)."""
    return [frozenset().union(*steps) for steps in gap_steps(arabic, english, cuts, long)]


def gap_steps(
    arabic: Sequence[str], english: str, cuts: Sequence[int], long: bool = False
) -> list[tuple[frozenset[str], ...]]:
    """For each cut, the English letters there in their order, each as the Arabic vowel letters
    it admits (letters that admit none left out): Claudia's "au" between l and d is (ا) then
    (و ا), so كلاوديا writes each of its two vowels; Cuong's "uo" admits وا in no order."""
    word, spans = _spans(arabic, english)
    out: list[tuple[frozenset[str], ...]] = []
    for cut in cuts:
        lo, hi = _gap_range(arabic, word, spans, cut)
        steps = tuple(s for s in (frozenset(_admits(word, p, long)) for p in range(lo, hi)) if s)
        if not steps and _initial_cluster(arabic, word, spans, cut):
            steps = (EPENTHESIS,)
        out.append(steps)
    return out


# Arabic opens no word with two consonants: a name that opens with two that English never opens
# a word with (Zverev, Dmitriev, Sderot, Tbilisi, Dnipro) is written with them together (زفيريف,
# دميترييف) or with a ي between (زيفيريف, ديميترييف). An English onset (Brown, Klopp, Starmer) is
# written together: بيراون is no spelling of Brown; nor is a third consonant (Pskov بسكوف is not
# بيسكوف Peskov).
EPENTHESIS = frozenset("ي")
_ENGLISH_ONSETS = frozenset(
    [
        "bl",
        "br",
        "cl",
        "cr",
        "dr",
        "fl",
        "fr",
        "gl",
        "gr",
        "kl",
        "kr",
        "pl",
        "pr",
        "sc",
        "sk",
        "sl",
        "sm",
        "sn",
        "sp",
        "st",
        "sw",
        "tr",
        "tw",
        "dw",
        "qu",
        "kw",
        "wr",
    ]
)


def _initial_cluster(arabic: Sequence[str], word: str, spans: Sequence[tuple[int, int]], cut: int) -> bool:
    """Whether ``cut`` falls between the first two letters of a word whose English opens with
    two consonants English does not open a word with, then a vowel, each consonant written by
    its own Arabic consonant."""
    if cut != 1 or len(arabic) < 3 or arabic[0] in ("ا", "و", "ي") or arabic[1] in ("ا", "و", "ي"):
        return False
    (a0, b0), (a1, b1) = spans[0], spans[1]
    return (
        (a0, b0, a1) == (0, 1, 1)
        and b1 < len(word)
        and not set(word[:b1]) & _VOWELS
        and word[b1] in _VOWELS
        and word[:2] not in _ENGLISH_ONSETS
    )


def ordered(letters: str, steps: Sequence[frozenset[str]]) -> bool:
    """Whether each of ``letters`` is admitted by its own English letter, in their order."""
    i = 0
    for ch in letters:
        while i < len(steps) and ch not in steps[i]:
            i += 1
        if i == len(steps):
            return False
        i += 1
    return True


_ARABIC_VOWELS = frozenset("اوي")
MAX_FOREIGN_COST = 1.0  # an alignment worse than this is no transliteration (الخليل Hebron)


def vowelled(arabic: Sequence[str], english: str) -> bool:
    """Whether an Arabic word reads as a transliteration of its English: it aligns with it (at
    most :data:`MAX_FOREIGN_COST`) and writes a vowel letter wherever the English has a vowel
    between two of its consonants. Foreign names are written so (ليكود Likud, تولوز Toulouse,
    ميزوري Missouri); Arabic words and names leave their short vowels out (حماس Hamas, نصر Nasr,
    جميل Jamil, طلال Talal), so this is the arbiter's evidence that a name is foreign."""
    return _vowelled(tuple(arabic), english)


@lru_cache(maxsize=8192)
def _vowelled(letters: tuple[str, ...], english: str) -> bool:
    word, cost, spans = _aligned(letters, english)
    if cost > MAX_FOREIGN_COST:
        return False
    prev = -1  # where the English of the last consonant ended, -1 after a vowel letter
    for letter, (s, e) in zip(letters, spans, strict=True):
        if s == e or (letter in _ARABIC_VOWELS and any(c in _VOWELS for c in word[s:e])):
            prev = -1  # a vowel letter (و and ي aligned with w or y, j are consonants here)
            continue
        if prev >= 0 and any(c in _VOWELS for c in word[prev:s]):
            return False
        prev = e
    return True


def gap_runs(arabic: Sequence[str], english: str, cuts: Sequence[int]) -> list[str]:
    """For each cut (as :func:`gap_steps`), the English vowel letters there as written (Rayner's
    "ay" between r and n, Hoang's "oa"): whether they are one sound (a digraph) or two."""
    word, spans = _spans(arabic, english)
    out = []
    for cut in cuts:
        lo, hi = _gap_range(arabic, word, spans, cut)
        out.append("".join(c for c in word[lo:hi] if c in _VOWELS))
    return out
