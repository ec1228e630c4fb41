"""Backend-independent verification: which approved targets a translation must hold, and does it?

``required_targets(matches)`` turns a sentence's matches into its required English terms,
one per source occurrence, in source order. ``check_hypothesis(required, hypothesis)``
counts them in the output the same way matching counts them in the source: whole words,
longest first, no overlaps (so "Hanoi" inside "Hanoi Convention" is not a second "Hanoi"),
and reports what is missing and what is duplicated. Any backend (transformers, CTranslate2
repair loops, a translator's edit) is judged by this one function.

Case: exact, except the first letter may change case (a term that opens the sentence,
"signing ceremony" → "Signing ceremony").
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


def required_targets(matches: Iterable[Match]) -> list[str]:
    return [m.target for m in matches]


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
    required: Counter[str]
    found: Counter[str]

    @property
    def missing(self) -> dict[str, int]:
        return {t: n - self.found[t] for t, n in self.required.items() if self.found[t] < n}

    @property
    def duplicated(self) -> dict[str, int]:
        return {t: self.found[t] - n for t, n in self.required.items() if self.found[t] > n}

    @property
    def correct(self) -> int:
        return sum(min(n, self.found[t]) for t, n in self.required.items())

    @property
    def total(self) -> int:
        return sum(self.required.values())

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicated


def check_hypothesis(required: Sequence[str], hypothesis: str) -> TermCheck:
    """Compare the required targets (one per source occurrence) with what ``hypothesis`` holds."""
    need = Counter(required)
    found = Counter(t for _, _, t in find_targets(hypothesis, need))
    return TermCheck(need, found)


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
