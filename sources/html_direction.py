"""What stays Arabic on an HTML page that turns English: marked so, for browsers and screen readers.

An exported page says it is in the target language (``lang``/``dir`` rewritten by
``sources.render``); a sentence left untranslated is still Arabic, and must say so, or it is
read with English rules and laid out left to right. This is the HTML format's ``keep_arabic``
(``sources.formats.Format``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from tarjama.sources.html import Block, parse_attributes, read_page
from tarjama.sources.segment import Sentence

_RAW_TEXT = frozenset({"title", "textarea", "option"})  # text only: an element inside shows as text


def keep_arabic(
    text: str,
    left: list[Sentence],
    translated: list[int],
    marks: Sequence[tuple[int, int, str]],
    edits: list[tuple[int, int, str]],
) -> list[tuple[int, int]]:
    """Marks what stays Arabic on a page that turns English (edits added to ``edits``): the
    outermost block element around an Arabic sentence with no translated sentence in it gets
    ``lang``/``dir`` of the page's Arabic (its own marks, and those inside it, stay as they are);
    an Arabic sentence in a block with translated ones is wrapped in a ``<span>`` that says so
    (an isolate: its words run right to left inside an English line). Returns the ranges whose
    marks stay Arabic."""
    source_lang = next(  # the page's own tag for its Arabic (ar-EG), when it is a plain one
        (
            text[a:b].strip()
            for a, b, name in marks
            if name != "dir" and re.fullmatch(r"(?i)ar(?:-[a-z0-9]{1,8})*", text[a:b].strip())
        ),
        "ar",
    )
    blocks = sorted(read_page(text).blocks, key=lambda b: (b.tag_start, -b.end))
    translated = sorted(translated)
    kept: list[tuple[int, int]] = []
    around: list[Block] = []  # the blocks around the current position, outermost first
    k = 0
    for s in sorted(left, key=lambda s: s.start):
        if "/@" in s.path:
            continue  # an attribute value: no direction of its own to show
        while around and around[-1].end <= s.start:
            around.pop()
        while k < len(blocks) and blocks[k].tag_start <= s.start:
            while around and around[-1].end <= blocks[k].tag_start:
                around.pop()
            around.append(blocks[k])
            k += 1
        inside = [b for b in around if b.tag_end <= s.start < b.end]
        b = next((b for b in inside if not _any_within(translated, b.tag_end, b.end)), None)
        if b is not None:  # the outermost element with nothing translated in it
            if not kept or kept[-1] != (b.tag_start, b.end):
                kept.append((b.tag_start, b.end))
                _mark_arabic(text, b, source_lang, edits)
        elif not inside or inside[-1].name not in _RAW_TEXT:
            wrapped = f'<span lang="{source_lang}" dir="rtl">{text[s.start : s.end]}</span>'
            edits.append((s.start, s.end, wrapped))
    return kept


def _mark_arabic(text: str, b: Block, language: str, edits: list[tuple[int, int, str]]) -> None:
    """``lang`` and ``dir`` of the page's Arabic added to the start tag of ``b`` (those it lacks)."""
    have = {a.name for a in parse_attributes(text[b.tag_start : b.tag_end], b.tag_start)}
    add = "".join(
        f' {name}="{value}"' for name, value in (("lang", language), ("dir", "rtl")) if name not in have
    )
    if add:
        at = b.tag_end - (2 if text[b.tag_start : b.tag_end].endswith("/>") else 1)
        edits.append((at, at, add))


def _any_within(sorted_offsets: list[int], lo: int, hi: int) -> bool:
    k = bisect_left(sorted_offsets, lo)
    return k < len(sorted_offsets) and sorted_offsets[k] < hi
