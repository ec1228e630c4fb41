"""The CommonMark reader: a Markdown article (GFM tables, YAML front matter) → sentences with exact
source ranges, and msgids that keep their inline Markdown.

markdown-it-py parses (``commonmark`` with GFM tables and strikethrough, and
``mdit_py_plugins.front_matter``); the shared paragraph engine (``sources/inline.py``) splits.
markdown-it reports only the line range of a block, and hands its inline content with the
container markers (``> ``, list indentation) and the table pipes taken out, so this module
maps every character back: each content line is found in its source line (a table row is
split as markdown-it splits it), and the inline rules whose tokens do not carry their own
text (links, images, code spans, raw HTML, escapes, entities, line breaks) are wrapped to
record where in the content each token starts and ends. A block that cannot be mapped
exactly is never spliced wrong (``MarkdownPage.unmapped`` counts them).

Nothing is left out silently: every Arabic letter of the file must end up in a sentence, in
markup kept as written (a link's URL, a code span, an image), or in a part the reader sets
aside on purpose (front matter, code blocks, link reference definitions, raw HTML read by the
HTML reader, table cells past the header's count, which no renderer shows). A letter outside
all of them (a block that could not be mapped; text past markdown-it's nesting limit, which
drops the rest of the file) refuses the article in one line naming the line
(``MarkdownPage.lost``). Blockquotes and lists are read ``_MAX_NESTING`` levels deep
(markdown-it's commonmark preset stops at 20); inline nesting keeps markdown-it's 20, whose
cost grows with the limit on every run of brackets.

What is translated: paragraphs, headings (ATX and setext), list items, blockquotes and table
cells, in sentences that contain Arabic; an image's alt text (``Kind.ALT``, the range inside
its brackets) and an inline title (``Kind.TITLE``, inside its quotes) unless the image sits
inside a translated sentence, where it travels in the msgid as written. Never: front matter,
fenced and indented code, link reference definitions, thematic breaks. Raw HTML blocks are
read by the HTML reader (``sources.html.read_page``) on the block's content, so an embedded
``<figure>`` gives its caption and alt text like a page does; their offsets are mapped back
the same way, and their msgids are HTML.

Msgids: text is rebuilt from the decoded text with ``escape_markdown`` (a sentence spanning
a soft line break becomes one line); links, emphasis, strikethrough, code spans, autolinks,
raw inline HTML and images are written as in the source. Kept as written too, because
decoding them would change what the Markdown around them means: ``*``/``_``/``~`` that
share a delimiter run with emphasis (``**a***``), an entity next to a delimiter
(``&nbsp;**``) and an escaped ``!`` before a link (``\\![a](b)``, not an image).

Captions: a paragraph right after an image-only paragraph (or an HTML block that is only an
image), a paragraph that opens with an image, and a paragraph that ends with a photo credit
in the segmenter's sense (``(تصوير: …)``, ``- الصورة: …``) are captions, as the text reader
takes the line after image markup. Source lines and boilerplate lines keep the kind the
segmenter gives them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.entities import entities
from markdown_it.common.utils import MD_TRIM_CHARS, fromCodePoint, isValidEntityCode
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token as MdToken
from mdit_py_plugins.front_matter import front_matter_plugin

from tarjama.errors import InputError
from tarjama.sources.document import Document
from tarjama.sources.html import VOID_ELEMENTS, read_page
from tarjama.sources.inline import (
    Paragraph,
    Parsed,
    Piece,
    T,
    Token,
    first_unread,
    gc_paused,
    paragraph_sentences,
    read_marked_up,
)
from tarjama.sources.markup import escape_markdown
from tarjama.sources.segment import _CREDIT_LINE, _TERMINATOR, Kind

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_IMAGE_ONLY_HTML = re.compile(r"\s*(?:<a\b[^>]*>\s*)?<img\b[^>]*>\s*(?:</a>\s*)?", re.I)
_CLOSING_HASHES = re.compile(r"(?:(?<=[ \t])|^)#+$")  # what would close an ATX heading
_FIRST_STEP = re.compile(r"/([A-Za-z][A-Za-z0-9]*)\[(\d+)\]")
_TABLE_PREFIX = frozenset(" \t>-*+.)0123456789")  # what may stand before a table row: container markers
_MARKED_RULES = ("newline", "escape", "backticks", "link", "image", "autolink", "html_inline", "entity")
_DELIMITERS = {
    "strong_open": "strong",
    "strong_close": "strong",
    "em_open": "em",
    "em_close": "em",
    "s_open": "s",
    "s_close": "s",
}
_VISIBLE_SAMPLE = 50_000  # characters of text the language check reads: plenty for a share
# Block nesting read (a blockquote level is one, a list item two: list and item). markdown-it
# recurses about two Python frames a level, so 200 stays far below the interpreter's 1000
# wherever the reader is called from; parsing cost grows linearly with it (1 MB of 250-deep
# quotes: about 1 s). Deeper text is refused in one line, never dropped.
_MAX_NESTING = 200
_INLINE_NESTING = 20  # markdown-it's commonmark default: links, emphasis, images inside each other
_TOO_DEEP = (
    f"blockquotes or lists nested deeper than {_MAX_NESTING} levels (a list item counts two); "
    "tarjama reads no deeper, and leaves nothing out silently: flatten the nesting"
)
_UNMAPPED = "text the Markdown reader could not map back to the file; it would be left out"
_SKIPPED_LINES = "tarjama_skipped_lines"  # env key: line ranges of link reference definitions


_DELIMITER_CHARS = ("*", "_", "~")


class MarkdownPage(NamedTuple):
    """What the reader found: sentences (as pieces, in document order) with their element paths."""

    pieces: list[tuple[Piece, str]]
    visible: str  # a sample of the article's text, Arabic or not (what the language check reads)
    unmapped: int = 0  # blocks whose text could not be mapped to the source
    lost: tuple[int, str] | None = None  # (line, why) of the first Arabic text left unread, if any


class _Unmapped(Exception):
    """A block's inline content does not line up with its source; the block is left as it is."""


class _TooDeep(Exception):
    """A block nested deeper than ``_MAX_NESTING``: the parse stops there, at once."""

    def __init__(self, line: int) -> None:
        self.line = line  # markdown-it's line number (0-based)


def _depth_guard(state: Any, start: int, end: int, silent: bool) -> bool:
    """The first block rule: a block at ``_MAX_NESTING`` levels stops the parse (markdown-it would
    skip it and the rest of its containers silently, after parsing on at every outer level)."""
    if state.level >= _MAX_NESTING:
        raise _TooDeep(start)
    return False


def _marked(fn: Any) -> Any:
    """An inline rule that records, on the tokens it pushes, where in the content it started
    (``meta["pos"]`` on its first token) and ended (``meta["end"]`` on its last)."""

    def rule(state: Any, silent: bool) -> bool:
        start = state.pos
        n = len(state.tokens)
        if not fn(state, silent):
            return False
        if not silent and len(state.tokens) > n:
            first = n
            if state.tokens[first].type == "text" and first + 1 < len(state.tokens):
                first += 1  # the pending text that the rule's first push flushed
            state.tokens[first].meta["pos"] = start
            state.tokens[-1].meta["end"] = state.pos
        return True

    return rule


def _wanted(content: str) -> bool:
    """Inline content worth reading: it has Arabic, or it opens with a picture (a caption may follow)."""
    return bool(_ARABIC.search(content)) or content.lstrip().startswith(("![", "[!["))


def _inline_where_wanted(state: Any) -> None:
    """markdown-it's core ``inline`` rule, for the blocks this reader reads (the others keep no children)."""
    md = _inline_parser()
    for token in state.tokens:
        if token.type == "inline":
            token.children = []
            if _wanted(token.content):
                md.inline.parse(token.content, md, state.env, token.children)


def _as_written(url: str) -> str:
    return url


def _recorded_reference(fn: Any) -> Any:
    """markdown-it's ``reference`` block rule, noting the lines each link reference definition
    takes (the reader sets them aside: the coverage check must know they were read)."""

    def rule(state: Any, start: int, end: int, silent: bool) -> bool:
        if not fn(state, start, end, silent):
            return False
        if not silent:
            state.env.setdefault(_SKIPPED_LINES, []).append((start, state.line))
        return True

    return rule


def _new_parser(nesting: int) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": nesting + 1}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.block.ruler.before(md.block.ruler.__rules__[0].name, "tarjama_depth", _depth_guard)
    # Links are read as written, never rendered: skip markdown-it's URL normalising (punycode,
    # percent-encoding), a few per cent of reading time; validateLink still sees the URL.
    # markdown-it's own methods, replaced on this instance only (method-assign); normalizeLinkText
    # names its parameter `link`, a name no caller passes (assignment)
    md.normalizeLink = _as_written  # type: ignore[method-assign]
    md.normalizeLinkText = _as_written  # type: ignore[method-assign, assignment]
    md.core.ruler.disable("text_join")  # keep escapes and entities apart from the text around them
    md.core.ruler.at("inline", _inline_where_wanted)
    for name in _MARKED_RULES:
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)]
        md.inline.ruler.at(name, _marked(rule.fn), {"alt": rule.alt})
    reference = md.block.ruler.__rules__[md.block.ruler.__find__("reference")]
    md.block.ruler.at("reference", _recorded_reference(reference.fn), {"alt": reference.alt})
    return md


@cache
def _parser() -> MarkdownIt:
    """The parser this reader uses (for reading, not rendering): CommonMark, GFM tables and
    strikethrough, YAML front matter; inline rules marked, inline content parsed only where
    wanted (by ``_inline_parser``); blocks nested up to ``_MAX_NESTING``."""
    return _new_parser(_MAX_NESTING)


@cache
def _inline_parser() -> MarkdownIt:
    """The same parser with markdown-it's own inline nesting limit, for inline content."""
    return _new_parser(_INLINE_NESTING)


@dataclass
class _Frame:
    path: str
    counters: dict[str, int] = field(default_factory=dict)


@dataclass
class _Image:
    token: MdToken
    pos: int  # content range of the whole image
    end: int
    base: int  # content index where ``src`` of the walk that found it starts
    path: str
    index: int  # its VOID token in the walk's output


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        start = 1 if text.startswith("\ufeff") else 0
        self.starts = [start]
        self.ends: list[int] = []
        for m in _LINE_END.finditer(text):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(text))
        self.pieces: list[tuple[Piece, str]] = []
        self.visible: list[str] = []
        self.visible_chars = 0
        self.unmapped = 0
        self.covered: list[tuple[int, int]] = []  # source ranges read (sentences, markup) or set aside

    # --- blocks ----------------------------------------------------------------------
    def read(self) -> MarkdownPage:
        env: dict[str, Any] = {}
        try:
            tokens = _parser().parse(self.text[self.starts[0] :], env)
        except _TooDeep as exc:
            return MarkdownPage([], "", 0, (exc.line + 1, _TOO_DEEP))
        except RecursionError:  # called from deep in a stack already: the same refusal, no traceback
            return MarkdownPage([], "", 0, (0, _TOO_DEEP))
        for a, b in env.get(_SKIPPED_LINES, ()):  # link reference definitions
            self._set_aside(a, b)
        stack = [_Frame("")]
        last_leaf: tuple[str, bool] | None = None  # (container path, image only) of the previous leaf block
        opened: list[MdToken] = []
        rows: list[list[int] | None] = []  # source columns of the current table row's cells
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            frame = stack[-1]
            if tok.nesting == 1:
                opened.append(tok)
                if tok.type == "tr_open":
                    rows = self._row(tokens, i)
                if tok.type in ("thead_open", "tbody_open") or (tok.type == "paragraph_open" and tok.hidden):
                    stack.append(_Frame(frame.path, frame.counters))  # not an element of the rendered page
                else:
                    stack.append(_Frame(self._child(frame, tok.tag)))
            elif tok.nesting == -1:
                opened.pop()
                stack.pop()
            elif tok.type == "inline":
                block = opened[-1] if opened else None
                container = stack[-2].path if len(stack) > 1 else ""
                caption = last_leaf == (container, True)
                cells = (
                    rows.pop(0)
                    if rows and block is not None and block.type in ("th_open", "td_open")
                    else None
                )
                image_only = self._inline(tok, block, frame.path, caption, cells)
                last_leaf = (container, image_only)
            elif tok.type == "html_block":
                self._html_block(tok, frame)
                if tok.map:  # read by the HTML reader, which sets aside what a page's reader does
                    self._set_aside(*tok.map)
                last_leaf = (frame.path, bool(_IMAGE_ONLY_HTML.fullmatch(tok.content)))
            elif tok.block:  # code, fences, thematic breaks, front matter: kept as they are
                if tok.map:
                    self._set_aside(*tok.map)
                if tok.type in ("code_block", "fence"):
                    self._child(frame, "pre")
                elif tok.type == "hr":
                    self._child(frame, "hr")
                last_leaf = (frame.path, False)
            i += 1
        return MarkdownPage(self.pieces, " ".join(self.visible), self.unmapped, self._lost())

    def _set_aside(self, first: int, end: int) -> None:
        """Lines ``[first, end)`` (markdown-it's numbering) are read and deliberately not translated."""
        if first < end <= len(self.starts):
            self.covered.append((self.starts[first], self.ends[end - 1]))

    def _lost(self) -> tuple[int, str] | None:
        """The first Arabic letter that is in no sentence, no markup kept as written and no part set
        aside: (its line, why), or None when every one was read."""
        at = first_unread(self.text, sorted(self.covered))
        return None if at is None else (bisect_right(self.starts, at), _UNMAPPED)

    @staticmethod
    def _child(frame: _Frame, name: str) -> str:
        n = frame.counters[name] = frame.counters.get(name, 0) + 1
        return f"{frame.path}/{name}[{n}]"

    def _keep(self, piece: Piece, path: str, sample: bool = True) -> None:
        self.covered.append((piece.start, piece.end))
        if sample:
            self._sample(piece.markup.plain if piece.markup else piece.text)
        if _ARABIC.search(piece.text):
            self.pieces.append((piece, path))

    def _sample(self, text: str) -> None:
        """Text the language check reads (all of it, Arabic or not, up to a limit)."""
        if self.visible_chars < _VISIBLE_SAMPLE:
            self.visible.append(text)
            self.visible_chars += len(text)

    # --- mapping content to source ---------------------------------------------------
    def _content_map(self, content: str, lines: list[int], heading: int = 0) -> list[int]:
        """The source offset of every character of a block's content (a ``\\n``: its line end)."""
        cmap: list[int] = []
        li, l1 = lines[0], min(lines[1], len(self.starts))
        parts = content.split("\n")
        for k, part in enumerate(parts):
            while True:
                if li >= l1:
                    raise _Unmapped
                found = self._find_line(part, self.starts[li], self.ends[li], heading)
                li += 1
                if found is not None:
                    break
                if k:  # only leading lines that markdown-it trimmed away may hold none of the content
                    raise _Unmapped
            at, lead, spaces_at = found
            cmap.extend([spaces_at] * lead)
            cmap.extend(range(at, at + len(part) - lead))
            if k + 1 < len(parts):
                cmap.append(self.ends[li - 1])
        return cmap

    def _find_line(self, part: str, s: int, e: int, heading: int) -> tuple[int, int, int] | None:
        """Where a content line starts in the source line ``[s, e)``; the number of leading spaces
        markdown-it made up (a tab partly taken as indentation), and the offset they map to."""
        text = self.text
        if not part:
            return e, 0, e
        if heading:  # an ATX heading: the text between its markers
            lo = text.find("#" * heading, s, e)
            at = text.find(part, lo + heading, e) if lo >= 0 else -1
            return (at, 0, at) if at >= 0 else None
        trimmed = e
        while trimmed > s and text[trimmed - 1] in MD_TRIM_CHARS:
            trimmed -= 1
        bare = part.lstrip(" ")
        for candidate in (part, bare) if bare != part else (part,):
            lead = len(part) - len(candidate)
            for end in (e, trimmed):
                at = end - len(candidate)
                if at >= s and text.endswith(candidate, s, end):
                    spaces_at = at - 1 if lead and at > s and text[at - 1] in " \t" else at
                    return at, lead, spaces_at
        return None

    def _row(self, tokens: list[MdToken], i: int) -> list[list[int] | None]:
        """Source offsets of each cell's content in the table row opening at ``tokens[i]``, split
        as markdown-it splits a row (escaped pipes, trimmed cells), or None where that fails."""
        contents: list[str] = []
        row_map = tokens[i].map
        line = row_map[0] if row_map else -1
        j = i + 1
        while j < len(tokens) and tokens[j].type != "tr_close":
            if tokens[j].type == "inline":
                contents.append(tokens[j].content)
            j += 1
        if not 0 <= line < len(self.starts):
            return [None] * len(contents)
        text, s, e = self.text, self.starts[line], self.ends[line]
        x = s
        while True:
            columns = _split_row(text, x, e)
            got = [("".join(text[k] for k in col), col) for col in columns[: len(contents)]]
            got += [("", [])] * (len(contents) - len(got))
            if [g for g, _ in got] == contents:
                # cells past the header's count: GFM drops them, no renderer shows them
                self.covered.extend((col[0], col[-1] + 1) for col in columns[len(contents) :] if col)
                return [col for _, col in got]
            if x >= e or text[x] not in _TABLE_PREFIX:
                return [None] * len(contents)
            x += 1

    # --- inline blocks -----------------------------------------------------------------
    def _inline(
        self, tok: MdToken, block: MdToken | None, path: str, caption: bool, cells: list[int] | None
    ) -> bool:
        """Sentences of one paragraph, heading or cell; True when it is a paragraph of images only."""
        content = tok.content
        if not content.strip() or tok.map is None or block is None:
            return False
        if not _wanted(content):
            self._sample(content)  # nothing to translate, nor a picture a caption could follow
            return False
        atx = len(block.markup) if block.type == "heading_open" and block.markup[:1] == "#" else 0
        try:
            if block.type in ("th_open", "td_open"):
                if cells is None or len(cells) != len(content):
                    raise _Unmapped
                cmap = cells
            else:
                cmap = self._content_map(content, tok.map, atx)
            walk = _Walk(self.text, content, cmap, path)
            toks = walk.run(tok.children or [], content, 0)
            # markup is kept as written (a link's URL, a code span, an image): read, not lost
            self.covered.extend((t.start, t.end) for t in toks if t.kind is not T.TEXT)
        except _Unmapped:
            self.unmapped += 1
            return False
        is_paragraph = block.type == "paragraph_open"
        image_only = opens_with_image = False
        if walk.images:
            images = {im.index for im in walk.images}
            significant = [k for k, t in enumerate(toks) if t.kind is not T.TEXT or t.text.strip()]
            links = {k for k in significant if toks[k].kind in (T.OPEN, T.CLOSE) and _is_link(toks, k)}
            image_only = all(k in images or k in links for k in significant)
            opens_with_image = next((k for k in significant if k not in links), -1) in images
        pieces: list[Piece] = []
        if not image_only and any(t.kind is T.TEXT and t.text.strip() for t in toks):
            pieces = paragraph_sentences(Paragraph(toks, path), escape_markdown, "markdown")
            if atx and pieces and _CLOSING_HASHES.search(pieces[-1].text):  # "\\#" ending a heading
                pieces[-1] = replace(pieces[-1], text=_CLOSING_HASHES.sub(r"\\\g<0>", pieces[-1].text))
            if is_paragraph and pieces and (caption or opens_with_image or _ends_with_credit(pieces[-1])):
                pieces = [replace(p, kind=Kind.CAPTION) if p.kind is Kind.BODY else p for p in pieces]
        out = [(p, path) for p in pieces]
        for im in walk.images:
            at = toks[im.index].start
            if any(p.start <= at < p.end for p in pieces):
                continue  # it travels, as written, in the sentence around it
            out.extend(self._image_pieces(walk, im))
        for piece, where in sorted(out, key=lambda x: x[0].start):
            self._keep(piece, where)
        return image_only and is_paragraph

    def _image_pieces(self, walk: _Walk, im: _Image) -> list[tuple[Piece, str]]:
        out: list[tuple[Piece, str]] = []
        alt = im.token.content
        label = im.base + im.pos + 2  # content index of the alt text, after "!["
        if alt.strip() and walk.content.startswith(alt, label):
            try:
                toks = _Walk(self.text, walk.content, walk.cmap, im.path).run(
                    im.token.children or [], alt, label
                )
            except _Unmapped:
                toks = []
            if any(t.kind is T.TEXT and t.text.strip() for t in toks):
                where = f"{im.path}/@alt"
                par = Paragraph(toks, where, Kind.ALT)
                out.extend((p, where) for p in paragraph_sentences(par, escape_markdown, "markdown"))
        title = _title_range(walk.content, label + len(alt), im.base + im.end)
        if title is not None:
            a, b = title
            decoded, chars = _decode(walk.content, a, b)
            if decoded.strip():
                src = [*(walk.cmap[c] for c in chars[:-1]), walk.after(b - 1)]
                tok = Token(T.TEXT, src[0], src[-1], text=decoded, chars=src)
                where = f"{im.path}/@title"
                quote = walk.content[a - 1]
                par = Paragraph([tok], where, Kind.TITLE)
                escape = _title_escape(")" if quote == "(" else quote)
                out.extend((p, where) for p in paragraph_sentences(par, escape, "markdown"))
        return out

    # --- raw HTML blocks -----------------------------------------------------------------
    def _html_block(self, tok: MdToken, frame: _Frame) -> None:
        content = tok.content
        if tok.map is None or not _ARABIC.search(content):
            return
        try:
            cmap = self._content_map(content.removesuffix("\n"), tok.map)
        except _Unmapped:
            self.unmapped += 1
            return
        page = read_page(content)
        seen: dict[str, int] = {}
        for piece, path in page.pieces:
            if piece.end > len(cmap) or piece.start >= piece.end:
                continue
            start = cmap[piece.start]
            end = _after(self.text, content, cmap, piece.end - 1)
            self._keep(replace(piece, start=start, end=end), self._html_path(frame, path, seen), False)
        for name, n in seen.items():
            frame.counters[name] = frame.counters.get(name, 0) + n
        self._sample(page.visible)

    @staticmethod
    def _html_path(frame: _Frame, path: str, seen: dict[str, int]) -> str:
        """An HTML block's element path under its Markdown container: a top-level element counted
        after the siblings Markdown gave before it."""
        m = _FIRST_STEP.match(path)
        if not m:  # text right in the block, an element with an id, the page's <body>
            if path == "/":
                return frame.path or "/"
            return path if path.startswith("id(") else f"{frame.path}{path}"
        name, n = m.group(1), int(m.group(2))
        seen[name] = max(seen.get(name, 0), n)
        return f"{frame.path}/{name}[{n + frame.counters.get(name, 0)}]{path[m.end() :]}"


class _Walk:
    """Inline tokens of one block → the paragraph engine's tokens, every one at its source offsets."""

    def __init__(self, text: str, content: str, cmap: list[int], path: str) -> None:
        self.text = text
        self.content = content
        self.cmap = cmap
        self.path = path
        self.images: list[_Image] = []

    def after(self, i: int) -> int:
        """The source offset right after content character ``i``."""
        return _after(self.text, self.content, self.cmap, i)

    def run(self, children: list[MdToken], src: str, base: int) -> list[Token]:
        """``children`` were parsed from ``src``, which is ``content[base:]``."""
        cmap, text = self.cmap, self.text
        out: list[Token] = []
        words: list[str] = []
        chars: list[int] = []
        tail = 0  # source end of the text gathered so far
        cur = 0
        opens: list[tuple[str, int]] = []  # (element, index in out) of open delimiters and links
        tags: list[tuple[str, int]] = []  # open raw HTML tags
        elements: list[tuple[str, dict[str, int]]] = [("", {})]  # inline element path, for images
        delimiter, delimiter_end = "", -1  # the last emphasis delimiter's character and where it ends

        def flush() -> None:
            nonlocal words, chars
            if words:
                chars.append(tail)  # the token takes the list: no copy of a paragraph's offsets
                joined = "".join(words)
                out.append(
                    Token(
                        T.TEXT,
                        chars[0],
                        tail,
                        text=joined,
                        chars=chars,
                        raw_pipes=_bare_pipes(text, joined, chars),
                    )
                )
                words, chars = [], []

        def span(pos: int) -> tuple[int, int]:
            end = child.meta.get("end", -1)
            if pos < cur or end <= pos or src[cur:pos].strip(" \t"):
                raise _Unmapped
            return cmap[base + pos], self.after(base + end - 1)

        def marked() -> int:
            pos = child.meta.get("pos", -1)
            if pos < 0:
                raise _Unmapped
            return pos

        def element_path(name: str) -> str:
            counters = elements[-1][1]
            n = counters[name] = counters.get(name, 0) + 1
            return f"{elements[-1][0]}/{name}[{n}]"

        i = 0
        while i < len(children):
            child = children[i]
            kind = child.type
            if kind == "text":
                s = child.content
                if s:
                    if not src.startswith(s, cur):
                        raise _Unmapped
                    before = delimiter if delimiter_end == cur else ""
                    lead, trail = _run_edges(s, before, _next_delimiter(children, i))
                    if lead:  # literal * _ ~ sharing a run with a delimiter: kept as written (see _run_edges)
                        flush()
                        a = base + cur
                        out.append(Token(T.OPAQUE, cmap[a], self.after(a + lead - 1), s[:lead], s[:lead]))
                    if lead + trail < len(s):
                        a = base + cur + lead
                        n = len(s) - lead - trail
                        words.append(s[lead : lead + n])
                        chars.extend(cmap[a : a + n])
                        tail = self.after(a + n - 1)
                    if trail:
                        flush()
                        a = base + cur + len(s) - trail
                        out.append(
                            Token(T.OPAQUE, cmap[a], self.after(a + trail - 1), s[-trail:], s[-trail:])
                        )
                    cur += len(s)
            elif kind in ("text_special", "softbreak"):
                pos = marked()
                a, tail_end = span(pos)
                s = child.content if kind == "text_special" else "\n"
                end = child.meta["end"]
                if _kept_as_written(child, src, pos, end, children[i + 1] if i + 1 < len(children) else None):
                    flush()
                    out.append(Token(T.OPAQUE, a, tail_end, text[a:tail_end], s))
                else:
                    if s == src[pos:end]:
                        chars.extend(cmap[base + pos : base + end])
                    else:  # an entity or an escape: each character where the reference starts
                        chars.extend([a] * len(s))
                    words.append(s)
                    tail = tail_end
                cur = end
            elif kind == "hardbreak":
                flush()
                pos = marked()
                _, b = span(pos)
                lead = pos
                while lead > cur and src[lead - 1] == " ":
                    lead -= 1  # "  \n": the spaces that make the break are part of it
                a = cmap[base + lead]
                last = out[-1] if out else None
                if last is not None and last.kind is T.TEXT and last.text.endswith(" ") and last.chars:
                    keep = len(last.text.rstrip(" "))  # "text  \\\n": those spaces go with the break too
                    a = last.chars[keep]
                    if keep:
                        last.text, last.chars, last.end = last.text[:keep], [*last.chars[:keep], a], a
                    else:
                        out.pop()
                out.append(Token(T.BREAK, a, b, text[a:b]))
                cur = child.meta["end"]
            elif kind in _DELIMITERS:
                flush()
                m = child.markup
                if not m or not src.startswith(m, cur):
                    raise _Unmapped
                a = base + cur
                name = _DELIMITERS[kind]
                if kind.endswith("_open"):
                    opens.append((name, len(out)))
                    elements.append((element_path(name), {}))
                    out.append(Token(T.OPEN, cmap[a], self.after(a + len(m) - 1), m))
                else:
                    out.append(Token(T.CLOSE, cmap[a], self.after(a + len(m) - 1), m))
                    self._pair(out, opens, name)
                    if len(elements) > 1:
                        elements.pop()
                cur += len(m)
                delimiter, delimiter_end = m[0], cur
            elif kind == "link_open" and child.markup == "autolink":
                flush()
                pos = marked()
                j = i + 1
                while j < len(children) and children[j].type != "link_close":
                    j += 1
                if j >= len(children):
                    raise _Unmapped
                visible = "".join(c.content for c in children[i + 1 : j])
                child = children[j]
                a, b = span(pos)
                out.append(Token(T.OPAQUE, a, b, text[a:b], visible))
                cur = child.meta["end"]
                i = j
            elif kind == "link_open":
                flush()
                pos = marked()
                if src[pos : pos + 1] != "[" or src[cur:pos].strip(" \t"):
                    raise _Unmapped
                a = base + pos
                opens.append(("a", len(out)))
                elements.append((element_path("a"), {}))
                out.append(Token(T.OPEN, cmap[a], cmap[a] + 1, "["))
                cur = pos + 1
            elif kind == "link_close":
                flush()
                if src[cur : cur + 1] != "]":
                    raise _Unmapped
                a, b = span(cur)
                out.append(Token(T.CLOSE, a, b, text[a:b]))
                self._pair(out, opens, "a")
                if len(elements) > 1:
                    elements.pop()
                cur = child.meta["end"]
            elif kind == "code_inline":
                flush()
                a, b = span(marked())
                out.append(Token(T.OPAQUE, a, b, text[a:b], child.content))
                cur = child.meta["end"]
            elif kind == "image":
                flush()
                pos = marked()
                a, b = span(pos)
                where = self.path + element_path("img")
                self.images.append(_Image(child, pos, child.meta["end"], base, where, len(out)))
                out.append(Token(T.VOID, a, b, text[a:b]))
                cur = child.meta["end"]
            elif kind == "html_inline":
                flush()
                a, b = span(marked())
                cur = child.meta["end"]
                tag = _HTML_TAG.match(child.content)
                name = tag.group(2).lower() if tag else ""
                closing = bool(tag and tag.group(1))
                if name == "br" and not closing:
                    out.append(Token(T.BREAK, a, b, text[a:b]))
                elif not tag or name in VOID_ELEMENTS or child.content.rstrip().endswith("/>"):
                    out.append(Token(T.VOID, a, b, text[a:b]))
                elif not closing:
                    tags.append((name, len(out)))
                    out.append(Token(T.OPEN, a, b, text[a:b]))
                else:
                    out.append(Token(T.CLOSE, a, b, text[a:b]))
                    self._pair(out, tags, name)
            else:
                raise _Unmapped  # a token this reader does not know: leave the block as it is
            i += 1
        flush()
        if src[cur:].strip(" \t\n"):
            raise _Unmapped  # content markdown-it dropped (nesting too deep)
        for tok in out:
            if tok.kind in (T.OPEN, T.CLOSE) and tok.partner == -1:
                tok.kind = T.VOID  # a raw tag that never closes (or never opened)
        return out

    @staticmethod
    def _pair(out: list[Token], opens: list[tuple[str, int]], name: str) -> None:
        """Pair the closing marker just added with the innermost open one of the same element."""
        for k in range(len(opens) - 1, -1, -1):
            if opens[k][0] == name:
                j = opens[k][1]
                del opens[k:]
                out[j].partner = len(out) - 1
                out[-1].partner = j
                return


def _after(text: str, content: str, cmap: list[int], i: int) -> int:
    at = cmap[i]
    if content[i] == "\n" and text.startswith("\r\n", at):
        return at + 2
    return at + 1


def _kept_as_written(child: MdToken, src: str, pos: int, end: int, following: MdToken | None) -> bool:
    """An escape or entity whose decoded text would change what the Markdown around it means:
    ``\\![a](b)`` (decoded, an image), or an entity next to ``*``, ``_`` or ``~`` (``&nbsp;**``:
    the reference is punctuation to the delimiter, the no-break space it stands for is not)."""
    if child.type != "text_special":
        return False
    if child.content.endswith("!") and following is not None and following.type == "link_open":
        return True
    return child.info == "entity" and (
        src[end : end + 1] in _DELIMITER_CHARS or src[pos - 1 : pos] in _DELIMITER_CHARS
    )


def _next_delimiter(children: list[MdToken], i: int) -> str:
    """The character of the emphasis delimiter right after ``children[i]`` (empty text skipped), or ""."""
    for j in range(i + 1, len(children)):
        child = children[j]
        if child.type in _DELIMITERS:
            return child.markup[:1]
        if child.type != "text" or child.content:
            return ""
    return ""


def _run_edges(s: str, before: str, after: str) -> tuple[int, int]:
    """How many characters at each end of a text token are literal ``*``, ``_`` or ``~`` of a
    delimiter run whose other characters markdown-it used as emphasis (``**a***``). Those stay as
    written: escaped, they would change the run's length, and with it how the run pairs."""
    lead = len(s) - len(s.lstrip(before)) if before and s[0] == before else 0
    trail = len(s) - len(s.rstrip(after)) if after and s[-1] == after else 0
    return lead, min(trail, len(s) - lead)


def _split_row(text: str, lo: int, hi: int) -> list[list[int]]:
    """A table row's cells as markdown-it's ``escapedSplit`` makes them, by source offsets: ``\\|``
    is a pipe in the cell (its backslash dropped), cells are trimmed, outer empty cells dropped."""
    while lo < hi and text[lo] in MD_TRIM_CHARS:
        lo += 1
    while hi > lo and text[hi - 1] in MD_TRIM_CHARS:
        hi -= 1
    columns: list[list[int]] = []
    cur: list[int] = []
    escaped = False
    for k in range(lo, hi):
        ch = text[k]
        if ch == "|" and not escaped:
            columns.append(cur)
            cur = []
        elif ch == "|":
            cur[-1] = k
        else:
            cur.append(k)
        escaped = ch == "\\"
    columns.append(cur)
    if columns and not columns[0]:
        columns.pop(0)
    if columns and not columns[-1]:
        columns.pop()
    out = []
    for col in columns:
        a, b = 0, len(col)
        while a < b and text[col[a]] in MD_TRIM_CHARS:
            a += 1
        while b > a and text[col[b - 1]] in MD_TRIM_CHARS:
            b -= 1
        out.append(col[a:b])
    return out


def _title_escape(quote: str) -> Callable[[str], str]:
    def escape(text: str) -> str:
        return escape_markdown(text).replace(quote, "\\" + quote)

    return escape


def _title_range(content: str, label_end: int, end: int) -> tuple[int, int] | None:
    """Content range of an inline image's title (inside its quotes), as markdown-it finds it."""
    pos = label_end + 1
    if content[label_end : label_end + 1] != "]" or content[pos : pos + 1] != "(":
        return None  # a reference image: its title is in the definition, kept as it is
    pos += 1
    while pos < end and content[pos] in " \t\n":
        pos += 1
    dest = parseLinkDestination(content, pos, end)
    if dest.ok:
        pos = dest.pos
    start = pos
    while pos < end and content[pos] in " \t\n":
        pos += 1
    if pos == start or pos >= end:
        return None
    title = parseLinkTitle(content, pos, end, None)
    if not title.ok:
        return None
    return pos + 1, title.pos - 1


_REFERENCE = re.compile(
    r"\\([!-/:-@\[-`{-~])|&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});"
)


def _decode(content: str, a: int, b: int) -> tuple[str, list[int]]:
    """``content[a:b]`` with backslash escapes and entities resolved (as markdown-it resolves a link
    title), and the content index where each decoded character starts, plus ``b``."""
    out: list[str] = []
    chars: list[int] = []
    pos = a
    for m in _REFERENCE.finditer(content, a, b):
        if m.group(1) is not None:
            value = m.group(1)
        else:
            ref = m.group(2)
            if ref[0] == "#":
                code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
                value = fromCodePoint(code) if isValidEntityCode(code) else "\ufffd"
            elif ref in entities:
                value = entities[ref]
            else:
                continue
        out.append(content[pos : m.start()])
        chars.extend(range(pos, m.start()))
        out.append(value)
        chars.extend([m.start()] * len(value))
        pos = m.end()
    out.append(content[pos:b])
    chars.extend(range(pos, b))
    chars.append(b)
    return "".join(out), chars


def _is_link(toks: list[Token], k: int) -> bool:
    """A Markdown link's ``[`` or its ``](…)``."""
    t = toks[k]
    opener = t if t.kind is T.OPEN else toks[t.partner] if t.partner >= 0 else t
    return opener.kind is T.OPEN and opener.source == "["


def _ends_with_credit(piece: Piece) -> bool:
    """The paragraph ends with a photo credit, by the segmenter's own credit rule."""
    plain = piece.markup.plain if piece.markup else piece.text
    for m in re.finditer(r"[(\-–—]", plain):
        credit = _CREDIT_LINE.match(plain, m.start())
        if credit is None:
            continue
        if plain[m.start()] != "(":
            return True  # "- الصورة: …" runs to the end
        rest = plain[credit.end() :].strip()
        if not rest or _TERMINATOR.fullmatch(rest):
            return True
    return False


@gc_paused()
def read_markdown_text(text: str) -> MarkdownPage:
    """Sentences of a Markdown article, each with its source range in ``text`` and its element path."""
    return _Reader(text).read()


def read_markdown(path: str | Path) -> Document:
    """A Markdown article: decoded, parsed as CommonMark, segmented; locators are element paths."""

    def parse(text: str) -> Parsed:
        page = read_markdown_text(text)
        if page.lost is not None:
            line, why = page.lost
            raise InputError(f"line {line}: {why}" if line > 0 else why, path=path)
        return page.pieces, page.visible, ()

    return read_marked_up(
        path, "markdown", parse, "Markdown file (front matter, code and HTML aside)", "an Arabic article"
    )


__all__ = ["MarkdownPage", "read_markdown", "read_markdown_text"]


def _bare_pipes(source: str, decoded: str, chars: Sequence[int]) -> tuple[int, ...]:
    """Indices of the pipes of ``decoded`` that ``source`` wrote without a backslash."""
    out = []
    for k, ch in enumerate(decoded):
        if ch != "|":
            continue
        at = chars[k]
        slashes = 0
        while at - slashes > 0 and source[at - slashes - 1] == "\\":
            slashes += 1
        if source[at : at + 1] == "|" and slashes % 2 == 0:
            out.append(k)
    return tuple(out)
