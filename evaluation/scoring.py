"""Corpus scores with their signatures, plus per-sentence scores, for every registered metric.

Which metrics (BLEU, chrF++, TER by default) is :mod:`tarjama.evaluation.metrics`'s business;
this module only hands each one the batch (hypotheses, references and the sources when known)
and collects what it measured. The built-in corpus scores and signatures are sacrebleu's own, so
a number here can be compared with any paper that prints the same signature. Their per-sentence
scores (sentence BLEU with effective order, sentence chrF++) only rank sentences for the
worst-N list; they are not averaged. Term accuracy comes from :mod:`tarjama.evaluation.term_accuracy` when the sources
are known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from tarjama.errors import InputError
from tarjama.evaluation import metrics as registry
from tarjama.evaluation.hypotheses import Misaligned, Segments, State, check_aligned, documents
from tarjama.evaluation.hypotheses import realign as realign_segments
from tarjama.evaluation.term_accuracy import TermAccuracy, term_accuracy
from tarjama.glossary import Glossary


@dataclass
class SentenceScore:
    index: int  # 1-based segment number
    values: dict[str, float]  # metric key → sentence score, for the sentence-level metrics
    hypothesis: str
    reference: str
    source: str | None = None

    def rank_key(self) -> tuple[float, ...]:
        """Worst first: the ranking metrics in turn (see metrics.RANKING), then the segment number."""
        return (
            *(self.values[m.key] if m.higher_is_better else -self.values[m.key] for m in registry.ranking()),
            self.index,
        )

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            **self.values,
            "hypothesis": self.hypothesis,
            "reference": self.reference,
            "source": self.source,
        }


@dataclass
class Scores:
    segments: int
    values: dict[str, float]  # metric key → corpus score, in registry order
    signatures: dict[str, str]  # the metric's own name for itself (sacrebleu's chrF2++) → signature
    terms: TermAccuracy | None = None
    sentences: list[SentenceScore] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)  # keys of metrics that need the sources

    def worst(self, n: int) -> list[SentenceScore]:
        """The n lowest sentences by the ranking metrics (chrF++, then BLEU)."""
        return sorted(self.sentences, key=SentenceScore.rank_key)[:n]

    def as_dict(self, worst: int = 0) -> dict:
        d: dict = {"segments": self.segments}
        # every registered metric, in registry order: null where it needs the sources and has none
        d |= {
            m.name: self.values.get(m.key)
            for m in registry.all_metrics()
            if m.key in self.values or m.key in self.unscored
        }
        d |= {"signatures": self.signatures, "term_accuracy": None}
        if self.terms is not None:
            d["term_accuracy"] = {
                "accuracy": self.terms.accuracy,
                "correct": self.terms.correct,
                "total": self.terms.total,
                "misses": [asdict(m) for m in self.terms.misses],
            }
        if worst:
            d["worst"] = [s.as_dict() for s in self.worst(worst)]
        return d


def measure_all(batch: registry.Batch) -> tuple[dict[str, registry.Measured], list[str]]:
    """(metric key → what it measured, in registry order; keys of the metrics left out because
    they need the sources and the batch has none)."""
    if len(batch.hypotheses) != len(batch.references):
        raise ValueError(f"{len(batch.hypotheses)} hypotheses but {len(batch.references)} references")
    measured: dict[str, registry.Measured] = {}
    unscored: list[str] = []
    labels: set[str] = set()
    for metric in registry.all_metrics():
        if metric.needs_sources and batch.sources is None:
            unscored.append(metric.key)
            continue
        result = metric.measure(batch)
        if result.label in labels:  # signatures (and the paired tests) go by the metric's own name
            raise ValueError(f"metric {metric.name!r}: sacrebleu calls it {result.label!r}, as another one")
        labels.add(result.label)
        measured[metric.key] = result
    return measured, unscored


def corpus_scores(
    hypotheses: Sequence[str], references: Sequence[str], sources: Sequence[str] | None = None
) -> tuple[dict[str, float], dict[str, str]]:
    """(metric key → score, the metric's label → signature) for every registered metric."""
    measured, _ = measure_all(registry.Batch(hypotheses, references, sources))
    return {k: m.score for k, m in measured.items()}, {m.label: m.signature for m in measured.values()}


def score(
    hypotheses: Sequence[str],
    references: Sequence[str],
    sources: Sequence[str] | None = None,
    glossary: Glossary | None = None,
) -> Scores:
    measured, unscored = measure_all(registry.Batch(hypotheses, references, sources))
    per_sentence = {key: m.sentences for key, m in measured.items() if m.sentences is not None}
    sentences = [
        SentenceScore(
            i + 1,
            {key: scores[i] for key, scores in per_sentence.items()},
            h,
            r,
            sources[i] if sources is not None else None,
        )
        for i, (h, r) in enumerate(zip(hypotheses, references, strict=True))
    ]
    terms = None
    if sources is not None and glossary is not None:
        terms = term_accuracy(list(sources), list(hypotheses), glossary)
    values = {key: m.score for key, m in measured.items()}
    signatures = {m.label: m.signature for m in measured.values()}
    return Scores(len(hypotheses), values, signatures, terms, sentences, unscored)


@dataclass
class FileScore:
    """A hypothesis file scored against a reference: what was scored, and how."""

    hypothesis: str
    reference: str
    level: str  # "sentence" or "document"
    scores: Scores
    excluded: int = 0  # unreviewed segments left out by --reviewed-only
    groups: list[tuple[list[int], list[int]]] | None = None  # re-aligned: (hyp, ref) segment numbers
    merged: int = 0  # re-aligned groups that join more than one segment on a side

    def as_dict(self, worst: int = 0) -> dict:
        return {
            "hypothesis": self.hypothesis,
            "reference": self.reference,
            "level": self.level,
            "excluded_unreviewed": self.excluded,
            "realigned_groups": self.groups,
            "merged_groups": self.merged,
            **self.scores.as_dict(worst),
        }


def score_segments(
    hyp: Segments,
    ref: Segments,
    sources: Sequence[str] | None = None,
    glossary: Glossary | None = None,
    *,
    reviewed_only: bool = False,
    document: bool = False,
    realign: bool = False,
) -> FileScore:
    """Sentence level after an alignment check, or re-aligned, or document level.

    --reviewed-only drops unreviewed pairs (sentence level only). `sources` are the Arabic
    sentences of the reference's segmentation (gold TSV or the article); re-alignment needs them
    (or a PO reference) and a PO hypothesis.
    """
    if reviewed_only and (document or realign):
        raise InputError(
            "--reviewed-only needs sentence-aligned input; it cannot be combined with --document or --realign"
        )
    if realign and not document:
        ref_sources = sources if sources is not None else ref.known_sources()
        if ref_sources is None:
            raise InputError(
                "re-alignment needs the reference's Arabic sources: a PO reference or --source",
                path=ref.origin,
            )
        if len(hyp) == len(ref) and hyp.sources == list(ref_sources):
            return score_segments(hyp, ref, sources, glossary)  # already aligned
        groups = realign_segments(hyp, ref, ref_sources)
        result = score(groups.hypotheses, groups.references, groups.sources, glossary)
        merged = sum(1 for h, r in groups.groups if len(h) > 1 or len(r) > 1)
        return FileScore(hyp.origin, ref.origin, "re-aligned", result, groups=groups.groups, merged=merged)
    if document:
        names, hyp_docs = documents(hyp.docs, hyp.texts)
        ref_names, ref_docs = documents(ref.docs, ref.texts)
        if len(hyp_docs) != len(ref_docs):
            raise Misaligned(
                f"{len(hyp_docs)} documents but the reference {ref.origin} has {len(ref_docs)}",
                path=hyp.origin,
            )
        if len(names) > 1 and sorted(names) == sorted(ref_names):
            by_name = dict(zip(ref_names, ref_docs, strict=True))
            ref_docs = [by_name[n] for n in names]
        doc_sources = documents(hyp.docs, hyp.sources)[1] if hyp.has_sources else None
        return FileScore(hyp.origin, ref.origin, "document", score(hyp_docs, ref_docs, doc_sources, glossary))
    check_aligned(hyp, ref, sources)
    if sources is None:
        sources = hyp.known_sources() or ref.known_sources()
    keep = list(range(len(hyp)))
    if reviewed_only:
        keep = [i for i in keep if hyp.states[i] in (State.REVIEWED, State.TEXT)]
        if not keep:
            raise InputError("no reviewed entries to score (--reviewed-only)", path=hyp.origin)
    result = score(
        [hyp.texts[i] for i in keep],
        [ref.texts[i] for i in keep],
        [sources[i] for i in keep] if sources is not None else None,
        glossary,
    )
    for sentence, i in zip(result.sentences, keep, strict=True):
        sentence.index = i + 1  # number segments as in the files, not as in the kept subset
    return FileScore(hyp.origin, ref.origin, "sentence", result, len(hyp) - len(keep))
