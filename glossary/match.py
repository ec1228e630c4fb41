"""Find glossary terms in Arabic text as it is written (folded, variant- and clitic-aware).

Rules: whole words only (a term never matches inside a longer word); proclitics only on a
term's first word (see :mod:`tarjama.glossary.variants`); longest match first, then
leftmost; matches never overlap, so a term inside a longer matched term (هانوي inside
اتفاقية هانوي) is not reported on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from tarjama.glossary.normalize import fold, normalize, words
from tarjama.glossary.terms import Glossary, Term
from tarjama.glossary.variants import canonical, stems


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the original text; text[start:end] == surface
    end: int
    surface: str  # as written, clitics included (e.g. "لاتفاقية هانوي")
    clitics: str  # the proclitic letters in front of the term ("ل"), '' for none
    term: Term

    @property
    def target(self) -> str:
        return self.term.target


class Matcher:
    """A glossary indexed by the canonical key of each term's first word."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._by_first: dict[str, list[Term]] = {}
        for term in glossary.terms:
            key = term.key
            if key:
                self._by_first.setdefault(key[0], []).append(term)
        for bucket in self._by_first.values():
            bucket.sort(key=lambda t: -len(t.key))

    def find(self, text: str) -> list[Match]:
        """All term occurrences in ``text``, in text order."""
        folded = normalize(text)
        toks = words(folded.text)
        keys = [canonical(w.text) for w in toks]
        candidates: list[tuple[int, int, str, Term]] = []  # (first token, end token, clitics, term)
        for i, tok in enumerate(toks):
            for clitics, stem in stems(tok.text):
                for term in self._by_first.get(stem, ()):
                    key = term.key
                    j = i + len(key)
                    if j <= len(toks) and tuple(keys[i + 1 : j]) == key[1:]:
                        candidates.append((i, j, clitics, term))
        # longest (in tokens, then characters) first, then leftmost; bare readings before clitic ones
        candidates.sort(
            key=lambda c: (-(c[1] - c[0]), -(toks[c[1] - 1].end - toks[c[0]].start), c[0], len(c[2]))
        )
        taken = [False] * len(toks)
        chosen: list[tuple[int, int, str, Term]] = []
        for i, j, clitics, term in candidates:
            if any(taken[i:j]):
                continue
            taken[i:j] = [True] * (j - i)
            chosen.append((i, j, clitics, term))
        chosen.sort()
        out = []
        for i, j, clitics, term in chosen:
            start, end = folded.span(toks[i].start, toks[j - 1].end)
            while end < len(text) and not fold(text[end]):  # trailing tashkeel belongs to the word
                end += 1
            out.append(Match(start, end, text[start:end], clitics, term))
        return out
