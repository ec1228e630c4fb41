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
  page, ``ق.م``, ``أ.ف.ب``), after a Latin abbreviation (``Dr.``, ``No.``, ``U.S.``,
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
    TITLE = "title"  # an element's title attribute (HTML)
    SOURCE = "source"
    BOILERPLATE = "boilerplate"


# Sentences of these kinds go to the model; the others are kept but not machine-translated.
TRANSLATABLE = frozenset({Kind.BODY, Kind.CAPTION, Kind.ALT, Kind.TITLE})


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
    out: list[Sentence] = []
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
        for lo, hi in _cells(line):
            whole = kind in (Kind.SOURCE, Kind.BOILERPLATE)  # never split: URLs, lists of links
            spans = [(lo, hi)] if whole else _split_sentences(line, lo, hi)
            for s, e in spans:
                out.append(Sentence(len(out) + 1, line_start + s, line_start + e, kind, lineno, line[s:e]))
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
        spans = [(lo, hi)] if kind in (Kind.SOURCE, Kind.BOILERPLATE) else _split_sentences(line, lo, hi)
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
        return len(word.rsplit(".", 1)[-1]) > 1  # one letter: د. ص. أ.ف.ب
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
    return "." not in word and len(word) >= 2 and all(_ARABIC_LETTER.match(c) for c in word)


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
