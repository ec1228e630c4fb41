"""Term accuracy (WMT21 terminology task): exact-match accuracy of required target terms.

For each source sentence the glossary gives the required English terms (one per source
occurrence); a hypothesis earns one point per occurrence it holds, counted with
:func:`tarjama.glossary.check_hypothesis` (whole words, longest first, no overlaps).
``accuracy = correct / total``; a sentence with no terms adds nothing. Duplicates are
reported separately: they are not credit, and enforcement must never produce them.

Not an entry of the metric registry (:mod:`tarjama.evaluation.metrics`): it needs the Arabic
sources and a glossary besides hypothesis and reference, it is a count with its misses listed
rather than a sacrebleu score with a signature, and the paired tests cannot resample it. Score
JSON, reports and terminal tables give it a column of its own.

Also :func:`check_catalogs`, behind ``tarjama glossary check PO...``: report every entry
the pipeline marked as missing a term (`catalog.notes.GlossaryMissing`), and re-check translated entries against their
msgid so a translator's edit that drops a term is caught too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tarjama.catalog.notes import GlossaryMissing, notes
from tarjama.catalog.po_file import load_po
from tarjama.glossary import (
    Glossary,
    Matcher,
    Required,
    check_hypothesis,
    find_forbidden,
    forbidden_renderings,
    required_targets,
)


@dataclass(frozen=True)
class TermMiss:
    sentence: int  # 0-based index into the inputs
    target: str
    expected: int
    found: int


@dataclass
class TermAccuracy:
    correct: int = 0
    total: int = 0
    misses: list[TermMiss] = field(default_factory=list)  # found < expected
    duplicates: list[TermMiss] = field(default_factory=list)  # found > expected
    # every required target of every sentence, got or not: the report's per-term view
    occurrences: list[TermMiss] = field(default_factory=list)
    # target → the Arabic forms it was required for, as written in the sources (when known)
    surfaces: dict[str, list[str]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        """1.0 when there is nothing to get right."""
        return self.correct / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"term accuracy {self.accuracy:.1%} ({self.correct}/{self.total})"


def term_accuracy(sources: Sequence[str], hypotheses: Sequence[str], glossary: Glossary) -> TermAccuracy:
    if len(sources) != len(hypotheses):
        raise ValueError(f"{len(sources)} sources but {len(hypotheses)} hypotheses")
    matcher = Matcher(glossary)
    found = [matcher.find(s) for s in sources]
    result = accuracy_of([required_targets(matches) for matches in found], hypotheses)
    for matches in found:
        for m in matches:
            seen = result.surfaces.setdefault(m.target, [])
            if m.surface not in seen:
                seen.append(m.surface)
    return result


def accuracy_of(required: Sequence[Sequence[Required]], hypotheses: Sequence[str]) -> TermAccuracy:
    """Term accuracy from per-sentence required targets (when the matches are already known): each
    one approved rendering, or a term's alternative approved forms (any one of them is correct)."""
    result = TermAccuracy()
    for i, (need, hyp) in enumerate(zip(required, hypotheses, strict=True)):
        if not need:
            continue
        check = check_hypothesis(need, hyp)
        result.correct += check.correct
        result.total += check.total
        result.occurrences += [TermMiss(i, t, n, check.found[t]) for t, n in check.required.items()]
        result.misses += [TermMiss(i, t, check.required[t], check.found[t]) for t in check.missing]
        result.duplicates += [TermMiss(i, t, check.required[t], check.found[t]) for t in check.duplicated]
    return result


@dataclass(frozen=True)
class CatalogProblem:
    po: Path
    line: int  # line of the entry's msgid in the PO file
    msgid: str
    problem: str  # "missing 'Hanoi'" ...

    def __str__(self) -> str:
        head = self.msgid if len(self.msgid) <= 60 else self.msgid[:57] + "..."
        return f"{self.po}:{self.line}: {head}: {self.problem}"


def check_catalogs(paths: Sequence[Path], glossary: Glossary | None) -> list[CatalogProblem]:
    """Every glossary problem in the PO files: pipeline markers, and (with a glossary) a re-check."""
    matcher = Matcher(glossary) if glossary is not None else None
    problems: list[CatalogProblem] = []
    for path in paths:
        po = load_po(Path(path))
        for entry in po:
            if entry.obsolete:
                continue
            line = entry.linenum
            assert line is not None  # polib numbers every entry it parses (load_po above)
            marked = [(n.term, n.times) for n in notes(entry.comment) if isinstance(n, GlossaryMissing)]
            found: list[tuple[str, str, int]] = [("missing", t, n) for t, n in marked]
            if matcher is not None and entry.msgstr.strip():
                matches = matcher.find(entry.msgid)
                # a forbidden rendering is a problem wherever it came from: MT, memory or a translator
                forbidden = find_forbidden(entry.msgstr, forbidden_renderings(matches))
                found += [("forbidden", t, n) for t, n in forbidden.items()]
                if not marked:
                    missing = check_hypothesis(required_targets(matches), entry.msgstr).missing
                    found += [("missing", t, n) for t, n in missing.items()]
            problems += [
                CatalogProblem(Path(path), line, entry.msgid, f"{what} {t!r}" + (f" x{n}" if n > 1 else ""))
                for what, t, n in found
            ]
    return problems
