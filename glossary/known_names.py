"""Real names that a transliteration family must not take for a glossary name.

A family reaches spellings by rule (ق ≡ غ where the English has a g; a vowel letter more or
less), and a rule cannot know that القابون, which the family of الغابون (Gabon) reaches, is
a district of Damascus, or that كرم is the name Karam and not a spelling of كريم Karim. The
English of the glossary row can, given a list of real names with their Latin forms: a family
spelling that is a known name none of whose Latin forms is the term's English name is a
different name, and is not matched.

The list, ``known-names.tsv.gz`` (about 49,000 names, 0.5 MB), is made by
``tools/gen_known_names.py`` from Wikidata's people (given names and surnames borne by three
people or more; CC0), GeoNames' places of 1,000 people or more (CC BY 4.0) and the city
districts in ``known-names-extra.tsv``. It is read once, the first time a family match needs
it.

Latin forms are compared by :func:`english_key`, which forgives what Latin spellings of one
name differ in (Qasim/Qasem, Jassim/Jasim, Muhammad/Mohammed's u/o, c/k/q, ph/f, an article
al-/el-) but keeps what tells two names apart: consonants (Qaboun ≠ Gabon, Tamer ≠ Thamer)
and a/i/u (Karam ≠ Karim).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources

from tarjama.glossary.variants import canonical

_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|at|az|an|ash|ath|adh|ed|es|et|ez)[-\s]+")
_MAP = (
    ("ph", "f"),
    ("ck", "k"),
    ("dj", "j"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("e", "i"),
    ("o", "u"),
    ("y", "i"),
)


def english_key(name: str) -> str:
    """A Latin name reduced to what tells names apart (see the module docstring)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    plain = _ARTICLE.sub("", plain.strip())
    letters = "".join(c for c in plain if "a" <= c <= "z")
    for a, b in _MAP:
        letters = letters.replace(a, b)
    out: list[str] = []
    for c in letters:
        if not out or c != out[-1]:
            out.append(c)
    return "".join(out)


def _lines(name: str) -> list[str]:
    raw = (resources.files("tarjama.glossary") / name).read_bytes()
    return [line for line in gzip.decompress(raw).decode("utf-8").splitlines() if line and line[0] != "#"]


def _canonical(name: str) -> str:
    # the lists are folded; text words are looked up canonical (قائد and قايد are one word)
    return " ".join(canonical(w) for w in name.split(" "))


@cache
def known_names() -> dict[str, str]:
    """Canonical Arabic name → the Latin forms it goes by, ``|`` between them, the one English
    text uses most first."""
    out: dict[str, str] = {}
    for line in _lines("known-names.tsv.gz"):
        arabic, latin = line.split("\t", 1)
        key = _canonical(arabic)
        out[key] = f"{out[key]}|{latin}" if key in out else latin
    return out


@cache
def first_words() -> frozenset[str]:
    """The first word of every known name: a text word that is none of them starts none."""
    return frozenset(name.split(" ", 1)[0] for name in known_names())


@cache
def _common_words() -> frozenset[str]:
    return frozenset(map(_canonical, _lines("common-words.txt.gz")))


def common_word(word: str) -> bool:
    """Whether a folded, canonical word is a common word of Arabic text (``common-words.txt.gz``,
    made by ``tools/gen_common_words.py`` from wordfreq: about once in a million words or more)."""
    return word in _common_words()


def word_reading(whole: str, stem: str) -> bool:
    """Whether a text word is better read as the common word it is than as clitics and a name
    (وسالت "and it flowed", not و + a spelling of Thales): the whole word is a common word and
    the stem left after its clitics is not (بسوريه is ب + سوريه, both common: a reading)."""
    return common_word(whole) and not common_word(stem)


_VOWEL_LETTERS = "اوي"


def drops_vowel(word: str, written: str) -> bool:
    """Whether a text word leaves out a vowel letter the glossary's word writes (the article's
    alef and the ending aside: a last ه or ا, then a last ي, as in سوريا/سورية, سكوبيه/سكوبي)."""

    def letters(w: str) -> list[str]:
        w = w[2:] if w.startswith("ال") and len(w) > 4 else w
        w = w[:-1] if w.endswith(("ه", "ا")) else w
        w = w[:-1] if w.endswith("ي") else w
        return sorted(c for c in w if c in _VOWEL_LETTERS)

    have = letters(word)
    for c in letters(written):
        if c in have:
            have.remove(c)
        else:
            return True
    return False


def article_word(text_words: Sequence[str], term_words: Sequence[str]) -> bool:
    """Whether a family spelling holds a common Arabic word with its article that leaves out a
    long vowel the glossary's word writes: المزاد "the auction" for الموساد, الكابل "the cable"
    for كابول, الشباك "the window" for الشاباك. A transliteration that takes the article keeps
    its vowel letters (البنتاجون, الفيفا, اليونيسيف); such a word is matched only when the
    gazetteer has it going by the name (:func:`confirmed`)."""
    if len(text_words) != len(term_words):
        return False
    return any(
        w != t and w.startswith("ال") and common_word(w) and drops_vowel(w, t)
        for w, t in zip(text_words, term_words, strict=True)
    )


def confirmed(text_words: Sequence[str], term_words: Sequence[str], english: Sequence[str]) -> bool:
    """Whether the gazetteer vouches for a spelling: the whole spelling is a known name one of whose
    Latin forms is the term's English name, or, word by word where both have as many words,
    every word that differs from the glossary's is a known name going by its aligned English."""
    target = " ".join(dict.fromkeys(english))
    if _same_name(" ".join(text_words), english_key(target)):
        return True
    if len(text_words) != len(term_words):
        return False
    changed = [(w, e) for w, t, e in zip(text_words, term_words, english, strict=True) if w != t]
    return bool(changed) and all(_same_name(w, english_key(e)) for w, e in changed)


def _same_name(spelling: str, key: str) -> bool:
    forms = latin_keys(spelling)
    return forms is not None and any(_loose(f, True) == _loose(key, True) for f in forms)


@lru_cache(maxsize=4096)
def latin_keys(arabic: str) -> frozenset[str] | None:
    """The english_key of each Latin form of a known name (None: not a known name)."""
    latin = known_names().get(arabic)
    return None if latin is None else frozenset(english_key(f) for f in latin.split("|"))


def _names_of(english: str) -> set[str]:
    parts = [p for p in re.split(r"[\s\-–—]+", english) if p]
    return {english_key(english), *(english_key(p) for p in parts)}


# What Latin spellings of one name also differ in, beyond english_key, where the Arabic cannot
# tell them apart: Schultz/Scholz/Schulz (tz, z), Schmidt/Schmit (dt), Ghent/Gent (gh, g: the
# letter families already decide g against غ), a Vietnamese final nh, written نه or ن (Minh,
# listed as Min; Khanh, خان, listed as Khan), and Anthony/Antony where neither Arabic spelling
# writes ث (Tamer/Thamer, ثامر, stay two names).
_LOOSE = (("tz", "z"), ("dt", "t"), ("gh", "g"))


def _loose(key: str, th: bool) -> str:
    for a, b in _LOOSE:
        key = key.replace(a, b)
    key = key[:-1] if key.endswith("nh") else key
    return key.replace("th", "t") if th else key


def _other_name(spelling: str, english: str, written: str = "", vouched: bool = False) -> bool:
    """Whether ``spelling`` is a known name none of whose Latin forms is ``english`` (the name
    ``written`` in the glossary), within the spelling differences of one name (:data:`_LOOSE`).
    Never where one writes together what the other writes apart (بير زيت/بيرزيت, whose listed
    Latin is Bīr Zayt, not the English Birzeit), nor where the gazetteer lists the glossary's own
    spelling by the same Latin forms as the text's (الدريكيش/دريكيش, both Ad Duraykīsh): what
    tells the two apart is then the romanisation, not the name."""
    if written and (_joined(spelling, written) or _one_entry(spelling, written, english, vouched)):
        return False
    th = "ث" not in spelling and "ث" not in written
    for k in (spelling, spelling[2:] if spelling.startswith("ال") and len(spelling) > 4 else None):
        forms = latin_keys(k) if k else None
        if forms is not None:
            names = _names_of(english)
            # a name that opens with two consonants is romanised with a vowel between them too
            # (Dmitri: ديمتري is listed as Demitri), as the Arabic may write one (english.EPENTHESIS)
            names |= {n[0] + "i" + n[1:] for n in names if len(n) > 2 and not set(n[:2]) & set("aiu")}
            if {_loose(f, th) for f in forms} & {_loose(n, th) for n in names}:
                return False
            # the spelling is the glossary's with ج for its G letters and nothing else (غريغ/جريج
            # Greg, غاما/جاما Gama): a form that is these letters read with a j (Joreige, Djama)
            # is no other name; أجدير Ajdir is not أغادير Agadir with a ج, it leaves out an ا too
            g_read = len(spelling) == len(written) and all(
                a == b or (a == "ج" and b in "غقكگ") for a, b in zip(spelling, written, strict=True)
            )
            return not (g_read and {_g_skeleton(f) for f in forms} & {_g_skeleton(n) for n in names})
    return False


def _joined(spelling: str, written: str) -> bool:
    """Whether one spelling writes together what the other writes apart (بير زيت/بيرزيت); a space
    moved is another name (بن يزيد Ben Yazid, بني زيد Bani Zayd)."""
    return spelling.replace(" ", "") == written.replace(" ", "") and (
        " " not in spelling or " " not in written
    )


def _one_entry(spelling: str, written: str, english: str, vouched: bool = False) -> bool:
    """Whether the gazetteer knows both spellings by the same Latin forms (أنطون is Anton and
    Antoine, أنطوان only Antoine: two names), with the English's consonants (Duraykīsh and
    Dreikish; ثمر and سمر are both listed as Samar, which is no Thamar)."""
    ours = latin_keys(written)
    if ours is None or ours != latin_keys(spelling) or (common_word(spelling) and not vouched):
        # alone, a common word is as often another name the list lacks (تمارا Tamara for تمارة
        # Temara); a word of a name the other words vouch for is the name's (مايكل كاين/كين)
        return False
    consonants = {_consonant_key(n) for n in _names_of(english)}
    return any(_consonant_key(f) in consonants for f in ours)


def _consonant_key(key: str) -> str:
    out: list[str] = []
    for c in re.sub(r"[aeiouy]", "", key):
        if not out or c != out[-1]:
            out.append(c)
    return "".join(out)


def _g_skeleton(key: str) -> str:
    """An english_key's consonants with j, dj and g one letter (what ج is read as)."""
    return _consonant_key(key.replace("dj", "j").replace("j", "g"))


def different_name(text_words: Sequence[str], term_words: Sequence[str], english: Sequence[str]) -> bool:
    """Whether a family spelling (its canonical words, clitics removed) is a known name other
    than the term's: the whole spelling, or, word by word where both have as many words, a
    word that differs from the glossary's own and is a known name none of whose Latin forms is
    the aligned English."""
    target = " ".join(dict.fromkeys(english))
    if _other_name(" ".join(text_words), target, " ".join(term_words)):
        return True
    if len(text_words) == len(term_words):
        for w, t, e in zip(text_words, term_words, english, strict=True):
            if w != t and _other_name(w, e, t, vouched=len(text_words) > 1):
                return True
    return False
