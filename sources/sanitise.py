"""A translation made safe for its place in the page: what a msgstr may bring is what its msgid has.

A msgstr is written by a translator (or a model) and goes into a page that newsrooms publish,
so it is hostile input. The rule for every format: the exported fragment, read by a browser
(HTML) or by any CommonMark renderer (Markdown), has no element, attribute, attribute value,
URL or block structure that the sentence's own source (its msgid) lacks at that place.
Everything else the translator wrote is kept **as text**, escaped, and named in a note
(``Cleaned.notes``: export prints them, ``tarjama check`` lists them); what cannot be kept
even as text (control characters, an attribute) is removed and named the same way. Nothing
is dropped silently.

HTML (``sanitise_html``): the msgstr is read with the HTML tokenizer's own tag rules; a
``<`` that does not start a complete tag of an element the msgid has, or one of the msgid's
own comments, is text (``x<y``, ``<Hanoi Convention>``, a stray ``<!--``). A kept tag keeps
only the attributes its element has in the msgid: free text (``title``, ``alt``) as the
translator wrote it, ``style`` only the msgid's properties (a value with a function or an
escape, ``url(…)``, only as the msgid has it), every other attribute (URLs included, so no
new scheme or host) only with a value the msgid has. nh3 (ammonia) then cleans the result
with the same allowances, as a second line.

Markdown (``sanitise_markdown``): the msgstr is parsed by markdown-it as the inline content it
becomes and rebuilt from what the msgid uses: emphasis, strikethrough and code spans if it
has them, links and images only to the msgid's destinations (written as the msgid writes
them), autolinks and raw inline HTML only as the msgid has them. Everything else is written
as text (backslash escapes, and ``&lt;`` ``&gt;`` ``&amp;``, which every Markdown renderer
reads as text). A line break becomes a space (a hard break only where the msgid has one),
so a msgstr cannot end the paragraph or open a block; a line start that any CommonMark block
could open at (``#``, ``>``, ``-``, ``1.``, a fence, an HTML block, a setext underline, a
table row) is escaped, and markup that would open one there is written as text.
"""

from __future__ import annotations

import html
import importlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkLabel
from markdown_it.token import Token as MdToken
from mdit_py_plugins.front_matter import front_matter_plugin

from tarjama.sources.formats import Cleaned, Sanitiser
from tarjama.sources.html import VOID_ELEMENTS
from tarjama.sources.segment import Sentence

# Characters no page can hold: C0 and C1 controls other than whitespace, DEL, lone surrogates.
# A browser drops a NUL, an XML reader stops at any of them, UTF-8 cannot encode a surrogate.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _writable(msgstr: str, notes: list[str]) -> str:
    msgstr = msgstr.replace("\f", " ")  # whitespace to HTML and Markdown, but no XML page may hold it
    found = sorted(set(_UNWRITABLE.findall(msgstr)))
    if not found:
        return msgstr
    names = ", ".join(f"U+{ord(c):04X}" for c in found)
    notes.append(f"control characters removed ({names})")
    return _UNWRITABLE.sub("", msgstr)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- HTML ----------------------------------------------------------------------------

_WS = "\t\n\f\r "
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Never carried into a translation, even where the msgid has them: scripts, embedded documents,
# what changes the whole page, and elements whose content is raw text (``<plaintext>`` takes
# the rest of the page).
_NEVER = frozenset(
    {"script", "style", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link"}
    | {"plaintext", "xmp", "noembed", "noframes", "noscript", "template", "textarea", "title", "select"}
)
# Attributes whose value is words a translator writes (a link's title): any value is fine.
_FREE_TEXT = frozenset({"title", "alt", "aria-label", "aria-description", "aria-roledescription", "summary"})
_STYLE_FREE_VALUE = re.compile(r"[#\w\s.,%+\-!]*", re.ASCII)  # no function, quote, escape or comment


@dataclass(frozen=True)
class Tag:
    """One tag as the HTML tokenizer reads it."""

    end: int  # offset right after its ``>``
    name: str  # lower case
    closing: bool
    attributes: tuple[tuple[str, str], ...]  # (name, decoded value), first of each name only
    self_closing: bool = False


def read_tag(s: str, i: int) -> Tag | None:
    """The tag that ``s[i] == "<"`` starts, read by the HTML5 tokenizer's tag states; None when it
    starts none (``<5``, ``< b``) or the text ends inside it (``x<y.``: a browser drops that)."""
    n = len(s)
    j = i + 1
    closing = j < n and s[j] == "/"
    if closing:
        j += 1
    if j >= n or s[j] not in _ASCII_LETTERS:
        return None
    k = j
    while k < n and s[k] not in "\t\n\f\r />":
        k += 1
    name = s[j:k].lower()
    attributes: dict[str, str] = {}
    while True:
        while k < n and s[k] in _WS:
            k += 1
        if k >= n:
            return None
        c = s[k]
        if c == ">":
            return Tag(k + 1, name, closing, tuple(attributes.items()))
        if c == "/":
            k += 1
            if k < n and s[k] == ">":
                return Tag(k + 1, name, closing, tuple(attributes.items()), True)
            continue
        a = k
        k += 1  # the first character is the name's, even "=" (a parse error browsers accept)
        while k < n and s[k] not in "\t\n\f\r />=":
            k += 1
        key = s[a:k].lower()
        while k < n and s[k] in _WS:
            k += 1
        value = ""
        if k < n and s[k] == "=":
            k += 1
            while k < n and s[k] in _WS:
                k += 1
            if k >= n:
                return None
            if s[k] in "\"'":
                close = s.find(s[k], k + 1)
                if close < 0:
                    return None
                value, k = s[k + 1 : close], close + 1
            elif s[k] != ">":
                b = k
                while k < n and s[k] not in "\t\n\f\r >":
                    k += 1
                value = s[b:k]
        attributes.setdefault(key, html.unescape(value))


def _comment_end(s: str, i: int) -> int:
    """Where the comment that ``s[i:]`` starts with (``<!--``) ends, -1 if the text ends first."""
    if s.startswith("<!-->", i):
        return i + 5
    if s.startswith("<!--->", i):
        return i + 6
    ends = [e for e in (s.find("-->", i + 4), s.find("--!>", i + 4)) if e >= 0]
    if not ends:
        return -1
    e = min(ends)
    return e + (3 if s.startswith("-->", e) else 4)


@dataclass
class _HtmlAllowed:
    tags: set[str] = field(default_factory=set)
    attributes: dict[str, set[str]] = field(default_factory=dict)  # tag → attribute names
    values: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (tag, attr) → values
    style: dict[str, set[str]] = field(default_factory=dict)  # property → values the msgid gives it
    comments: set[str] = field(default_factory=set)
    schemes: set[str] = field(default_factory=set)


def _style_declarations(value: str) -> list[tuple[str, str, str]]:
    """(property, value, as written) of each declaration of a ``style`` attribute (split at ``;``
    outside quotes and parentheses)."""
    out: list[tuple[str, str, str]] = []
    depth, quote, start = 0, "", 0
    for k, c in enumerate(value + ";"):
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif c == ";" and depth == 0:
            part = value[start:k].strip()
            start = k + 1
            if part:
                prop, _, val = part.partition(":")
                out.append((prop.strip().lower(), " ".join(val.split()).lower(), part))
    return out


def _scheme(url: str) -> str:
    m = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return m.group(1).lower() if m else ""


@lru_cache(maxsize=4096)  # a service sees the same msgids again; bounded for a long run
def _html_allowed(msgid: str) -> _HtmlAllowed:
    allowed = _HtmlAllowed()
    i = msgid.find("<")
    while i != -1:
        if msgid.startswith("<!--", i):
            end = _comment_end(msgid, i)
            if end < 0:
                break
            allowed.comments.add(msgid[i:end])
            i = msgid.find("<", end)
            continue
        tag = read_tag(msgid, i)
        if tag is None:
            i = msgid.find("<", i + 1)
            continue
        if tag.name not in _NEVER:
            allowed.tags.add(tag.name)
            for key, value in tag.attributes:
                if key.startswith("on"):
                    continue  # an event handler in a msgid is not carried into translations
                allowed.attributes.setdefault(tag.name, set()).add(key)
                allowed.values.setdefault((tag.name, key), set()).add(value.strip())
                if key == "style":
                    for prop, val, _ in _style_declarations(value):
                        allowed.style.setdefault(prop, set()).add(val)
                if _scheme(value):
                    allowed.schemes.add(_scheme(value))
        i = msgid.find("<", tag.end)
    return allowed


def _keep_attribute(tag: str, key: str, value: str, allowed: _HtmlAllowed, notes: list[str]) -> str | None:
    """The attribute's value as it may go into the page, or None (noted) when it may not."""
    if key not in allowed.attributes.get(tag, ()):
        notes.append(
            f"attribute {key}={_short(value, 40)!r} removed from <{tag}>: the source's <{tag}> has none"
        )
        return None
    if key in _FREE_TEXT:
        return value
    if key == "style":
        kept, dropped = [], []
        for prop, val, written in _style_declarations(value):
            given = allowed.style.get(prop)
            if given is not None and (val in given or _STYLE_FREE_VALUE.fullmatch(val)):
                kept.append(written)
            else:
                dropped.append(written)
        if dropped:
            notes.append(
                f"style {'; '.join(dropped)!r} removed from <{tag}>: not a property or value of the source's"
            )
        return "; ".join(kept) if kept else None
    if value.strip() not in allowed.values.get((tag, key), ()):
        notes.append(
            f"{key}={_short(value, 60)!r} removed from <{tag}>: the source's <{tag}> has another value"
        )
        return None
    return value


def _escape_attribute_value(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _html_pass(msgstr: str, allowed: _HtmlAllowed, notes: list[str]) -> str:
    """The msgstr with every ``<`` that starts no allowed tag or comment written as ``&lt;``, and
    each kept tag rewritten with only its allowed attributes."""
    out: list[str] = []
    pos = 0
    written_as_text: list[str] = []
    i = msgstr.find("<")
    while i != -1:
        out.append(msgstr[pos:i])
        if msgstr.startswith("<!--", i):
            end = _comment_end(msgstr, i)
            if end >= 0 and msgstr[i:end] in allowed.comments:
                out.append(msgstr[i:end])
                pos = end
                i = msgstr.find("<", pos)
                continue
            written_as_text.append("comment")
        else:
            tag = read_tag(msgstr, i)
            if tag is not None and tag.name in allowed.tags:
                if tag.closing:
                    out.append(f"</{tag.name}>")
                else:
                    attrs = []
                    for key, value in tag.attributes:
                        kept = _keep_attribute(tag.name, key, value, allowed, notes)
                        if kept is not None:
                            attrs.append(f' {key}="{_escape_attribute_value(kept)}"')
                    out.append(f"<{tag.name}{''.join(attrs)}>")
                pos = tag.end
                i = msgstr.find("<", pos)
                continue
            if tag is not None:
                written_as_text.append(f"<{'/' if tag.closing else ''}{tag.name}>")
        out.append("&lt;")
        pos = i + 1
        i = msgstr.find("<", pos)
    out.append(msgstr[pos:])
    if written_as_text:
        what = ", ".join(dict.fromkeys(written_as_text))
        notes.append(f"{what} written as text: not markup of the source")
    return "".join(out)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_fragment_text(fragment: str) -> str:
    """The text a reader sees of an HTML fragment (comments and tags out, references decoded)."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


def sanitise_html(msgstr: str, msgid: str) -> Cleaned:
    """A translated HTML fragment as it may go into the page (module docstring)."""
    import nh3

    notes: list[str] = []
    allowed = _html_allowed(msgid)
    prepared = _html_pass(_writable(msgstr, notes), allowed, notes)

    def same_value(tag: str, key: str, value: str) -> str | None:
        if key in _FREE_TEXT or key == "style":
            return value  # words; a style's properties are filtered by nh3 too
        return value if value.strip() in allowed.values.get((tag, key), ()) else None

    cleaned = nh3.clean(
        prepared,
        tags=allowed.tags,
        # "*": no attribute on every element (nh3 would allow lang and title anywhere)
        attributes={"*": set(), **{tag: set(names) for tag, names in allowed.attributes.items()}},
        attribute_filter=same_value,
        url_schemes=allowed.schemes,
        strip_comments=not allowed.comments,
        link_rel=None,
        filter_style_properties=set(allowed.style) or None,
    )
    before, after = html_fragment_text(prepared), html_fragment_text(cleaned)
    if " ".join(before.split()) != " ".join(after.split()):  # nh3 is a second line: it should drop no text
        notes.append(f"text changed by the HTML cleaner: {_short(before)!r} became {_short(after)!r}")
    return Cleaned(cleaned, tuple(notes))


# --- Markdown ------------------------------------------------------------------------

_MD_TEXT_SPECIAL = re.compile(r"([\\`*_\[\]~])")
_MD_LINE_DIGITS = re.compile(r"(\d+)([.)])")  # CommonMark stops at 9 digits, Python-Markdown does not
# Raw HTML at a line start that some renderer takes for an HTML block: CommonMark's block
# names and Python-Markdown's (markdown-it is asked as well, below).
_HTML_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|canvas|caption|center|col|colgroup|dd|del|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|"
    "header|hgroup|hr|html|iframe|ins|legend|li|link|main|map|math|menu|menuitem|nav|noframes|"
    "noscript|object|ol|optgroup|option|output|p|param|pre|progress|script|search|section|source|"
    "style|summary|table|tbody|td|textarea|tfoot|th|thead|title|tr|track|ul|video"
)
# What may open a block at a line start in some Markdown renderer (conservative). Text never
# matches once escaped; markup that does is written as text.
_MD_BLOCK_START = re.compile(
    r"[ \t]*(?:#|>|[-+*](?:[ \t]|$)|\d+[.)]|`{3}|~{3}|=+[ \t]*$|(?:[-*_][ \t]*){3,}$|\||\[[^\]]*\]:"
    rf"|<(?:!|\?|/?(?:{_HTML_BLOCK_NAMES})(?![\w-])))",
    re.I,
)
# markdown-it's own HTML block starts (a module constant, not API: without it, the parse below
# still sees an HTML block)
_HTML_SEQUENCES = getattr(importlib.import_module("markdown_it.rules_block.html_block"), "HTML_SEQUENCES", [])
# Characters some Markdown tool takes for a line end (str.splitlines does): a space here.
_MD_LINE_LIKE = re.compile(r"[\u2028\u2029]")


def escape_markdown_text(text: str) -> str:
    """Words written so that every Markdown renderer shows them as they are: CommonMark's
    backslash escapes, and character references for ``<``, ``>``, ``&`` (which renderers that
    are not CommonMark, Python-Markdown among them, read as text too) and ``|`` (a table row is
    found by its raw pipes, escaped or not: ``\\|`` over a setext underline makes a table)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_TEXT_SPECIAL.sub(r"\\\1", text).replace("|", "&#124;")


def _escape_line_start(text: str) -> str:
    """Escaped words at the start of a line, so that they open no block (``# ``, ``- ``, ``1.``,
    ``+``, ``=``; the rest is escaped everywhere)."""
    if text[:1] in ("#", "-", "+", "="):
        return "\\" + text
    m = _MD_LINE_DIGITS.match(text)
    if m:
        return f"{m.group(1)}\\{text[m.end(1) :]}"
    return text


def escape_markdown_attribute(text: str) -> str:
    """A value inside ``![…]`` or a link title's quotes: one line, every character that could end
    it or be read as markup written as a numeric character reference."""
    text = " ".join(text.split())
    return re.sub(r"[\\`*_\[\]()<>&\"'|~!]", lambda m: f"&#{ord(m.group(0))};", text)


def escape_html_attribute(text: str) -> str:
    """A value inside quotes (either kind) of an HTML attribute."""
    return _escape_attribute_value(text).replace("'", "&#39;")


def _source_rule(fn: Callable[[Any, bool], bool], image: bool) -> Callable[[Any, bool], bool]:
    """markdown-it's link or image rule, recording on its token how the source wrote it: the
    label, and what follows the label (``](url "title")``, ``][ref]``)."""

    def rule(state: Any, silent: bool) -> bool:
        start, n = state.pos, len(state.tokens)
        if not fn(state, silent):
            return False
        if not silent:
            for tok in state.tokens[n:]:
                if tok.type in ("link_open", "image"):
                    label_end = parseLinkLabel(state, start + 1 if image else start, not image)
                    if label_end >= 0:
                        tok.meta["tail"] = state.src[label_end : state.pos]
                        tok.meta["label"] = state.src[start + (2 if image else 1) : label_end]
                    tok.meta["source"] = state.src[start : state.pos]
                    break
        return True

    return rule


@cache
def _inline_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for name, image in (("link", False), ("image", True)):
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)]
        md.inline.ruler.at(name, _source_rule(rule.fn, image), {"alt": rule.alt})
    return md


@cache
def _block_parser() -> MarkdownIt:
    """Blocks only (what a line opens, where a sentence is, the reference definitions)."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)
    md.core.ruler.disable(["inline", "text_join"])
    return md


def _children(src: str, env: dict[str, Any] | None) -> list[MdToken]:
    tokens = _inline_parser().parseInline(src, dict(env) if env else {})
    return (tokens[0].children or []) if tokens else []


def _one_line(text: str) -> str:
    return re.sub(r"[ \t]*\n[ \t>]*", " ", text)  # a continued line's container markers out


def _tail(tok: MdToken) -> str:
    """How a link or image of the msgid goes on after its label, on one line and without its
    closing parenthesis: an inline destination as written (the title is the translation's), a
    reference as a full reference."""
    tail = tok.meta.get("tail", "")
    if tail.startswith("]("):
        pos = 2
        while pos < len(tail) and tail[pos] in " \t\n":
            pos += 1
        dest = parseLinkDestination(tail, pos, len(tail))
        return f"]({tail[pos : dest.pos]}" if dest.ok else "]("
    label = _one_line(tok.meta.get("label", ""))
    if tail.startswith("][") and len(tail) > 3:
        return f"][{_one_line(tail[2:-1])}]"
    return f"][{label}]"  # a collapsed or shortcut reference, written in full: its text is the translation's


@dataclass
class _MdAllowed:
    kinds: set[str] = field(default_factory=set)  # em, strong, s, code, break
    links: dict[str, tuple[str, bool]] = field(default_factory=dict)  # href → (tail, has a title)
    images: dict[str, tuple[str, bool]] = field(default_factory=dict)  # src → (tail, has a title)
    autolinks: dict[str, str] = field(default_factory=dict)  # href → as written
    html: set[str] = field(default_factory=set)


_DELIMITED = {"em_open": "em", "em_close": "em", "strong_open": "strong", "strong_close": "strong"}
_DELIMITED |= {"s_open": "s", "s_close": "s"}


def _md_allowed(msgid: str, env: dict[str, Any] | None) -> _MdAllowed:
    allowed = _MdAllowed()
    children = _children(msgid, env)
    for i, tok in enumerate(children):
        if tok.type in _DELIMITED:
            allowed.kinds.add(_DELIMITED[tok.type])
        elif tok.type == "code_inline":
            allowed.kinds.add("code")
        elif tok.type == "hardbreak":
            allowed.kinds.add("break")
        elif tok.type == "link_open" and tok.markup == "autolink":
            text = children[i + 1].content if i + 1 < len(children) else ""
            allowed.autolinks.setdefault(str(tok.attrs.get("href", "")), f"<{text}>")
        elif tok.type == "link_open":
            allowed.links.setdefault(str(tok.attrs.get("href", "")), (_tail(tok), "title" in tok.attrs))
        elif tok.type == "image":
            allowed.images.setdefault(str(tok.attrs.get("src", "")), (_tail(tok), "title" in tok.attrs))
        elif tok.type == "html_inline" and _html_tag_allowed(tok.content):
            allowed.html.add(tok.content)
    return allowed


def _html_tag_allowed(raw: str) -> bool:
    """Raw inline HTML of a msgid that a translation may repeat: a comment, or a tag with no event
    handler of an element that is never carried (script, style …)."""
    if raw.startswith("<!--"):
        return True
    tag = read_tag(raw, 0)
    return (
        tag is not None
        and tag.end == len(raw)
        and tag.name not in _NEVER
        and not any(k.startswith("on") for k, _ in tag.attributes)
    )


@dataclass
class _Item:
    """One piece of the rebuilt fragment: markup (written as markup when kept, else as text) or text."""

    kept: str  # as markup
    text: str  # as text
    markup: bool = True
    keep: bool = False
    partner: int = -1  # the other end of a pair (emphasis, a link, a raw HTML element)
    note: str = ""  # what the translator wrote, for the note when it goes in as text
    newline: bool = False  # a hard break: a line starts after it


def _code_span(content: str, table: bool) -> str:
    run = max((len(m) for m in re.findall(r"`+", content)), default=0)
    fence = "`" * (run + 1)
    spaced = content[:1] == content[-1:] == " " and content.strip(" ")
    pad = " " if content[:1] == "`" or content[-1:] == "`" or spaced else ""
    if table:
        content = content.replace("|", "\\|")  # a pipe ends a table cell, inside a code span too
    return f"{fence}{pad}{content}{pad}{fence}"


def _plain(children: Iterable[MdToken]) -> str:
    """The words of inline tokens (link text and code included; what an image's alt text is)."""
    out = []
    for t in children:
        if t.type in ("text", "code_inline", "text_special"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t.type == "image":
            out.append(_plain(t.children or []))
    return "".join(out)


def _link_close(tok: MdToken, link: tuple[str, bool] | None, notes: list[str]) -> str:
    """What a kept link or image writes after its label: the msgid's destination, the title."""
    if link is None:
        return ""
    tail, titled = link
    title = str(tok.attrs.get("title", ""))
    if not tail.startswith("]("):
        return tail
    if title and titled:
        return f'{tail} "{escape_markdown_attribute(title)}")'
    if title:
        notes.append(f"title {_short(title, 40)!r} removed: the source's link has none")
    return tail + ")"


def _items(children: list[MdToken], allowed: _MdAllowed, table: bool, notes: list[str]) -> list[_Item]:
    """The fragment as pieces, each marked kept (markup) or not (text) by what the msgid has."""
    items: list[_Item] = []
    opened: dict[str, list[int]] = {}  # emphasis kind or "a" → indexes of open items
    links: list[tuple[int, str, str]] = []  # open links: (index, closing markup when kept, as written)
    html_open: list[tuple[str, int]] = []
    i = 0
    while i < len(children):
        tok = children[i]
        kind = tok.type
        if kind in ("text", "text_special"):
            items.append(_Item("", escape_markdown_text(tok.content), markup=False))
        elif kind == "softbreak":
            items.append(_Item("", " ", markup=False, note="line break"))
        elif kind == "hardbreak":
            items.append(_Item("\\\n", " ", keep="break" in allowed.kinds, newline=True, note="line break"))
        elif kind in _DELIMITED:
            name = _DELIMITED[kind]
            what = "strikethrough" if name == "s" else "emphasis"
            item = _Item(tok.markup, escape_markdown_text(tok.markup), keep=name in allowed.kinds)
            item.note = f"{tok.markup} ({what})"
            if kind.endswith("_open"):
                opened.setdefault(name, []).append(len(items))
            elif opened.get(name):
                j = opened[name].pop()
                item.partner, items[j].partner = j, len(items)
            items.append(item)
        elif kind == "code_inline":
            written = f"{tok.markup}{tok.content}{tok.markup}"
            kept = _code_span(tok.content, table)
            items.append(
                _Item(kept, escape_markdown_text(written), keep="code" in allowed.kinds, note="code span")
            )
        elif kind == "link_open" and tok.markup == "autolink":
            j = i + 1
            while j < len(children) and children[j].type != "link_close":
                j += 1
            written = "<" + "".join(c.content for c in children[i + 1 : j]) + ">"
            href = str(tok.attrs.get("href", ""))
            kept = allowed.autolinks.get(href, "")
            items.append(_Item(kept, escape_markdown_text(written), keep=bool(kept), note=f"link {written}"))
            i = j
        elif kind == "link_open":
            link = allowed.links.get(str(tok.attrs.get("href", "")))
            source = tok.meta.get("source") or f"[…]({tok.attrs.get('href', '')})"
            links.append(
                (len(items), _link_close(tok, link, notes) if link else "", tok.meta.get("tail", "]"))
            )
            items.append(_Item("[", "\\[", keep=link is not None, note=f"link {_short(source)}"))
        elif kind == "link_close" and links:
            j, kept, tail = links.pop()
            items[j].partner = len(items)
            items.append(_Item(kept, escape_markdown_text(tail), keep=items[j].keep, partner=j))
        elif kind == "image":
            src = str(tok.attrs.get("src", ""))
            image = allowed.images.get(src)
            written = tok.meta.get("source") or f"![{tok.content}]({src})"
            alt = escape_markdown_attribute(_plain(tok.children or []))
            kept = f"![{alt}{_link_close(tok, image, notes)}" if image else ""
            items.append(
                _Item(
                    kept,
                    escape_markdown_text(written),
                    keep=image is not None,
                    note=f"image {_short(written)}",
                )
            )
        elif kind == "html_inline":
            raw = tok.content
            item = _Item(
                raw, escape_markdown_text(raw), keep=raw in allowed.html, note=f"raw HTML {_short(raw)}"
            )
            tag = read_tag(raw, 0) if raw.startswith("<") and not raw.startswith("<!") else None
            if tag is not None and not tag.self_closing and tag.name not in VOID_ELEMENTS:
                if not tag.closing:
                    html_open.append((tag.name, len(items)))
                else:
                    for k in range(len(html_open) - 1, -1, -1):
                        if html_open[k][0] == tag.name:
                            item.partner, items[html_open[k][1]].partner = html_open[k][1], len(items)
                            del html_open[k:]
                            break
                    else:
                        item.keep = False  # it would close an element of the page around the sentence
            items.append(item)
        else:  # a token this sanitiser does not know: its text
            items.append(_Item("", escape_markdown_text(tok.content), markup=False))
        i += 1
    for _name, k in html_open:  # raw tags the fragment opens and never closes
        items[k].keep = False
    for item in items:  # a pair is kept whole or written as text whole
        if item.markup and item.partner >= 0 and not (item.keep and items[item.partner].keep):
            item.keep = items[item.partner].keep = False
    return items


def _opens_block(line: str) -> bool:
    """Would a renderer open a block (or interrupt a paragraph) with this line?"""
    if _MD_BLOCK_START.match(line) or any(seq[0].search(line) for seq in _HTML_SEQUENCES):
        return True
    paragraph = ["paragraph_open", "inline", "paragraph_close"]
    md = _block_parser()
    return [t.type for t in md.parse(line)] != paragraph or [
        t.type for t in md.parse("x\n" + line)
    ] != paragraph


def _write(items: list[_Item]) -> tuple[str, list[int]]:
    """The fragment, and the item that starts each of its lines."""
    out: list[str] = []
    firsts: list[int] = []
    line_start = True
    for k, item in enumerate(items):
        piece = item.kept if item.keep else item.text
        if item.note == "line break" and piece == " " and out and out[-1][-1:] in (" ", "\t"):
            continue  # a line break after a space: one space
        if line_start:
            piece = piece.lstrip(" \t")
            if not piece or (item.keep and item.newline):
                continue  # nothing yet on this line; a hard break here would break nothing
            if not (item.markup and item.keep):
                piece = _escape_line_start(piece)
            firsts.append(k)
            line_start = False
        if item.keep and item.newline:
            out[-1] = out[-1].rstrip(" \t")
            line_start = True
        out.append(piece)
    text = "".join(out).rstrip()
    while text.endswith("\\\n") or text.endswith("\\"):  # a hard break at the end: dropped
        if text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2 == 0:
            break  # an escaped backslash
        text = text.removesuffix("\n").removesuffix("\\").rstrip()
    firsts = firsts[: text.count("\n") + 1]
    return re.sub(r"(^|[ \t])(#+)$", r"\1\\\2", text), firsts  # a closing ATX sequence: text


def _block_opener(items: list[_Item], text: str, firsts: list[int]) -> int | None:
    """The kept markup item that starts a line of ``text`` which would open a block, if any (a
    line that starts with words opens none: they are escaped for a line start)."""
    for line, first in zip(text.split("\n"), firsts, strict=False):
        if items[first].markup and items[first].keep and _opens_block(line):
            return first
    return None


def sanitise_markdown(
    msgstr: str, msgid: str, env: dict[str, Any] | None = None, table: bool = False
) -> Cleaned:
    """A translated Markdown fragment as it may go into the page (module docstring); ``env`` holds
    the document's link reference definitions, ``table``: the sentence is in a table cell."""
    notes: list[str] = []
    msgstr = _MD_LINE_LIKE.sub(" ", _writable(msgstr, notes))
    allowed = _md_allowed(msgid, env)
    items = _items(_children(msgstr, env), allowed, table, notes)
    text, firsts = _write(items)
    for _ in range(len(items)):  # markup that would open a block at a line start: text
        culprit = _block_opener(items, text, firsts)
        if culprit is None:
            break
        for k in (culprit, items[culprit].partner):
            if k >= 0:
                items[k].keep = False
        text, firsts = _write(items)
    as_text = [it.note for it in items if it.note and it.markup and not it.keep and it.note != "line break"]
    if as_text:
        notes.append(", ".join(dict.fromkeys(as_text)) + " written as text: not markup of the source here")
    if any(it.note == "line break" and not it.keep for it in items):
        notes.append("line breaks written as spaces: a sentence stays in its paragraph")
    return Cleaned(text, tuple(notes))


def markdown_fragment_text(fragment: str, env: dict[str, Any] | None = None) -> str:
    """The words a reader sees of an inline Markdown fragment (link text and code included)."""
    return _plain(_children(fragment, env))


# --- a document's sentences ----------------------------------------------------------


class MarkdownPlaces:
    """Where in a Markdown document a sentence is: a table cell, a raw HTML block, or running
    text; and the document's link reference definitions."""

    def __init__(self, text: str) -> None:
        self.env: dict[str, Any] = {}
        md = _block_parser()
        tokens = md.parse(text.removeprefix("\ufeff"), self.env)
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.html: list[tuple[int, int]] = []
        self.table: list[tuple[int, int]] = []
        for tok in tokens:
            if tok.map is None:
                continue
            if tok.type == "html_block":
                self.html.append((tok.map[0], tok.map[1]))
            elif tok.type == "table_open":
                self.table.append((tok.map[0], tok.map[1]))

    def where(self, offset: int) -> str:
        line = bisect_right(self.starts, offset) - 1
        if any(a <= line < b for a, b in self.html):
            return "html"
        if any(a <= line < b for a, b in self.table):
            return "table"
        return "text"


class _MarkupSanitiser(Sanitiser):
    """How each translation of one marked-up document goes into it: sanitised for its place (an
    HTML fragment, Markdown running text or table cell, a raw HTML block in Markdown, an
    attribute value), and as plain text (``text``) for a text export."""

    def _where(self, sentence: Sentence) -> str:
        """html (a page, or a raw HTML block in Markdown), markdown, or table (a Markdown table
        cell)."""
        raise NotImplementedError

    def _env(self) -> dict[str, Any] | None:
        """The document's Markdown link reference definitions (none for a page)."""
        return None

    def fragment(self, msgstr: str, sentence: Sentence) -> Cleaned:
        where = self._where(sentence)
        if "/@" in sentence.path:
            return self._attribute(msgstr, sentence, where)
        if where == "html":
            return sanitise_html(msgstr, sentence.text)
        return sanitise_markdown(msgstr, sentence.text, self._env(), table=where == "table")

    def text(self, msgstr: str, sentence: Sentence) -> Cleaned:
        where = self._where(sentence)
        if "/@" in sentence.path:
            return self._words(msgstr, sentence, where)
        cleaned = self.fragment(msgstr, sentence)
        if where == "html":
            return Cleaned(html_fragment_text(cleaned.text), cleaned.notes)
        return Cleaned(markdown_fragment_text(cleaned.text, self._env()), cleaned.notes)

    def _words(self, msgstr: str, sentence: Sentence, where: str) -> Cleaned:
        """An attribute value's words: markup in it is text (an attribute holds no elements)."""
        if where == "html":  # no element in an attribute: its source's "<b>" is words too
            cleaned = sanitise_html(msgstr, "")
            return Cleaned(" ".join(html_fragment_text(cleaned.text).split()), cleaned.notes)
        cleaned = sanitise_markdown(msgstr, sentence.text)
        return Cleaned(" ".join(markdown_fragment_text(cleaned.text).split()), cleaned.notes)

    def _attribute(self, msgstr: str, sentence: Sentence, where: str) -> Cleaned:
        words = self._words(msgstr, sentence, where)
        if where != "html":
            return Cleaned(escape_markdown_attribute(words.text), words.notes)
        if self.source[: sentence.start].rstrip(_WS).endswith("="):  # unquoted: quoted now
            return Cleaned(f'"{escape_html_attribute(words.text)}"', words.notes)
        return Cleaned(escape_html_attribute(words.text), words.notes)


class HtmlSanitiser(_MarkupSanitiser):
    """The translations of an HTML page (``sanitise_html`` for each place)."""

    def _where(self, sentence: Sentence) -> str:
        return "html"

    @classmethod
    def alone(cls, msgstr: str, msgid: str) -> Cleaned:
        return sanitise_html(msgstr, msgid)


class MarkdownSanitiser(_MarkupSanitiser):
    """The translations of a Markdown document: running text and table cells by
    ``sanitise_markdown``, raw HTML blocks by ``sanitise_html``."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self._places: MarkdownPlaces | None = None

    @property
    def places(self) -> MarkdownPlaces:
        if self._places is None:
            self._places = MarkdownPlaces(self.source)
        return self._places

    def _where(self, sentence: Sentence) -> str:
        where = self.places.where(sentence.start)
        return "markdown" if where == "text" else where

    def _env(self) -> dict[str, Any] | None:
        return self.places.env

    def fragment(self, msgstr: str, sentence: Sentence) -> Cleaned:
        cleaned = super().fragment(msgstr, sentence)
        if "/@" not in sentence.path and self._where(sentence) == "html":
            # a blank line would end the HTML block: a line end is a space
            cleaned = Cleaned(re.sub(r"[\r\n]+", " ", cleaned.text), cleaned.notes)
        return cleaned

    @classmethod
    def alone(cls, msgstr: str, msgid: str) -> Cleaned:
        return sanitise_markdown(msgstr, msgid)
