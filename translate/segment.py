"""Split an article into sentences with character offsets.

Interface (kept small so the segmenter can be replaced): ``segment(text)`` takes the
article text and returns :class:`Sentence` spans, in document order, whose
``text == article_text[start:end]``. Page layout (image markup, captions, the
source line, comment counters) is classified here too, because whether a line is a
caption is a property of where it sits in the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    BODY = "body"
    CAPTION = "caption"
    SOURCE = "source"
    BOILERPLATE = "boilerplate"


# Sentences of these kinds go to the model; the others are kept but not machine-translated.
TRANSLATABLE = frozenset({Kind.BODY, Kind.CAPTION})


@dataclass(frozen=True)
class Sentence:
    n: int  # 1-based position in the document
    start: int
    end: int
    kind: Kind
    line: int  # 1-based physical line of the article file
    text: str


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MARKUP_ONLY = re.compile(r"^\s*(?:!\[[^\]]*\]\([^)]*\)\s*)*\|?\s*(?:\|\s*)*$")
_SOURCE = re.compile(r"^\s*(?:المصدر|مصدر الخبر)\s*:")
_BOILERPLATE = re.compile(r"^\s*(?:تعليق|تعليقات|التعليقات)\s*\(\s*[\d٠-٩]+\s*\)\s*$")
_END = re.compile(r"[.!?؟…]+[\"»”')]*(?=\s|$)")
_CREDIT = re.compile(r"\s*\((?:تصوير|الصورة|صورة)\s*:[^)]*\)")


def segment(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    after_markup = False
    pos = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if _MARKUP_ONLY.match(line):
            after_markup = True
            continue
        lo, hi = _content_bounds(line)
        if lo >= hi:
            continue
        if after_markup:
            kind = Kind.CAPTION
        elif _SOURCE.match(line):
            kind = Kind.SOURCE
        elif _BOILERPLATE.match(line):
            kind = Kind.BOILERPLATE
        else:
            kind = Kind.BODY
        after_markup = False
        if kind in (Kind.SOURCE, Kind.BOILERPLATE):
            spans = [(lo, hi)]
        else:
            spans = _split_sentences(line, lo, hi)
        for s, e in spans:
            out.append(
                Sentence(len(out) + 1, line_start + s, line_start + e, kind, lineno, line[s:e])
            )
    return out


def _content_bounds(line: str) -> tuple[int, int]:
    """The line without image markup and table pipes at either end."""
    lo, hi = 0, len(line)
    while True:
        m = re.match(r"\s*(?:!\[[^\]]*\]\([^)]*\)|\|)\s*", line[lo:hi])
        if not m or not m.group(0):
            break
        lo += m.end()
    while hi > lo and (line[hi - 1].isspace() or line[hi - 1] == "|"):
        hi -= 1
    return lo, hi


def _split_sentences(line: str, lo: int, hi: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = lo
    for m in _END.finditer(line, lo, hi):
        end = m.end()
        if line.count('"', lo, end) % 2:  # inside a straight-quoted passage
            continue
        if m.group(0) == "." and m.start() > 0 and line[m.start() - 1].isdigit():
            nxt = line[end:].lstrip()[:1]
            if nxt.isdigit():
                continue
        credit = _CREDIT.match(line, end)
        if credit:
            end = credit.end()
        if line[start:end].strip():
            spans.append((start, end))
        start = end
        while start < hi and line[start].isspace():
            start += 1
    if start < hi and line[start:hi].strip():
        spans.append((start, hi))
    return [s for s in spans if s[0] < s[1]]
