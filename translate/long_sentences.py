"""Split a sentence that is too long for the model into parts it can read whole.

A Marian model reads at most ``max_source_tokens`` source tokens; the rest of a longer
sentence would be cut off and never translated. :func:`split_for_mt` cuts such a sentence
into consecutive character spans, each translated on its own and rejoined, so no source
text is dropped.

Where a cut goes, best first:

1. **Clause punctuation**: after the Arabic comma ``،`` and semicolon ``؛`` (never used
   inside numbers: Arabic digits use ``٫`` and ``٬``), after ``؟ ? !``, and after the Latin
   ``, ; :`` only when whitespace follows, so "1,000", "10:30" and URLs stay whole. The
   whitespace after the mark goes with the part before it.
2. **Conjunctions that open a clause**: before ``و`` ``ثم`` ``لكن`` ``ولكن`` ``بينما``
   ``حيث`` written as whole words after whitespace. Attached ``و`` (وقال) is not used: it
   cannot be told from a word that starts with waw (وزارة, "ministry") without a parser.
3. **Whitespace**: after a run of spaces, between two words.
4. **Characters**: for a run with no whitespace at all, anywhere.

At each level the parts are as few as the cuts allow and, among those, balanced: a
translation of two halves reads better than of a full part and a scrap. A part that
still does not fit is split again at the next level. A cut never falls inside a
``protected`` span (a glossary term occurrence, so it stays whole for enforcement), unless
that span alone is over the limit.

``count_tokens`` is called only on substrings, with a galloping search over cut positions,
so the work grows as n log n with the text: a 200 KB line is split in well under a second.
Token counts are assumed to grow with the text (a longer prefix never has fewer tokens),
as they do for SentencePiece.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import overload

# level 1: clause punctuation (the cut goes after the mark and the whitespace after it)
_CLAUSE = re.compile(r"(?:[،؛؟]|[,;:?!](?=\s))\s*")
# level 2: a conjunction opening a clause, as a whole word after whitespace (the cut goes before it)
_CONJUNCTION = re.compile(r"(?<=\s)(?:و|ثم|لكن|ولكن|بينما|حيث)(?=\s)")
# level 3: between words (the cut goes after the whitespace)
_SPACE = re.compile(r"\s+(?=\S)")

Counter = Callable[[str], int]


def split_for_mt(
    text: str,
    count_tokens: Counter,
    limit: int,
    protected: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Character spans that partition ``text`` (consecutive, from 0 to ``len(text)``), each with
    at most ``limit`` tokens by ``count_tokens`` where the text allows it.

    A text that fits is one span. ``protected``: (start, end) spans no cut may fall inside.
    """
    if not text or count_tokens(text) <= limit:
        return [(0, len(text))]
    guard = _Guard(text, count_tokens, limit, protected)
    levels = [
        [m.end() for m in _CLAUSE.finditer(text)],
        [m.start() for m in _CONJUNCTION.finditer(text)],
        [m.end() for m in _SPACE.finditer(text)],
    ]
    levels = [[c for c in cuts if not guard.blocks(c)] for cuts in levels]
    return _split(guard, levels, 0, 0, len(text))


class _Guard:
    """The text, its token counter and limit, and the protected spans that keep cuts out."""

    def __init__(self, text: str, count_tokens: Counter, limit: int, protected: Sequence[tuple[int, int]]):
        self.text, self.count, self.limit = text, count_tokens, limit
        merged: list[list[int]] = []
        for a, b in sorted((max(0, a), min(len(text), b)) for a, b in protected):
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            elif b - a > 1:
                merged.append([a, b])
        # a span over the limit on its own cannot stay whole: it is not protected
        self.spans = [(a, b) for a, b in merged if count_tokens(text[a:b]) <= limit]
        self.starts = [a for a, _ in self.spans]

    def tokens(self, a: int, b: int) -> int:
        return self.count(self.text[a:b])

    def inside(self, c: int) -> tuple[int, int] | None:
        """The protected span that ``c`` falls strictly inside, if any."""
        k = bisect.bisect_left(self.starts, c) - 1
        if k >= 0 and self.spans[k][0] < c < self.spans[k][1]:
            return self.spans[k]
        return None

    def blocks(self, c: int) -> bool:
        return self.inside(c) is not None


def _split(guard: _Guard, levels: list[list[int]], level: int, a: int, b: int) -> list[tuple[int, int]]:
    """Spans for text[a:b], which does not fit, cutting at ``levels[level]`` (then finer)."""
    inner: Sequence[int]
    if level < len(levels):
        cuts = levels[level]
        inner = cuts[bisect.bisect_right(cuts, a) : bisect.bisect_left(cuts, b)]
    else:
        inner = _CharCuts(guard, a, b)
    if not inner:
        if level < len(levels):
            return _split(guard, levels, level + 1, a, b)
        return [(a, b)]  # nothing left to cut (one character over the limit)
    parts = _choose(guard, inner, a, b)
    out: list[tuple[int, int]] = []
    for pa, pb in parts:
        if guard.tokens(pa, pb) <= guard.limit:
            out.append((pa, pb))
        else:
            out += _split(guard, levels, level + 1, pa, pb)
    return out


def _choose(guard: _Guard, cuts: Sequence[int], a: int, b: int) -> list[tuple[int, int]]:
    """Parts of text[a:b] ending at some of ``cuts``: the fewest that fit (greedy, furthest cut
    first), unless aiming every part at an equal share of the tokens needs no more parts."""
    greedy = _walk(guard, cuts, a, b, balanced=False)
    balanced = _walk(guard, cuts, a, b, balanced=True)
    return balanced if _cost(guard, balanced) <= _cost(guard, greedy) else greedy


def _cost(guard: _Guard, parts: list[tuple[int, int]]) -> tuple[int, int]:
    """(parts over the limit, parts): what makes one way of cutting worse than another."""
    over = sum(guard.tokens(pa, pb) > guard.limit for pa, pb in parts)
    return over, len(parts)


def _walk(guard: _Guard, cuts: Sequence[int], a: int, b: int, balanced: bool) -> list[tuple[int, int]]:
    """Left to right, each part ending at the furthest cut within the limit (greedy) or
    within an equal share of the tokens still to place (balanced)."""
    ends = _Ends(cuts, b)  # the cuts, then b itself: reaching b means the rest fits
    parts: list[tuple[int, int]] = []
    remaining = guard.tokens(a, b) if balanced else 0  # estimated: counts add up, less one EOS per cut
    start, i = a, bisect.bisect_right(cuts, a)
    while start < b:
        cap = guard.limit
        if balanced:
            if remaining <= guard.limit and guard.tokens(start, b) <= guard.limit:
                parts.append((start, b))
                break
            share = max(1, remaining)
            parts_left = -(-share // guard.limit)
            cap = min(guard.limit, -(-share // parts_left))
        j = _furthest(guard, ends, i, start, cap)
        if j is None:
            j = i  # even the nearest cut leaves too much: take it, a finer level splits the part
        elif balanced and j + 1 < len(ends):
            # the next cut may be nearer the share while still within the limit
            here, there = guard.tokens(start, ends[j]), guard.tokens(start, ends[j + 1])
            if there <= guard.limit and there - cap < cap - here:
                j += 1
        end = _outside(guard, ends[j], start)
        parts.append((start, end))
        if balanced:
            remaining -= guard.tokens(start, end) - 1
        start = end
        i = bisect.bisect_right(ends, start, lo=j)
    return parts


class _Ends(Sequence[int]):
    """``cuts`` followed by ``end``."""

    def __init__(self, cuts: Sequence[int], end: int) -> None:
        self.cuts, self.end = cuts, end

    def __len__(self) -> int:
        return len(self.cuts) + 1

    @overload
    def __getitem__(self, k: int) -> int: ...
    @overload
    def __getitem__(self, k: slice) -> list[int]: ...
    def __getitem__(self, k: int | slice) -> int | list[int]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if k == len(self.cuts):
            return self.end
        return self.cuts[k]


def _furthest(guard: _Guard, ends: Sequence[int], i: int, start: int, cap: int) -> int | None:
    """The largest ``j >= i`` with text[start:ends[j]] within ``cap`` tokens (galloping, then
    bisecting, so the text read is about twice the part found), or None."""

    def fits(j: int) -> bool:
        return guard.tokens(start, ends[j]) <= cap

    if i >= len(ends) or not fits(i):
        return None
    lo, step = i, 1
    while lo + step < len(ends) and fits(lo + step):
        lo += step
        step *= 2
    hi = min(lo + step, len(ends))  # ends[hi] does not fit (or is past the last)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _outside(guard: _Guard, c: int, start: int) -> int:
    """``c``, or the nearest edge of a protected span it falls in (before it when there is room)."""
    span = guard.inside(c)
    if span is None:
        return c
    return span[0] if span[0] > start else span[1]


class _CharCuts(Sequence[int]):
    """Every position strictly inside text[a:b], without building the list."""

    def __init__(self, guard: _Guard, a: int, b: int) -> None:
        self.a, self.n = a, max(0, b - a - 1)

    def __len__(self) -> int:
        return self.n

    @overload
    def __getitem__(self, k: int) -> int: ...
    @overload
    def __getitem__(self, k: slice) -> list[int]: ...
    def __getitem__(self, k: int | slice) -> int | list[int]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(self.n))]
        if not 0 <= k < self.n:
            raise IndexError(k)
        return self.a + 1 + k
