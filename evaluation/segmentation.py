"""Score a sentence segmentation against a gold one: boundary P/R/F1 and exact-sentence accuracy.

Boundaries are compared as offsets into the article, counted in *significant*
characters only: whitespace, bidi/zero-width marks and page layout (markdown image
markup, table pipes and rule rows, heading/bullet markers at a line start) do not count.
So a tool is not penalised for keeping a trailing ``|`` or a newline in its segment, or
for returning ``![]()`` as a segment of its own, but it is for every sentence boundary
it puts somewhere else than the gold — including which side of a closing quote or a
photo credit it falls on.

Gold comes in two forms:

* ``<stem>.gold.tsv`` next to ``<stem>.ar.txt`` (columns n, paragraph, kind, arabic,
  english; TAB-separated, no quoting), the layout of ``examples/hanoi-convention.gold.tsv``;
* a text file with one sentence per line and a blank line between paragraphs; the
  article is then the sentences of a paragraph joined by a space, one paragraph a line.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from tarjama.errors import InputError

_LAYOUT = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"  # markdown image
    r"|^[ \t|:\-]*-{2,}[ \t|:\-]*$"  # table rule row
    r"|^[ \t]*(?:#{1,6}|>|[-*•])[ \t]+"  # heading, quote or bullet marker
    r"|\|"  # table pipe
    r"|[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]",
    re.MULTILINE,
)

Span = tuple[int, int]


@dataclass(frozen=True)
class Gold:
    """A gold segmentation: the article text and each sentence's span (and kind, if known)."""

    name: str
    text: str
    spans: list[Span]
    kinds: list[str] | None = None


@dataclass(frozen=True)
class SegmentationScore:
    gold: int  # gold sentences
    predicted: int  # predicted segments with any significant character
    true_boundaries: int
    gold_boundaries: int
    predicted_boundaries: int
    exact: int  # gold sentences reproduced exactly
    kinds_right: int | None = None  # of the exact ones, how many also have the gold kind

    @property
    def precision(self) -> float:
        return self.true_boundaries / self.predicted_boundaries if self.predicted_boundaries else 1.0

    @property
    def recall(self) -> float:
        return self.true_boundaries / self.gold_boundaries if self.gold_boundaries else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def exact_accuracy(self) -> float:
        return self.exact / self.gold if self.gold else 1.0


def significant_prefix(text: str) -> list[int]:
    """``prefix[i]`` = significant characters in ``text[:i]``."""
    weight = [1] * len(text)
    for m in _LAYOUT.finditer(text):
        for i in range(*m.span()):
            weight[i] = 0
    return [0, *accumulate(weight)]


def score(gold: Gold, predicted: Sequence[Span], kinds: Sequence[str] | None = None) -> SegmentationScore:
    """Compare predicted spans (offsets into ``gold.text``) with the gold spans."""
    prefix = significant_prefix(gold.text)
    total = prefix[-1]
    gold_ranges = [(prefix[s], prefix[e]) for s, e in gold.spans if prefix[e] > prefix[s]]
    pred_ranges = [(prefix[s], prefix[e]) for s, e in predicted if prefix[e] > prefix[s]]
    gold_b = {e for _, e in gold_ranges} - {0, total}
    pred_b = {e for _, e in pred_ranges} - {0, total}
    cuts = sorted(pred_b)
    cut_set = pred_b | {0, total}
    exact = 0
    kinds_right = 0
    gold_kinds = gold.kinds if kinds is not None else None  # kinds are scored when both sides have them
    pred_kind = (
        dict(zip(pred_ranges, kinds, strict=True)) if kinds is not None and gold_kinds is not None else {}
    )
    for i, (s, e) in enumerate(gold_ranges):
        inside = bisect_left(cuts, e) - bisect_right(cuts, s)
        if s in cut_set and e in cut_set and inside == 0:
            exact += 1
            if gold_kinds is not None and pred_kind.get((s, e)) == gold_kinds[i]:
                kinds_right += 1
    return SegmentationScore(
        gold=len(gold_ranges),
        predicted=len(pred_ranges),
        true_boundaries=len(gold_b & pred_b),
        gold_boundaries=len(gold_b),
        predicted_boundaries=len(pred_b),
        exact=exact,
        kinds_right=kinds_right if gold_kinds is not None else None,
    )


def locate(text: str, pieces: Sequence[str]) -> list[Span]:
    """Spans of ``pieces`` (a tool's segments, in order) in ``text``; whitespace-trimmed."""
    spans: list[Span] = []
    pos = 0
    for piece in pieces:
        core = piece.strip()
        if not core:
            continue
        at = text.find(core, pos)
        if at < 0:
            raise ValueError(f"segment not found in the text after offset {pos}: {core[:40]!r}")
        spans.append((at, at + len(core)))
        pos = at + len(core)
    return spans


def read_gold_tsv(path: str | Path, article: str | Path | None = None) -> Gold:
    """Gold TSV plus its article (default: ``<stem>.ar.txt`` beside ``<stem>.gold.tsv``)."""
    path = Path(path)
    if article is None:
        article = path.with_name(path.name.removesuffix(".gold.tsv") + ".ar.txt")
    article = Path(article)
    try:
        text = article.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as exc:
        raise InputError(f"cannot read gold ({exc.strerror})", path=exc.filename) from None
    spans: list[Span] = []
    kinds: list[str] = []
    pos = 0
    for lineno, row in enumerate(rows, start=1):
        if len(row) < 4:
            raise InputError(f"line {lineno}: expected n, paragraph, kind, arabic[, english]", path=path)
        at = text.find(row[3], pos)
        if at < 0:
            raise InputError(f"line {lineno}: sentence not found in {article} after offset {pos}", path=path)
        spans.append((at, at + len(row[3])))
        kinds.append(row[2])
        pos = at + len(row[3])
    return Gold(path.name.removesuffix(".gold.tsv"), text, spans, kinds)


def read_gold_lines(path: str | Path) -> Gold:
    """One sentence per line, a blank line between paragraphs."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except OSError as exc:
        raise InputError(f"cannot read gold ({exc.strerror})", path=path) from None
    paragraphs = [[s.strip() for s in block.split("\n") if s.strip()] for block in re.split(r"\n\s*\n", raw)]
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for para in filter(None, paragraphs):
        if parts:
            parts.append("\n")
            pos += 1
        for k, sentence in enumerate(para):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(sentence)
            spans.append((pos, pos + len(sentence)))
            pos += len(sentence)
    return Gold(path.name.removesuffix(".txt"), "".join(parts), spans)


def read_gold(path: str | Path) -> Gold:
    """Either gold form, by file name (``*.tsv`` is the TSV form)."""
    return read_gold_tsv(path) if str(path).endswith(".tsv") else read_gold_lines(path)
