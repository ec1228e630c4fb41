"""Find glossary terms in Arabic text as it is written (folded, variant- and clitic-aware).

Rules: whole words only (a term never matches inside a longer word); proclitics only on a
term's first word (see :mod:`tarjama.glossary.variants`); longest match first, then
leftmost; matches never overlap, so a term inside a longer matched term (هانوي inside
اتفاقية هانوي) is not reported on its own.

Names (person, place, organization, event, or the ``variants`` flag) also match their
transliteration family (:mod:`tarjama.glossary.families`: جوجل/غوغل/قوقل, ترامب/ترمب,
هوشي منه/هو تشي منه), as a second tier: on one span an exact match beats a family match;
a span that the family of two names with different targets reaches equally is reported
in :attr:`Scan.ambiguous` and matched to neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from tarjama.glossary.families import NOT_NAMES, FamilyTerm, family_term, family_text, text_skeleton
from tarjama.glossary.normalize import Folded, fold, normalize, words
from tarjama.glossary.terms import Glossary, Term
from tarjama.glossary.variants import canonical, stems


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the original text; text[start:end] == surface
    end: int
    surface: str  # as written, clitics included (e.g. "لاتفاقية هانوي")
    clitics: str  # the proclitic letters in front of the term ("ل"), '' for none
    term: Term
    family: bool = False  # matched as a spelling of the name's transliteration family

    @property
    def target(self) -> str:
        return self.term.target


@dataclass(frozen=True)
class Ambiguity:
    """A span that the transliteration families of several names reach equally: not matched."""

    start: int  # offsets in the original text; text[start:end] == surface
    end: int
    surface: str
    clitics: str
    terms: tuple[Term, ...]  # one per distinct target, in glossary order

    @property
    def targets(self) -> list[str]:
        return [t.target for t in self.terms]


@dataclass(frozen=True)
class Scan:
    matches: list[Match]  # what find() returns
    ambiguous: list[Ambiguity]  # in text order


EXACT, FAMILY = 0, 1


class Matcher:
    """A glossary indexed by the canonical key of each term's first word, and its names by
    their family skeleton (with every skeleton prefix, so a text window stops growing as
    soon as no name can start with it)."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._by_first: dict[str, list[Term]] = {}
        self._family: dict[str, list[FamilyTerm]] = {}
        self._prefixes: set[str] = set()
        self._family_words = 0
        for term in glossary.terms:
            key = term.key
            if key:
                self._by_first.setdefault(key[0], []).append(term)
            fam = family_term(term)
            if fam is not None:
                self._family.setdefault(fam.skeleton.key, []).append(fam)
                self._prefixes.update(fam.skeleton.key[:n] for n in range(len(fam.skeleton.key) + 1))
                self._family_words = max(self._family_words, fam.words)
        for bucket in self._by_first.values():
            bucket.sort(key=lambda t: -len(t.key))

    def find(self, text: str) -> list[Match]:
        """All term occurrences in ``text``, in text order (ambiguous names left out)."""
        return self.scan(text).matches

    def scan(self, text: str) -> Scan:
        """Matches and ambiguities in ``text``, each in text order."""
        folded = normalize(text)
        toks = words(folded.text)
        keys = [canonical(w.text) for w in toks]
        # (first token, end token, tier, clitics, term)
        candidates: list[tuple[int, int, int, str, Term]] = []
        for i, tok in enumerate(toks):
            for clitics, stem in stems(tok.text):
                for term in self._by_first.get(stem, ()):
                    key = term.key
                    j = i + len(key)
                    if j <= len(toks) and tuple(keys[i + 1 : j]) == key[1:]:
                        candidates.append((i, j, EXACT, clitics, term))
        if self._family:
            candidates.extend(self._family_candidates(text, folded))
        # longest (in tokens, then characters) first, then leftmost; exact before family;
        # bare readings before clitic ones
        candidates.sort(
            key=lambda c: (-(c[1] - c[0]), -(toks[c[1] - 1].end - toks[c[0]].start), c[0], c[2], len(c[3]))
        )
        taken = [False] * len(toks)
        chosen: list[tuple[int, int, str, tuple[Term, ...], int]] = []
        n = 0
        while n < len(candidates):
            i, j, tier, clitics, term = candidates[n]
            group = [candidates[n]]
            n += 1
            while n < len(candidates) and candidates[n][:3] == (i, j, tier):
                group.append(candidates[n])
                n += 1
            if any(taken[i:j]):
                continue
            taken[i:j] = [True] * (j - i)
            if tier == EXACT:
                chosen.append((i, j, clitics, (term,), tier))
                continue
            fewest = min(len(c[3]) for c in group)
            by_target: dict[str, Term] = {}
            for c in group:
                if len(c[3]) == fewest:
                    by_target.setdefault(c[4].target, c[4])
            best = next(c for c in group if len(c[3]) == fewest)
            chosen.append((i, j, best[3], tuple(by_target.values()), tier))
        chosen.sort(key=lambda c: c[0])
        matches: list[Match] = []
        ambiguous: list[Ambiguity] = []
        for i, j, clitics, terms, tier in chosen:
            start, end = folded.span(toks[i].start, toks[j - 1].end)
            while end < len(text) and not fold(text[end]):  # trailing tashkeel belongs to the word
                end += 1
            if len(terms) > 1:
                ambiguous.append(Ambiguity(start, end, text[start:end], clitics, terms))
            else:
                matches.append(Match(start, end, text[start:end], clitics, terms[0], tier == FAMILY))
        return Scan(matches, ambiguous)

    def _family_candidates(self, text: str, folded: Folded) -> list[tuple[int, int, int, str, Term]]:
        """Windows of 1 … n+1 whole words (first word with its clitics) whose skeleton is in
        a name's family; a window grows only while its settled skeleton is a name's prefix."""
        ftoks = words(family_text(text, folded))
        wordlike = [t.text[0].isalnum() for t in ftoks]
        canon = [canonical(t.text) for t in ftoks]
        out: list[tuple[int, int, int, str, Term]] = []
        limit = self._family_words + 1
        for i, tok in enumerate(ftoks):
            if not wordlike[i]:
                continue
            for clitics, stem in stems(tok.text):
                if stem in NOT_NAMES:
                    continue
                window = [stem]
                for j in range(i + 1, min(len(ftoks), i + limit) + 1):
                    if j > i + 1:
                        if not wordlike[j - 1]:
                            break
                        window.append(canon[j - 1])
                    sk = text_skeleton(tuple(window))
                    for fam in self._family.get(sk.key, ()):
                        if j - i <= fam.words + 1 and fam.accepts(sk):
                            out.append((i, j, FAMILY, clitics, fam.term))
                    if sk.key[:-1] not in self._prefixes:
                        break
        return out
