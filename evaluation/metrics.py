"""The metrics tarjama scores with, in one registry that scoring, significance and reports loop over.

Each :class:`Metric` says everything the rest of ``evaluation/`` needs to know about it: the
name shown to people, the key of report rows, how it scores a batch (hypotheses, references
and, when it needs them, the Arabic sources) into a corpus score with a signature and, where it
has them, sentence scores; the direction; whether the paired significance tests run on it; and
how it is printed. Two kinds are built in:

- :class:`SacreBleu`: a sacrebleu metric (BLEU, chrF++, TER), its corpus score and signature
  sacrebleu's own.
- :class:`SentenceMean`: a metric that scores sentences in batches (a neural metric such as
  COMET; anything that reads the sources) and whose corpus score is their mean. A subclass
  implements ``score_batch`` and names its signature; the paired tests resample its sentence
  scores through sacrebleu's own implementation (:class:`_SentenceStatistics`).

Adding a metric is one :func:`register` call here (or in a module imported by this one, or,
for a test, :func:`registered`); nothing else changes. A metric that needs the sources is left
out (shown as not scored) where they are not known.

Registration order is output order: the columns of the score table and of the reports, the
keys of ``tarjama score --json`` and of ``report.json``. The built-in order (BLEU, chrF++,
TER) is the one the recorded goldens hold.

Term accuracy is not a metric here, on purpose: it needs a glossary, it is a count with misses
to list rather than a score with a signature, and the paired tests cannot resample it. It stays
a column of its own, from :mod:`tarjama.evaluation.term_accuracy`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric as SacreMetric
from sacrebleu.metrics.base import Score, Signature


@dataclass(frozen=True)
class Batch:
    """What a metric scores: aligned hypotheses and references, and their Arabic sources when known."""

    hypotheses: Sequence[str]
    references: Sequence[str]
    sources: Sequence[str] | None = None


@dataclass(frozen=True)
class Measured:
    """A corpus score with the metric's own name for it (sacrebleu's, e.g. ``chrF2++``) and
    signature; and the sentence scores, for a metric that has them."""

    score: float
    label: str
    signature: str
    sentences: tuple[float, ...] | None = None


class Metric(ABC):
    """One metric as tarjama uses it; the registry holds these."""

    name: str  # as shown, and the key in `tarjama score --json`: "chrF++"
    key: str  # report rows, CSV columns, per-sentence scores: "chrf"
    higher_is_better: bool
    tested: bool  # paired bootstrap and approximate randomization against the baseline
    decimals: int  # digits shown in the terminal and report.md
    needs_sources: bool  # scored only where the Arabic sources are known

    @property
    @abstractmethod
    def sentence_level(self) -> bool:
        """Whether ``measure`` gives sentence scores (the worst-N list, report.json's sentences)."""

    @abstractmethod
    def measure(self, batch: Batch) -> Measured:
        """The corpus score, its label and signature (and the sentence scores) of one batch."""

    @abstractmethod
    def paired(self, sources: Sequence[str] | None) -> SacreMetric:
        """A fresh object for sacrebleu's paired tests (``significance.paired_tests``), which
        extract each system's statistics from its hypotheses and the references."""

    def format(self, value: float, width: int = 0) -> str:
        return f"{value:{width}.{self.decimals}f}"


@dataclass(frozen=True)
class SacreBleu(Metric):
    """A sacrebleu metric. ``corpus`` and ``sentence`` are factories, not instances: sacrebleu
    metrics keep state (cached references, the signature's bootstrap settings), so every use
    gets a fresh one."""

    name: str
    key: str
    corpus: Callable[[], SacreMetric]  # corpus score and signature
    sentence: Callable[[], SacreMetric] | None = None  # per-sentence score, where it means something
    higher_is_better: bool = True
    tested: bool = False
    decimals: int = 1
    needs_sources: bool = False

    @property
    def sentence_level(self) -> bool:
        return self.sentence is not None

    def measure(self, batch: Batch) -> Measured:
        metric = self.corpus()
        result = metric.corpus_score(list(batch.hypotheses), [list(batch.references)])
        sentences = None
        if self.sentence is not None:
            scorer = self.sentence()
            pairs = zip(batch.hypotheses, batch.references, strict=True)
            sentences = tuple(scorer.sentence_score(h, [r]).score for h, r in pairs)
        return Measured(result.score, result.name, metric.get_signature().format(), sentences)

    def paired(self, sources: Sequence[str] | None) -> SacreMetric:
        return self.corpus()


class SentenceMean(Metric):
    """A metric that scores sentences, ``batch_size`` at a time, and whose corpus score is the
    mean of its sentence scores (COMET's system score). A subclass sets ``name``, ``key`` (and
    the other :class:`Metric` attributes where the defaults do not fit) and ``version``, and
    implements :meth:`score_batch`; :meth:`signature_fields` adds what else identifies the
    scores (a model name). Scores of the last few batches are kept, so a system scored for its
    table and then resampled by both paired tests is scored once."""

    higher_is_better: bool = True
    tested: bool = False
    decimals: int = 1
    needs_sources: bool = False
    version: str = "1"  # the signature's version: change it when the scores change
    batch_size: int = 64  # sentences per score_batch call
    _KEPT: ClassVar[int] = 8  # batches whose scores are kept

    @abstractmethod
    def score_batch(
        self, hypotheses: Sequence[str], references: Sequence[str], sources: Sequence[str] | None
    ) -> Sequence[float]:
        """One score per sentence, in order (``sources`` is None only where ``needs_sources`` is
        false and the sources are not known)."""

    def signature_fields(self) -> dict[str, Any]:
        """What identifies the scores besides the version (a model name, a setting), in order."""
        return {}

    @property
    def sentence_level(self) -> bool:
        return True

    def sentence_scores(self, batch: Batch) -> tuple[float, ...]:
        sources = tuple(batch.sources) if batch.sources is not None else None
        memo_key = (tuple(batch.hypotheses), tuple(batch.references), sources)
        memo: dict[tuple, tuple[float, ...]] = self.__dict__.setdefault("_scored", {})
        if memo_key not in memo:
            hyps, refs = memo_key[0], memo_key[1]
            if len(hyps) != len(refs) or (sources is not None and len(sources) != len(hyps)):
                raise ValueError(f"metric {self.name!r}: the batch is not aligned")
            scores: list[float] = []
            for at in range(0, len(hyps), self.batch_size):
                end = at + self.batch_size
                part = self.score_batch(hyps[at:end], refs[at:end], sources[at:end] if sources else None)
                if len(part) != len(hyps[at:end]):
                    raise ValueError(f"metric {self.name!r} gave {len(part)} scores for {len(hyps[at:end])}")
                scores += [float(x) for x in part]
            while len(memo) >= self._KEPT:
                del memo[next(iter(memo))]
            memo[memo_key] = tuple(scores)
        return memo[memo_key]

    def signature(self) -> Signature:
        """sacrebleu's signature type, so the paired tests add their seed and sample counts."""
        sig = Signature({"num_refs": 1})
        sig.info = {"nrefs": 1, **self.signature_fields(), "bs": None, "ar": None, "seed": None}
        sig.info["version"] = self.version
        return sig

    def measure(self, batch: Batch) -> Measured:
        scores = self.sentence_scores(batch)
        mean = sum(scores) / len(scores) if scores else 0.0
        return Measured(mean, self.name, self.signature().format(), scores)

    def paired(self, sources: Sequence[str] | None) -> SacreMetric:
        return _SentenceStatistics(self, sources)


class _SentenceStatistics(SacreMetric):
    """A :class:`SentenceMean` metric as sacrebleu's paired tests see it: each sentence's
    statistics are (score, 1), so a resample's summed statistics give its mean score."""

    def __init__(self, metric: SentenceMean, sources: Sequence[str] | None) -> None:
        super().__init__()
        self.metric = metric
        self.sources = sources

    def _extract_corpus_statistics(self, hypotheses: Sequence[str], references: Any) -> list[list[float]]:
        batch = Batch(list(hypotheses), list(references[0]), self.sources)
        return [[score, 1.0] for score in self.metric.sentence_scores(batch)]

    def _aggregate_and_compute(self, stats: Any) -> Score:
        totals = [sum(column) for column in zip(*stats, strict=True)] if len(stats) else [0.0, 0.0]
        return self._compute_score_from_stats(totals)

    def _compute_score_from_stats(self, stats: Any) -> Score:
        return Score(self.metric.name, float(stats[0] / stats[1]) if stats[1] else 0.0)

    def get_signature(self) -> Signature:
        return self.metric.signature()

    def _preprocess_segment(self, sent: str) -> str:  # statistics come from the metric, not here
        return sent

    def _extract_reference_info(self, refs: Sequence[str]) -> dict[str, Any]:
        return {}

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict) -> list[Any]:
        raise NotImplementedError("sentence statistics come from the metric's score_batch")


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Add a metric after the ones registered so far; its name and key must be new."""
    for other in _REGISTRY.values():
        if metric.key == other.key or metric.name == other.name:
            raise ValueError(
                f"metric {metric.name!r} ({metric.key}) clashes with {other.name!r} ({other.key})"
            )
    _REGISTRY[metric.key] = metric
    return metric


def unregister(key: str) -> None:
    del _REGISTRY[key]


@contextmanager
def registered(metric: Metric) -> Iterator[Metric]:
    """The metric registered for the duration of a block (tests, experiments)."""
    register(metric)
    try:
        yield metric
    finally:
        unregister(metric.key)


def all_metrics() -> tuple[Metric, ...]:
    """Every registered metric, in output order."""
    return tuple(_REGISTRY.values())


def get(key: str) -> Metric:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"no metric {key!r} is registered (have: {', '.join(_REGISTRY)})") from None


def tested() -> tuple[Metric, ...]:
    """The metrics the paired significance tests run on."""
    return tuple(m for m in _REGISTRY.values() if m.tested)


def sentence_level() -> tuple[Metric, ...]:
    """The metrics with a per-sentence score."""
    return tuple(m for m in _REGISTRY.values() if m.sentence_level)


# Sentences are ranked (the worst-N list, the disagreements of a comparison) by these
# sentence-level scores in turn: chrF++ first, as it is steadier than sentence BLEU on one
# sentence, then BLEU to break ties. A new metric is scored per sentence but does not
# reorder the lists unless it is named here.
RANKING = ("chrf", "bleu")


def ranking() -> tuple[Metric, ...]:
    return tuple(get(key) for key in RANKING)


register(SacreBleu("BLEU", "bleu", BLEU, lambda: BLEU(effective_order=True), tested=True))
register(SacreBleu("chrF++", "chrf", lambda: CHRF(word_order=2), lambda: CHRF(word_order=2), tested=True))
register(SacreBleu("TER", "ter", TER, higher_is_better=False))
