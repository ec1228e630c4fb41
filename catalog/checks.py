"""What a translated entry lost on the way: markup, numbers and placeholders of its source
(`tarjama status`, `tarjama check`).

The numbers check follows Translate Toolkit's `pofilter` `numbers` check (the numbers of the
source must be in the translation), comparing *values*, not digit strings, so that the two
languages' ways of writing one number agree:

- Arabic-Indic ٠–٩ and Persian ۰–۹ digits are ASCII digits; "١٠٠٫٥" is 100.5.
- A separator between groups of exactly three digits groups thousands (1,000 / 1.000 / ١٬٠٠٠ /
  100 000 with a no-break space); a single ``.`` or ``٫`` before other digits is a decimal
  point; any other run (1,2,3) is a list of numbers.
- A scale word after a number multiplies it, in either language: ألف/آلاف/ألفا, مليون/ملايين,
  مليار/مليارات, تريليون; thousand, million, billion (bn), trillion, k. So "100 ألف",
  "100,000", "100 thousand" and "100k" are one number; "ونصف"/"and a half" adds half a unit
  ("مليون ونصف" = "1.5 million"), and "مليار و500 مليون" = 1,500,000,000.
- A scale word alone in the singular or dual is a number ("مليون" = "a million" = "one
  million"; "ألفين" = 2,000); a plural alone ("آلاف", "millions") is no number.
- Percent (%, ٪, بالمئة, في المائة, percent) is a unit, not a number: "20 بالمئة" is "20%".

Only what the source has and the translation lacks is reported, since an English translation
may well write a number the Arabic spelt out ("الثمانين" → "80th").

Placeholders: printf-style (``%s``, ``%(name)d``, ``%1$s``) and brace (``{name}``, ``{0}``)
formats, compared as multisets: an article rarely has any, a template always must keep them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path

import polib

from tarjama.catalog.notes import CatalogHeader
from tarjama.sources import FORMATS, format_for
from tarjama.sources.html import VOID_ELEMENTS

_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
# harakat, tanween, dagger alif and tatweel: "ألفاً" is "ألفا"
_MARKS = dict.fromkeys([*range(0x064B, 0x0660), 0x0670, 0x0640])
_PLACEHOLDER = re.compile(
    r"%(?:\d+\$|\([^)\s]+\))?[-+#0]*(?:\d+|\*)?(?:\.\d+)?[sdifuxXeEgGcr]|\{[\w.\[\]]*\}"
)
_SEPARATOR = "[.,\u066b\u066c\u00a0\u202f]"
_TOKEN = re.compile(rf"\d+(?:{_SEPARATOR}\d+)*|[^\W\d_]+")
_THOUSANDS = re.compile(rf"\d{{1,3}}(?:({_SEPARATOR})\d{{3}})(?:\1\d{{3}})*")
_DECIMAL = re.compile(r"\d+[.\u066b]\d+")
_LONGEST = 200  # digits: a longer run is compared as its digits, not scaled (hostile input)
_SCALES: dict[str, int] = {  # a scale word after a number multiplies it
    **dict.fromkeys(["ألف", "الف", "آلاف", "الاف", "ألفا", "الفا"], 10**3),
    **dict.fromkeys(["مليون", "ملايين", "مليونا"], 10**6),
    **dict.fromkeys(["مليار", "مليارات", "مليارا", "بليون", "بلايين"], 10**9),
    **dict.fromkeys(["تريليون", "ترليون", "تريليونات"], 10**12),
    **dict.fromkeys(["thousand", "thousands", "k"], 10**3),
    **dict.fromkeys(["million", "millions", "mln", "mn"], 10**6),
    **dict.fromkeys(["billion", "billions", "bn"], 10**9),
    **dict.fromkeys(["trillion", "trillions", "tn"], 10**12),
}
_ABBREVIATIONS = {"k", "mn", "mln", "bn", "tn"}
_ALONE: dict[str, int] = {  # Arabic singular and dual scale words: a number by themselves
    "ألف": 10**3, "الف": 10**3, "ألفان": 2 * 10**3, "ألفين": 2 * 10**3, "الفين": 2 * 10**3,
    "مليون": 10**6, "مليونان": 2 * 10**6, "مليونين": 2 * 10**6,
    "مليار": 10**9, "ملياران": 2 * 10**9, "مليارين": 2 * 10**9,
    "تريليون": 10**12, "ترليون": 10**12,
}  # fmt: skip
_WORD_NUMBERS: dict[str, int | Decimal] = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
}
_WORD_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "half": Decimal("0.5")}
_CLITICS = ("و", "ب", "ل", "ف", "وب", "ول")  # a prefix a scale word may carry ("وألف")
_HALF_AR = {"ونصف", "نصف"}


def _scale_of(word: str) -> int | None:
    return _SCALES.get(word)


def _alone(word: str) -> int | None:
    if word in _ALONE:
        return _ALONE[word]
    for clitic in _CLITICS:
        if word.startswith(clitic) and word[len(clitic) :] in _ALONE:
            return _ALONE[word[len(clitic) :]]
    return None


def _values(numeral: str) -> list[Decimal | str]:
    """The numbers a run of digits and separators writes (one, or a list such as 1,2,3)."""
    if len(numeral) > _LONGEST:
        return [re.sub(r"\D", "", numeral)]
    if _THOUSANDS.fullmatch(numeral):
        return [Decimal(re.sub(r"\D", "", numeral))]
    if _DECIMAL.fullmatch(numeral):
        return [Decimal(re.sub(r"\D", ".", numeral))]
    return [Decimal(part) for part in re.findall(r"\d+", numeral)]


def _key(value: Decimal | str) -> str:
    """A number as one string whatever its writing: 100000, 1.5, 2026."""
    if isinstance(value, str):
        return value.lstrip("0") or "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0" if not text.startswith("0.") else text


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    value: Decimal | str | None = None  # a numeral's value (a str: too long to scale)


def _tokens(text: str) -> list[_Token]:
    plain = unicodedata.normalize("NFC", text).translate(_DIGITS).translate(_MARKS)
    out = []
    for m in _TOKEN.finditer(plain):
        if not m.group()[0].isdigit():
            out.append(_Token(m.group(), m.start(), m.end()))
            continue
        # a list (1,2,3) is several numbers, each its own token
        out.extend(_Token(m.group(), m.start(), m.end(), v) for v in _values(m.group()))
    return out


def numbers(text: str) -> Counter[str]:
    """The numbers ``text`` writes, as values (see the module's docstring for the rule)."""
    tokens = _tokens(text)
    out: Counter[str] = Counter()
    with localcontext(prec=4 * _LONGEST, Emax=10 * _LONGEST, Emin=-10 * _LONGEST):
        i = 0
        while i < len(tokens):
            value, i = _number_at(tokens, i)
            if value is not None:
                out[_key(value)] += 1
    return out


def _number_at(tokens: list[_Token], i: int) -> tuple[Decimal | str | None, int]:
    """The number starting at token ``i`` (None if none) and the token after it."""
    token = tokens[i]
    word = token.text.lower()
    if isinstance(token.value, str):  # too long to scale: its scale word goes with it
        return token.value, i + 1 + (_scale_of(_word(tokens, i + 1)) is not None)
    if token.value is not None:
        value, j = token.value, i + 1
    elif (alone := _alone(token.text)) is not None:
        return _after_scale(tokens, i + 1, Decimal(alone), alone)
    elif token.text in _HALF_AR and (alone := _alone(_word(tokens, i + 1))) is not None:
        return Decimal(alone) / 2, i + 2  # "نصف مليون": half a million
    elif word in _WORD_NUMBERS:
        # English words before a scale: "a million", "two billion", "half a million"
        value, j = Decimal(_WORD_NUMBERS[word]), i + 1
        if word == "half" and _word(tokens, j) == "a":
            j += 1
        if _scale_of(_word(tokens, j)) is None and not _is_and_a_half(tokens, j):
            return None, i + 1
    else:
        return None, i + 1
    if _is_and_a_half(tokens, j):  # "1 and a half million"
        value += Decimal("0.5")
        j += 3
    scale = _scale_of(_word(tokens, j))
    # an abbreviation counts only written onto the number ("100k", "$3bn"), not as a word
    if scale is not None and (_word(tokens, j) not in _ABBREVIATIONS or tokens[j].start == tokens[j - 1].end):
        return _after_scale(tokens, j + 1, value * scale, scale)
    return value, j


def _word(tokens: list[_Token], j: int) -> str:
    return tokens[j].text.lower() if j < len(tokens) and tokens[j].value is None else ""


def _is_and_a_half(tokens: list[_Token], j: int) -> bool:
    return [_word(tokens, k) for k in range(j, j + 3)] == ["and", "a", "half"]


def _after_scale(tokens: list[_Token], j: int, value: Decimal, scale: int) -> tuple[Decimal, int]:
    """A scaled number's tail: a half ("مليون ونصف", "a million and a half") and a smaller
    scaled part joined by "و"/"and" ("مليار و500 مليون")."""
    half = Decimal(scale) / 2
    if _word(tokens, j) in _HALF_AR:
        return value + half, j + 1
    if _word(tokens, j) == "و" and _word(tokens, j + 1) == "نصف":
        return value + half, j + 2
    if _is_and_a_half(tokens, j):
        return value + half, j + 3
    if _word(tokens, j) in {"و", "and"} and j + 2 < len(tokens):
        part, smaller = tokens[j + 1].value, _scale_of(_word(tokens, j + 2))
        if isinstance(part, Decimal) and smaller is not None and smaller < scale:
            return _after_scale(tokens, j + 3, value + part * smaller, smaller)
    return value, j


def lost_numbers(source: str, translation: str) -> list[str]:
    """Numbers of the source the translation does not have (as often as the source has them)."""
    missing = numbers(source) - numbers(translation)
    return sorted(missing.elements(), key=lambda k: (len(k.partition(".")[0]), k))


def placeholders(text: str) -> Counter[str]:
    return Counter(m.group() for m in _PLACEHOLDER.finditer(text))


def lost_placeholders(source: str, translation: str) -> list[str]:
    return sorted((placeholders(source) - placeholders(translation)).elements())


_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>")
_MD_LINK = re.compile(r"\]\(([^)\s]*)")


def markup_problem(source: str, translation: str) -> str | None:
    """What is wrong with a translation's markup against its source's, as Weblate's "XML markup"
    check sees it: the same tags (as often), properly paired; and every Markdown link target."""
    src, out = _tags(source), _tags(translation)
    if src or out:
        missing = Counter(src) - Counter(out)
        extra = Counter(out) - Counter(src)
        if missing or extra:
            parts = []
            if missing:
                parts.append("lacks " + " ".join(f"<{t}>" for t in sorted(missing.elements())))
            if extra:
                parts.append("adds " + " ".join(f"<{t}>" for t in sorted(extra.elements())))
            return "markup: " + ", ".join(parts)
        if (bad := _unpaired(out)) is not None:
            return f"markup: <{bad}> is not paired as in the source"
    lost = Counter(_MD_LINK.findall(source)) - Counter(_MD_LINK.findall(translation))
    if lost:
        return "markup: lacks the link to " + ", ".join(sorted(lost))
    return None


def _tags(text: str) -> list[str]:
    return [
        f"{m.group(1)}{m.group(2).lower()}"
        for m in _TAG.finditer(text)
        if not (m.group(1) == "" and (m.group(3) or m.group(2).lower() in VOID_ELEMENTS))
    ]


def _unpaired(tags: list[str]) -> str | None:
    stack: list[str] = []
    for t in tags:
        if not t.startswith("/"):
            stack.append(t)
        elif not stack or stack.pop() != t[1:]:
            return t
    return stack[-1] if stack else None


def catalog_format(po: polib.POFile) -> str:
    """The format of the article a catalog was made from (a registered format's name), by the
    file name its header or its first occurrence records."""
    names = [CatalogHeader.from_metadata(po.metadata).source_file]
    names += [re.split(r":(?=/|id\()", file, maxsplit=1)[0] for e in po for file, _ in e.occurrences]
    name = next(filter(None, names), "")
    return format_for(Path(name)) if name else "text"


def entry_problems(msgid: str, msgstr: str, fmt: str = "text") -> list[str]:
    """Everything a translated entry lost or broke: markup, numbers, placeholders; and, for an
    article whose format sanitises translations (``fmt``: HTML, Markdown), what export could not
    put into the page as written."""
    problems = []
    if (markup := markup_problem(msgid, msgstr)) is not None:
        problems.append(markup)
    if numbers_lost := lost_numbers(msgid, msgstr):
        problems.append("numbers: lacks " + ", ".join(numbers_lost))
    if placeholders_lost := lost_placeholders(msgid, msgstr):
        problems.append("placeholders: lacks " + ", ".join(placeholders_lost))
    problems.extend(f"export: {note}" for note in FORMATS[fmt].sanitiser.alone(msgstr, msgid).notes)
    return problems
