"""Units that Arabic news writes in several ways whatever the term: months and abbreviations.

Both are matched on the folded token stream of :mod:`tarjama.glossary.normalize` (words
and one-character punctuation tokens) and both apply to every term, not only to names: a
month or an abbreviation is the same unit in any term that holds it.

**Months.** Arabic news names a Gregorian month in one of three systems: the Egyptian and
Gulf transliterations (يناير … ديسمبر), the Syriac names of the Levant and Iraq (كانون الثاني
… كانون الأول; تشرين أول without the article in Syrian writing) and the French-derived names of
Algeria and Tunisia (جانفي, فيفري, أفريل, ماي, جوان, جويلية, أوت) or Morocco (يوليوز, غشت, شتنبر,
نونبر, دجنبر); papers for a pan-Arab readership write both, ``11 أيلول/سبتمبر`` or
``أيلول (سبتمبر)``. Each month expression (one name, or the pair) becomes one unit ``@M09``,
so a term holding a month matches it in any system and in the pair. Names that are also
ordinary words or other names (آب "father", نيسان Nissan, تموز Tammuz, ماي May, جوان Joan,
أوت, أفريل Avril, جويلية) are months only next to a number (a day or a year) or inside a
pair with an unambiguous month, in the text and in the term; in a term of an event,
document or untyped row they are months anyway (نكسة حزيران, but not نيسان as a company).
A term that writes تشرين or كانون alone (Lebanese and Iraqi usage: انتفاضة 17 تشرين), beside a
number or in such a term, names either of the two months, or the one its English names
(:func:`month_keys`); a text's bare تشرين stays a word.

**Abbreviations.** A term whose Arabic is letters, each a single letter or the Arabic
name of a Latin letter (أ.ف.ب, د ب أ, سي آي إيه, بي بي سي), matches those letters written
with dots, spaces, both, or nothing between them (أ.ف.ب / أ ف ب / أ. ف. ب. / أفب,
سي.آي.إيه / بيبيسي). Written together, a short abbreviation (three letters or fewer) is
also a possible Arabic word (و.م.ع / ومع "and with", ش.م.ع / شمع "wax"), so that form is
taken only where news writes agency credits: between brackets or quotes, or after a
dash or slash (``(أفب)``, ``باريس - أفب``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from tarjama.glossary.normalize import Word, fold, words
from tarjama.glossary.translit import MAX_FIT, fit
from tarjama.glossary.variants import canonical, stems

# Folded spellings (أ→ا, ة→ه, ى→ي) of each month, per system; two-word names as tuples.
_MONTHS: dict[int, tuple[str | tuple[str, ...], ...]] = {
    1: ("يناير", ("كانون", "الثاني"), ("كانون", "ثاني"), "جانفي"),
    2: ("فبراير", "شباط", "فيفري"),
    3: ("مارس", "اذار"),
    4: ("ابريل", "نيسان", "افريل"),
    5: ("مايو", "ايار", "ماي"),
    6: ("يونيو", "يونيه", "حزيران", "جوان"),
    7: ("يوليو", "يوليه", "تموز", "جويليه", "يوليوز"),
    8: ("اغسطس", "اب", "اوت", "غشت"),
    9: ("سبتمبر", "ايلول", "شتنبر"),
    10: (("تشرين", "الاول"), ("تشرين", "اول"), "اكتوبر"),
    11: (("تشرين", "الثاني"), ("تشرين", "ثاني"), "نوفمبر", "نونبر"),
    12: (("كانون", "الاول"), ("كانون", "اول"), "ديسمبر", "دجنبر"),
}
# Month names that are also words or other names: months only beside a number or in a pair.
AMBIGUOUS = frozenset({"اب", "نيسان", "تموز", "ماي", "جوان", "اوت", "افريل", "جويليه"})
_PROCLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")

_SINGLE: dict[str, int] = {}
_DOUBLE: dict[tuple[str, str], int] = {}
for _n, _names in _MONTHS.items():
    for _name in _names:
        if isinstance(_name, tuple):
            _DOUBLE[(_name[0], _name[1])] = _n
        else:
            _SINGLE[_name] = _n
MONTH_WORDS = frozenset(_SINGLE) | frozenset(w for pair in _DOUBLE for w in pair)


def month_code(n: int) -> str:
    return f"@M{n:02d}"


@dataclass(frozen=True)
class KeySpan:
    """A key over a range of tokens: one word, or a month written in one or two systems."""

    key: str  # a word's canonical key, or clitics + "@Mnn" for a month expression
    first: int  # token range [first, last) in the folded token stream
    last: int


def _month_at(toks: Sequence[Word], i: int) -> tuple[str, int, int] | None:
    """(clitics, month, end token) of a month name starting at token ``i``."""
    word = toks[i].text
    for clitics in _PROCLITICS:
        if not word.startswith(clitics) or len(word) - len(clitics) < 2:
            continue
        stem = word[len(clitics) :]
        if i + 1 < len(toks) and (stem, toks[i + 1].text) in _DOUBLE:
            return clitics, _DOUBLE[(stem, toks[i + 1].text)], i + 2
        if stem in _SINGLE:
            return clitics, _SINGLE[stem], i + 1
    return None


def _is_number(toks: Sequence[Word], i: int) -> bool:
    return 0 <= i < len(toks) and toks[i].text.isdigit()


def month_units(toks: Sequence[Word], keys: Sequence[str], lenient: bool = False) -> list[KeySpan]:
    """The token stream as units, each month expression (a name, or a pair ``X/Y``, ``X (Y)``)
    one unit. ``lenient``: the ambiguous names count as months without a number beside them
    (a term of an event or document)."""
    out: list[KeySpan] = []
    i = 0
    while i < len(toks):
        found = _month_at(toks, i)
        if found is None:
            out.append(KeySpan(keys[i], i, i + 1))
            i += 1
            continue
        clitics, month, end = found
        sure = toks[end - 1].text not in AMBIGUOUS or end - i > 1
        # a pair: "أيلول/سبتمبر", "أيلول (سبتمبر)", "سبتمبر / أيلول"
        pair_end = end
        if end < len(toks) and toks[end].text in "/(":
            other = _month_at(toks, end + 1)
            if other is not None and other[0] == "" and other[1] == month:
                pair_end = other[2]
                if toks[end].text == "(" and pair_end < len(toks) and toks[pair_end].text == ")":
                    pair_end += 1
                other_sure = toks[other[2] - 1].text not in AMBIGUOUS or other[2] - end > 2
                sure = sure or other_sure
        sure = sure or lenient or _is_number(toks, i - 1) or _is_number(toks, pair_end)
        if not sure:
            out.append(KeySpan(keys[i], i, i + 1))
            i += 1
            continue
        out.append(KeySpan(clitics + month_code(month), i, pair_end))
        i = pair_end
    return out


# A Syriac name without its "first" or "second" (Lebanese writing: انتفاضة 17 تشرين is
# October's) is either month.
_BARE = {"تشرين": (10, 11), "كانون": (12, 1)}
_ORDINALS = frozenset(second for _, second in _DOUBLE)


_ENGLISH_MONTHS = {
    m: n
    for n, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for m in names.split()
}


def month_keys(
    toks: Sequence[Word], keys: Sequence[str], lenient: bool = False, english: str = ""
) -> list[tuple[str, ...]]:
    """A term's keys with each month one unit (:func:`month_units`), and, where it writes تشرين or
    كانون alone beside a number (or anywhere in an event's term), one key for each of the two months
    it may name, or for the one its English names (انتفاضة 17 تشرين, "17 October protests")."""
    named = {_ENGLISH_MONTHS[w] for w in re.findall(r"[a-z]+", english.lower()) if w in _ENGLISH_MONTHS}
    units = month_units(toks, keys, lenient)
    out = [tuple(u.key for u in units)]
    for k, u in enumerate(units):
        if u.last - u.first != 1:
            continue
        clitics = next((c for c in _PROCLITICS if u.key.startswith(c) and u.key[len(c) :] in _BARE), None)
        if clitics is None or (u.last < len(toks) and toks[u.last].text in _ORDINALS):
            continue
        if not (lenient or _is_number(toks, u.first - 1) or _is_number(toks, u.last)):
            continue
        name = u.key[len(clitics) :]
        months = [n for n in _BARE[name] if n in named] or _BARE[name]
        out = [(*key[:k], clitics + month_code(n), *key[k + 1 :]) for key in out for n in months]
    return out


def has_month(toks: Sequence[Word]) -> bool:
    return any(t.text in MONTH_WORDS or t.text[1:] in MONTH_WORDS or t.text[2:] in MONTH_WORDS for t in toks)


# --- abbreviations -----------------------------------------------------------------------

# Arabic spellings (folded) of the names of Latin letters, as news writes acronyms out: سي إن إن.
_LETTER_NAMES = "ايه اي بي سي دي اف جي اتش ايتش جاي جيه كيه كي ال ام ان او كيو ار اس تي يو في ڤي دبليو دابليو اكس واي زد زي"
LETTER_NAMES = frozenset(_LETTER_NAMES.split(" "))
SHORT_GLUED = 3  # written together, this many letters or fewer could be a word: credit positions only
_CREDIT_BEFORE = frozenset('(-/«"“[')
_CREDIT_AFTER = frozenset(')/»"”]')


def abbreviation_parts(source: str) -> tuple[str, ...] | None:
    """The letters of a term that is an abbreviation (two parts or more, each a single letter or
    a Latin letter's name, with dots or spaces between them), else None."""
    toks = words(fold(source))
    parts = tuple(t.text for t in toks if t.text != ".")
    if len(parts) < 2 or any(t.text != "." and not t.text.isalpha() for t in toks):
        return None
    if toks[0].text == "." or any(a.text == "." and b.text == "." for a, b in pairwise(toks)):
        return None
    singles = all(len(p) == 1 for p in parts)
    names = all(p in LETTER_NAMES for p in parts)
    return parts if singles or names else None


def abbreviation_at(toks: Sequence[Word], i: int, letters: str) -> int | None:
    """The end token of the abbreviation ``letters`` (its parts joined) written from token ``i``
    with dots, spaces or nothing between its parts, else None."""
    buf = ""
    j = i
    while j < len(toks):
        text = toks[j].text
        if text == ".":
            if j == i or not buf:
                return None
            j += 1
            continue
        if not text.isalpha() or not letters.startswith(buf + text):
            return None
        buf += text
        j += 1
        if buf == letters:
            break
    else:
        return None
    if buf != letters:
        return None
    if inside_longer(toks, i, j):
        return None
    if j - i == 1 and len(letters) <= SHORT_GLUED:  # written together: a possible word
        if buf in MONTH_WORDS:  # آب August, before the "/" of "27 آب/أغسطس", is no AP
            return None
        before = toks[i - 1].text if i > 0 else ""
        after = toks[j].text if j < len(toks) else ""
        if before not in _CREDIT_BEFORE and after not in _CREDIT_AFTER:
            return None
    return j


# The Latin letters each Arabic letter name (folded) stands for: an abbreviation whose English
# is its Latin letters (PKK, KFC) is matched by those letters' names however the text spells
# them (ب.ك.ك / بي كي كي; كيه إف سي / كي إف سي). Arabic writes P as بي, and اي is E or I (إي,
# آي) or A.
LATIN_OF_NAME: dict[str, str] = {
    "ايه": "A", "اي": "AEI", "بي": "BP", "سي": "C", "دي": "D", "اف": "F", "جي": "GJ", "جيه": "J",
    "جاي": "J", "اتش": "H", "ايتش": "H", "كيه": "K", "كي": "K", "ال": "L", "ام": "M", "ان": "N",
    "او": "O", "كيو": "Q", "ار": "R", "اس": "S", "تي": "T", "يو": "U", "في": "V", "ڤي": "V",
    "دبليو": "W", "دابليو": "W", "اكس": "X", "واي": "Y", "زد": "Z", "زي": "Z",
}  # fmt: skip
_LATIN_ABBREVIATION = re.compile(r"[A-Z](?:[.\s]?[A-Z]){1,7}\.?")


def latin_letters(target: str) -> str | None:
    """The Latin letters of an English form that is an abbreviation (PKK, K.G.B., "J D"), else None."""
    plain = target.strip()
    if not _LATIN_ABBREVIATION.fullmatch(plain):
        return None
    return "".join(c for c in plain if c.isalpha())


def latin_abbreviation_at(toks: Sequence[Word], i: int, letters: str) -> int | None:
    """The end token of the Latin ``letters`` written from token ``i`` as the Arabic names of the
    letters, one word each, with spaces or dots between them, else None."""
    j, k = i, 0
    while k < len(letters):
        if j >= len(toks):
            return None
        text = toks[j].text
        if text == "." and j > i:
            j += 1
            continue
        if letters[k] not in LATIN_OF_NAME.get(text, ""):
            return None
        j += 1
        k += 1
    return None if inside_longer(toks, i, j) else j


# Letter names that are also everyday words (في "in", ان, او "or", ال, اي "any"): next to an
# abbreviation they are those words, not more letters of it.
_WORD_LIKE = frozenset({"في", "ان", "او", "ال", "اي"})


def _letter_part(toks: Sequence[Word], k: int, step: int) -> bool:
    """Whether token ``k`` (or the one past a dot there) is another letter of an abbreviation."""
    if 0 <= k < len(toks) and toks[k].text == ".":
        k += step
    if not 0 <= k < len(toks):
        return False
    text = toks[k].text
    return text.isalpha() and (len(text) == 1 or (text in LETTER_NAMES and text not in _WORD_LIKE))


def unjoined(toks: Sequence[Word]) -> list[int]:
    """The tokens of a text or a term less each mark that joins two words where outlets write a
    space: a dot with no space on either side between two letters of an abbreviation ("أوبن إيه.آي"
    is "أوبن إيه آي" OpenAI, "بي.إن.بي باريبا" BNP Paribas) and a hyphen between two words of a
    name, spaced or not ("جان-نويل بارو" is "جان نويل بارو" Jean-Noël Barrot), or between a word and
    the number after it ("إف-35" is "إف 35" F-35, "كوفيد-19"). A spaced dot (". ") may end a
    sentence and is kept; a hyphen between two numbers (a score, a range) is kept."""
    keep: list[int] = []
    for k, tok in enumerate(toks):
        if 0 < k < len(toks) - 1 and (
            (
                tok.text == "."
                and toks[k - 1].end == tok.start
                and tok.end == toks[k + 1].start
                and _is_letter(toks[k - 1].text)
                and _is_letter(toks[k + 1].text)
            )
            or (tok.text == "-" and toks[k - 1].text.isalpha() and toks[k + 1].text.isalnum())
        ):
            continue
        keep.append(k)
    return keep


def _is_letter(text: str) -> bool:
    return text.isalpha() and (len(text) == 1 or text in LETTER_NAMES)


def inside_longer(toks: Sequence[Word], i: int, j: int) -> bool:
    """Whether tokens ``[i, j)`` are part of a longer run of letters: إن بي سي inside سي إن بي سي
    (CNBC) is not NBC."""
    return _letter_part(toks, i - 1, -1) or _letter_part(toks, j, 1)


# **Adjectives of places.** Arabic makes the adjective of a place (its nisba) by adding ي
# to the name's stem: مصر → مصري/المصرية, فرنسا → فرنسي, روسيا → روسي, السعودية → السعودي,
# العراق → عراقي. The endings are the masculine and feminine singular, with or without the
# article. Plurals are left out: المصريون is as often "the Egyptians", a noun the adjective
# "Egyptian" would not be found in.
_NISBA_ENDINGS = ("ي", "يه")


def nisba_keys(source: str) -> dict[str, bool]:
    """The folded adjective forms of a one-word place name (``{}`` for any other source), each
    with whether it is also a spelling of the place itself: روسية is the feminine adjective
    and the Syrian spelling of روسيا, so without the article it may be either.

    The stem is the name without its article and its final ا/ه (فرنسا → فرنس, غزة → غز), or
    without ا alone after ي (روسيا → روسي, whose ي is the adjective's). The article is ال as
    written, unfolded: أل with a hamza is the name's own letters (ألمانيا → ألماني/الألماني, not
    ماني). A name of several words (كوريا الجنوبية), one ending in ي or و (مالي: its adjective
    is itself), or a stem under three letters (a two-letter stem makes common words) has none.
    """
    toks = words(fold(source))
    if len(toks) != 1 or not toks[0].text.isalpha():
        return {}
    word = toks[0].text
    article = source.strip().startswith("ال") and len(word) > 4
    bare = word[2:] if article else word
    if bare.endswith("يا"):
        stem = bare[:-2]
    elif bare.endswith(("ا", "ه")):
        stem = bare[:-1]
        if stem.endswith("ي"):  # السعودية → السعودي: the name is already an adjective's form
            stem = stem[:-1]
    elif bare.endswith(("ي", "و")):
        return {}
    else:
        stem = bare
    if len(stem) < 3:
        return {}
    forms = [stem + end for end in _NISBA_ENDINGS]
    keys = dict.fromkeys(("ال" + f for f in forms), False)
    for f in forms:
        keys[f] = bare.endswith("يا") and f == bare[:-1] + "ه"
    return keys


_AND = re.compile(r"\band\b|&", re.IGNORECASE)


def conjoined(key: tuple[str, ...], english: str) -> list[tuple[str, ...]]:
    """A name of two parts joined by "and" (سيستان وبلوشستان Sistan and Baluchestan, ترينيداد
    وتوباغو Trinidad and Tobago) with the و of one later word left out, or written where the
    glossary has none: papers join the parts with و or set them side by side. Only where the
    English says "and" (a name's own و, وادي or وزارة, keeps it), a word of three letters or more
    after it."""
    if len(key) < 2 or not _AND.search(english):
        return []
    out: list[tuple[str, ...]] = []
    for w in range(1, len(key)):
        word = key[w]
        alt = word[1:] if word.startswith("و") and len(word) > 3 else "و" + word
        if len(alt) >= 3:
            out.append((*key[:w], alt, *key[w + 1 :]))
    return out


# The generic word of a body's or a place's name that papers of one region write with another
# (canonical, folded; both ways): a closed list of everyday nouns, written by hand because no
# lexicon here says which of a noun's synonyms name the same kind of place. مصرف الراجحي / بنك
# الراجحي (the Gulf and Iraq write مصرف), مستشفى / مشفى (Syria), ميناء / مرفأ (Lebanon), اتفاق /
# اتفاقية أوسلو (an accord's papers say either), مخيم / معسكر كلمة (a displaced people's camp).
GENERIC_SYNONYMS = (
    ("بنك", "مصرف"),
    ("مستشفي", "مشفي"),
    ("ميناء", "مرفا"),
    ("اتفاق", "اتفاقيه"),
    ("مخيم", "معسكر"),
)
_SYNONYM_OF = {
    **{canonical(fold(a)): canonical(fold(b)) for a, b in GENERIC_SYNONYMS},
    **{canonical(fold(b)): canonical(fold(a)) for a, b in GENERIC_SYNONYMS},
}


def generic_synonyms(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A name of two words or more with its generic word (first, or after the article) written
    with its synonym: بنك الراجحي for مصرف الراجحي, مشفى الشفاء for مستشفى الشفاء."""
    if len(key) < 2:
        return []
    out: list[tuple[str, ...]] = []
    for w, word in enumerate(key):
        article = word.startswith("ال") and word[2:] in _SYNONYM_OF
        other = _SYNONYM_OF.get(word[2:] if article else word)
        if other is not None:
            out.append((*key[:w], "ال" + other if article else other, *key[w + 1 :]))
    return out


# **A plural's case.** The sound masculine plural ends in ون as a subject and ين after a verb or
# a preposition (المقاولون العرب / نادي المقاولين العرب, الإخوان المسلمون / جماعة الإخوان
# المسلمين, الحوثيون / الحوثيين): a name holding one is written either way as the sentence needs.
def plural_case_forms(key: tuple[str, ...], english: str, kind: str | None) -> list[tuple[str, ...]]:
    """A body's or a place's name with its sound masculine plurals in the other case: ون for ين
    and ين for ون, on words of five letters or more (the article aside) that read as plurals:
    with the article, an ون or a nisba's يين (المقاولون, الحوثيين); an adjective with the article
    after a noun with it (الإخوان المسلمين); any, where the English has a plural (مراسلون بلا
    حدود, Reporters Without Borders). A person's name holds none (هارون, ياسين), nor do فلسطين,
    البحرين, ماكرون or the town أميون (Amioun: أميين is "illiterates")."""
    if kind == "person":
        return []
    plural_english = bool(re.search(r"[a-z]s\b", english))
    out = list(key)
    for w, word in enumerate(key):
        article = word.startswith("ال")
        stem = word[2:] if article else word
        if len(stem) < 5 or not stem.endswith(("ون", "ين")):
            continue
        agrees = w > 0 and article and key[w - 1].startswith("ال")
        if (
            plural_english
            or agrees
            or (article and stem.endswith("ون"))
            or (article and stem.endswith("يين"))
        ):
            out[w] = word[:-2] + ("ين" if stem.endswith("ون") else "ون")
    return [tuple(out)] if tuple(out) != key else []


# **A body named without its head noun.** Once a paper has named a council, party or front, it
# and other papers call it by the words after its head noun: المجلس الانتقالي الجنوبي is
# "الانتقالي الجنوبي", الحزب الديمقراطي الكردستاني "الديمقراطي الكردستاني", منظمة العفو الدولية
# "العفو الدولية". The head nouns are a closed class of everyday nouns (canonical, folded), written
# by hand because no lexicon here marks which nouns head the names of bodies.
_BODY_HEADS = frozenset(
    canonical(fold(w))
    for w in [
        "مجلس",
        "حزب",
        "اتحاد",
        "جبهة",
        "حركة",
        "هيئة",
        "تحالف",
        "تيار",
        "ائتلاف",
        "تجمع",
        "منظمة",
        "جماعة",
        "تنظيم",
        "قوات",
    ]
)
# a club's "sporting" (الترجي الرياضي التونسي is الترجي التونسي)
_SPORTING = frozenset({"الرياضي", "الرياضيه"})
# words with an article that are no noun an adjective could describe (التي, الذي, إلى, الآن)
_NOT_NOUNS = frozenset(
    canonical(fold(w))
    for w in [
        "الذي",
        "التي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللذان",
        "اللتان",
        "اللاتي",
        "اللواتي",
        "الآن",
        "إلا",
        "إلى",
    ]
)


def _definite(word: str) -> bool:
    return word.startswith("ال") and len(word) > 3 and word not in _NOT_NOUNS


# where a name's other form is refused (:func:`refused_here`)
ANYWHERE, NOT_AFTER_NOUN, NOT_BEFORE_COMPASS = 0, 1, 2


def refused_here(guard: int, before: str | None, after: str | None, clitics: str) -> bool:
    """Whether another form of a name is refused between the canonical words ``before`` and
    ``after`` it (None at the text's edge): a body's adjectives right after a noun with the
    article, which they would describe (الأمن الوطني الفلسطيني is no "الوطني الفلسطيني"), its
    proclitics aside; a compass point and a place right before a compass adjective (شمال كوريا
    الجنوبية is "north of South Korea", not North Korea)."""
    if guard == NOT_AFTER_NOUN:
        return not clitics and before is not None and any(_definite(stem) for _, stem in stems(before))
    if guard == NOT_BEFORE_COMPASS:
        return after is not None and after in _NOUN_OF
    return False


def body_short_forms(key: tuple[str, ...], kind: str | None) -> list[tuple[tuple[str, ...], int]]:
    """A body's name as papers shorten it, each with where it is refused (:func:`refused_here`):

    - a head noun with the article and two adjectives or more (المجلس الانتقالي الجنوبي): the
      adjectives alone name the body, as nothing else is named by adjectives;
    - a feminine head noun without it, a masculine noun and a feminine adjective (منظمة العفو
      الدولية): the adjective agrees with the head, so the rest alone still says which body.
      Other construct names stay whole: مجلس الأمن الدولي less its head is "international
      security", منظمة الصحة العالمية's "global health";
    - a club's name of three words or more less its "sporting" (الترجي الرياضي التونسي).
    """
    if kind != "organization" or len(key) < 3:
        return []
    out: list[tuple[tuple[str, ...], int]] = []
    head, rest = key[0], key[1:]
    if head.startswith("ال") and head[2:] in _BODY_HEADS and all(_definite(w) for w in rest):
        out.append((rest, NOT_AFTER_NOUN))
    elif (
        head in _BODY_HEADS
        and head.endswith("ه")
        and len(rest) == 2
        and _definite(rest[0])
        and not rest[0].endswith("ه")
        and _definite(rest[1])
        and rest[1].endswith("يه")
    ):
        out.append((rest, ANYWHERE))
    for w, word in enumerate(key):
        if word in _SPORTING and w > 0:
            out.append(((*key[:w], *key[w + 1 :]), ANYWHERE))
    return out


_THE = re.compile(r"the\s", re.IGNORECASE)


def english_article(key: tuple[str, ...], english: str, kind: str | None) -> list[tuple[str, ...]]:
    """A body whose English name opens with "The" (The Washington Post, The Independent) with the
    article written on its first word where the glossary leaves it out: Levantine papers write
    الواشنطن بوست and النيويورك تايمز, others واشنطن بوست. A body's name of two words or more
    only: "The Hague" is لاهاي, never اللاهاي, and a one-word name with the article is often a
    word (ستار The Star, الستار "the curtain"; الكارافان "the caravan"). The other way (الغارديان
    written غارديان) is left out: the word alone starts other names (تايمز سكوير, إندبندنت عربية)."""
    if kind != "organization" or not key or not _THE.match(english.strip()):
        return []
    first = key[0]
    if len(key) < 2 or first.startswith("ال") or len(first) < 3:
        return []  # one word: ستار The Star is not الستار "the curtain", كارافان not الكارافان
    return [("ال" + first, *key[1:])]


# **A compass point before a place or after it.** Arabic names a region by a compass noun before
# the place (شمال دارفور, جنوب أوسيتيا) or by the place and an adjective (دارفور الشمالية, أوسيتيا
# الجنوبية), and papers of one country use one where others use the other. Each noun, its
# adjectives (canonical, folded: ة is ه; both genders, and وسط's irregular الوسطى/الأوسط) and the
# English words that name the point (the arbiter: the row's English must say it).
_COMPASS = {
    "شمال": (("الشماليه", "الشمالي"), ("north", "northern")),
    "جنوب": (("الجنوبيه", "الجنوبي"), ("south", "southern")),
    "شرق": (("الشرقيه", "الشرقي"), ("east", "eastern")),
    "غرب": (("الغربيه", "الغربي"), ("west", "western")),
    "وسط": (("الوسطي", "الاوسط"), ("central", "middle")),
}
_NOUN_OF = {adj: noun for noun, (adjs, _) in _COMPASS.items() for adj in adjs}
# a continent's north or south is a region of it, not a country (أفريقيا الجنوبية "southern
# Africa" is no name of South Africa; جنوب أمريكا is "south of America")
_CONTINENTS = frozenset(
    canonical(fold(w)) for w in ["أفريقيا", "افريقيا", "أمريكا", "أميركا", "آسيا", "أوروبا"]
)


def compass_forms(key: tuple[str, ...], english: str, kind: str | None) -> list[tuple[tuple[str, ...], int]]:
    """A place of two words, a compass point and the place, written the other way: شمال وزيرستان
    for وزيرستان الشمالية (North Waziristan), دارفور الشمالية for شمال دارفور, أوسيتيا الجنوبية for
    جنوب أوسيتيا. Only where the row's English names the point (North, Southern …), so the
    direction is the name's and not a region of the place; never on a continent,
    nor on a place written with the article or whose English is no transliteration of it
    (a noun: الضفة "the bank", الصحراء "the desert"; so جنوب السودان/السودان الجنوبي stays missed).
    Each form comes with where it is refused (:func:`refused_here`)."""
    if kind != "place" or len(key) != 2:
        return []
    words = {w.lower().strip(".,") for w in english.split()}
    first, second = key
    if first in _COMPASS:
        noun, place = first, second
    elif second in _NOUN_OF:
        noun, place = _NOUN_OF[second], first
    else:
        return []
    adjectives, english_points = _COMPASS[noun]
    points = set(english_points)
    if not words & points or place in _CONTINENTS or place.startswith("ال"):
        return []
    # the place is its English's transliteration: a name, not a noun (الضفة الغربية is the West
    # Bank, الصحراء الغربية Western Sahara, المنطقة الشرقية the Eastern Province: with the article,
    # or read as another English word, the place is a common noun and غرب الضفة "west of the bank")
    rest = " ".join(w for w in english.split() if w.lower().strip(".,") not in points)
    if not rest or fit((place,), rest, place=True) > MAX_FIT:
        return []
    if first in _COMPASS:
        return [((place, adj), ANYWHERE) for adj in adjectives]
    return [((noun, place), NOT_BEFORE_COMPASS)]


# ابن "son of" is written بن between two names and often at a name's start too (ابن خلدون/بن
# خلدون, ابن جرير/بن جرير Benguerir, محمد ابن سلمان/محمد بن سلمان)
_CONNECTOR = {"ابن": "بن", "بن": "ابن"}


def connector_forms(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A name of two words or more with one ابن written بن, or بن written ابن."""
    if len(key) < 2:
        return []
    return [(*key[:w], _CONNECTOR[word], *key[w + 1 :]) for w, word in enumerate(key) if word in _CONNECTOR]


# A person's "Jr." and "Sr.": the Arabic word for "the son" or "the father", or the English word
# transliterated (دونالد ترامب الابن/جونيور, فرديناند ماركوس الابن/جونيور). Folded spellings.
_GENERATION = (frozenset({"الابن", "جونيور", "جونير"}), frozenset({"الاب", "سينيور"}))


def generation_forms(key: tuple[str, ...], kind: str | None) -> list[tuple[str, ...]]:
    """A person of two words or more whose last is "Jr." or "Sr." in one of its spellings, with
    each other spelling of it."""
    if kind != "person" or len(key) < 2:
        return []
    for forms in _GENERATION:
        if key[-1] in forms:
            return [(*key[:-1], other) for other in sorted(forms - {key[-1]})]
    return []


# **A Ukrainian given name and its Russian form.** Agencies that read Ukrainian names through
# Russian write a Ukrainian's given name in its Russian form (أولكسندر سيرسكي/ألكسندر سيرسكي,
# ميخايلو/ميخائيل بودولياك, دميترو/دميتري لوبينيتس, كيريلو/كيريل بودانوف). Each group holds the
# Arabic spellings of one name's Ukrainian and Russian forms (canonical, folded), written by hand:
# no package here pairs them, and names that are the same in both (Ivan, Yuriy) need none.
_SLAVIC_NAMES = (
    "اولكسندر اوليكسندر اولكساندر الكسندر اليكسندر الكساندر اليكساندر",
    "ميخايلو ميخائيلو ميخائيل",
    "دميترو ديميترو دميتري ديميتري",
    "فولوديمير فلاديمير",
    "اوليكسي اولكسي اليكسي الكسي",
    "سيرهي سيرهيي سيرغي سيرجي",
    "ميكولا نيكولاي",
    "كيريلو كيريل",
    "اوليه اوليغ",
    "ايهور ايغور",
    "اندري اندريي اندريه",
    "فاسيل فاسيلي",
    "بيترو بيوتر",
    "هينادي غينادي",
    "بافلو بافل",
    "يفهين يفغيني ييفغيني",
    "هيورهي غيورغي",
)
# **An English given name and its short form.** Papers write an English speaker's given name as
# the person goes by it or in full (جو/جوزيف بايدن, مايك/مايكل بومبيو, بيل/ويليام بيرنز, ليز/إليزابيث
# تراس, جيم/جيمس ماتيس). The same kind of table: the short and full forms' Arabic spellings.
_ENGLISH_NAMES = (
    "جو جوزيف جوزف",
    "مايك مايكل",
    "بيل ويليام وليام",
    "جيم جيمس",
    "ستيف ستيفن",
    "توني انتوني انطوني",
    "بوب روبرت",
    "كريس كريستوفر",
    "نيك نيكولاس",
    "دان دانيال دانييل",
    "بيبي بنيامين",
    "توم توماس",
    "مات ماثيو",
    "جيف جيفري",
    "تيم تيموثي",
    "ديف ديفيد",
    "ليز اليزابيث",
)
_GIVEN_FORMS = {
    w: tuple(o for o in group.split() if o != w)
    for group in (*_SLAVIC_NAMES, *_ENGLISH_NAMES)
    for w in group.split()
}


def given_name_forms(key: tuple[str, ...], kind: str | None) -> list[tuple[str, ...]]:
    """A person of two words or more whose given name (the first word) is written in another form
    of it: Russian for Ukrainian or the other way, or an English name's short form for its full
    one or the other way. The family name, as the glossary writes it, vouches for it (ميخائيل
    بودولياك for ميخايلو بودولياك Mykhailo Podolyak, جوزيف بايدن for جو بايدن)."""
    if kind != "person" or len(key) < 2:
        return []
    return [(other, *key[1:]) for other in _GIVEN_FORMS.get(key[0], ())]
