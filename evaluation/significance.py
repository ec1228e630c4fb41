"""Paired significance tests against a baseline, with sacrebleu's own implementation.

Every tested metric goes through sacrebleu's tests: a sacrebleu metric as it is, a metric that
scores sentences (``metrics.SentenceMean``) by its sentence scores, whose mean each resample
takes. Paired bootstrap resampling (1000 resamples) gives each system's 95% confidence interval
and a p-value; paired approximate randomization (10000 trials) gives a second p-value.
Both use sacrebleu's fixed seed (``SACREBLEU_SEED``, default 12345), so a report is
reproducible, and the seed is in the signatures.

One correction: sacrebleu counts resamples whose difference is *strictly greater* than the
observed one and adds one, so a system compared with an identical copy of the baseline
(observed difference exactly 0) gets p = 1/1001 and looks "significant". With no
difference at all there is nothing to test, so such a comparison is given p = 1.0.

The tests run on the registered metrics marked ``tested`` (BLEU and chrF++ by default; see
:mod:`tarjama.evaluation.metrics`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sacrebleu.metrics.base import Signature
from sacrebleu.significance import PairedTest

from tarjama.evaluation import metrics as registry

ALPHA = 0.05
BOOTSTRAP_SAMPLES = 1000
AR_TRIALS = 10000


@dataclass
class Tested:
    """One metric for one system: the corpus score, its bootstrap CI, p-values against the baseline."""

    score: float
    mean: float
    ci: float  # half-width of the 95% interval from paired bootstrap
    p_bootstrap: float | None = None  # None for the baseline
    p_ar: float | None = None

    def significant(self, alpha: float = ALPHA) -> bool:
        """Both tests agree that the difference from the baseline is unlikely to be chance."""
        return (
            self.p_bootstrap is not None
            and self.p_ar is not None
            and self.p_bootstrap < alpha
            and self.p_ar < alpha
        )


@dataclass
class SignificanceResult:
    metrics: list[str]  # keys of the tested metrics (e.g. bleu, chrf), in registry order
    systems: dict[str, dict[str, Tested]]  # system → metric key → result, baseline first
    signatures: dict[str, str]  # "BLEU (paired bootstrap)" → signature with bs:1000 and the seed
    labels: dict[str, str] = field(default_factory=dict)  # metric key → sacrebleu's name (chrF2++)


def paired_tests(
    systems: Sequence[tuple[str, Sequence[str]]],
    references: Sequence[str],
    bootstrap_samples: int = BOOTSTRAP_SAMPLES,
    ar_trials: int = AR_TRIALS,
    sources: Sequence[str] | None = None,
) -> SignificanceResult:
    """Every tested metric for every system; p-values of each against systems[0]. A tested
    metric that needs the sources is left out where they are not known."""
    named: list[tuple[str, Sequence[str]]] = [(name, list(hyps)) for name, hyps in systems]
    out: dict[str, dict[str, Tested]] = {name: {} for name, _ in named}
    metrics = [m for m in registry.tested() if sources is not None or not m.needs_sources]
    keys = [m.key for m in metrics]
    if not keys:
        return SignificanceResult([], out, {})
    refs = [list(references)]

    # sacrebleu types every column list[str | Result]: only its "System" column holds the names,
    # and only metric columns (Results) are read below
    def run(test_type: str, n_samples: int) -> tuple[dict[str, Signature], dict[str, list[Any]]]:
        # fresh metric objects per test; PairedTest renames its columns to the metrics' own names
        scorers = {m.key: m.paired(sources) for m in metrics}
        return PairedTest(named, scorers, refs, test_type=test_type, n_samples=n_samples)()

    sig_bs, bs = run("bs", bootstrap_samples)
    sig_ar, ar = run("ar", ar_trials)
    labels = dict(zip(keys, [m for m in bs if m != "System"], strict=True))
    for key, label in labels.items():
        base = bs[label][0].score
        for i, (name, _) in enumerate(named):
            b, a = bs[label][i], ar[label][i]
            p_bs, p_ar = b.p_value, a.p_value
            if i and b.score == base:  # no observed difference: see the module docstring
                p_bs = p_ar = 1.0
            out[name][key] = Tested(b.score, float(b.mean), float(b.ci), p_bs, p_ar)
    signatures = {f"{m} (paired bootstrap)": sig_bs[m].format() for m in labels.values()}
    signatures |= {f"{m} (approximate randomization)": sig_ar[m].format() for m in labels.values()}
    return SignificanceResult(keys, out, signatures, labels)
