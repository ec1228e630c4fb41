"""Inline markup of a sentence (HTML tags, Markdown delimiters), and putting it back in a translation.

A sentence of a marked-up article has two faces: its msgid, the source fragment with its
inline markup (``<a href="/tags/x">دانج</a> قال``), which translators review with their
tools' tag checks; and ``Markup.plain``, the text the model and the glossary read. After
translation each inline element goes back by ``place``: where the translation of the
element's own text (the glossary's approved form, or its own machine translation) is
found in the sentence's translation, exactly or by fuzzy alignment (MinT's way, which
works the same for every backend). An element that cannot be found is not dropped: it is
appended at the end and reported, for the translator to move.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from tarjama.sources import formats

PAIR, VOID, OPAQUE = "pair", "void", "opaque"


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# "|" too: a translation in a table cell must not split the cell ("\|" reads as "|" elsewhere)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
# An ampersand that would start a character reference, and a strikethrough run (GFM).
_MD_SEQUENCES = re.compile(
    r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)|~(?=~)|(?<=~)~"
)
_MD_ANY = re.compile(r"[\\`*_\[\]<>&~|]")  # any character the two above may escape
# What would open a heading or a list item if the text starts a line: "# ", "- ", "+ ", "2024. ", "1) ".
_MD_LINE_START = re.compile(r"#{1,6}(?=[ \t]|$)|[-+](?=[ \t]|$)|[0-9]{1,9}(?=[.)](?:[ \t]|$))")


def escape_markdown(text: str) -> str:
    """Backslash-escapes what Markdown would read as markup in a translation's words (a heading or
    list marker only at the start: the text may start a line)."""
    if _MD_ANY.search(text):
        text = _MD_SEQUENCES.sub(r"\\\g<0>", _MD_SPECIAL.sub(r"\\\1", text))
    m = _MD_LINE_START.match(text)
    if m is None:
        return text
    if text[0].isdigit():  # the number stays, its period or parenthesis is escaped (as turndown does)
        return f"{text[: m.end()]}\\{text[m.end() :]}"
    return "\\" + text


_MD_ESCAPED = re.compile(r"\\([\\`*_\[\]<>|])")


def unescape_markdown(text: str) -> str:
    """The words of a Markdown fragment with ``escape_markdown``'s backslashes taken out."""
    return _MD_ESCAPED.sub(r"\1", text)


@dataclass(frozen=True)
class Span:
    """One inline element of a sentence, by its place in ``Markup.plain``."""

    start: int
    end: int
    open: str  # as the msgid writes it: the opening tag, or the whole element (void, opaque)
    close: str = ""
    kind: str = PAIR  # pair: open…close around text; void: no text (<img>); opaque: kept as is (<code>)

    @property
    def label(self) -> str:
        """How a note names the element: its opening tag, long attribute values shortened."""
        text = " ".join(self.open.split())
        return text if len(text) <= 80 else text[:77] + "…"


@dataclass(frozen=True)
class Markup:
    plain: str
    spans: tuple[Span, ...]
    fmt: str = "html"  # the document's format (sources.formats): how its words are escaped

    def span_text(self, span: Span) -> str:
        return self.plain[span.start : span.end]

    def strip(self, fragment: str) -> str:
        """A translation fragment's words without this sentence's markup (what the glossary
        post-check reads in a translation kept from an earlier run)."""
        for span in self.spans:
            if span.kind == OPAQUE:
                fragment = fragment.replace(span.open, self.span_text(span))
            else:
                for marker in (span.open, span.close):
                    if marker:
                        fragment = fragment.replace(marker, "")
        return formats.get(self.fmt).unescape(fragment)


@dataclass
class Placed:
    text: str
    unplaced: list[str] = field(default_factory=list)  # labels of elements appended at the end


_WORD = re.compile(r"\w", re.UNICODE)


def place(
    markup: Markup, translation: str, targets: Sequence[str | None], atoms_in_place: bool = False
) -> Placed:
    """The translation with each inline element put back; ``targets[i]`` is what span i's text
    became in English (None: nothing to look for). With ``atoms_in_place``, an element with no
    text to find (a placeholder, an image) that the translation does not show goes to the word
    boundary at its share of the sentence instead of the end."""
    escape = formats.get(markup.fmt).escape
    plain_len = max(len(markup.plain), 1)
    order = sorted(range(len(markup.spans)), key=lambda i: (markup.spans[i].start, -markup.spans[i].end))
    placed: dict[int, tuple[int, int]] = {}  # span index → [start, end) in the translation
    spaced: dict[int, str] = {}  # atoms put at their share of the sentence, with a space
    parent: dict[int, int] = {}
    for i in order:
        s = markup.spans[i]
        for j in order:  # the innermost already-placed span that contains this one in the source
            if j == i or j not in placed:
                continue
            o = markup.spans[j]
            if o.start <= s.start and s.end <= o.end and (o.start, -o.end) < (s.start, -s.end):
                parent[i] = j
        lo, hi = placed.get(parent[i], (0, len(translation))) if i in parent else (0, len(translation))
        where = _locate(s, targets[i], translation, lo, hi, s.start / plain_len)
        if where is None and atoms_in_place and s.kind != PAIR:
            share = 0.0 if s.start == 0 else 1.0 if s.end >= len(markup.plain) else s.start / plain_len
            where = _at_share(translation, lo, hi, share)
            p = where[0]
            # set off by spaces as the words around it are
            spaced[i] = (
                f" {s.open}" if p == len(translation) or translation[p : p + 1].isspace() else f"{s.open} "
            )
        if where is not None and all(_nests(where, other) for other in placed.values()):
            placed[i] = where
    inserts: list[tuple[int, int, int, str]] = []  # (position, order class, tie, text)
    replaced: list[tuple[int, int, str]] = []
    for i, (a, b) in placed.items():
        s = markup.spans[i]
        if i in spaced:
            inserts.append((a, 1, 0, spaced[i]))
        elif s.kind == OPAQUE:
            replaced.append((a, b, s.open))
        elif s.kind == VOID:
            inserts.append((a, 1, 0, s.open))
        else:
            inserts.append((a, 1, -(b - a), s.open))  # at one place: closes first, outer opens first
            inserts.append((b, 0, b - a, s.close))  # inner closes first
    out: list[str] = []
    events = sorted(
        [(p, c, t, txt, 0) for p, c, t, txt in inserts] + [(a, 2, 0, txt, b) for a, b, txt in replaced]
    )
    pos = 0
    for p, _, _, txt, end in events:
        if p < pos:
            continue
        out.append(escape(translation[pos:p]))
        out.append(txt)
        pos = end if end else p
    out.append(escape(translation[pos:]))
    unplaced = []
    tail = []
    for i, s in enumerate(markup.spans):
        if i in placed:
            continue
        unplaced.append(s.label)
        if s.kind == PAIR:
            inner = targets[i] or markup.span_text(s)
            tail.append(f"{s.open}{escape(inner)}{s.close}")
        else:
            tail.append(s.open)
    text = "".join(out)
    if tail:
        text = text.rstrip() + " " + " ".join(tail)
    return Placed(text, unplaced)


def _at_share(text: str, lo: int, hi: int, share: float) -> tuple[int, int]:
    """The word boundary nearest ``share`` of ``text[lo:hi]`` (an empty range: insert there)."""
    target = lo + round((hi - lo) * share)
    bounds = [lo, hi, *(m.start() for m in re.finditer(r"(?<=\S)\s", text[lo:hi]))]
    bounds = [b if b in (lo, hi) else lo + b for b in bounds]
    best = min(bounds, key=lambda b: abs(b - target))
    return (best, best)


def _nests(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two placed elements are disjoint or one holds the other (tags never cross)."""
    return a[1] <= b[0] or b[1] <= a[0] or (a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])


def _locate(
    span: Span, target: str | None, text: str, lo: int, hi: int, rel: float
) -> tuple[int, int] | None:
    """Where the element goes in ``text[lo:hi]``: around its text's translation, or, for an element
    with no text, at the same edge of the sentence."""
    if span.kind == VOID or span.start == span.end:
        if span.start == 0:
            return (lo, lo)
        if rel >= 1.0:
            return (hi, hi)
        return None
    if not target or not target.strip():
        return None
    target = target.strip()
    low, hay = target.casefold(), text.casefold()
    best: tuple[float, int] | None = None
    at = hay.find(low, lo, hi)
    while at != -1:
        end = at + len(low)
        if _word_edge(text, at, end):
            distance = abs(at / max(len(text), 1) - rel)
            if best is None or distance < best[0]:
                best = (distance, at)
        at = hay.find(low, at + 1, hi)
    if best is not None:
        return (best[1], best[1] + len(low))
    if span.kind == OPAQUE or len(low) < 4:
        return None  # kept-as-is text must be found as it is; short words match anything fuzzily
    found = fuzz.partial_ratio_alignment(low, hay[lo:hi], score_cutoff=80)
    if found is None:
        return None
    a, b = lo + found.dest_start, lo + found.dest_end
    while a > lo and _WORD.match(text[a - 1]) and _WORD.match(text[a]):  # whole words only
        a -= 1
    while b < hi and b > 0 and _WORD.match(text[b - 1]) and _WORD.match(text[b]):
        b += 1
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def _word_edge(text: str, a: int, b: int) -> bool:
    before = a == 0 or not _WORD.match(text[a - 1]) or not _WORD.match(text[a])
    after = b >= len(text) or not _WORD.match(text[b]) or not _WORD.match(text[b - 1])
    return before and after


_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^>]*)>")


_ANY_TAG = re.compile(r"<[^>]*>")


def html_text(fragment: str) -> str:
    """The text of an HTML fragment: tags (and comments) out, references decoded."""
    return html.unescape(_ANY_TAG.sub("", fragment))


def tag_names(fragment: str) -> list[str]:
    """The tags of a fragment in order, as ``a`` and ``/a`` (what the markup check compares)."""
    return [f"{m.group(1)}{m.group(2).lower()}" for m in _TAG.finditer(fragment)]
