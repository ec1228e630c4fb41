"""Compare systems on one reference: scores, significance against the first system, disagreements.

Systems arrive as aligned hypothesis lists (translating with a model is the CLI's job,
through the pipeline, so every system sees the same segmentation and glossary). Which
metrics are scored and tested is the registry's business (:mod:`tarjama.evaluation.metrics`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tarjama.evaluation import metrics as registry
from tarjama.evaluation.hypotheses import Segments, check_aligned
from tarjama.evaluation.scoring import Scores, score
from tarjama.evaluation.significance import ALPHA, SignificanceResult, paired_tests
from tarjama.glossary import Glossary

COMPARE_HINT = (
    "compare pairs sentences across systems, so every system needs the reference's segmentation; "
    "score this one alone with `tarjama score --realign` or `--document`"
)


@dataclass
class System:
    name: str
    hypotheses: Segments
    origin: str  # model id/dir or hypothesis file, for the report
    sentences_per_second: float | None = None  # translation speed, when tarjama translated it
    seconds: float | None = None  # translation time (model loading excluded)


@dataclass
class Disagreement:
    index: int  # 1-based segment
    spread: float  # best minus worst sentence score (the first ranking metric, chrF++) across systems
    source: str | None
    reference: str
    outputs: dict[str, tuple[str, float]]  # system → (hypothesis, that sentence score)


@dataclass
class Comparison:
    systems: list[System]
    scores: dict[str, Scores]
    tests: SignificanceResult
    reference: str
    segments: int
    disagreements: list[Disagreement] = field(default_factory=list)
    alpha: float = ALPHA

    @property
    def baseline(self) -> str:
        return self.systems[0].name


def compare(
    systems: Sequence[System],
    reference: Segments,
    sources: Sequence[str] | None = None,
    glossary: Glossary | None = None,
    disagreements: int = 5,
) -> Comparison:
    """Score every system; test each against systems[0]; pick the sentences they disagree on most."""
    if len(systems) < 2:
        raise ValueError("compare needs at least two systems (the first is the baseline)")
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        raise ValueError(f"system names must be unique: {names}")
    for system in systems:
        check_aligned(system.hypotheses, reference, sources, COMPARE_HINT)
    if sources is None:
        sources = next((s.hypotheses.known_sources() for s in systems if s.hypotheses.has_sources), None)
        if sources is None:
            sources = reference.known_sources()
    refs = reference.texts
    scores = {s.name: score(s.hypotheses.texts, refs, sources, glossary) for s in systems}
    tests = paired_tests([(s.name, s.hypotheses.texts) for s in systems], refs, sources=sources)
    return Comparison(
        list(systems),
        scores,
        tests,
        reference.origin,
        len(refs),
        most_disagreed(scores, refs, sources, disagreements),
    )


def most_disagreed(
    scores: dict[str, Scores], references: Sequence[str], sources: Sequence[str] | None, n: int
) -> list[Disagreement]:
    """The n segments with the widest spread between systems of the first ranking metric (chrF++)."""
    key = registry.ranking()[0].key
    rows = []
    for i, ref in enumerate(references):
        outputs = {
            name: (s.sentences[i].hypothesis, s.sentences[i].values[key]) for name, s in scores.items()
        }
        values = [v for _, v in outputs.values()]
        rows.append(
            Disagreement(i + 1, max(values) - min(values), sources[i] if sources else None, ref, outputs)
        )
    rows.sort(key=lambda d: (-d.spread, d.index))
    return [d for d in rows[:n] if d.spread > 0]
