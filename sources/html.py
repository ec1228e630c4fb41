"""The HTML reader: a page or a fragment as a CMS exports it → sentences, and the page back in English.

Why the standard library's tokenizer and a small tree builder, not html5lib, lxml or
selectolax: tarjama must give back the page byte for byte outside the translated text, so
every sentence needs its exact source offsets, and none of those parsers reports them.
``html.parser.HTMLParser`` tokenizes as browsers do (unclosed tags, unquoted attributes,
entities with or without ``;``, script and style as raw text) and tells where each token
starts; the builder below applies the HTML5 rules that decide paragraph structure
(``<p>`` closed by the next block, ``<li>`` by the next ``<li>``, cells by cells, stray end
tags ignored, everything closed at the end). The tests compare its paragraphs with
html5lib's on broken pages.

What is translated: the text of block elements (``p``, ``h1``–``h6``, ``li``, ``td``/``th``,
``blockquote``, ``figcaption``, ``dt``/``dd``, ``div`` text …), the page ``<title>``, and the
``alt`` and ``title`` attributes, in sentences that contain Arabic. Never: ``script``,
``style``, ``code``, ``pre`` and the like, anything marked ``translate="no"``,
``class="notranslate"`` or ``data-translate-ignore``. ``nav``, ``footer``, menus, sidebars,
tag lists, share bars and reader comments are boilerplate (kept, not machine-translated), as
in text exports, told from the article the way main-content extractors (Readability,
trafilatura) tell it: landmark elements and roles, class and id words, link-only paragraphs.
The ``<title>`` is kind title; ``address``, ``rel="author"`` and byline/date class words
give bylines and datelines (``docs/formats.md``).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from tarjama.errors import InputError
from tarjama.sources.document import Document
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
from tarjama.sources.markup import escape_html
from tarjama.sources.segment import Kind

VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
BLOCK_ELEMENTS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "optgroup",
        "option",
        "p",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    ]
)
# Block starts that close an open <p> (the HTML5 tree-construction rules).
_CLOSES_P = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dd",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "search",
        "section",
        "summary",
        "table",
        "ul",
    ]
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
# Content never translated. Those that are text (code) are kept in place inside a sentence;
# the others (scripts, styles, embedded documents) end the paragraph around them.
SKIPPED = frozenset(
    [
        "script",
        "style",
        "template",
        "noscript",
        "svg",
        "math",
        "textarea",
        "select",
        "iframe",
        "object",
        "canvas",
        "pre",
        "code",
        "kbd",
        "samp",
        "var",
    ]
)
_KEPT_INLINE = frozenset(["code", "kbd", "samp", "var", "svg", "math"])
_BOILERPLATE_ELEMENTS = frozenset({"nav", "footer"})
_BOILERPLATE_ROLES = frozenset({"navigation", "contentinfo", "banner", "complementary", "menu", "menubar"})
# Words of class and id names that mark the page around an article, after Readability's
# "unlikely candidates" and trafilatura's discard lists: menus, banners, sidebars, related
# links, tag lists, share bars, newsletters, ads and reader comments. Read word by word
# (``related-posts`` → related, posts), so ``header`` in ``article-header`` or ``add`` in
# ``address`` never matches.
_BOILERPLATE_WORDS = frozenset(
    word
    for words in (
        "banner breadcrumb breadcrumbs combx comment comments community disqus footer menu navbar",
        "related remark replies rss shoutbox sidebar skyscraper social sponsor sponsored share sharing",
        "sharebar pagination pager popup newsletter subscribe subscription tags tag taglist tagcloud",
        "keywords widget widgets ad ads advert advertisement adsbygoogle promo cookie cookies gdpr",
    )
    for word in words.split()
)
_BYLINE_WORDS = frozenset({"byline", "author", "authors", "writer", "reporter"})
_DATELINE_WORDS = frozenset({"dateline", "date", "datetime", "timestamp", "published", "pubdate"})
_CAPTION_WORDS = frozenset({"caption", "figcaption"})
# A class name with one of these words says what the page has, not what the element is:
# ``has-sidebar``, ``no-comments``, ``page-with-related`` (Readability's false positives on wrappers).
_MODIFIERS = frozenset({"has", "with", "without", "no", "is", "show", "hide", "enable", "disable"})
_CLASS_WORD = re.compile(r"[a-z0-9]+")
_CONTENT_ROOTS = frozenset({"html", "body", "main", "article"})
_LINK_START = re.compile(r"<a(?:\s|>|$)", re.IGNORECASE)
_REL_TAG = re.compile(r"""\srel\s*=\s*["']?[^"'>]*\btag\b""", re.IGNORECASE)
_LINK_SEPARATORS = frozenset(" \t\n\r\f|·•,،;؛-–—/\u00a0")
_CAPTIONS = frozenset({"figcaption", "caption"})
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_ATTR = re.compile(r"""([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_TAG_NAME = re.compile(r"</?[^\s/>]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_PLAIN_ID = re.compile(r"^[A-Za-z][\w.:-]*$")


@dataclass
class Attribute:
    name: str
    value: str  # decoded
    start: int  # source range of the value (inside its quotes)
    end: int


def parse_attributes(tag: str, offset: int) -> list[Attribute]:
    """A start tag's attributes with the source range of each value (``offset``: where ``tag`` starts)."""
    name = _TAG_NAME.match(tag)
    pos = name.end() if name else 1
    out = []
    for m in _ATTR.finditer(tag, pos):
        key = m.group(1).lower()
        for g in (2, 3, 4):
            if m.group(g) is not None:
                out.append(Attribute(key, html.unescape(m.group(g)), offset + m.start(g), offset + m.end(g)))
                break
        else:
            out.append(Attribute(key, "", offset + m.end(1), offset + m.end(1)))
    return out


@dataclass
class _Event:
    kind: str  # start | startend | end | data | ref | other
    start: int
    name: str = ""
    raw: str = ""


class _Tokenizer(HTMLParser):
    """Records every token with its start offset; a token ends where the next begins."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[_Event] = []
        self._lines = [0]
        pos = text.find("\n")
        while pos != -1:
            self._lines.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def _at(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.events.append(_Event("start", self._at(), tag, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.events.append(_Event("startend", self._at(), tag, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(_Event("end", self._at(), tag))

    def handle_data(self, data: str) -> None:
        self.events.append(_Event("data", self._at(), raw=data))

    def handle_entityref(self, name: str) -> None:
        self.events.append(_Event("ref", self._at()))

    def handle_charref(self, name: str) -> None:
        self.events.append(_Event("ref", self._at()))

    def handle_comment(self, data: str) -> None:
        self.events.append(_Event("other", self._at()))

    def handle_decl(self, decl: str) -> None:
        self.events.append(_Event("other", self._at()))

    def handle_pi(self, data: str) -> None:
        self.events.append(_Event("other", self._at()))

    def unknown_decl(self, data: str) -> None:
        self.events.append(_Event("other", self._at()))


@dataclass
class _Element:
    name: str
    path: str
    block: bool
    kind: Kind | None  # the paragraph kind it imposes (caption, boilerplate), inherited
    children: dict[str, int] = field(default_factory=dict)
    token: int = -1  # inline: index of its OPEN token in the current paragraph
    paragraph: int = -1  # inline: which paragraph that token is in
    tree_parent: _Element | None = None  # the element it is in (not always the one below it on the stack)
    tag: tuple[int, int] = (0, 0)  # its start tag's source range
    content: bool = False  # <main>, <article> or role="main": the page's content is in it


@dataclass(frozen=True)
class Block:
    """A block element of the page: its path and name, its start tag's range and where it ends
    (what export needs to mark an element left in Arabic)."""

    path: str
    name: str
    tag_start: int
    tag_end: int
    end: int


@dataclass
class Page:
    """What the reader found: sentences (as pieces, in page order) with their element paths."""

    pieces: list[tuple[Piece, str]]
    lang_attributes: list[Attribute]  # lang/xml:lang/dir attributes outside the translated text
    visible: str = (
        ""  # a sample of the page's text: every paragraph, Arabic or not (what the language check reads)
    )
    unread: int | None = None  # offset of the first Arabic letter no sentence holds (a reader bug)
    blocks: list[Block] = field(default_factory=list)  # every block element, in the order they end


_CONTENT = " content"  # how ``_Builder.open`` counts the open elements that hold the page's content
_ROOTS = frozenset({"html", "head", "body"})
_HEAD_CONTENT = frozenset(
    {
        "base",
        "basefont",
        "bgsound",
        "link",
        "meta",
        "noframes",
        "noscript",
        "script",
        "style",
        "template",
        "title",
    }
)
# Chromium's parser puts an element deeper than this beside its parent instead
# (kMaximumHTMLParserDOMTreeDepth); paths follow, so a page of unclosed elements keeps
# locators of bounded length and memory proportional to the page.
_MAX_TREE_DEPTH = 512


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[_Element] = []
        self.open: dict[str, int] = {}  # how many elements of each name the stack holds
        self.roots: set[str] = set()  # html, head, body: opened once, as browsers open them
        self.root = _Element("", "", True, None)
        self.par: Paragraph | None = None
        self.par_number = 0
        self.pieces: list[tuple[Piece, str]] = []
        self.attributes: list[tuple[Piece, str]] = []
        self.lang: list[Attribute] = []
        self.opaque: tuple[str, int, int, list[str]] | None = None  # (name, depth, start, text)
        self.skip_depth = 0  # > 0 inside a skipped element that is not in a paragraph
        self.skip_name = ""
        self.last_end = 0  # where the last token read ends
        self.visible: list[str] = []
        self.visible_chars = 0
        self.unread: int | None = None  # offset of the first Arabic letter of a paragraph left out
        self.blocks: list[Block] = []
        self.here = 0  # where the token being read starts: an element closed by it ends there
        self.content_root = False  # the page marks its content (<main>, <article>, role=main)
        self.outside_links: list[int] = []  # pieces of link-only paragraphs outside the content
        self.par_in_aside = False
        self.par_in_content = False

    # --- structure -----------------------------------------------------------------
    def current(self) -> _Element:
        return self.stack[-1] if self.stack else self.root

    def container(self) -> _Element:
        for el in reversed(self.stack):
            if el.block:
                return el
        return self.root

    def context_kind(self) -> Kind | None:
        return self.stack[-1].kind if self.stack else None  # each element inherits its parent's

    def push(self, el: _Element) -> None:
        self.stack.append(el)
        self.open[el.name] = self.open.get(el.name, 0) + 1
        if el.content:
            self.open[_CONTENT] = self.open.get(_CONTENT, 0) + 1

    def pop(self, end: int | None = None) -> _Element:
        el = self.stack.pop()
        self.open[el.name] -= 1
        if el.content:
            self.open[_CONTENT] -= 1
        if el.block and el.tag[1] > el.tag[0]:
            self.blocks.append(Block(el.path, el.name, *el.tag, self.here if end is None else end))
        return el

    def tree_parent(self) -> _Element:
        """Where a new element goes: into the current one, unless the page nests deeper than
        Chromium builds; there it goes beside the current one."""
        implied = max(0, 2 - self.open.get("html", 0) - self.open.get("body", 0))  # a fragment's, say
        if self.stack and len(self.stack) + implied > _MAX_TREE_DEPTH:
            return self.stack[-1].tree_parent or self.root
        return self.current()

    def child_path(self, name: str, attrs: list[Attribute], parent: _Element) -> str:
        n = parent.children[name] = parent.children.get(name, 0) + 1
        ident = next((a.value for a in attrs if a.name == "id"), "")
        if ident and _PLAIN_ID.match(ident):
            return f"id('{ident}')"
        if name in ("html", "head", "body"):
            return f"{parent.path}/{name}"
        return f"{parent.path}/{name}[{n}]"

    def pop_to(self, name: str) -> None:
        while self.stack:
            el = self.pop()
            if el.block:
                self.flush()
            if el.name == name:
                return

    def in_scope(self, name: str, boundaries: frozenset[str]) -> bool:
        if not self.open.get(name):
            return False  # none open at all: no scan down a deep stack of unclosed elements
        for el in reversed(self.stack):
            if el.name == name:
                return True
            if el.name in boundaries:
                return False
        return False

    # --- events --------------------------------------------------------------------
    def start(self, name: str, raw: str, at: int, self_closing: bool) -> None:
        if self.opaque is not None:
            if name == self.opaque[0] and not self_closing:
                self.opaque = (name, self.opaque[1] + 1, self.opaque[2], self.opaque[3])
            return
        if self.skip_depth:
            if name == self.skip_name and not self_closing and name not in VOID_ELEMENTS:
                self.skip_depth += 1
            return
        if name in _ROOTS:
            if name in self.roots:  # a second <body> (pages pasted together): browsers ignore it
                self.keep(at, at + len(raw))
                return
            self.roots.add(name)
        elif name not in _HEAD_CONTENT:
            self.roots.update(_ROOTS)  # content starts the body: a <body> after it is a second one
        attrs = parse_attributes(raw, at)
        self._implied_ends(name)
        void = name in VOID_ELEMENTS or self_closing
        parent = self.tree_parent()
        path = self.child_path(name, attrs, parent)  # skipped elements count too: paths are the page's
        if not void and (name in SKIPPED or _marked_no_translate(attrs)):
            if name in _KEPT_INLINE or (name not in BLOCK_ELEMENTS and name not in SKIPPED):
                self.paragraph()  # kept as it is, in its place in the sentence
                self.opaque = (name, 1, at, [])
                return
            self.flush()
            self.skip_depth, self.skip_name = 1, name
            return
        self._attributes(name, attrs, path)
        source = " ".join(raw.split())
        if void:
            if name == "br":
                if self.par is not None:
                    self.par.tokens.append(Token(T.BREAK, at, at + len(raw), source))
            elif name in BLOCK_ELEMENTS:
                self.flush()
            elif self.par is not None:
                self.par.tokens.append(Token(T.VOID, at, at + len(raw), source))
            return
        kind = self.context_kind()
        content = name in ("main", "article") or any(
            a.name == "role" and a.value.strip().lower() == "main" for a in attrs
        )
        self.content_root = self.content_root or content
        named = (
            Kind.CAPTION if name in _CAPTIONS else Kind.TITLE if name == "title" else _named_kind(name, attrs)
        )
        if named is not None:
            kind = named if kind is None else kind
        if _is_boilerplate(name, attrs) or (name == "header" and not self._in_sectioning()):
            kind = Kind.BOILERPLATE  # a header outside any article or section is the site's banner
        el = _Element(name, path, name in BLOCK_ELEMENTS, kind, tree_parent=parent, tag=(at, at + len(raw)))
        el.content = content
        if el.block:
            self.flush()
        else:
            par = self.paragraph()
            el.token, el.paragraph = len(par.tokens), self.par_number
            par.tokens.append(Token(T.OPEN, at, at + len(raw), source))
        self.push(el)

    def end(self, name: str, at: int, end: int) -> None:
        if self.opaque is not None:
            oname, depth, start, text = self.opaque
            if name == oname:
                depth -= 1
            if depth:
                self.opaque = (oname, depth, start, text)
                return
            self.opaque = None
            source = " ".join(self.text[start:end].split())
            self.paragraph().tokens.append(Token(T.OPAQUE, start, end, source, "".join(text)))
            return
        if self.skip_depth:
            if name == self.skip_name:
                self.skip_depth -= 1
            return
        if name == "br":  # </br> is read as <br>
            self.start("br", "<br>", at, True)
            return
        if not self.open.get(name):
            self.keep(at, end)  # a stray end tag: ignored, as browsers do, but never dropped
            return
        self.here = at
        while self.stack:
            el = self.pop(end if self.stack[-1].name == name else None)
            if el.block:
                self.flush()
            elif el.name == name and el.paragraph == self.par_number and self.par is not None:
                close = len(self.par.tokens)
                self.par.tokens.append(Token(T.CLOSE, at, end, f"</{name}>", partner=el.token))
                self.par.tokens[el.token].partner = close
            if el.name == name:
                return

    def data(self, start: int, end: int, refs: list[tuple[int, int]]) -> None:
        """A run of text and character references from ``start`` to ``end``."""
        raw = self.text[start:end]
        if self.opaque is not None:
            self.opaque[3].append(html.unescape(raw))
            return
        if self.skip_depth:
            return
        if self.par is None and not raw.strip(" \t\n\r\f"):
            return
        chars: list[int] = []
        decoded: list[str] = []
        pos = start
        for a, b in refs:
            if a > pos:
                decoded.append(self.text[pos:a])
                chars.extend(range(pos, a))
            value = html.unescape(self.text[a:b])
            decoded.append(value)
            chars.extend([a] * len(value))  # each character of a reference: where it starts
            pos = b
        if pos < end:
            decoded.append(self.text[pos:end])
            chars.extend(range(pos, end))
        chars.append(end)
        token = Token(T.TEXT, start, end, text="".join(decoded), chars=chars)
        self.paragraph().tokens.append(token)

    def keep(self, start: int, end: int) -> None:
        """A comment or a stray tag inside a paragraph: no text and no element, but part of the
        page, so it stays in its sentence's msgid (and so in the exported page)."""
        if self.par is not None and self.opaque is None and not self.skip_depth:
            self.par.tokens.append(Token(T.VOID, start, end, self.text[start:end]))

    def paragraph(self) -> Paragraph:
        if self.par is None:
            container = self.container()
            self.par = Paragraph(path=container.path or "/", kind=self.context_kind(), block=container.name)
            # where it stands, for a paragraph of links (decided once it is read)
            self.par_in_aside = bool(self.open.get("aside"))
            self.par_in_content = bool(self.open.get(_CONTENT))
            self.par_number += 1
        return self.par

    def flush(self) -> None:
        if self.opaque is not None:  # an element left open: ends with its paragraph
            _name, _, start, text = self.opaque
            self.opaque = None
            end = max(self.last_end, start)
            self.paragraph().tokens.append(
                Token(T.OPAQUE, start, end, " ".join(self.text[start:end].split()), "".join(text))
            )
        par, self.par = self.par, None
        if par is None or not _has_text(par):
            return
        pieces = paragraph_sentences(par, escape_html, "html")
        outside = False
        if par.kind is None and (links := _links_only(par)):
            if links == "tags" or self.par_in_aside:  # a tag list; an aside's list of links
                pieces = [replace(p, kind=Kind.BOILERPLATE) for p in pieces]
            else:  # the site's, if the page marks its content (a headline that is a link is not)
                outside = par.block != "h1" and not self.par_in_content
        if self.unread is None:
            self._check_read(par, pieces)
        for piece in pieces:
            if self.visible_chars < _VISIBLE_SAMPLE:
                shown = piece.markup.plain if piece.markup else piece.text
                self.visible.append(shown)
                self.visible_chars += len(shown)
            if _ARABIC.search(piece.text):
                if outside:
                    self.outside_links.append(len(self.pieces))
                self.pieces.append((piece, par.path))

    def _check_read(self, par: Paragraph, pieces: list[Piece]) -> None:
        """Every Arabic letter of the paragraph's text is in one of its sentences (markup, and what
        is skipped on purpose, never reaches a paragraph's text)."""
        spans = [(p.start, p.end) for p in pieces]
        for t in par.tokens:
            if t.kind is T.TEXT and not any(a <= t.start and t.end <= b for a, b in spans):
                self.unread = first_unread(self.text, spans, t.start, t.end)
                if self.unread is not None:
                    return

    def _in_sectioning(self) -> bool:
        return any(self.open.get(name) for name in _SECTIONING)

    def _implied_ends(self, name: str) -> None:
        if name in _CLOSES_P and self.in_scope("p", _P_SCOPE):
            self.pop_to("p")
        if name == "li" and self.in_scope("li", frozenset({"ul", "ol", "menu"})):
            self.pop_to("li")
        elif name in ("dd", "dt"):
            for other in ("dd", "dt"):
                if self.in_scope(other, frozenset({"dl"})):
                    self.pop_to(other)
        elif name in _HEADINGS and self.stack and self.stack[-1].name in _HEADINGS:
            self.pop_to(self.stack[-1].name)
        elif name in ("td", "th"):
            for other in ("td", "th"):
                if self.in_scope(other, frozenset({"table", "tr"})):
                    self.pop_to(other)
        elif name == "tr" and self.in_scope("tr", frozenset({"table"})):
            self.pop_to("tr")
        elif name in ("thead", "tbody", "tfoot"):
            for other in ("thead", "tbody", "tfoot"):
                if self.in_scope(other, frozenset({"table"})):
                    self.pop_to(other)
        elif name == "option" and self.in_scope("option", frozenset({"select"})):
            self.pop_to("option")

    def _attributes(self, name: str, attrs: list[Attribute], element_path: str) -> None:
        """``alt`` and ``title`` values are sentences of their own; lang and dir are noted for export."""
        for a in attrs:
            if a.name in ("lang", "xml:lang", "dir"):
                self.lang.append(a)
            wanted = (a.name == "alt" and name in ("img", "area", "input")) or (
                a.name == "title" and name != "link"
            )
            if not wanted or not _ARABIC.search(a.value):
                continue
            kind = Kind.ALT if a.name == "alt" else Kind.TITLE
            if self.context_kind() is Kind.BOILERPLATE:
                kind = Kind.BOILERPLATE
            path = f"{element_path}/@{a.name}"
            text = Token(T.TEXT, a.start, a.end, text=a.value, chars=_value_chars(self.text, a))
            par = Paragraph([text], path, kind)
            for piece in paragraph_sentences(par, str, "html"):
                self.attributes.append((piece, path))


_P_SCOPE = frozenset(
    {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button"}
)


def _value_chars(text: str, a: Attribute) -> list[int]:
    """Source offset of each decoded character of an attribute value (references: their start)."""
    chars: list[int] = []
    pos = a.start
    raw = text[a.start : a.end]
    for m in re.finditer(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)", raw):
        s, e = a.start + m.start(), a.start + m.end()
        chars.extend(range(pos, s))
        chars.extend([s] * len(html.unescape(m.group(0))))
        pos = e
    chars.extend(range(pos, a.end))
    chars.append(a.end)
    return chars if len(chars) == len(a.value) + 1 else [*range(a.start, a.start + len(a.value)), a.end]


def _has_text(par: Paragraph) -> bool:
    return any(t.kind is T.TEXT and t.text.strip(" \t\n\r\f") for t in par.tokens)


def _marked_no_translate(attrs: list[Attribute]) -> bool:
    for a in attrs:
        if a.name == "translate" and a.value.strip().lower() == "no":
            return True
        if a.name == "data-translate-ignore":
            return True
        if a.name == "class" and "notranslate" in a.value.split():
            return True
    return False


def _is_boilerplate(name: str, attrs: list[Attribute]) -> bool:
    if name in _BOILERPLATE_ELEMENTS:
        return True
    for a in attrs:
        if a.name == "role" and a.value.strip().lower() in _BOILERPLATE_ROLES:
            return True
    return name not in _CONTENT_ROOTS and not _BOILERPLATE_WORDS.isdisjoint(_class_words(attrs))


def _named_kind(name: str, attrs: list[Attribute]) -> Kind | None:
    """The kind an element's semantics or its class and id names give its text: ``<address>``,
    ``rel="author"``, ``itemprop="author"`` and ``byline`` are bylines, ``dateline`` and
    ``date`` datelines, ``caption`` captions (what Readability reads as byline and metadata)."""
    if name in _CONTENT_ROOTS:
        return None
    words = _class_words(attrs)
    for a in attrs:
        if a.name in ("rel", "itemprop") and "author" in a.value.lower().split():
            return Kind.BYLINE
    if name == "address" or not _BYLINE_WORDS.isdisjoint(words):
        return Kind.BYLINE
    if not _DATELINE_WORDS.isdisjoint(words):
        return Kind.DATELINE
    if not _CAPTION_WORDS.isdisjoint(words):
        return Kind.CAPTION
    return None


def _class_words(attrs: list[Attribute]) -> set[str]:
    """The words of an element's class and id names (``related-posts`` → related, posts; camel
    case split), without a name that only says what the page has (``has-sidebar``)."""
    words: set[str] = set()
    for a in attrs:
        if a.name not in ("class", "id"):
            continue
        for name in a.value.split():
            parts = _CLASS_WORD.findall(re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower())
            if _MODIFIERS.isdisjoint(parts):
                words.update(parts)
    return words


def _links_only(par: Paragraph) -> str:
    """ "tags" when every word of the paragraph is in a ``rel="tag"`` link, "links" when every word is
    in a link (a menu, a tag list, a row of banner links), "" otherwise."""
    depth, tags, any_link = 0, True, False
    opened: list[bool] = []
    for t in par.tokens:
        if t.kind is T.OPEN and _LINK_START.match(t.source):
            tag = bool(_REL_TAG.search(t.source))
            opened.append(tag)
            depth += 1
        elif t.kind is T.CLOSE and t.source.lower() == "</a>" and depth:
            opened.pop()
            depth -= 1
        elif t.kind is T.TEXT and t.text.strip(" \t\n\r\f"):
            if not depth:
                if any(ch not in _LINK_SEPARATORS for ch in t.text):
                    return ""
                continue
            any_link = True
            tags = tags and opened[-1]
    return ("tags" if tags else "links") if any_link else ""


@gc_paused()
def read_page(text: str) -> Page:
    """Sentences of an HTML page or fragment, each with its source range and element path."""
    tokenizer = _Tokenizer(text)
    tokenizer.feed(text)
    tokenizer.close()
    events = tokenizer.events
    builder = _Builder(text)
    i = 0
    n = len(events)
    while i < n:
        ev = events[i]
        end = events[i + 1].start if i + 1 < n else len(text)
        builder.last_end = end
        builder.here = ev.start
        if ev.kind in ("data", "ref"):
            j, refs = i, []
            while j < n and events[j].kind in ("data", "ref"):
                e_end = events[j + 1].start if j + 1 < n else len(text)
                if events[j].kind == "ref":
                    refs.append((events[j].start, e_end))
                j += 1
            run_end = events[j].start if j < n else len(text)
            builder.last_end = run_end
            builder.data(ev.start, run_end, refs)
            i = j
            continue
        if ev.kind == "start":
            builder.start(ev.name, ev.raw, ev.start, False)
        elif ev.kind == "startend":
            builder.start(ev.name, ev.raw, ev.start, True)
        elif ev.kind == "end":
            builder.end(ev.name, ev.start, end)
        elif ev.kind == "other":
            builder.keep(ev.start, end)
        i += 1
    builder.here = len(text)
    while builder.stack:
        builder.pop_to(builder.stack[-1].name)
    builder.flush()
    inside = sorted((p.start, p.end) for p, _ in builder.pieces)
    starts = [s for s, _ in inside]

    def covered(pos: int) -> bool:
        k = bisect_right(starts, pos) - 1
        return k >= 0 and inside[k][0] <= pos < inside[k][1]

    if builder.content_root:  # the page says where its content is: links outside it are the site's
        for k in builder.outside_links:
            piece, path = builder.pieces[k]
            builder.pieces[k] = (replace(piece, kind=Kind.BOILERPLATE), path)
    # an attribute inside a translated sentence travels in that sentence's msgid
    attributes = [(p, path) for p, path in builder.attributes if not covered(p.start)]
    pieces = sorted(builder.pieces + attributes, key=lambda x: x[0].start)
    lang = [a for a in builder.lang if not covered(a.start)]
    return Page(pieces, lang, " ".join(builder.visible), builder.unread, builder.blocks)


_VISIBLE_SAMPLE = 200_000


def read_html(path: str | Path) -> Document:
    """An HTML article: decoded, parsed as browsers parse it, segmented; locators are element paths."""

    def parse(text: str) -> Parsed:
        page = read_page(text)
        if page.unread is not None:
            line = text.count("\n", 0, page.unread) + 1
            raise InputError(f"line {line}: text the HTML reader could not place in a sentence", path=path)
        return page.pieces, page.visible, tuple((a.start, a.end, a.name) for a in page.lang_attributes)

    return read_marked_up(path, "html", parse, "page (scripts, code and boilerplate aside)", "an Arabic page")
