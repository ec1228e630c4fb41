"""The metrics tarjama scores with, in one registry that scoring, significance and reports loop over.

Each :class:`Metric` says everything the rest of ``evaluation/`` needs to know about it: the
name shown to people, the key of report rows, how sacrebleu computes the corpus score and its
signature, the sentence-level score where one makes sense, the direction, whether the paired
significance tests run on it, and how it is printed. Adding a metric is one
:func:`register` call here (or in a module imported by this one); nothing else changes.

Registration order is output order: the columns of the score table and of the reports, the
keys of ``tarjama score --json`` and of ``report.json``. The built-in order (BLEU, chrF++,
TER) is the one the recorded goldens hold.

Term accuracy is not a metric here, on purpose: it needs the Arabic sources and a glossary
(not just hypothesis and reference), it is a count with misses to list rather than a sacrebleu
score with a signature, and the paired tests cannot resample it. It stays a column of its own,
from :mod:`tarjama.evaluation.term_accuracy`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric as SacreMetric


@dataclass(frozen=True)
class Measured:
    """A corpus score with sacrebleu's own name for the metric (e.g. ``chrF2++``) and signature."""

    score: float
    label: str
    signature: str


@dataclass(frozen=True)
class Metric:
    """One metric as tarjama uses it.

    ``corpus`` and ``sentence`` are factories, not instances: sacrebleu metrics keep state
    (cached references, the signature's bootstrap settings), so every use gets a fresh one.
    """

    name: str  # as shown, and the key in `tarjama score --json`: "chrF++"
    key: str  # report rows, CSV columns, per-sentence scores: "chrf"
    corpus: Callable[[], SacreMetric]  # corpus score and signature
    sentence: Callable[[], SacreMetric] | None = None  # per-sentence score, where it means something
    higher_is_better: bool = True
    tested: bool = False  # paired bootstrap and approximate randomization against the baseline
    decimals: int = 1  # digits shown in the terminal and report.md

    def measure(self, hypotheses: Sequence[str], references: Sequence[str]) -> Measured:
        metric = self.corpus()
        result = metric.corpus_score(list(hypotheses), [list(references)])
        return Measured(result.score, result.name, metric.get_signature().format())

    def format(self, value: float, width: int = 0) -> str:
        return f"{value:{width}.{self.decimals}f}"


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
    return tuple(m for m in _REGISTRY.values() if m.sentence is not None)


# Sentences are ranked (the worst-N list, the disagreements of a comparison) by these
# sentence-level scores in turn: chrF++ first, as it is steadier than sentence BLEU on one
# sentence, then BLEU to break ties. A new metric is scored per sentence but does not
# reorder the lists unless it is named here.
RANKING = ("chrf", "bleu")


def ranking() -> tuple[Metric, ...]:
    return tuple(get(key) for key in RANKING)


register(Metric("BLEU", "bleu", BLEU, lambda: BLEU(effective_order=True), tested=True))
register(Metric("chrF++", "chrf", lambda: CHRF(word_order=2), lambda: CHRF(word_order=2), tested=True))
register(Metric("TER", "ter", TER, higher_is_better=False))
