"""Split an article into sentences with character offsets.

Interface (kept small so the segmenter can be replaced): ``segment(text)`` takes the
article text and returns :class:`Sentence` spans, in document order, whose
``text == article_text[start:end]``. Page layout (image markup, table pipes, captions,
the source line, comment counters) is classified here too, because whether a line is a
caption is a property of where it sits in the page.

Why hand-written rules and not an extended library: sentencex (what Wikimedia's MinT
uses) is a compiled Rust extension whose abbreviation lists and quote handling cannot be
extended from Python, and neither it nor pySBD knows web-export layout (image markup,
table pipes, photo credits, source lines). Measured in ``docs/segmentation.md``, sentencex
run line by line reaches F1 0.93 on the example and 0.75-0.91 on the other gold files,
pySBD 0.54-0.76; these rules reach the gold, at 3.5-9 MB/s on one core (sentencex is
about ten times faster, pySBD fifteen times slower). Every rule below names the case it exists for; the
tests give a real example of each.

Rules, in one place:

* A line end is always a boundary (headings carry no final punctuation).
* ``. ! ? ؟ …`` (and runs such as ``؟!`` or ``...``) end a sentence when followed by
  whitespace or the end of the line; closing quotes and brackets after them stay with
  the sentence. ``،`` ``؛`` and ``:`` never end one.
* No boundary at a period between digits (``2.500``, ``3.5``, ``٣.٥``), inside a URL or an
  e-mail address, after a one-letter Arabic abbreviation (``د.`` Dr., ``م.`` eng., ``ص.``
  page, ``ق.م``, ``أ.ف.ب``), also with a proclitic written on (``وم.`` ``ود.`` ``فد.``
  ``ولد.`` ``وأ.د.``; not the words ``له.`` ``به.`` ``لا.`` ``في.`` of that shape), after a Latin abbreviation (``Dr.``, ``No.``, ``U.S.``,
  initials such as ``F.``), or after a number opening a sentence (a list item ``1.``).
  An era marker (``500 ق.م.``, ``1445 هـ.``, and ``م.`` after a 3-4 digit year such
  as ``1950 م.``) is both an abbreviation and, followed by a new word, a sentence end;
  elsewhere ``م.`` is "Eng." before a name.
* Inside a quotation a boundary falls only where a quoted sentence ends and another
  begins: an ellipsis inside quotes is a pause, and a quote closed by ``؟"``/``!»``
  followed by a reporting verb (``تساءل``, ``قال``, ``مضيفا`` …) continues the sentence.
* A terminator that closes a parenthetical (``!)``) ends a sentence only when the
  parenthetical is the whole sentence.
* A parenthetical right after a sentence end that closes the line (``(الدولار = 3.75
  ريال)``), a photo credit ``(تصوير: …)`` and a trailing ``- الصورة: …`` belong to the
  sentence before.
* A period glued to the next Arabic word (``الاتفاقية.وقال``) still ends a sentence when
  the word before it is a real word (two letters or more).
* Diacritics, tatweel and bidi marks are transparent to every rule.

A line's kind (dateline, byline, credit, reader comments) also depends on where it stands
in the article: ``place_kinds`` below, shared by every reader; ``docs/segmentation.md``
§ Kinds.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tarjama.sources.markup import Markup


class Kind(StrEnum):
    BODY = "body"
    CAPTION = "caption"
    ALT = "alt"  # an image's alt text (HTML, Markdown)
    TITLE = "title"  # the page's <title>, or an element's title attribute (HTML)
    BYLINE = "byline"  # who wrote it: ``بقلم: …``, ``كتب - …``
    DATELINE = "dateline"  # where and when it was filed: ``عمّان - 12 كانون الأول``, ``المواطن - واس``
    CREDIT = "credit"  # the agency a story is credited to, on a line of its own: ``(د ب أ)``
    SOURCE = "source"
    BOILERPLATE = "boilerplate"  # the site around the article: menus, tag lists, share bars, reader comments


# Sentences of these kinds go to the model; the others are kept but not machine-translated.
# A byline's name and a dateline's place and date are words a reader of the English page needs;
# a credit is an agency's abbreviation (``د ب أ`` is dpa), which the model can only spell out
# letter by letter or invent: the translator writes the agency's own English style once.
TRANSLATABLE = frozenset({Kind.BODY, Kind.CAPTION, Kind.ALT, Kind.TITLE, Kind.BYLINE, Kind.DATELINE})


@dataclass(frozen=True)
class Sentence:
    n: int  # 1-based position in the document
    start: int  # offsets into the document's text (for marked-up formats: the sentence's source range)
    end: int
    kind: Kind
    line: int  # 1-based physical line of the article file
    text: str  # the msgid: for marked-up formats, inline markup included
    path: str = ""  # where it sits in a marked-up document (an element path); "" for text
    markup: Markup | None = None  # inline markup, when ``text`` is more than what the model reads

    @property
    def locator(self) -> str:
        """Where the sentence is in its file, as PO occurrences show it: the line for text, else the
        element path."""
        return self.path or str(self.line)

    @property
    def mt_text(self) -> str:
        """What the model reads: the text without its markup."""
        return self.markup.plain if self.markup is not None else self.text


# --- layout --------------------------------------------------------------------------

_IMAGE = r"!\[[^\]\n]*\]\([^)\n]*\)"
# A line of nothing but image markup, table pipes and table-rule dashes/colons.
_MARKUP_ONLY = re.compile(rf"^(?:\s|{_IMAGE}|\||(?<=\|)\s*:?-{{2,}}:?\s*(?=\|))*$")
_LEAD = re.compile(rf"(?:\s|{_IMAGE}|\|)+")
_HEADING = re.compile(r"(?:#{1,6}|>|[-*•])\s+")  # markdown heading, blockquote, bullet
_TRAIL_IMAGE = re.compile(rf"(?:{_IMAGE}|\s)+$")
_SOURCE = re.compile(r"\s*(?:المصدر|مصدر الخبر)\s*:")
_BOILERPLATE = re.compile(
    r"\s*(?:(?:تعليق|تعليقات|التعليقات)\s*\(\s*[\d٠-٩]+\s*\)"
    r"|(?:اقرأ|إقرأ) (?:أيضا|أيضاً|أيضًا)\s*:"
    r"|(?:شارك|مشاركة) (?:هذا |على )?(?:الخبر|المقال)?\s*:?\s*$"
    r"|(?:الكلمات (?:الدالة|المفتاحية)|كلمات مفتاحية|وسوم)\s*:"
    r"|(?:آخر تحديث|تاريخ النشر)\s*:"
    r"|(?:جميع الحقوق محفوظة|©))"
)
_CREDIT_WORDS = r"(?:تصوير|الصورة|صورة|مصدر الصورة|الصور)"
_CREDIT_LINE = re.compile(rf"\s*(?:\(\s*{_CREDIT_WORDS}\s*:[^)]*\)|[-–—]?\s*{_CREDIT_WORDS}\s*:)")

# --- characters ----------------------------------------------------------------------

_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"  # harakat, Quranic marks, tatweel
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"  # zero-width and bidi controls
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_STRIP_MARKS = re.compile(f"[{_MARKS}]")
_MARK_CHARS = frozenset(
    chr(c) for c in (*range(0x610, 0x61B), *range(0x64B, 0x660), 0x670, *range(0x6D6, 0x6EE), 0x640)
)
_SPACE = re.compile(rf"[\s{_INVISIBLE}]*")
_TERMINATOR = re.compile(r"[.!?؟…]+")
_CLOSERS = re.compile(r"[\"»”’'\)\]]*")

_QUOTE_CHAR = re.compile("[«»“”\"'’]")
_QUOTE_OR_END = re.compile("[«»“”\"'’.!?؟…]")
_OPEN_QUOTES = "«“\"'"  # straight and curly quotes decided by context, « always opens
_CLOSE_QUOTES = "»”\"'’"
_URL_CHAR = rf"[^\s\"«»“”<>{_INVISIBLE}]"
_URL_END = rf"[^\s\"«»“”<>.,;:!?؟،؛)\]{_INVISIBLE}]"
_URL = re.compile(
    rf"(?:https?://|www\.){_URL_CHAR}*{_URL_END}"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|int|info|news|tv|ae|sa|eg|qa|jo|ma|vn|uk)\b"
    rf"(?:/{_URL_CHAR}*{_URL_END})?",
    re.IGNORECASE,
)
_URL_HINT = re.compile(r"://|www\.|@|\.[a-z0-9-]", re.IGNORECASE)
_LATIN_ABBREVIATIONS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "no",
        "nos",
        "st",
        "mt",
        "ft",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "vs",
        "etc",
        "gen",
        "col",
        "capt",
        "lt",
        "sgt",
        "gov",
        "sen",
        "rep",
        "dept",
        "univ",
        "vol",
        "pp",
        "fig",
        "ed",
        "eds",
        "approx",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "a.m",
        "p.m",
        "ph.d",
    ]
)
_ERAS = frozenset({"م", "ق.م", "ه"})  # marks and tatweel stripped: هـ -> ه
# A quote closed by ?/! and followed by one of these continues its sentence.
_REPORTING = frozenset(
    [
        "قال",
        "قالت",
        "يقول",
        "تقول",
        "أضاف",
        "أضافت",
        "يضيف",
        "تضيف",
        "تساءل",
        "تساءلت",
        "يتساءل",
        "سأل",
        "سألت",
        "صرح",
        "صرحت",
        "أكد",
        "أكدت",
        "هتف",
        "هتفت",
        "صاح",
        "صاحت",
        "صرخ",
        "صرخت",
        "ردد",
        "رددت",
        "علق",
        "علقت",
        "كتب",
        "كتبت",
        "مضيفا",
        "مضيفة",
        "متسائلا",
        "متسائلة",
        "قائلا",
        "قائلة",
        "مؤكدا",
        "مؤكدة",
        "بحسب",
        "حسب",
        "وفق",
        "على",
    ]
)


def segment(text: str) -> list[Sentence]:
    """Sentences of ``text`` in document order; every rule is in the module docstring."""
    lines: list[tuple[int, str, int, Kind, list[tuple[int, int]]]] = []
    after_markup = False
    pos = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if _MARKUP_ONLY.match(line):
            after_markup = after_markup or "![" in line  # a table rule row is no picture
            continue
        lead = _LEAD.match(line)
        inline_image = bool(lead and "![" in lead.group(0))
        kind = _line_kind(line, after_markup or inline_image)
        after_markup = False
        cells = _cells(line)
        if cells:
            lines.append((lineno, line, line_start, kind, cells))
    # a line's kind also depends on where it stands in the article (a dateline before the body)
    spans = [
        [_split_sentences(line, lo, hi) if kind not in _WHOLE else [(lo, hi)] for lo, hi in cells]
        for _, line, _, kind, cells in lines
    ]
    groups = [
        (line[cells[0][0] : cells[-1][1]] if len(cells) == 1 else "", kind, len(spans[k][0]))
        for k, (_, line, _, kind, cells) in enumerate(lines)
    ]
    placed = place_kinds(groups)
    out: list[Sentence] = []
    for k, (lineno, line, line_start, kind, cells) in enumerate(lines):
        new = placed[k]
        if new is not kind and new in _SHAPED:  # a line known by its shape is one entry
            spans[k] = [[(lo, hi)] for lo, hi in cells]
        for cell in spans[k]:
            for s, e in cell:
                out.append(Sentence(len(out) + 1, line_start + s, line_start + e, new, lineno, line[s:e]))
    return out


def segment_paragraph(text: str) -> list[tuple[int, int, Kind]]:
    """Sentence spans and kinds of one paragraph of a marked-up document (HTML, Markdown).

    The page layout of the text export (image markup, table pipes, list markers) means
    nothing here: the reader has already taken the structure from the markup. A line end
    (a ``<br>``) is a boundary, as in text.
    """
    out: list[tuple[int, int, Kind]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        lo, hi = 0, len(line)
        while lo < hi and (line[lo].isspace() or _is_invisible(line[lo])):
            lo += 1
        while hi > lo and (line[hi - 1].isspace() or _is_invisible(line[hi - 1])):
            hi -= 1
        if lo == hi:
            continue
        kind = _line_kind(line, False)
        spans = [(lo, hi)] if kind in _WHOLE else _split_sentences(line, lo, hi)
        out += [(line_start + s, line_start + e, kind) for s, e in spans]
    return out


def _line_kind(line: str, caption_position: bool) -> Kind:
    lead = _LEAD.match(line)
    body = line[lead.end() :] if lead else line
    if _SOURCE.match(body):
        return Kind.SOURCE
    if _BOILERPLATE.match(body):
        return Kind.BOILERPLATE
    if caption_position or _CREDIT_LINE.match(body):
        return Kind.CAPTION
    return Kind.BODY


# --- article layout: what a line is by its shape and its place in the article ----------
#
# The article's body is its prose: paragraphs that end a sentence. What stands before the
# first of them (after the headline) or after the last is the page around the article, and
# there a short line of a known shape is a dateline, a byline or a credit; a reader-comments
# heading after the body opens the comments, which run to the end. The rules read shapes
# (a place, a separator, a date or an agency), never a list of outlets or names, so they hold
# for outlets the tests never saw; every word list below is a closed class of the language
# (months in all four calendars used, weekdays, the words that introduce a byline).

_SHAPED = frozenset({Kind.BYLINE, Kind.DATELINE, Kind.CREDIT})
# Never split: URLs, lists of links, and what the shape of the whole line made what it is. A
# reader comment is split as the body is (its kind comes from its place, not its shape).
_WHOLE = frozenset({Kind.SOURCE, Kind.BOILERPLATE, *_SHAPED})
_UNSEEN = re.compile(f"[{_MARKS}{_INVISIBLE}]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ـ": None})
_DIGIT = r"[0-9٠-٩۰-۹]"
_CALENDARS = (
    # Gregorian as Egypt and the Gulf write it, as the Levant and Iraq do, as the Maghreb does; Hijri
    "يناير فبراير مارس ابريل مايو يونيو يونيه يوليو يوليه اغسطس سبتمبر اكتوبر نوفمبر ديسمبر",
    "كانون_الثاني شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين_الاول تشرين_الثاني كانون_الاول",
    "جانفي فيفري افريل ماي جوان جويلية اوت",
    "محرم صفر ربيع_الاول ربيع_الاخر ربيع_الثاني جمادي_الاولي جمادي_الاول جمادي_الاخرة جمادي_الثانية"
    " رجب شعبان رمضان شوال ذو_القعدة ذو_الحجة ذي_القعدة ذي_الحجة",
)
_MONTHS = sorted((m for names in _CALENDARS for m in names.split()), key=len, reverse=True)
_MONTH = "(?:" + "|".join(m.replace("_", r"\s+") for m in _MONTHS) + r")(?!\w)"
_WEEKDAY = r"(?:ال(?:احد|اثنين|ثلاثاء|اربعاء|خميس|جمعة|سبت))(?!\w)"
_DATE = re.compile(
    rf"(?<!\w){_DIGIT}{{1,2}}\s*{_MONTH}(?:\s*/\s*{_MONTH})*(?:\s*[،,]?\s*{_DIGIT}{{4}})?"
    rf"|(?<!\w){_MONTH}(?:\s*/\s*{_MONTH})*\s+{_DIGIT}{{4}}(?!\w)"
    rf"|(?<!\w){_DIGIT}{{1,4}}\s*[/.-]\s*{_DIGIT}{{1,2}}\s*[/.-]\s*{_DIGIT}{{1,4}}(?!\w)"
)
# What may stand around a date in a date line: a weekday, a time, an era, "on", "corresponding to"
_DATE_FILLER = re.compile(
    rf"{_WEEKDAY}|(?<!\w)(?:يوم|الساعة|الساعه|بتاريخ|الموافق|في|نشر|ص|م|ه|هـ|صباحا|مساء|مساءا|GMT|AM|PM|am|pm)(?!\w)"
    rf"|{_DIGIT}{{1,2}}\s*[:.]\s*{_DIGIT}{{2}}"
)
_WORD = r"[^\s\d:()«»\"“”\-–—،,/.!?؟…]+"
_DATELINE = re.compile(rf"^(?P<place>{_WORD}(?:\s+{_WORD}){{0,2}})\s*(?:[-–—]+|[،,/])\s*(?P<rest>.+)$")
_ABBREVIATION = re.compile(r"^(?:\w\s*[.\s]\s*){1,5}\w\.?$")  # د ب أ, أ.ف.ب, ق.ن.ا
_QUOTED = re.compile(r"^(?:\((?P<a>[^()]+)\)|«(?P<b>[^«»]+)»|\"(?P<c>[^\"]+)\"|“(?P<d>[^“”]+)”)$")
_BYLINE = re.compile(
    r"^(?:بقلم|بواسطة|من\s+مراسل(?:نا|تنا|ها|ه)?|مراسل(?:نا|تنا|ة)?)(?:\s*[:/\-–—]+\s*|\s+)(?=\S)"
    r"|^(?:كتب|كتبت|كتبه|كتبته|كتبها|اعداد|تقرير|حوار|متابعة|تحرير|ترجمة|تحقيق|رساله|رسالة\s+\S+)"
    r"\s*[:/\-–—]+\s*(?=\S)"
)
_CREDIT_GENERIC = re.compile(r"^(?:وكالات(?:\s+الانباء)?|متابعات|الوكالات)$")
_COMMENTS_OPEN = re.compile(
    r"^(?:ال)?تعليق(?:ات)?(?:\s+(?:ال)?(?:قراء|زوار))?\s*(?:\(\s*(?P<n>[0-9٠-٩]+)\s*\))?\s*:?$"
    r"|^(?:اراء|ردود)\s+(?:ال)?(?:قراء|زوار)\s*:?$"
    r"|^(?:اضف|اترك|اكتب|شارك)(?:نا)?\s+(?:تعليق|تعليقا|تعليقك|رايك|برايك)(?!\w)"
)
_SHORT = 200  # characters: no dateline, byline, credit or comments heading is longer
_PROSE_END = re.compile(r"[.!?؟…][\"»”’'\)\]]*$")
_SEPARATORS = re.compile(r"[\s\-–—،,/|:()\[\].]+")


def place_kinds(groups: list[tuple[str, Kind, int]]) -> list[Kind]:
    """Each paragraph's kind once its place in the article is known.

    ``groups``: the article's paragraphs (a text line, an HTML or Markdown paragraph) in order,
    as (text, the kind its own line or markup gave it, how many sentences it holds); text ""
    for a paragraph that is no candidate (a table row). Only body paragraphs change, except
    inside reader comments, where everything but a source line is boilerplate.
    """
    kinds = [kind for _, kind, _ in groups]
    prose = [kind is Kind.BODY and _is_prose(text, n) for text, kind, n in groups]
    first_prose = prose.index(True) if True in prose else len(groups)
    for k in range(first_prose + 1, len(groups)):  # comments follow the body, never precede it
        text, kind, _ = groups[k]
        short = len(text) <= _SHORT and kind in (Kind.BODY, Kind.BOILERPLATE)
        m = _COMMENTS_OPEN.match(_fold(text)) if short else None
        if m and (m.group("n") is None or int(m.group("n")) > 0):
            kinds[k:] = [Kind.SOURCE if kind is Kind.SOURCE else Kind.BOILERPLATE for kind in kinds[k:]]
            prose[k:] = [False] * (len(groups) - k)
            break
    last_prose = len(prose) - 1 - prose[::-1].index(True) if True in prose else -1
    headline = next((k for k, kind in enumerate(kinds) if kind is Kind.BODY), -1)
    for k, (text, _, _) in enumerate(groups):
        if kinds[k] is not Kind.BODY or not text or prose[k] or len(text) > _SHORT:
            continue
        folded = _fold(text)
        if len(folded.split()) > 12:
            continue
        if first_prose < k < last_prose:
            # inside the body only a credit right after its last paragraph, before what follows it
            # (an aside, an author box): ``(د ب أ)`` closing the story
            closes = prose[k - 1] and not prose[k + 1]
            if closes and _credit(folded, False) is not None:
                kinds[k] = Kind.CREDIT
            continue
        if _byline(folded, k == headline):
            kinds[k] = Kind.BYLINE
        elif (credit := _credit(folded, k > last_prose)) is not None:
            kinds[k] = credit
        elif k < first_prose and (strength := _dateline(folded)) and (strength == 2 or k != headline):
            kinds[k] = Kind.DATELINE
    return kinds


def _fold(text: str) -> str:
    """``text`` as the layout rules read it: no diacritics, tatweel or bidi marks, one hamza-less
    alef, ى as ي, single spaces, no list marker or trailing dash."""
    text = _UNSEEN.sub("", text).translate(_FOLD)
    return " ".join(text.split()).strip(" -–—*•")


def _is_prose(text: str, sentences: int) -> bool:
    """A paragraph of the article's body: it ends a sentence (a period after a word, not after the
    one-letter abbreviation of ``د.``), or the segmenter found several sentences in it."""
    if sentences >= 2:
        return True
    text = _UNSEEN.sub("", text).strip()
    if not _PROSE_END.search(text) or len(text.split()) < 4:
        return False
    word = text.rstrip("\"»”’')]").rstrip(".!?؟…").rsplit(None, 1)[-1] if text.split() else ""
    return len(_STRIP_MARKS.sub("", word)) > 1 or text.rstrip("\"»”’')]")[-1] != "."


def _byline(text: str, headline: bool) -> bool:
    """``بقلم: ليلى الحسيني``, ``كتب - محمد علي``: a word that introduces a byline, then a name (no
    digit, a few words). As the headline only ``بقلم``/``بواسطة``: ``تقرير: …`` or ``حوار: …``
    opening the first line is the headline's label."""
    m = _BYLINE.match(text)
    if not m or any(ch.isdigit() for ch in text) or len(text[m.end() :].split()) > 7:
        return False
    return not headline or text.startswith(("بقلم", "بواسطة"))


def _is_date_only(text: str) -> bool:
    """Nothing but a date (a weekday, a time, an era around it): ``الأحد 12 ديسمبر 2026``."""
    if not _DATE.search(text):
        return False
    rest = _DATE_FILLER.sub(" ", _DATE.sub(" ", text))
    return not any(ch.isalnum() for ch in _SEPARATORS.sub("", rest))


def _agency(text: str) -> int:
    """2: an agency in a shape no other text has (in brackets or quotes, letters with dots or
    spaces); 1: one or two words with no digit, read as one only where a dateline stands; 0: not."""
    text = text.strip(" -–—")
    if not text or any(ch.isdigit() for ch in text) or ":" in text:
        return 0
    m = _QUOTED.match(text)
    inner = next((g for g in m.groups() if g), "") if m else text
    if len(inner.split()) > 3 or any(ch in inner for ch in "=%+«»()"):
        return 0
    if m or _ABBREVIATION.match(inner):
        return 2
    return 1 if len(inner.split()) <= 2 else 0


def _dateline(text: str) -> int:
    """2: ``PLACE - DATE``, ``PLACE، DATE (AGENCY)``, ``PLACE - (AGENCY)`` or a date alone;
    1: ``PLACE - WORD`` (an agency or an outlet's name: ``المواطن - واس``); 0: not a dateline."""
    if _is_date_only(text):
        return 2
    m = _DATELINE.match(text.rstrip(" -–—"))
    if not m:
        return 0
    rest = m.group("rest").strip()
    date = _DATE.search(rest)
    if date:
        after = _DATE_FILLER.sub(" ", _DATE.sub(" ", rest)).strip(" -–—،,")
        return 2 if not after or _agency(after) == 2 or _is_date_only(rest) else 0
    return _agency(rest)


def _credit(text: str, after_body: bool) -> Kind | None:
    """``(د ب أ)``, ``(رويترز)``: an agency in brackets on a line of its own; after the body also
    ``أ ف ب`` or ``وكالات`` bare."""
    m = _QUOTED.match(text.rstrip("."))
    if m and text.startswith("(") and _agency(text.rstrip(".")) == 2:
        return Kind.CREDIT
    if after_body and (_ABBREVIATION.match(text) or _CREDIT_GENERIC.match(text)):
        return Kind.CREDIT
    return None


def _cells(line: str) -> list[tuple[int, int]]:
    """Content ranges of a line: table cells when the line is a table row, else the line.

    Image markup, pipes, whitespace and a leading heading/bullet marker are trimmed.
    """
    stripped = line.strip()
    if "|" in line and (stripped.startswith("|") or stripped.endswith("|")):
        bounds, start = [], 0
        for i, ch in enumerate(line):
            if ch == "|":
                bounds.append((start, i))
                start = i + 1
        bounds.append((start, len(line)))
    else:
        bounds = [(0, len(line))]
    cells = []
    for lo, hi in bounds:
        lo, hi = _trim(line, lo, hi)
        if lo < hi:
            cells.append((lo, hi))
    return cells


def _past(run: re.Pattern[str], line: str, pos: int, hi: int) -> int:
    """Where ``run`` (a pattern that matches nothing too: _SPACE, _CLOSERS) from ``pos`` ends."""
    m = run.match(line, pos, hi)
    return pos if m is None else m.end()


def _trim(line: str, lo: int, hi: int) -> tuple[int, int]:
    while True:
        m = _LEAD.match(line, lo, hi) or _SPACE.match(line, lo, hi)
        if m and m.end() > lo:
            lo = m.end()
        m = _HEADING.match(line, lo, hi)
        if m and not _CREDIT_LINE.match(line, lo, hi):
            lo = m.end()
            continue
        m = _SPACE.match(line, lo, hi)
        if m and m.end() > lo:
            lo = m.end()
            continue
        break
    m = _TRAIL_IMAGE.search(line, lo, hi)
    if m:
        hi = m.start()
    while hi > lo and (line[hi - 1].isspace() or _is_invisible(line[hi - 1])):
        hi -= 1
    return lo, hi


def _is_invisible(ch: str) -> bool:
    return (
        "\u200b" <= ch <= "\u200f"
        or "\u202a" <= ch <= "\u202e"
        or "\u2066" <= ch <= "\u2069"
        or ch == "\ufeff"
    )


# --- sentence boundaries inside one cell ---------------------------------------------


def _split_sentences(line: str, lo: int, hi: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = lo
    protected = _protected(line, lo, hi)
    starts = [p for p, _ in protected] if protected else []
    skip_to = lo
    quotes: _QuoteDepth | None = None  # made when an ellipsis needs it: most sentences have none
    for m in _TERMINATOR.finditer(line, lo, hi):
        a, b = m.span()
        k = bisect_right(starts, a) - 1
        if a <= start or a < skip_to or (k >= 0 and a < protected[k][1]):
            continue  # nothing before it in this sentence, or inside a URL
        run = m.group(0)
        e = _past(_CLOSERS, line, b, hi)
        j = _past(_SPACE, line, e, hi)
        if j >= hi:
            break  # the cell ends here anyway
        if j == e:  # glued to what follows
            if not _glued_boundary(line, start, a, run, b, e, hi):
                continue
        elif not _spaced_boundary(line, start, a, run, e, j):
            continue
        if "…" in run or ".." in run:
            quotes = quotes or _QuoteDepth(line, lo)
            if quotes.open_at(start, a) or _closes_ahead(line, b, hi):
                continue  # an ellipsis inside a quotation is a pause
        closing = line[b:e]
        if closing and closing[0] in ")]" and not _parenthetical_is_sentence(line, start, a, closing[0]):
            continue
        if any(c in _CLOSE_QUOTES for c in closing) and _word_at(line, j, hi) in _REPORTING:
            continue
        e, j = _attach_trailing(line, e, j, hi)
        spans.append((start, e))
        start = j
        skip_to = j
    if start < hi:
        spans.append((start, hi))
    return spans


def _spaced_boundary(line: str, start: int, a: int, run: str, e: int, j: int) -> bool:
    """A terminator followed by whitespace: a boundary unless it ends an abbreviation."""
    nxt = line[j]
    if "a" <= nxt <= "z":
        return False  # Latin text continues in lower case
    if run != ".":
        return True
    t = _token_start(line, start, a)
    if t == a:
        return True
    word = _STRIP_MARKS.sub("", line[t:a])
    if word.isdigit():
        return t != start  # "1." opening a sentence is a list number
    if _ARABIC_LETTER.match(word):
        if word in _ERAS:  # ق.م. / هـ. always; م. only after a year (else "م. أحمد" = Eng.)
            return word != "م" or _after_year(line, start, t)
        return not _arabic_abbreviation(word)
    if not word.isascii():
        return True
    if len(word) == 1 and word.isupper():
        return not ("A" <= nxt <= "Z")  # an initial before a Latin name
    if word.lower() in _LATIN_ABBREVIATIONS:
        return False
    parts = word.split(".")
    return not (len(parts) > 1 and all(0 < len(p) <= 2 and p.isalpha() for p in parts))  # U.S., Ph.D.


def _glued_boundary(line: str, start: int, a: int, run: str, b: int, e: int, hi: int) -> bool:
    """``الاتفاقية.وقال``: a boundary when a real Arabic word precedes and one follows."""
    if e != b or "…" in run or ".." in run or not _ARABIC_LETTER.match(line[e]):
        return False
    word = _STRIP_MARKS.sub("", line[_token_start(line, start, a) : a])
    return (
        "." not in word
        and len(word) >= 2
        and all(_ARABIC_LETTER.match(c) for c in word)
        and not _arabic_abbreviation(word)
    )


# The proclitics Arabic writes onto a word: a conjunction و/ف, then a preposition ب/ل/ك.
_PROCLITICS = re.compile(r"[وف]?[بلك]?")
# Preposition + attached pronoun (له "to him", بي "with me", بك …) and the particles لا, في:
# real words of the same shape as clitics + one letter, and common at a sentence end.
_CLITIC_SHAPED_WORDS = re.compile(r"[وف]?(?:[بلك][يهك]|لا)|في")


def _arabic_abbreviation(word: str) -> bool:
    """An Arabic abbreviation before a period: its last part is one letter (د. ص. أ.ف.ب), also
    with proclitics written on (وم. ود. فد. ولد. وأ.د.: "and Eng.", "and to Dr."), unless the
    word is a preposition with its pronoun or a particle of that shape (له. بي. لا.)."""
    if "." in word:
        return len(word.rsplit(".", 1)[-1]) == 1
    if len(word) == 1:
        return True
    return bool(_PROCLITICS.fullmatch(word[:-1])) and not _CLITIC_SHAPED_WORDS.fullmatch(word)


def _token_start(line: str, start: int, a: int) -> int:
    """Start of the word before ``a``: letters, digits, marks and inner periods (ق.م, U.S, Dr).

    A backward scan rather than an end-anchored regex search, which would be quadratic,
    and at most 40 characters long: no abbreviation is longer.
    """
    t = a
    start = max(start, a - 40)
    while t > start and (line[t - 1].isalnum() or line[t - 1] in _MARK_CHARS or line[t - 1] == "."):
        t -= 1
    while t < a and line[t] == ".":
        t += 1
    return t


def _after_year(line: str, start: int, pos: int) -> bool:
    """A year (3-4 digits, not part of 2.500 or 3.5) right before ``pos``, maybe a space between."""
    i = pos
    while i > start and line[i - 1] == " ":
        i -= 1
    k = i
    while k > start and line[k - 1].isdigit():
        k -= 1
    return 3 <= i - k <= 4 and not (k > start and line[k - 1] in ".,٫٬")


def _word_at(line: str, j: int, hi: int) -> str:
    k = j
    while k < hi and not line[k].isspace() and line[k] not in '،,.:؛;!?؟"«»“”()':
        k += 1
    return _STRIP_MARKS.sub("", line[j:k])


def _parenthetical_is_sentence(line: str, start: int, a: int, close: str) -> bool:
    """``…!)``: only a sentence end when the bracket opened at the sentence's start."""
    opener = "(" if close == ")" else "["
    o = line.rfind(opener, start, a)
    if o < 0:
        return True  # unbalanced: nothing to keep together
    return o == start and line.find(close, o, a) < 0


def _attach_trailing(line: str, e: int, j: int, hi: int) -> tuple[int, int]:
    """Pull a photo credit or a closing parenthetical into the sentence before it."""
    while j < hi:
        if line[j] == "(":
            close = line.find(")", j, hi)
            if close < 0:
                break
            inner_end = close + 1
            rest = _past(_SPACE, line, inner_end, hi)
            after = _TERMINATOR.match(line, rest, hi)
            tail = _past(_SPACE, line, after.end(), hi) if after else rest
            if not (_CREDIT_LINE.match(line, j, hi) or tail >= hi):
                break
            e = after.end() if after else inner_end
            j = _past(_SPACE, line, e, hi)
        elif line[j] in "-–—" and _CREDIT_LINE.match(line, j, hi):
            e = hi
            j = hi
        else:
            break
    return e, j


def _protected(line: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """URLs and e-mail addresses: no boundary inside them."""
    if not _URL_HINT.search(line, lo, hi):  # what every URL and address above must contain
        return []
    return [m.span() for m in _URL.finditer(line, lo, hi)]


class _QuoteDepth:
    """How many quotations are open at a position, counted from the current sentence's start.

    Incremental (each character is looked at once per sentence), so a long quotation
    full of ellipses stays linear. Counting from the sentence start, never from the
    line start, keeps the answer the same when the sentence is segmented on its own.
    """

    def __init__(self, line: str, lo: int) -> None:
        self.line, self.start, self.pos, self.depth = line, lo, lo, 0

    def open_at(self, start: int, a: int) -> bool:
        if start != self.start:
            self.start, self.pos, self.depth = start, start, 0
        for m in _QUOTE_CHAR.finditer(self.line, self.pos, a):
            kind = _quote_kind(self.line, m.start(), start, len(self.line))
            if kind == "open":
                self.depth += 1
            elif kind == "close" and self.depth:
                self.depth -= 1
        self.pos = max(self.pos, a)
        return self.depth > 0


def _closes_ahead(line: str, b: int, hi: int) -> bool:
    """A quotation closes after ``b`` before the sentence can end (the ellipsis is quoted)."""
    depth = 0
    for m in _QUOTE_OR_END.finditer(line, b, hi):
        i = m.start()
        kind = _quote_kind(line, i, b, hi)
        if kind == "open":
            depth += 1
        elif kind == "close":
            if not depth:
                return True
            depth -= 1
        elif kind is None and line[i] in ".!?؟…":  # the sentence may end here
            k = _past(_CLOSERS, line, i + 1, hi)
            if k >= hi or line[k].isspace():
                return not depth and any(_quote_kind(line, x, b, hi) == "close" for x in range(i + 1, k))
    return False


def _quote_kind(line: str, i: int, lo: int, hi: int) -> str | None:
    """``open``/``close`` for a quotation mark at ``i`` (straight and curly ones by context)."""
    ch = line[i]
    if ch not in _OPEN_QUOTES and ch not in _CLOSE_QUOTES:
        return None
    if ch in "'’" and i > lo and line[i - 1].isalpha() and i + 1 < hi and line[i + 1].isalpha():
        return None  # an apostrophe inside a Latin word
    if ch == "«":
        return "open"
    if ch in "»’":
        return "close"
    before = line[i - 1] if i > lo else " "
    after_ok = i + 1 < hi and not line[i + 1].isspace()
    return "open" if (before.isspace() or before in "(:[«“") and after_ok else "close"
