"""PO text exactly as GNU gettext's tools write it, so `msgcat` over a tarjama catalog changes no byte.

Why not polib's writer: polib wraps with Python's ``textwrap`` (it breaks before a space,
not after one, counts characters instead of display columns, wraps ``#.`` and ``#``
comments, ignores ``#, no-wrap`` and writes flags in the order it read them), so every
round trip through msgcat, msgmerge or an editor built on libgettextpo re-wrapped the whole
file and review diffs were noise. polib still parses; this module only writes.

The rules, from gettext's ``write-po.c`` (0.21) and checked against msgcat by
tests/test_po_format.py:

* A string is cut into portions after each ``\\n``; each portion is escaped (``\\a \\b \\f
  \\n \\r \\t \\v \\" \\\\``; other characters are written as they are) and wrapped on its
  own. When the string has more than one portion, or its first line would be wrapped, the
  keyword line holds ``""`` and the text starts on the next line.
* Wrapping: a line is at most 79 columns including its prefix (``#~ ``, ``#| ``) and both
  quotes. Break opportunities are those of the Unicode line-breaking algorithm (UAX #14) as
  libunistring implements it (a pair table over line-breaking classes: after a space,
  after a hyphen, before an opening bracket after a space, ...), never inside an escape and
  never just before the final ``\\n``. A line is broken at the last opportunity before the
  text would pass the width (greedy); columns are display widths (combining marks 0, wide
  East Asian characters 2).
* ``#, no-wrap`` turns the wrapping of that entry's strings off (portions still start new
  lines).
* Comments: ``#`` translator and ``#.`` extracted comments one line each, never wrapped
  (``#`` or ``#.`` alone for an empty line); ``#:`` references deduplicated, ``./``
  stripped, and filled up to 79 columns; ``#,`` flags in gettext's order (fuzzy, format
  flags, range, no-wrap), fuzzy only when there is a translation; ``#|`` previous strings
  wrapped like the others.
* Obsolete entries come after the active ones, with ``#~ `` before each keyword and string
  line.

Differences kept on purpose (msgcat drops what tarjama must keep): flags gettext does not
know (``wrap`` and a translator's own) are written after the known ones, and an obsolete
entry without a translation is written (msgcat leaves it out) when it holds a
translator's note. msgcat also keeps format directives (``#, c-format``) unbroken; that is
not done here, so a no-space directive is the only kind safe from a different wrap.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata

import polib

from tarjama.catalog._linebreak_data import RANGES

PAGE_WIDTH = 79

# ---- line-breaking classes and the pair table (libunistring's unilbrk, UAX #14 table 7.3) ----

_STARTS: list[int] = []
_CLASSES: list[str] = []
for _pair in "".join(RANGES).split():
    _start, _cls = _pair.split(":")
    _STARTS.append(int(_start, 16))
    _CLASSES.append(_cls)

_TABLE_CLASSES = "WJ GL B2 BA BB HY CL CP EX IN NS OP QU IS NU PO PR SY AL H2 H3 ID JL JV JT HL RI ZWJ EB EM"
_TABLE_ROWS = """
WJ PIIIIIPPPIIIIPIIIPIIIIIIIIIIII
GL PIIIIIPPPIIIIPIIIPIIIIIIIIIIII
B2 PIPIDIPPPIIDIPDDDPDDDDDDDDDIDD
BA PDDIDIPPPIIDIPDDDPDDDDDDDDDIDD
BB PIIIIIPPPIIIIPIIIPIIIIIIIIIIII
HY PDDIDIPPPIIDIPIDDPDDDDDDDDDIDD
CL PIDIDIPPPIPDIPDIIPDDDDDDDDDIDD
CP PIDIDIPPPIIDIPIIIPIDDDDDDIDIDD
EX PIDIDIPPPIIDIPDDDPDDDDDDDDDIDD
IN PIDIDIPPPIIDIPDDDPDDDDDDDDDIDD
NS PIDIDIPPPIIDIPDDDPDDDDDDDDDIDD
OP PPPPPPPPPPPPPPPPPPPPPPPPPPPIPP
QU PIIIIIPPPIIPIPIIIPIIIIIIIIIIII
IS PIDIDIPPPIIDIPIDDPDDDDDDDDDIDD
NU PIDIDIPPPIIIIPIIIPIDDDDDDIDIDD
PO PIDIDIPPPIIIIPIDDPIDDDDDDIDIDD
PR PIDIDIPPPIIIIPIDDPIIIIIIIIDIII
SY PIDIDIPPPIIDIPIDDPDDDDDDDIDIDD
AL PIDIDIPPPIIIIPIIIPIDDDDDDIDIDD
H2 PIDIDIPPPIIDIPDIDPDDDDDIIDDIDD
H3 PIDIDIPPPIIDIPDIDPDDDDDDIDDIDD
ID PIDIDIPPPIIDIPDIDPDDDDDDDDDIDD
JL PIDIDIPPPIIDIPDIDPDIIDIIDDDIDD
JV PIDIDIPPPIIDIPDIDPDDDDDIIDDIDD
JT PIDIDIPPPIIDIPDIDPDDDDDDIDDIDD
HL PIDIDIPPPIIIIPIIIPIDDDDDDIDIDD
RI PIDIDIPPPIIDIPDDDPDDDDDDDDIIDD
ZWJ PIIIIIPPPIIIIPIIIPIIIIIIIIIIII
EB PIDIDIPPPIIDIPDIDPDDDDDDDDDIDI
EM PIDIDIPPPIIDIPDIDPDDDDDDDDDIDD
"""
_INDEX = {c: i for i, c in enumerate(_TABLE_CLASSES.split())}
_TABLE = {row.split()[0]: row.split()[1] for row in _TABLE_ROWS.strip().splitlines()}


def line_break_class(ch: str) -> str:
    return _CLASSES[bisect.bisect_right(_STARTS, ord(ch)) - 1]


def char_width(ch: str) -> int:
    """Display columns, as libunistring's ``uc_width`` counts them (controls count 0 here, as gettext ignores them)."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf", "Cn") or 0x1160 <= code <= 0x11FF or code == 0x200B:
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_PROHIBITED, _POSSIBLE, _MANDATORY = 0, 1, 2


def possible_breaks(text: str) -> list[int]:
    """For each character, whether a line may break before it (libunistring's ``u8_possible_linebreaks``)."""
    out = [_PROHIBITED] * len(text)
    last = "BK"  # class of the last character that is not a space
    seen_space = False
    after_zwj = False  # a joiner right after a letter: no break after it, and it takes that letter's class
    hebrew_hyphen = False  # a Hebrew letter, then a hyphen: no break after it (UAX #14 LB21a)
    for i, ch in enumerate(text):
        cls = line_break_class(ch)
        if cls == "BK":
            out[i] = _MANDATORY
            last, seen_space, after_zwj = "BK", False, False
            continue
        if cls == "SP":
            seen_space, after_zwj = True, False
            continue
        if cls == "ZW":
            last, seen_space, after_zwj = "ZW", False, False
            continue
        if cls in ("CM", "ZWJ") and not seen_space and last not in ("BK", "ZW"):
            after_zwj = cls == "ZWJ"  # a mark stays with the character before it (UAX #14 LB9)
            continue
        if after_zwj:
            last, after_zwj = ("AL" if cls == "CM" else cls), False
            continue
        if cls == "CM":
            if seen_space:  # a mark after a space: a break before it, and it counts as a letter
                if last != "BK":
                    out[i] = _POSSIBLE
                last, seen_space = "AL", False
                continue
            cls = "AL"  # at the start or after a zero-width space (LB10)
        if last == "ZW":
            out[i] = _POSSIBLE
        elif last != "BK" and not (hebrew_hyphen and not seen_space):
            rule = _TABLE[last][_INDEX[cls]]
            if rule == "D" or (rule == "I" and seen_space):
                out[i] = _POSSIBLE
        hebrew_hyphen = last == "HL" and cls in ("HY", "BA") and not seen_space
        last, seen_space = cls, False
    return out


def width_breaks(text: str, width: int, start_column: int, overrides: list[bool]) -> set[int]:
    """Where to break ``text`` (indices a new line starts at): libunistring's ``ulc_width_linebreaks``.

    ``overrides[i]`` True forbids a break before character ``i`` whatever the algorithm says.
    """
    marks = possible_breaks(text)
    breaks: set[int] = set()
    last_at: int | None = None
    last_column, piece = start_column, 0
    for i, ch in enumerate(text):
        mark = _PROHIBITED if overrides[i] else marks[i]
        if mark != _PROHIBITED and last_at is not None and last_column + piece > width:
            breaks.add(last_at)
            last_column = 0
        if mark == _MANDATORY:
            last_at, last_column, piece = None, 0, 0
            continue
        if mark == _POSSIBLE:
            last_at = i
            last_column += piece
            piece = 0
        piece += char_width(ch)
    if last_at is not None and last_column + piece > width:
        breaks.add(last_at)
    return breaks


# ---- strings -----------------------------------------------------------------------------

_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", '"': '"', "\\": "\\"}


def _portions(value: str) -> list[str]:
    """The value cut after each newline (one empty portion for an empty string)."""
    parts, start = [], 0
    for i, ch in enumerate(value):
        if ch == "\n":
            parts.append(value[start : i + 1])
            start = i + 1
    if start < len(value) or not parts:
        parts.append(value[start:])
    return parts


def wrap_string(keyword: str, value: str, prefix: str = "", wrap: bool = True) -> list[str]:
    """``keyword "value"`` as gettext writes it: one or more lines, each with ``prefix``."""
    lines: list[str] = []
    portions = _portions(value)
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if wrap else 2**31 - 1) - 1 - after_break
    first = True
    for n, portion in enumerate(portions):
        chars: list[str] = []
        forbid: list[bool] = []
        for ch in portion:
            if ch in _ESCAPES:
                chars += ["\\", _ESCAPES[ch]]
                forbid += [False, True]
            else:
                chars.append(ch)
                forbid.append(False)
        if portion.endswith("\n"):
            forbid[-2] = True  # never break just before the final \n
        text = "".join(chars)
        more = n + 1 < len(portions)
        while True:
            start = len(prefix) + (len(keyword) + 1 if first else 0) + 1 - after_break
            breaks = width_breaks(text, width, start, forbid)
            if first and text and (more or start > width or breaks):
                lines.append(f'{prefix}{keyword} ""')
                first = False
                continue
            break
        head = f"{prefix}{keyword} " if first else prefix
        first = False
        cuts = [0, *sorted(breaks), len(text)]
        pieces = [text[a:b] for a, b in itertools.pairwise(cuts)]
        lines.append(f'{head}"{pieces[0]}"')
        lines += [f'{prefix}"{p}"' for p in pieces[1:]]
    return lines


# ---- entries -----------------------------------------------------------------------------

# gettext 0.21's format languages in the order it writes their flags.
_FORMATS = [
    "c",
    "objc",
    "python",
    "python-brace",
    "java",
    "java-printf",
    "csharp",
    "javascript",
    "scheme",
    "lisp",
    "elisp",
    "librep",
    "ruby",
    "sh",
    "awk",
    "lua",
    "object-pascal",
    "smalltalk",
    "qt",
    "qt-plural",
    "kde",
    "kde-kuit",
    "boost",
    "tcl",
    "perl",
    "perl-brace",
    "php",
    "gcc-internal",
    "gfc-internal",
    "ycp",
]
_FORMAT_FLAGS = {
    flag: (i, order)
    for i, lang in enumerate(_FORMATS)
    for order, flag in enumerate((f"{lang}-format", f"possible-{lang}-format", f"no-{lang}-format"))
}


def _flags_line(flags: list[str], translated: bool) -> str | None:
    known_formats = sorted((f for f in flags if f in _FORMAT_FLAGS), key=_FORMAT_FLAGS.__getitem__)
    ranges = [f for f in flags if f.startswith("range:")]
    own = [*known_formats, *ranges]
    if "no-wrap" in flags:
        own.append("no-wrap")
    other = [f for f in dict.fromkeys(flags) if f not in own and f != "fuzzy" and f.strip()]
    ordered = (["fuzzy"] if translated and "fuzzy" in flags else []) + list(dict.fromkeys(own)) + other
    return "#, " + ", ".join(ordered) if ordered else None


def _comment_lines(mark: str, text: str | None) -> list[str]:
    if not text:  # polib reads no comment, and a lone "#", as ""
        return []
    return [f"{mark} {line}" if line else mark for line in text.split("\n")]


def _references(occurrences: list[tuple[str, str]]) -> list[str]:
    refs: list[str] = []
    for file, line in occurrences:
        while file.startswith("./"):
            file = file[2:]
        ref = f"{file}:{line}" if line else file
        if ref not in refs:
            refs.append(ref)
    lines: list[str] = []
    current, column = "#:", 2
    for ref in refs:
        width = len(ref) + 1
        if column > 2 and column + width > PAGE_WIDTH:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += width
    if refs:
        lines.append(current)
    return lines


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural.get(0, ""))
    return bool(entry.msgstr)


def render_entry(entry: polib.POEntry) -> str:
    """One entry as gettext writes it (comments, flags, previous strings, strings)."""
    obsolete = bool(entry.obsolete)
    wrap = "no-wrap" not in entry.flags
    lines = _comment_lines("#", entry.tcomment)
    lines += _comment_lines("#.", entry.comment)
    lines += _references(list(entry.occurrences))
    flags = _flags_line(list(entry.flags), _translated(entry))
    if flags:
        lines.append(flags)
    previous = "#~| " if obsolete else "#| "
    for keyword, value in (
        ("msgctxt", entry.previous_msgctxt),
        ("msgid", entry.previous_msgid),
        ("msgid_plural", entry.previous_msgid_plural),
    ):
        if value is not None:
            lines += wrap_string(keyword, value, previous, wrap)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        lines += wrap_string("msgctxt", entry.msgctxt, prefix, wrap)
    lines += wrap_string("msgid", entry.msgid, prefix, wrap)
    if entry.msgid_plural:
        lines += wrap_string("msgid_plural", entry.msgid_plural, prefix, wrap)
        for index in sorted(entry.msgstr_plural):
            lines += wrap_string(f"msgstr[{index}]", entry.msgstr_plural[index], prefix, wrap)
    else:
        lines += wrap_string("msgstr", entry.msgstr, prefix, wrap)
    return "\n".join(lines) + "\n"


def render_po(po: polib.POFile) -> str:
    """The whole file: header entry (with the file's header comment), active entries, obsolete ones."""
    header = po.metadata_as_entry()
    header.tcomment = po.header or ""  # "" is no comment, as polib reads one (`_comment_lines`)
    header.comment = ""
    entries = [header, *(e for e in po if not e.obsolete), *po.obsolete_entries()]
    return "\n".join(render_entry(e) for e in entries)
