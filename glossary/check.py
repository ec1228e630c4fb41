"""Backend-independent verification: which approved targets a translation must hold, and does it?

``required_targets(matches)`` turns a sentence's matches into its required English terms,
one per source occurrence, in source order. ``check_hypothesis(required, hypothesis)``
counts them in the output the same way matching counts them in the source: whole words,
longest first, no overlaps (so "Hanoi" inside "Hanoi Convention" is not a second "Hanoi"),
and reports what is missing and what is duplicated. Any backend (transformers, CTranslate2
repair loops, a translator's edit) is judged by this one function.

Case: exact, except the first letter may change case (a term that opens the sentence,
"signing ceremony" → "Signing ceremony").

A required term is a :data:`Required`: one approved rendering (a string), or a term's
alternative approved renderings (a tuple, the first the one forced: "Saudi Arabia|Saudi"),
any of which satisfies it. Renderings written are given to required terms by a maximum
matching, so an alternative two terms share is counted once, for the one it helps; the
report is keyed by each term's forced rendering.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # glossary.terms checks forbidden renderings with find_forbidden at load
    from tarjama.glossary.match import Match

# Written straight onto the next word: "(Hanoi" is other tokens than " Hanoi". Shared by the
# transformers enforcer and the CTranslate2 repair.
OPENERS = ("(", "[", '"', "“", "'", "‘", "«")


# One required term: its one approved rendering, or its alternatives with the forced one first.
Required = str | tuple[str, ...]


def renderings(term: Required | Sequence[str]) -> tuple[str, ...]:
    """A required term's approved renderings, the forced one first."""
    return (term,) if isinstance(term, str) else tuple(term)


def required_targets(matches: Iterable[Match]) -> list[Required]:
    """One required term per match, in source order: a string when the term has one approved
    rendering (so a glossary without alternatives asks exactly what it always did)."""
    out: list[Required] = []
    for m in matches:
        approved = m.approved
        out.append(approved[0] if len(approved) == 1 else approved)
    return out


@lru_cache(maxsize=4096)
def _pattern(target: str) -> re.Pattern[str]:
    head, rest = target[0], re.escape(target[1:])
    first = (
        f"[{re.escape(head.upper())}{re.escape(head.lower())}]"
        if head.upper() != head.lower()
        else re.escape(head)
    )
    return re.compile(rf"(?<!\w){first}{rest}(?!\w)")


def find_targets(text: str, targets: Iterable[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, target) spans of ``targets`` in ``text``, longest first."""
    spans = [(m.start(), m.end(), t) for t in set(targets) if t for m in _pattern(t).finditer(text)]
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    for start, end, t in spans:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        chosen.append((start, end, t))
    return sorted(chosen)


@dataclass(frozen=True)
class TermCheck:
    """Keyed by each required term's forced rendering: ``required`` occurrences, ``found``
    renderings written for it (an approved alternative counts), ``met`` occurrences satisfied."""

    required: Counter[str]
    found: Counter[str]
    met: Counter[str]

    @property
    def missing(self) -> dict[str, int]:
        return {t: n - self.met[t] for t, n in self.required.items() if self.met[t] < n}

    @property
    def duplicated(self) -> dict[str, int]:
        return {t: self.found[t] - self.met[t] for t in self.required if self.found[t] > self.met[t]}

    @property
    def correct(self) -> int:
        return sum(self.met.values())

    @property
    def total(self) -> int:
        return sum(self.required.values())

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicated


def check_hypothesis(required: Sequence[Required], hypothesis: str) -> TermCheck:
    """Compare the required terms (one per source occurrence) with what ``hypothesis`` holds."""
    slots = [renderings(r) for r in required]
    written = [t for _, _, t in find_targets(hypothesis, {a for s in slots for a in s})]
    owner = _assign(slots, written)
    need = Counter(s[0] for s in slots)
    met = Counter(slots[k][0] for k in owner if k is not None)
    # a rendering no occurrence took is extra: counted for the first term that accepts it
    found = met + Counter(
        next(s[0] for s in slots if t in s) for t, k in zip(written, owner, strict=True) if k is None
    )
    return TermCheck(need, found, met)


def _assign(slots: Sequence[tuple[str, ...]], written: Sequence[str]) -> list[int | None]:
    """For each rendering written, the required occurrence it satisfies (None: an extra one),
    as many satisfied as possible (Kuhn's augmenting paths; a sentence holds a handful)."""
    owner: list[int | None] = [None] * len(written)
    taken: dict[int, int] = {}  # slot -> rendering index
    # a rendering goes first to the term with fewest alternatives: what stays missing is then
    # the more flexible term, and its forced rendering is what a repair writes
    order = sorted(range(len(slots)), key=lambda k: len(slots[k]))

    def place(w: int, seen: set[int]) -> bool:
        for k in order:
            slot = slots[k]
            if k in seen or written[w] not in slot:
                continue
            seen.add(k)
            if k not in taken or place(taken[k], seen):
                taken[k] = w
                owner[w] = k
                return True
        return False

    for w in range(len(written)):
        place(w, set())
    for k, w in taken.items():
        owner[w] = k
    return owner


def forbidden_renderings(matches: Iterable[Match]) -> list[str]:
    """The renderings a sentence's terms must never take, once each, in source order."""
    return list(dict.fromkeys(f for m in matches for f in m.term.forbidden))


def find_forbidden(hypothesis: str, forbidden: Iterable[str]) -> dict[str, int]:
    """How often each forbidden rendering stands in ``hypothesis`` (matched as targets are)."""
    return dict(Counter(t for _, _, t in find_targets(hypothesis, forbidden)))


def spellings(rendering: str) -> list[str]:
    """The ways a rendering can be written that decoding must ban: as given, and with its first
    letter in the other case (the post-check accepts both, at a sentence start or not)."""
    other = rendering[:1].swapcase() + rendering[1:]
    return list(dict.fromkeys([rendering, other]))
