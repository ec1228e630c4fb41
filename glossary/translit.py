"""The last tier of name matching: a spelling that reads as the row's English.

The families (:mod:`tarjama.glossary.families`) reach an outlet's spelling one rule at a time,
each rule a letter or a vowel letter the English decides. Each new set of outlets' spellings
showed the same thing: a real spelling often differs from the glossary's in two or three of
those ways at once (مولدوفا/مولدافيا, تشيرنيهيف/تشيرنيغوف, أوروغواي/الأوروغواي, a vowel letter moved
*and* an emphatic for a plain letter), which no single rule reaches and a product of rules would
reach far too much with. This tier scores a span directly instead, on two things that do not
depend on which rule an outlet followed:

1. **its consonants are the glossary's** up to one edit, in coarse classes that Arabic
   transliteration really confuses (:data:`COARSE`: t/d ت ط د ض ث ذ; s/z/sh س ص ز ظ ش ژ;
   k/g/q/j/ch ك ق ج غ تش; h ح خ; b/p/f/v ب پ ف ڤ; vowel letters, ه, ع and hamza carry none),
   an article ال on a word, as outlets write it or leave it out, included in neither;
2. **it reads as the row's English** (:func:`fit`, every English letter accounted for, short
   vowels may go unwritten) about as well as the glossary's own spelling does.

Only rows whose own spelling is a transliteration by the English arbiter's evidence (every
English vowel between consonants written: :func:`tarjama.glossary.english.vowelled`) get this
tier: Arabic names and words leave their short vowels out (صبري Sabri, حماس Hamas, كريم Karim),
and a different name or word one letter from them is common (صابري Saberi, الحماس "the zeal",
كرم Karam); foreign names are written with their vowels, and what is one letter from them is
rarely a word. A span the English accepts is still refused when it is a known different name
(:func:`tarjama.glossary.known_names.different_name`), as families are.

Why by hand: transliteration-equivalence matching of this kind (symmetric-deletion lookup, then
a weighted alignment against the Latin form) is not what any maintained Arabic NLP package offers
for arbitrary glossary rows; the alignment reuses :mod:`tarjama.glossary.english`'s letter table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tarjama.glossary.english import LATIN_OF, latin, plain_latin, vowelled
from tarjama.glossary.known_names import (
    common_word,
    confirmed,
    different_name,
    latin_keys,
    word_reading,
)
from tarjama.glossary.terms import Term
from tarjama.glossary.variants import arabic_word, root_consonants, stems, unended

# One class per letter (folded text: أ إ آ → ا, ى → ي, ة → ه, گ → ك); letters not here carry none.
COARSE: dict[str, str] = {
    **dict.fromkeys("بپفڤڥ", "b"),
    **dict.fromkeys("تطدضثذ", "t"),
    **dict.fromkeys("سصزظشژ", "s"),
    **dict.fromkeys("كقجغچڨڭ", "k"),
    **dict.fromkeys("حخ", "h"),
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ر": "r",
}
MIN_EXACT_KEY = 2  # shorter keys get no tier at all
MEMO = 50_000  # text keys remembered per index (a few MB at most)
MIN_FUZZY = 4  # one edit of the key only from four consonants on (three is too near other words)
MARGIN = 0.3  # how much worse than the glossary's own spelling a span may read as the English
MAX_FIT = 1.0  # and never worse than this (or the glossary's own, where that reads worse)
MAX_OWN = 1.5  # a row whose own spelling reads worse than this as its English gets no tier
# ... but a person's name of several words whose one differing word makes the span read this well,
# and this much better than the glossary's, is the English's transliteration (the glossary wrote
# the name's Arabic form: عمر for Umaro)
READS_WELL = 0.25
READS_BETTER = 0.5
WORD_BUDGET = 1.0  # how far a word may be from the glossary's (distance): two small differences
VOUCHED_EXTRA = 0.5  # one more where another word of the name is written as the glossary writes it
SHORT_MARGIN = 0.3  # how much worse a short word's last ه may make it read
SHORT_FIT = 0.5  # a short word differs only in a name that reads this well as its English

# alignment costs (see :func:`fit`)
_SKIP_EN_VOWEL = 0.25  # a short vowel Arabic leaves unwritten
_SKIP_EN_H = 0.5  # a silent or unwritten h
_SKIP_EN = 1.0
_SKIP_EN_SILENT = 0.3  # a word's last consonants after a vowel, silent in French (Arnault أرنو)
_SKIP_AR_VOWEL = 0.6  # a vowel letter the English has no vowel for
_SKIP_AR = 1.0
_SKIP_SEAT = 0.3  # a word's first alef where the English opens with one consonant
_LONG_A = 0.3  # ي for an English a said "ay" (Jacob جيكوب, Mason ميسون): one tradition hears it so
_LONG_I = 0.2  # اي for an English i or y said "eye" (Mobil موبايل as "mobile", Tyson تايسون)
_RUSSIAN_O = 0.2  # و for a Ukrainian i or e that Russian says o (Chasiv تشاسوف, Kurakhove كوراخوفو)
_PORTUGUESE_S = 0.3  # ش for a last s after a vowel, as Lisbon says it (Mendes مينديش, Neves نيفيش)
_EN_VOWELS = frozenset("aeiouy")
_AR_VOWELS = frozenset("اويهعءئؤ")


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) >= 4 else word


def coarse(words: Sequence[str]) -> str:
    """The coarse consonant key of canonical words (see the module docstring, item 1)."""
    return "".join(map(_coarse_word, words))


@lru_cache(maxsize=65536)
def _coarse_word(word: str) -> str:
    return "".join(COARSE[c] for c in _strip_article(word).replace("تش", "چ") if c in COARSE)


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _one_edit(a: str, b: str) -> bool:
    """Whether two keys are equal or one insertion, deletion or substitution apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _free(spellings: str) -> tuple[tuple[str, float], ...]:
    return tuple((sp, 0.0) for sp in spellings.split())


# What a vowel letter may stand for, and at what cost: the letter's own vowel is free; an "e" for
# ا (French and German names: ميشال Michel) costs a little; any other vowel costs as much as an
# unwritten consonant would, so ماريا does not read as Mario nor دانا as Dina.
_VOWEL_SPELLINGS: dict[str, tuple[tuple[str, float], ...]] = {
    "ا": (("a", 0.0), ("aa", 0.0), ("e", 0.3), ("ae", 0.3), ("o", 0.8), ("u", 0.8), ("i", 0.8)),
    "و": (*_free("o u oo ou ow au aw w oa uo eau"), ("v", 0.3), ("a", 0.8), ("e", 0.8)),
    "ي": (*_free("i y e ee ie ey ai ay ei ea ye yi"), ("j", 0.3), ("a", 0.8), ("o", 0.8), ("u", 0.8)),
    "ه": (("h", 0.0), ("a", 0.0), ("ah", 0.0), ("e", 0.0)),
    "ع": (("a", 0.0), ("e", 0.0), ("i", 0.0), ("o", 0.0), ("u", 0.0), ("'", 0.0)),
    "ء": (("'", 0.0),),  # an apostrophe marks an ayin or a hamza: Re'im ريعيم, Sana'a صنعاء
    # a hamza's seat reads as its letter's vowel (ميكولائيف Mykolaiv: ايي is written ائي)
    "ئ": (*_free("i y e '"),),
    "ؤ": (*_free("o u w '"),),
}
# consonants as the English arbiter reads them, less three readings that let words and other names
# read as a name: غ for a French r (غوتيريش Guterres as Reuters), د for a "th" (قادرين as
# Catherine), ش for an s (the English's accent says where an s is said sh: _SOUNDED)
_NOT_HERE = frozenset({("غ", "r"), ("د", "th"), ("ش", "s")})
_SPELLINGS: dict[str, tuple[tuple[str, float], ...]] = {
    **{k: tuple((s, 0.0) for s in v if (k, s) not in _NOT_HERE) for k, v in LATIN_OF.items()},
    **_VOWEL_SPELLINGS,
}


def fit(words: Sequence[str], english: str, place: bool = False) -> float:
    """How well canonical Arabic words read as an English name: the cheapest alignment of all
    their letters with all its letters (0: every letter is a standard rendering of the other).
    A word's article ال and a word-initial alef (a hamza's seat) may stand for nothing; a
    ``place``'s Ukrainian vowels may be read as their Russian o (a person's are not: Pavliv is
    not Pavlov). The English's apostrophe (an ayin or a hamza: Re'im, Sana'a) is read by ع, ء or a
    hamza's seat, or by nothing; a French oi by وا (François فرانسوا)."""
    return _fit(tuple(words), _letters(english, place))


_SILENT_HAM = re.compile(r"(?<=[^aeiou])h(?=am$)")  # Tottenham, Birmingham, Fulham: said -am
# not s: Greek -os is said (أولمبياكوس); but French -ois, -ais (François فرانسوا, Dubois, Calais)
_SILENT_END = re.compile(r"(?<=[aeiouy])(?:lt|ps|ts|d|t|x)$|(?<=[ao]i)s$")


_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼʿʾ`", "'"))
# letters whose accent says how they sound (latin() drops accents): Babiš and Nicușor are said
# with sh, so ش is their letter, while an s is never ش (شاندرا Chandra is not ساندرا Sandra)
_SOUNDED = str.maketrans({"š": "sh", "ș": "sh", "ş": "sh", "č": "ch", "ć": "ch", "ç": "ch", "ž": "zh"})
# an a before one consonant and a vowel other than a (Dana, Sara, Kamala keep their a: دينا is Dina)
_OPEN_A = re.compile(r"(?<![aeiou])a(?=[^aeiouyhw][eiouy])")
# Ukrainian -iv, -ivka, -ivsk (Russian -ov, -ovka, -ovsk), -ove (Russian -ovo), and ё after a
# sibilant before a last v (-chev, -shev, -zhev)
_YO_AT = re.compile(r"(?<=[csz]h)e(?=v$)")
_RUSSIAN_O_AT = re.compile(r"i(?=v(?:$|k|s))|(?<=ov)e$|" + _YO_AT.pattern)
_CLUSTER = re.compile(r"^(?![tscpkgzd]h)[^aeiouy\W][^aeiouyh\W]")


_Letters = tuple[str, frozenset[int], bool, frozenset[int], frozenset[int], frozenset[int]]


@lru_cache(maxsize=8192)
def _letters(english: str, place: bool = False) -> _Letters:
    """An English name's letters (:func:`tarjama.glossary.english.latin` word by word: Nicolas
    Sarkozy keeps both its s), where each word's French silent ending starts (Arnault,
    Deschamps, Bernard, Bordeaux: an Arabic spelling from the French leaves it out), and whether
    a word opens with a vowel or two consonants (Einstein, Mbappé, Spain: Arabic opens it with a
    hamza's alef, إمبابي; Tomsk does not, so أتمسك "I hold on" is not Tomsk); and where an a
    ends an open syllable (one consonant, then a vowel: Ja-cob, Ma-son, Ha-ley, Ka-ne), which
    English says "ay" and outlets write ا or ي (جاكوب/جيكوب); and where a Ukrainian name's
    vowel is an o in its Russian form, which the Arab press often writes (Chasiv/Chasov تشاسوف,
    Horlivka/Gorlovka غورلوفكا, Kurakhove/Kurakhovo كوراخوفو), or a Russian ё the English writes e
    (Likhachev ليخاتشوف); and each word's last s after a vowel, which Portuguese says sh and one
    tradition writes ش (Mendes مينديش, Santos سانتوش)."""
    out = ""
    silent: set[int] = set()
    long_a: set[int] = set()
    russian_o: set[int] = set()
    final_s: set[int] = set()
    opens = False
    for w in re.split(r"[\s\-–—]+", english):
        # doubled letters kept (McChrystal's cc is ماك ك); the alignment skips a double for free
        # an apostrophe is kept: it marks an ayin or a hamza (Re'im ريعيم, Ma'ale معاليه, Sana'a)
        word = "".join(
            c
            for c in plain_latin(w.lower().translate(_SOUNDED)).translate(_APOSTROPHES)
            if "a" <= c <= "z" or c == "'"
        )
        word = "mac" + word[2:] if word.startswith("mc") else word  # McCarthy is said Mac: ماكارثي
        if not word:
            continue
        opens = opens or word[0] in _EN_VOWELS or bool(_CLUSTER.match(word))
        end = _SILENT_END.search(word)
        if end:
            silent.update(range(len(out) + end.start(), len(out) + len(word)))
        ham = _SILENT_HAM.search(word)
        if ham:
            silent.add(len(out) + ham.start())  # the h of an English -ham: توتنام Tottenham
        if len(word) > 2 and word[-1] == "s" and word[-2] in _EN_VOWELS:
            final_s.add(len(out) + len(word) - 1)
        long_a.update(len(out) + m.start() for m in _OPEN_A.finditer(word))
        russian_o.update(len(out) + m.start() for m in (_RUSSIAN_O_AT if place else _YO_AT).finditer(word))
        out += word
    return out, frozenset(silent), opens, frozenset(long_a), frozenset(russian_o), frozenset(final_s)


@lru_cache(maxsize=16384)
def _fit(words: tuple[str, ...], english: _Letters) -> float:
    word, silent, opens, long_a, russian_o, final_s = english
    units: list[tuple[str, bool, bool]] = []  # (letter, free to skip, a word's first alef)
    ends: set[int] = set()  # each word's last letter
    for w in words:
        ends.add(len(units) + len(w) - 1)
        # a word's article may stand for nothing (it still reads as an English al-/el- when there
        # is one): Ali Khamenei is علي خامنئي and علي الخامنئي
        lead = 2 if w.startswith("ال") and len(w) >= 4 else 0
        for k, ch in enumerate(w):
            seat = k == lead and ch == "ا"
            units.append((ch, k < lead or (seat and opens), seat))
    n, m = len(units), len(word)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        row = cost[i]
        for j in range(m + 1):
            c = row[j]
            if c == inf:
                continue
            if j < m:  # an English letter the Arabic does not write
                ch = word[j]
                if ch == "'" or (ch not in _EN_VOWELS and ch in (word[j - 1 : j] + word[j + 1 : j + 2])):
                    # an apostrophe a spelling leaves out; a doubled consonant is one letter in Arabic
                    # (Nassau ناساو)
                    step = 0.0
                elif ch in _EN_VOWELS:
                    step = _SKIP_EN_VOWEL
                elif j in silent:
                    step = _SKIP_EN_SILENT
                else:
                    step = _SKIP_EN_H if ch == "h" else _SKIP_EN
                if c + step < row[j + 1]:
                    row[j + 1] = c + step
            if i == n:
                continue
            letter, free, seat = units[i]
            nxt = cost[i + 1]
            if free:
                step = 0.0
            elif seat:  # a hamza's alef before a single consonant: انواكشوط, not أتمسك as Tomsk
                step = _SKIP_SEAT
            else:
                step = _SKIP_AR_VOWEL if letter in _AR_VOWELS else _SKIP_AR
            if c + step < nxt[j]:  # an Arabic letter the English does not write
                nxt[j] = c + step
            for spelling, extra in _SPELLINGS.get(letter, ()):
                if word.startswith(spelling, j) and c + extra < nxt[j + len(spelling)]:
                    nxt[j + len(spelling)] = c + extra
            if letter == "و" and j in russian_o and c + _RUSSIAN_O < nxt[j + 1]:
                nxt[j + 1] = c + _RUSSIAN_O  # تشاسوف Chasiv, كوراخوفو Kurakhove
            if letter == "ش" and j in final_s and c + _PORTUGUESE_S < nxt[j + 1]:
                nxt[j + 1] = c + _PORTUGUESE_S  # مينديش Mendes, سانتوش Santos
            if letter == "ي" and j in long_a and c + _LONG_A < nxt[j + 1]:
                nxt[j + 1] = c + _LONG_A  # an a said "ay": جيكوب Jacob, ميسون Mason
            if (
                letter == "ا"
                and i + 1 < n
                and units[i + 1][0] == "ي"
                and (word[j : j + 1] in ("i", "y") or j in long_a)
                and c + _LONG_I < cost[i + 2][j + 1]
            ):
                # اي for an i said "eye" or an a said "ay": موبايل Mobil(e), بلايت Plate
                cost[i + 2][j + 1] = c + _LONG_I
            if (
                letter == "ي"
                and i + 1 < n
                and units[i + 1][0] == "ه"
                and i + 1 in ends
                and word[j : j + 1] == "e"
                and c < cost[i + 2][j + 1]
            ):
                cost[i + 2][j + 1] = c  # يه for a final é: سانيه Sané, روجيه Roger, خوسيه José
            if (
                letter == "و"
                and i + 1 < n
                and units[i + 1][0] == "ا"
                and word.startswith("oi", j)
                and c < cost[i + 2][j + 2]
            ):
                cost[i + 2][j + 2] = c  # a French oi said wa: فرانسوا François, لاكروا Lacroix
            if letter == "ش" and word.startswith(("st", "sp"), j) and c < nxt[j + 1]:
                nxt[j + 1] = c  # German st, sp said sht, shp: فيرشتابن Verstappen, هوكشتاين
            if i + 1 < n and letter + units[i + 1][0] in LATIN_OF:  # تش, تس as one unit
                for spelling in LATIN_OF[letter + units[i + 1][0]]:
                    if word.startswith(spelling, j) and c < cost[i + 2][j + len(spelling)]:
                        cost[i + 2][j + len(spelling)] = c
    return cost[n][m]


@dataclass(frozen=True)
class TranslitTerm:
    """A name row as this tier sees it."""

    term: Term
    arabic: tuple[str, ...]  # canonical words as the glossary writes them
    key: str
    english: str
    own_fit: float  # how well the glossary's own spelling reads as the English
    kind: str | None = None  # person, place, organization, event (families.name_kind)
    foreign: bool = False  # the glossary writes every English vowel between consonants (vowelled)
    english_words: tuple[str, ...] = ()  # per Arabic word, its English (families' alignment)
    # the glossary's spelling reads as the English (MAX_OWN); a person's that does not (the name's
    # Arabic form: محمد for Mahamat) takes only spellings that read it well (READS_WELL)
    reads_own: bool = True

    def accepts(self, words: Sequence[str], whole: str = "") -> bool:
        """Whether canonical text words (clitics removed; ``whole``: the first word as written
        when clitics were) are this name: near in consonants, read as the English, each differing
        word within reach (:func:`_word_ok`). A differing word that is a common Arabic word must
        also be a known name going by the English (كازان Kazan; not كونية "cosmic" for قونية
        Konya), and a common word is not read as clitics and a name where its stem is no word
        (لزوم is "need", not ل + زوم Zoom: :func:`known_names.word_reading`)."""
        words = tuple(words)
        if words == self.arabic or abs(len(words) - len(self.arabic)) > 1:
            return False
        if whole and (
            word_reading(whole, words[0])
            or latin_keys(whole) is not None
            or any(common_word(stem) for _, stem in stems(whole) if stem != words[0])
        ):
            # clitics and a spelling no glossary writes: not where the whole word is a name
            # (واينستين Weinstein, كاساندرا) or another reading of it is a word (للأوزان "for
            # the weights" is ل + الأوزان, not ل + a spelling of لوزان Lausanne)
            return False
        key = coarse(words)
        if key != self.key and not (
            len(self.key) >= MIN_FUZZY and len(key) >= MIN_FUZZY and _one_edit(key, self.key)
        ):
            return False
        if different_name(words, self.arabic, self.english_words):
            return False
        # a common word standing alone for a name needs the gazetteer; beside a word of the name
        # written as the glossary writes it, it is that name's (نيكولاس ساركوزي, كريم بنزيما)
        own_words = {_strip_article(g) for g in self.arabic}
        alone = not any(w in self.arabic and len(w) >= 3 for w in words)
        if (
            alone
            and any(common_word(w) for w in words if _strip_article(w) not in own_words)
            and not confirmed(words, self.arabic, self.english_words)
        ):
            return False
        score = fit(words, self.english, self.kind == "place")
        # as well as the glossary's spelling reads, and well on its own unless that one does not
        if score > self.own_fit + MARGIN or (score > MAX_FIT and score > self.own_fit):
            return False
        if not self.reads_own and score > READS_WELL:
            return False
        if len(words) != len(self.arabic):  # one word or two (بلاك ستون/بلاكستون): the whole is one word
            joined, own = "".join(words), "".join(self.arabic)
            if joined != own and not _one_edit(joined, own):
                return False  # not a word written apart or together, a word before or after it
            pairs = [(own, joined)]
        else:
            pairs = list(zip(self.arabic, words, strict=True))
        vouched = any(g == t and len(g) >= 3 for g, t in pairs)
        if (
            vouched
            and len(pairs) >= 2
            and sum(g != t for g, t in pairs) == 1
            and score <= self.own_fit - READS_BETTER
            and score <= READS_WELL
        ):
            # one word of a name, the others as the glossary writes them, spelt as the English
            # reads where the glossary's reads it badly: the glossary writes the name's Arabic form
            # and the paper transliterates the English (عمر/أومارو سيسوكو إمبالو Umaro, غلطة/جالاتا
            # سراي Galatasaray, أرييه درعي/ديري Deri, محمد/ماهامات إدريس ديبي Mahamat)
            return True
        if not self.reads_own:
            return False
        return all(
            g == t or _word_ok(g, t, vouched, self, score - self.own_fit, k > 0 and len(pairs) > 1)
            for k, (g, t) in enumerate(pairs)
        )


# the emphatic letters foreign names are traditionally written with, and their plain letters
# (ض ظ ح are Arabic names' letters: ضاري Dari is not داري "my house")
_EMPHATIC = {"ق": "ك", "ط": "ت", "ص": "س"}
_ARABIC_ONLY = frozenset("صضطظحع")
_NISBA_END = re.compile(r"[^اوي]ي$")  # بوروندي, جيبوتي, ديربي; not أوروغواي
_DOUBLED = {"و": "oo", "ي": "ee", "ا": "aa"}  # a vowel letter doubled for an English double vowel
_VOWEL_LETTERS = frozenset("اوي")


def _undouble(word: str, english: str) -> str:
    """The word with a doubled vowel letter written once where the English doubles that vowel
    (زووم Zoom, داوود Dawood; not فيينا Vienna, whose يي are two vowels)."""
    out: list[str] = []
    for c in word:
        if not (out and c == out[-1] and c in _DOUBLED and _DOUBLED[c] in english):
            out.append(c)
    return "".join(out)


_CHEAP = 0.5  # a vowel letter more, less or another; a consonant for one that renders the same
_HAMZA = 0.25  # a hamza's seat: رافائيل/رافاييل
_FAR = 2.0  # any other letter: more than a word's budget
# consonant letters that render one foreign sound, one tradition writing one and another the other
# (what families.RENDERINGS pairs by the English letter, here without it: the English is read by fit)
_SAME_SOUND = [
    frozenset(pair)
    for pair in (
        "تط",
        "تث",
        "ثس",
        "سص",
        "سز",
        "سش",
        "زظ",
        "زذ",
        "دذ",
        "دض",
        "كق",
        "قغ",
        "غج",
        "جچ",
        "كچ",
        "شچ",
        "جژ",
        "زژ",
        "بف",
        "بپ",
        "فڤ",
        "فو",
        "هح",
        "هخ",
        "هغ",
        "حخ",
    )
]
_EMPHATIC_LETTERS = frozenset("طصضظقح")
# letters that render one sound of an Iberian or Italian name only: a Castilian z or c written ث or
# ز (لوبيث/لوبيز López), a Portuguese final s written ش or ز (مينديش/مينديز Mendes), an Italian c
# before i or e written تش or س (لوتشيانو/لوسيانو Luciano; no Arabic name has تش). An Arabic
# name's are two letters (هشام Hisham, هزام Hazzam), which the English keeps apart: a span is
# compared only once it reads as the English (fit), and fit reads ش only as an sh or a last s
# after a vowel, ز as an s or z, ث as a th, s or z
_ROMANCE_PAIRS = [frozenset("ثز"), frozenset("شز"), frozenset("سچ")]


def _sub_cost(a: str, b: str, foreign: bool, last: bool = False) -> float:
    if a == b:
        return 0.0
    if a in "ئؤء" or b in "ئؤء":
        return _HAMZA if (a in "ئؤءاوي" and b in "ئؤءاوي") else _FAR
    if a in _VOWEL_LETTERS and b in _VOWEL_LETTERS:
        return _CHEAP
    if last and {a, b} in ({"ه", "ا"}, {"ه", "ي"}):  # a last a/e: بنزيمة/بنزيما, بوكيلة/بوكيلي
        return _CHEAP
    if frozenset((a, b)) in _ROMANCE_PAIRS:
        return _CHEAP  # the English decides: fit reads ش only as sh or a last s, ز never as th
    if frozenset((a, b)) in _SAME_SOUND:
        # an Arabic name's emphatic is its own letter (مطران Matran is not متران Mitterrand)
        return _CHEAP if foreign or not ({a, b} & _EMPHATIC_LETTERS) else _FAR
    return _FAR


def _indel_cost(ch: str, last: bool) -> float:
    if ch in "ئؤء":
        return _HAMZA
    if last:  # a last ه is a vowel (ستوره/ستور Støre); a last vowel letter is the name's (هلسنكي)
        return _CHEAP if ch == "ه" else _FAR if ch in _VOWEL_LETTERS else 1.0
    return _CHEAP if ch in _VOWEL_LETTERS else 1.0


def distance(g: str, t: str, foreign: bool = True) -> float:
    """How far a text word is from the glossary's in the ways spellings of one name differ: a
    vowel letter more, less or another, a consonant for one rendering the same sound (not an
    emphatic of an Arabic name: ``foreign`` False) cost :data:`_CHEAP`; a hamza's seat less; a
    consonant more or less 1; another consonant, or a last vowel letter, more than a budget."""
    a, b = g.replace("تش", "چ"), t.replace("تش", "چ")
    n, m = len(a), len(b)
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + _indel_cost(b[j - 1], j == m)
    for i in range(1, n + 1):
        cur = [prev[0] + _indel_cost(a[i - 1], i == n)] + [0.0] * m
        for j in range(1, m + 1):
            cur[j] = min(
                prev[j] + _indel_cost(a[i - 1], i == n),
                cur[j - 1] + _indel_cost(b[j - 1], j == m),
                prev[j - 1] + _sub_cost(a[i - 1], b[j - 1], foreign, i == n and j == m),
            )
        prev = cur
    return prev[m]


def _adjective(g: str, t: str, article: bool) -> bool:
    """Whether a text word is the adjective (nisba) of a place or body the glossary word names:
    كولومبيا → الكولومبي "Colombian", كولومبيون, الروسية (with the article the glossary does not
    write; روسية alone is Russia in the Syrian style)."""
    for suffix in ("يين", "يون", "يات", "ي"):
        if t.endswith(suffix) and not g.endswith(suffix):
            return True
    return article and t.endswith("يه") and not g.endswith("يه")


# an English vowel said "ay" or "eye" (Kane, Haley, Daily, Milei, Dijk), which one tradition
# writes ي and the other اي (Egyptian هيلي, Levantine هايلي); not a y before a vowel, which is a
# consonant (Zayed, Nayel, Hayom: زايد/زيد are two names)
_DIPHTHONG = re.compile(r"ai|ay(?![aeiou])|ei|ey(?![aeiou])|ij|a[^aeiouyhw][eiouy]|i[^aeiouyhw]e$")


def _diphthong(a: str, b: str) -> bool:
    """Whether two spellings differ only in an ا written before one ي (كين/كاين, لاين/لايين)."""
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(
        long_[k : k + 2] == "اي" and long_[:k] + long_[k + 1 :] == short for k in range(len(long_) - 1)
    )


def _english_of(g: str, entry: TranslitTerm) -> str:
    """The English of one glossary word (the families' alignment), else the row's whole English."""
    if g in entry.arabic and len(entry.english_words) == len(entry.arabic):
        return latin(entry.english_words[entry.arabic.index(g)])
    return latin(entry.english)


def pattern_changed(text_words: Sequence[str], term_words: Sequence[str], english: Sequence[str]) -> bool:
    """Whether a spelling word by word (as many words as the glossary's) changes an Arabic name's
    pattern in one of its words (:func:`pattern_differs`; ``english``: each word's English)."""
    return len(text_words) == len(term_words) and any(
        pattern_differs(t, w, e) for t, w, e in zip(term_words, text_words, english, strict=True) if t != w
    )


def pattern_differs(g: str, t: str, english: str) -> bool:
    """Whether a text word writes a glossary word's long vowel as another vowel letter in another
    place, where the glossary word is an Arabic name's: a root's three consonants, not written as
    a transliteration of its English (:func:`tarjama.glossary.english.vowelled`). The long vowels
    of such a word are its pattern: سالم Salem and سليم Selim, جابر Jaber and جبير Jubair, راشد
    Rashed and رشيد Rashid, كامل and كميل are two names each. A vowel letter written or left out,
    one for another in its place (روسل/راسل Russell), or moved as itself (أمريكا/أميركا) stays with
    the other rules; the ending, hamza, ع and a doubled vowel letter aside."""
    g, t = _strip_article(g), _strip_article(t)
    if root_consonants(g) != 3:
        return False  # a root's three consonants (ه and ع among them); نتنياهو, هنغبي are longer
    a, b = _vowel_pattern(g, english), _vowel_pattern(t, english)
    if a == b:
        return False
    if len(a) != len(b):
        # the long a of an Arabic participle written or left out: two names where neither spelling
        # is a transliteration (ناصر Nasser/نصر Nasr, عامر/عمر, حامد/حمد); another vowel letter,
        # or an ا beside one, is the other rules' (ديفيد/ديفد David, كايزر/كيزر Kaiser)
        long_, short = (a, b) if len(a) > len(b) else (b, a)
        lone_a = any(
            long_[k] == "ا"
            and long_[k - 1 : k] == "C"
            and long_[k + 1 : k + 2] == "C"
            and long_[:k] + long_[k + 1 :] == short
            for k in range(len(long_))
        )
        return lone_a and not vowelled(tuple(g), english) and not vowelled(tuple(t), english)
    if a.replace("C", "") == b.replace("C", ""):
        return False  # the same vowel letters, a neighbour swapped (أمريكا/أميركا)
    if [c == "C" for c in a] == [c == "C" for c in b]:
        return False  # one vowel letter for another in its place (روسل/راسل Russell)
    return not vowelled(tuple(g), english)


def _vowel_pattern(w: str, english: str) -> str:
    """A word's long vowels among its consonants (سالم CاCC, سليم CCيC), a doubled one once and its
    ending (ة/ه, ا, ي, ى), hamza and ع aside; a Portuguese nh's ه read as ي."""
    w = unended(_undouble(w, english).replace("تش", "چ"))
    if "nh" in english:
        w = w.replace("نه", "ني")  # a Portuguese nh's ه is its ي (مورينهو/مورينيو Mourinho)
    return "".join(c if c in _VOWEL_LETTERS else "C" for c in w if c not in "ئؤءع")


def _word_ok(g: str, t: str, vouched: bool, entry: TranslitTerm, worse: float, later: bool = False) -> bool:
    """Whether a text word may stand for a glossary word of the name.

    A word of four consonants or more (three where another word of the name is written as the
    glossary writes it) differs as the whole-name tests allow. A shorter one is the length of
    Arabic words and names one letter from each other (سعيد/صعيد, كيم/قيم, بيرن, ليس/ليز,
    كارل/كاريل), so it may differ only in what a foreign name's spellings differ in and those
    words do not: a doubled vowel letter written once for an English double vowel (زووم/زوم), and,
    in a name the glossary writes as a transliteration (every vowel written, reading well as the
    English), one emphatic letter written plain (طوكيو/توكيو, قازان/كازان; never plain to
    emphatic, never ق where the English has a q) or one vowel letter added that is the English
    vowel's own letter (ميامي/مايامي). A foreign place's or body's article ال may be written or
    left out on a word of five letters or more (أوروغواي/الأوروغواي)."""
    ga, ta = _strip_article(g), _strip_article(t)
    if entry.kind != "person" and _adjective(ga, ta, ta != t and ga == g):
        return False
    if entry.kind == "place" and ga.endswith("ه") and ta[-1:] not in ("ه", "ا", "ي", "و"):
        # a place's last ة is written ة, ه or ا, never left out: بربر Berber is not بربرة Berbera
        return False
    # the article written on one only: a foreign place's or body's, on a word of five letters or
    # more (زرقاء "blue" is not الزرقاء Zarqa, مستقبل "a future" not المستقبل); or a person's
    # family name after a first name written as the glossary writes it (مروان البرغوثي/برغوثي:
    # Arab family names take it or not; a name alone does not: الأمين "the secretary")
    if (ga != g) != (ta != t):
        if entry.kind == "person":
            if not (later and vouched and len(ga) >= 4):
                return False
        elif (
            not entry.foreign or entry.kind not in ("place", "organization") or len(ga) < 5 or arabic_word(ga)
        ):
            return False
        elif ta != t and entry.kind == "place" and (_NISBA_END.search(ga) or ga.endswith("يه")):
            # ال + a place ending in a consonant and ي, or in ية, is its adjective (البوروندي;
            # العثمانية "the Ottoman" for عثمانية Osmaniye)
            return False
    if pattern_differs(ga, ta, _english_of(g, entry)):
        return False
    consonants = len(coarse([ga]))
    # an Arabic name's word is nearly its own (محمد صالح is not محمد صلاح): vouching allows a
    # word with a letter only Arabic words write one small difference (عباس عراقجي/عراقتشي)
    if consonants >= 4 or (consonants == 3 and vouched):
        if consonants == 3 and set(ga) & _ARABIC_ONLY:
            return distance(ga, ta, entry.foreign) <= _CHEAP
        return distance(ga, ta, entry.foreign) <= WORD_BUDGET + (VOUCHED_EXTRA if vouched else 0.0)
    if consonants == 2 and vouched and (ta.startswith(ga) or ga.startswith(ta)):
        # a vouched word's ending as the other tradition writes it (إدوار/إدوارد, ميلان/ميلانو)
        return abs(len(ta) - len(ga)) <= 2 and distance(ga, ta, entry.foreign) <= WORD_BUDGET
    english = latin(entry.english)
    a, b = _undouble(ga, english), _undouble(ta, english)
    if a == b:
        return True
    if (
        vouched
        and _diphthong(a, b)
        and _DIPHTHONG.search(_english_of(g, entry))
        and not set(a) & _ARABIC_ONLY
        and latin_keys(ta) is None
    ):
        # ا written or not before ي for an English "ay"/"eye" (نيكي هيلي/هايلي Haley, خافيير
        # ميلي/مايلي Milei), beside a word of the name as the glossary writes it, where the text's
        # word is no known name: alone or known, the same letters are an Arabic name's (زايد
        # Zayed/زيد Zaid, نيل Neil/نايل Nael)
        return True
    # the glossary writes it as a transliteration: the whole name, or this word of a vouched name
    # (ليروي ساني: Leroy's e is unwritten, Sané's word is a transliteration)
    own = _english_of(g, entry)
    if vouched and len(a) == len(b) and worse <= SHORT_MARGIN + 1e-9:
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        if (
            len(diff) == 1
            and 0 < diff[0] < len(a) - 1
            and a[diff[0]] in _VOWEL_LETTERS
            and b[diff[0]] in _VOWEL_LETTERS
            and (not common_word(ta) or confirmed((ta,), (ga,), (own,)))
        ):
            # one vowel letter for another inside a short word where both read the English's vowel
            # (بيير/بيار Pierre: ا for a French e), beside a word of the name as the glossary writes
            # it; a common word only where the gazetteer knows it as this name (بيير is one)
            return True
    if not (entry.foreign or (vouched and vowelled(tuple(ga), own))) or entry.own_fit > SHORT_FIT:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        if vouched and diff == [len(a) - 1] and frozenset((a[-1], b[-1])) in _ROMANCE_PAIRS:
            # an Iberian name's last z or s (دياز/دياث Díaz, دياز/دياش Dias) beside a word of the
            # name as the glossary writes it
            return worse <= SHORT_MARGIN + 1e-9  # 0.25 + 0.3 - 0.25 is a hair over 0.3 in floats
        if diff == [len(a) - 1] and {a[-1], b[-1]} == {"ي", "ه"} and (vouched or consonants == 3):
            # a last e written ي or ه (توابسي/توابسه Tuapse, جوزيبي/جوزيبه كونتي Giuseppe), as ه or
            # nothing below; not into a common word, nor in a word of two consonants alone, where
            # the other letter makes a word (شيلي Chile, شيلة a Gulf chant)
            return own[-1:] == "e" and worse <= SHORT_MARGIN and not common_word(ta)
        # its emphatics written plain (طوكيو/توكيو, صقاريا/سكاريا); never ق where the English has a q
        return bool(diff) and all(
            _EMPHATIC.get(a[k]) == b[k] and not (a[k] == "ق" and "q" in english) for k in diff
        )
    if a + "ه" == b or b + "ه" == a:  # a last e written ه or not: بورشه/بورش Porsche
        # or a last h after a vowel (شيلو/شيلوه Shiloh); not into a common word (دوري "league" is
        # not دوريه Doré)
        last = own[-1:] in ("a", "e") or (own[-1:] == "h" and own[-2:-1] in ("a", "o"))
        return last and worse <= SHORT_MARGIN and not common_word(ta)
    if len(b) == len(a) + 1 and worse <= 0:
        return any(b[:k] + b[k + 1 :] == a and b[k] in _VOWEL_LETTERS for k in range(1, len(b) - 1))
    return False


def translit_term(
    term: Term, arabic: tuple[str, ...], english: str, kind: str | None, english_words: tuple[str, ...]
) -> TranslitTerm | None:
    """The tier's entry for a name row, or None when its spelling does not read as its English."""
    key = coarse(arabic)
    if len(key) < MIN_EXACT_KEY:
        return None
    own = fit(arabic, english, kind == "place")
    if own > MAX_OWN and (kind != "person" or len(arabic) < 2):
        return None  # the English is a translation, not a transliteration (Future Movement)
    foreign = vowelled(tuple("".join(_strip_article(w) for w in arabic)), english)
    return TranslitTerm(term, arabic, key, english, own, kind, foreign, english_words, own <= MAX_OWN)


_ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B))


def gazetteer_spelling(arabic: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether a spelling the gazetteer (known-names.tsv.gz: GeoNames' names of places) holds for a
    place row's English is near the row's own, so the row takes it: two consonants or more, the
    glossary's up to one edit (:func:`coarse`), the article written or not only on a word of five
    letters or more, Arabic letters only, and not a common Arabic word (the list has قبول
    "acceptance" among Kabul's names and جمعه "Friday" among Goma's). Two names of one place come
    in this way (خاركيف / خاركوف Kharkiv, القامشلي / قامشلو, بيتح تكفا / بتاح تكفا) that no letter
    rule reaches."""
    if words == arabic or len(words) != len(arabic) or not set("".join(words)) <= _ARABIC_LETTERS:
        return False
    if any(common_word(w) for w in words):
        return False
    key, other = coarse(arabic), coarse(words)
    if len(other) < MIN_EXACT_KEY:
        return False  # too short to tell from a word (عكة for عكا Acre)
    if not (other == key or (min(len(key), len(other)) >= MIN_FUZZY and _one_edit(other, key))):
        return False
    return not any(
        (g.startswith("ال") != w.startswith("ال")) and (len(_strip_article(g)) < 5 or arabic_word(g))
        for g, w in zip(arabic, words, strict=True)
    )


def edits(a: str, b: str) -> int:
    """Letters to insert, delete, replace or swap with a neighbour to turn ``a`` into ``b``
    (optimal string alignment: امريكا/اميركا is one swap)."""
    n, m = len(a), len(b)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[n][m]


def _shape(w: str) -> str:
    """A word's letters with each consonant as its class (COARSE: غوغل and جوجل alike), the
    article aside."""
    w = _strip_article(w).replace("تش", "چ")
    return "".join(COARSE.get(c, c) for c in w)


def far_word(text_words: Sequence[str], term_words: Sequence[str]) -> bool:
    """Whether a family spelling is, or holds, a common Arabic word two changes or more from the
    glossary's (the article aside; consonants of one class differing count one change in all):
    مرتين "twice" for مارتن (an ا out, a ي in), منسق "coordinator" for مينسك (a ي out, ق for ك), كثيرين "many" for كاثرين, إلى تثبيت "to fixing" for إليزابيث. The common spellings
    of names are one change from another spelling (ترمب/ترامب, بوتن/بوتين, اميركا/امريكا); such
    a word is matched only when the gazetteer has it going by the name (:func:`confirmed`)."""
    if len(text_words) != len(term_words):
        # written together or apart (عبدالمجيد / عبد المجيد): the letters joined, the article kept
        joined = "".join(COARSE.get(c, c) for c in "".join(text_words).replace("تش", "چ"))
        own = "".join(COARSE.get(c, c) for c in "".join(term_words).replace("تش", "چ"))
        return any(common_word(w) for w in text_words) and edits(joined, own) >= 2
    return any(
        w != t
        and common_word(w)
        and (edits(_shape(w), _shape(t)) + _swapped(w, t) >= 2 or _rare_to_word(w, t))
        for w, t in zip(text_words, term_words, strict=True)
    )


def _rare_to_word(w: str, t: str) -> bool:
    """Whether a common word ``w`` is an Arabic word that a glossary word ``t`` reaches, not a
    spelling of its name:

    - the article and a common word, with other consonants than the glossary's (الشيك "the
      cheque" for التشيك; the G letters and ك aside: الجارديان is the Egyptian الغارديان,
      الكونجرس a ك for the g of الكونغرس; القوقاز is no article and word);
    - a word of an Arabic noun's shape (:func:`arabic_word`: three root consonants and ة) that is
      the glossary's word with the ة put on (مأدبة "banquet" for مادبا Madaba, كلبة for كلبا
      Kalba), or a glossary word that is no common word with a consonant changed (صامتة "silent"
      for صامطة Samtah).

    Foreign names frequent in the press are common words too (شولتز, سيرجيو, ميسوري) and stay one
    change from another spelling of theirs; a spelling the gazetteer knows as the name (مالطة) is
    :func:`confirmed` by the caller."""
    if (
        w.startswith("ال")
        and len(w) > 4
        and common_word(w[2:])
        and _g_class(_consonant_letters(w)) != _g_class(_consonant_letters(t))
    ):
        return True
    if not arabic_word(w):
        return False
    if _consonant_letters(w) == _consonant_letters(t):
        # the "-ia" of a country is written ية as often (تركيا/تركية): its own rule's
        return not t.endswith(("ه", "يا"))
    return not common_word(t)


def _g_class(letters: str) -> str:
    return "".join("G" if c in "جغقگك" else c for c in letters)


def _consonant_letters(w: str) -> str:
    return "".join(c for c in _strip_article(w).replace("تش", "چ") if c not in "اويهء")


def _swapped(w: str, t: str) -> int:
    """1 where two words' consonants differ within their classes (منسق/مينسك: ق for ك), else 0:
    with one more change that makes a common word two changes (جوجل/غوغل, its G letters
    alone, stays one)."""
    cw = [c for c in _strip_article(w).replace("تش", "چ") if c in COARSE]
    ct = [c for c in _strip_article(t).replace("تش", "چ") if c in COARSE]
    return int(cw != ct and [COARSE[c] for c in cw] == [COARSE[c] for c in ct])


class TranslitIndex:
    """Entries by their coarse key and every key one deletion from it (symmetric-deletion lookup:
    two keys one edit apart share the key or a deletion of it)."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[TranslitTerm]] = {}
        self._memo: dict[str, list[TranslitTerm]] = {}  # text keys repeat: a word, a phrase
        self.longest = 0  # no text key longer than this can be one edit from an entry's
        self.words = 0  # the most words of an entry

    def add(self, entry: TranslitTerm) -> None:
        keys = {entry.key}
        if len(entry.key) >= MIN_FUZZY:
            keys |= _deletions(entry.key)
        for k in keys:
            self._by_key.setdefault(k, []).append(entry)
        self.longest = max(self.longest, len(entry.key) + 1)
        self.words = max(self.words, len(entry.arabic))
        self._memo.clear()

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def lookup(self, key: str) -> list[TranslitTerm]:
        """Entries whose key may be one edit from ``key`` (to be checked by :meth:`accepts`)."""
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        found: dict[int, TranslitTerm] = {}
        probes = {key} | (_deletions(key) if len(key) >= MIN_FUZZY else set())
        for k in probes:
            for e in self._by_key.get(k, ()):
                found[id(e)] = e
        if len(self._memo) >= MEMO:
            self._memo.clear()
        out = self._memo[key] = list(found.values())
        return out
