"""Paragraphs of marked-up text → sentences whose msgid keeps inline markup; every reader of a
marked-up format (HTML, Markdown) hands its paragraphs here as tokens, so both split and keep
markup the same way.

A paragraph is a run of tokens: text (with the source offset of every character, so a
sentence maps back to exact source bytes), the opening and closing markers of inline
elements, void elements, opaque elements (kept as they are: ``<code>``, ``translate="no"``)
and breaks (``<br>``, a line end for the segmenter). Whitespace collapses as browsers
collapse it, and the existing segmenter splits the paragraph's plain text.

Where a sentence boundary meets markup: a tag that opens right before a sentence and closes
inside it belongs to the sentence (a link on its first words); a tag around several whole
sentences stays outside them (``<strong>`` around a two-sentence lead), so every msgid's tags
pair up. A boundary inside an element that neither rule settles (``a <b>b. c</b> d``) is not
a boundary: those sentences stay one entry, as ``html2po`` keeps whole paragraphs.
"""

from __future__ import annotations

import gc
import hashlib
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from tarjama.errors import InputError
from tarjama.sources.document import Document
from tarjama.sources.markup import OPAQUE, PAIR, VOID, Markup, Span
from tarjama.sources.segment import TRANSLATABLE, Kind, Sentence, place_kinds, segment_paragraph
from tarjama.sources.text import ARABIC_LETTER, check_arabic, decode_utf8, read_article_bytes

_COLLAPSIBLE = " \t\n\r\f"  # HTML's ASCII whitespace; a no-break space is kept
_IRREGULAR = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")  # whitespace that is not one plain space


class T:
    """Token kinds: plain strings, not an Enum, because the readers' loops look one up for every
    token and an Enum member lookup costs about 150 ns on CPython 3.11 (a tenth of reading time)."""

    TEXT: Final = "text"
    OPEN: Final = "open"
    CLOSE: Final = "close"
    VOID: Final = "void"
    OPAQUE: Final = "opaque"
    BREAK: Final = "break"


@dataclass
class Token:
    kind: str  # one of T's
    start: int  # source offsets in the document text
    end: int
    source: str = ""  # how a msgid writes it (tags, opaque elements); text uses ``escape``
    text: str = ""  # TEXT: decoded text; OPAQUE: its visible text
    chars: list[int] | None = None  # TEXT: source offset of each decoded character, plus the end
    partner: int = -1  # OPEN/CLOSE: index of the matching marker in the paragraph, -1 if none
    # TEXT: indices of the "|" the source wrote unescaped. A msgid writes them so: in Markdown a
    # pipe counts as a table cell, and a line's count decides whether it and the line after it
    # are a paragraph or a table, so escaping one the source left bare can turn a paragraph into
    # a table when spliced back (and the other way round)
    raw_pipes: tuple[int, ...] = ()


@dataclass
class Paragraph:
    tokens: list[Token] = field(default_factory=list)
    path: str = ""
    kind: Kind | None = None  # a kind the structure decides (caption, boilerplate, alt); None: the segmenter
    block: str = ""  # the name of the block element it is in (HTML)


@dataclass(frozen=True)
class Piece:
    """One sentence of a paragraph: its source range, msgid, kind and markup."""

    start: int
    end: int
    text: str
    kind: Kind
    markup: Markup | None


_gc_lock = threading.Lock()
_gc_readers = 0  # reads under way (the service reads in several threads)
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a page is read. A reader allocates millions
    of small objects that never form cycles, and the collector's passes over them cost a
    tenth of reading a big page; it runs again when the last read under way ends."""
    global _gc_readers, _gc_was_enabled
    with _gc_lock:
        if _gc_readers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_readers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_readers -= 1
            if _gc_readers == 0 and _gc_was_enabled:
                gc.enable()


def paragraph_sentences(par: Paragraph, escape: Callable[[str], str], fmt: str) -> list[Piece]:
    toks = par.tokens
    plain: list[str] = []
    owner: list[int] = []
    raw_at: list[int] = []
    raw_after: list[int] = []
    tag_pos: dict[int, int] = {}
    voids: set[int] = set()  # where in the plain text void elements stand
    spaced: set[int] = set()  # text right after a void or opaque element whose leading space collapsed

    def emit(ch: str, i: int, a: int, b: int) -> None:
        plain.append(ch)
        owner.append(i)
        raw_at.append(a)
        raw_after.append(b)

    for i, tok in enumerate(toks):
        if tok.kind is T.TEXT:  # by stretches, not characters: this loop is most of a reader's time
            text, chars, pos = tok.text, tok.chars, 0
            assert chars is not None  # every TEXT token has its offsets (the readers make them so)
            if text[:1] in _COLLAPSIBLE and (
                plain[-1:] == ["\n"] or (plain[-1:] in ([], [" "]) and _after_element(toks, i))
            ):
                spaced.add(i)  # "a <img> b", "`x ` y", "<b>a.<br> b</b>": the msgid keeps that space
            for m in _IRREGULAR.finditer(text) if _irregular(text) else ():
                _copy(text, chars, pos, m.start(), i, plain, owner, raw_at, raw_after)
                k = m.start()
                if plain and plain[-1] not in " \n":  # a run of whitespace is one space
                    emit(" ", i, chars[k], chars[k + 1])
                pos = m.end()
            _copy(text, chars, pos, len(text), i, plain, owner, raw_at, raw_after)
        elif tok.kind is T.OPAQUE:
            for ch in tok.text:
                if ch in _COLLAPSIBLE:
                    if not plain or plain[-1] in " \n":
                        continue
                    ch = " "
                emit(ch, i, tok.start, tok.end)
        elif tok.kind is T.BREAK:
            while plain and plain[-1] == " " and len(plain) not in voids:  # "a <img><br>" keeps its space
                for lst in (plain, owner, raw_at, raw_after):
                    lst.pop()
            emit("\n", i, tok.start, tok.end)
        else:
            tag_pos[i] = len(plain)
            if tok.kind is T.VOID:
                voids.add(len(plain))
    text = "".join(plain)
    spans: list[tuple[int, int, Kind]] = list(segment_paragraph(text))
    first = [0] * len(toks)
    last = [0] * len(toks)
    p = 0
    while p < len(owner):  # owner never decreases: one step a token, not a character
        i = owner[p]
        first[i], last[i] = p, bisect_right(owner, i, p)
        p = last[i]
    pieces: list[Piece] = []
    starts: list[int] = []  # each piece's first plain character
    k = 0
    while k < len(spans):
        a, b, kind = spans[k]
        i0, i1 = owner[a], owner[b - 1]
        if k + 1 < len(spans) and toks[i1].kind is T.OPAQUE and owner[spans[k + 1][0]] == i1:
            spans[k + 1] = (a, spans[k + 1][1], kind)  # a boundary inside a kept-as-is element is none
            k += 1
            continue
        i0, i1 = _extend(toks, i0, i1, not text[first[i0] : a].strip(), not text[b : last[i1]].strip())
        if not _balanced(toks, i0, i1):
            if k + 1 < len(spans):  # not a boundary after all: one entry with the next sentence
                spans[k + 1] = (a, spans[k + 1][1], kind)
                k += 1
                continue
            if pieces:  # the last sentence: one entry with the one before
                pieces.pop()
                spans[k] = (starts.pop(), b, kind)
                continue
            while not _balanced(toks, i0, i1):  # the only one: it takes in its elements' other ends
                ends = [
                    t.partner for t in toks[i0 : i1 + 1] if t.kind in (T.OPEN, T.CLOSE) and t.partner >= 0
                ]
                i0, i1 = min(i0, *ends), max(i1, *ends)
        pieces.append(
            _piece(
                toks, i0, i1, a, b, kind, text, first, last, raw_at, raw_after, tag_pos, spaced, escape, fmt
            )
        )
        starts.append(a)
        k += 1
    if par.kind is not None:
        pieces = [Piece(p.start, p.end, p.text, par.kind, p.markup) for p in pieces]
    return pieces


def _irregular(text: str) -> bool:
    """Whitespace other than single spaces in ``text``: substring tests, which run in C, rule
    it out for most text before a regex scans it character by character."""
    return "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text


def _after_element(toks: list[Token], i: int) -> bool:
    """A void or opaque element comes right before token ``i``, perhaps with tags between."""
    j = i - 1
    while j >= 0 and toks[j].kind in (T.OPEN, T.CLOSE):
        j -= 1
    return j >= 0 and toks[j].kind in (T.VOID, T.OPAQUE)


def _copy(
    text: str,
    chars: list[int],
    k: int,
    e: int,
    i: int,
    plain: list[str],
    owner: list[int],
    raw_at: list[int],
    raw_after: list[int],
) -> None:
    """Token ``i``'s text ``[k, e)``, whose only whitespace is single spaces, as it is (a space
    that starts the paragraph, or follows a space or a line break, dropped)."""
    if k < e and text[k] == " " and (not plain or plain[-1] in " \n"):
        k += 1
    if k < e:
        plain.extend(text[k:e])
        owner.extend([i] * (e - k))
        raw_at.extend(chars[k:e])
        raw_after.extend(chars[k + 1 : e + 1])


def _extend(toks: list[Token], i0: int, i1: int, at_left: bool, at_right: bool) -> tuple[int, int]:
    """Take in tags right outside the sentence that pair with markers inside it (``at_left``: the
    sentence starts its token, so the token before is right outside it)."""
    if at_left:
        j = i0 - 1
        while j >= 0:
            t = toks[j]
            if t.kind is T.TEXT and not t.text.strip(_COLLAPSIBLE):
                j -= 1
                continue
            if t.kind is T.OPEN and i0 <= t.partner <= i1:
                i0 = j
                j -= 1
                continue
            break
    j = i1 + 1 if at_right else len(toks)
    while j < len(toks):
        t = toks[j]
        if t.kind is T.TEXT and not t.text.strip(_COLLAPSIBLE):
            j += 1
            continue
        if t.kind is T.CLOSE and i0 <= t.partner <= i1:
            i1 = j
            j += 1
            continue
        break
    return i0, i1


def _balanced(toks: list[Token], i0: int, i1: int) -> bool:
    return all(
        t.partner == -1 or i0 <= t.partner <= i1 for t in toks[i0 : i1 + 1] if t.kind in (T.OPEN, T.CLOSE)
    )


def _piece(
    toks: list[Token],
    i0: int,
    i1: int,
    a: int,
    b: int,
    kind: Kind,
    plain: str,
    first: list[int],
    last: list[int],
    raw_at: list[int],
    raw_after: list[int],
    tag_pos: dict[int, int],
    spaced: set[int],
    escape: Callable[[str], str],
    fmt: str,
) -> Piece:
    parts: list[str] = []
    spans: list[Span] = []
    n = b - a
    closing_space = False

    def rel(p: int) -> int:
        return min(max(p - a, 0), n)

    for j in range(i0, i1 + 1):
        t = toks[j]
        if t.kind is T.TEXT:
            lo, hi = max(first[j], a), min(last[j], b)
            if j in spaced and j > i0 and (last[j] == 0 or lo == first[j]):
                parts.append(" ")  # (last[j] == 0: the token is only that space)
            if lo < hi:
                parts.append(_escaped(escape, plain, lo, hi, t.raw_pipes, first[j]))
            if j < i1 and last[j] > b and not closing_space:  # "<b>x. </b>y": the space goes with the
                parts.append(" ")  # closing tag the sentence took in, or the next sentence is glued
                closing_space = True
        elif t.kind is T.OPAQUE:
            parts.append(t.source)
            spans.append(Span(rel(first[j]), rel(last[j]), t.source, "", OPAQUE))
        elif t.kind is T.OPEN:
            parts.append(t.source)
            if t.partner == -1:
                spans.append(Span(rel(tag_pos[j]), rel(tag_pos[j]), t.source, "", VOID))
            else:
                close = toks[t.partner]
                spans.append(Span(rel(tag_pos[j]), rel(tag_pos[t.partner]), t.source, close.source, PAIR))
        elif t.kind is T.CLOSE:
            parts.append(t.source)
            if t.partner == -1:
                spans.append(Span(rel(tag_pos[j]), rel(tag_pos[j]), t.source, "", VOID))
        elif t.kind is T.VOID:
            parts.append(t.source)
            spans.append(Span(rel(tag_pos[j]), rel(tag_pos[j]), t.source, "", VOID))
        elif t.kind is T.BREAK:  # inside an element that spans it, the break is no boundary: keep it
            parts.append(t.source)
            spans.append(Span(rel(first[j]), rel(first[j]), t.source, "", VOID))
    msgid = "".join(parts)
    start = raw_at[a] if toks[i0].kind in (T.TEXT, T.OPAQUE) else toks[i0].start
    end = raw_after[b - 1] if toks[i1].kind in (T.TEXT, T.OPAQUE) else toks[i1].end
    sentence = plain[a:b]
    markup = None if msgid == sentence and not spans else Markup(sentence, tuple(spans), fmt)
    return Piece(start, end, msgid, kind, markup)


def first_unread(
    text: str, covered: list[tuple[int, int]], start: int = 0, end: int | None = None
) -> int | None:
    """Where the first Arabic letter of ``text[start:end]`` outside every ``covered`` range is
    (ranges sorted by start), or None. A reader's check that it left nothing out: every letter
    is in a sentence, in markup kept as written, or in a part it sets aside on purpose."""
    end = len(text) if end is None else end
    pos = start
    for a, b in covered:
        if b <= pos:
            continue
        if a >= end:
            break
        if a > pos:
            m = ARABIC_LETTER.search(text, pos, a)
            if m is not None:
                return m.start()
        pos = b
        if pos >= end:
            return None
    m = ARABIC_LETTER.search(text, pos, end)
    return None if m is None else m.start()


def to_sentences(text: str, pieces: list[tuple[Piece, str]]) -> tuple[Sentence, ...]:
    """Pieces in page order as the sentences of a document: numbered, with their line and path."""
    line_starts = [0]
    pos = text.find("\n")
    while pos != -1:
        line_starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return tuple(
        Sentence(
            n,
            p.start,
            p.end,
            p.kind,
            bisect_right(line_starts, p.start),
            p.text,
            path,
            p.markup,
        )
        for n, (p, path) in enumerate(pieces, start=1)
    )


def place_pieces(pieces: list[tuple[Piece, str]]) -> list[tuple[Piece, str]]:
    """An article's sentences with the kinds their paragraph's place in it gives (a dateline before
    the body, a credit after it, reader comments): the rules of ``segment.place_kinds``, one
    paragraph (the sentences of one element path, in a row) at a time. Articles only: a request
    to the service is a snippet with no place in a page."""
    groups: list[list[int]] = []
    for k, (_, path) in enumerate(pieces):
        if groups and pieces[groups[-1][0]][1] == path:
            groups[-1].append(k)
        else:
            groups.append([k])
    described = []
    for g in groups:
        kinds = {pieces[k][0].kind for k in g}
        text = " ".join(_plain(pieces[k][0]) for k in g)
        described.append((text, kinds.pop() if len(kinds) == 1 else Kind.BODY, len(g)))
    placed = place_kinds(described)
    out = list(pieces)
    for g, (_, kind, _), new in zip(groups, described, placed, strict=True):
        if new is not kind:
            for k in g:
                out[k] = (replace(out[k][0], kind=new), out[k][1])
    return out


def _plain(piece: Piece) -> str:
    return piece.markup.plain if piece.markup is not None else piece.text


Parsed = tuple[list[tuple[Piece, str]], str, tuple[tuple[int, int, str], ...]]


def read_marked_up(
    path: str | Path, fmt: str, parse: Callable[[str], Parsed], kept_out: str, what: str
) -> Document:
    """A marked-up article read as every such reader reads it: the exact file text (offsets index
    into it), ``parse`` → (pieces with paths, a sample of the visible text, language marks), and
    one clear line when there is nothing Arabic to translate (``kept_out``: what the reader set aside)."""
    path = Path(path)
    raw = read_article_bytes(path)
    text = decode_utf8(raw, path)
    if not text.strip():
        raise InputError("file contains only whitespace", path=path)
    pieces, visible, marks = parse(text)
    sentences = to_sentences(text, place_pieces(pieces))
    if not any(s.kind in TRANSLATABLE for s in sentences):
        raise InputError(f"no translatable Arabic text in this {kept_out}", path=path)
    check_arabic(visible, path, what)
    return Document(path, text, hashlib.sha256(raw).hexdigest(), sentences, fmt, marks)


def _escaped(
    escape: Callable[[str], str], plain: str, lo: int, hi: int, raw: Sequence[int], base: int
) -> str:
    """``escape(plain[lo:hi])`` with the pipes the source wrote bare (``raw``: indices in the
    token, which starts at ``base``) written bare again. ``escape`` writes every pipe as ``\\|``,
    so the n-th pipe of its output is the n-th of the text."""
    text = escape(plain[lo:hi])
    bare = {k + base - lo for k in raw if lo <= k + base < hi}
    if not bare or "|" not in text:
        return text
    out: list[str] = []
    at = 0
    for k, ch in enumerate(plain[lo:hi]):
        if ch != "|":
            continue
        found = text.index("|", at)
        if k in bare and found > 0 and text[found - 1] == "\\":
            out.append(text[at : found - 1] + "|")
        else:
            out.append(text[at : found + 1])
        at = found + 1
    return "".join(out) + text[at:]
