"""Paired significance tests against a baseline, with sacrebleu's own implementation.

Paired bootstrap resampling (1000 resamples) gives each system's 95% confidence interval
and a p-value; paired approximate randomization (10000 trials) gives a second p-value.
Both use sacrebleu's fixed seed (``SACREBLEU_SEED``, default 12345), so a report is
reproducible, and the seed is in the signatures.

One correction: sacrebleu counts resamples whose difference is *strictly greater* than the
observed one and adds one, so a system compared with an identical copy of the baseline
(observed difference exactly 0) gets p = 1/1001 and looks "significant". With no
difference at all there is nothing to test, so such a comparison is given p = 1.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sacrebleu.significance import PairedTest

from tarjama.evaluation.scoring import bleu, chrf

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
    metrics: list[str]  # sacrebleu metric names, e.g. BLEU, chrF2++
    systems: dict[str, dict[str, Tested]]  # system → metric → result, baseline first
    signatures: dict[str, str]  # "BLEU (paired bootstrap)" → signature with bs:1000 and the seed


def paired_tests(
    systems: Sequence[tuple[str, Sequence[str]]],
    references: Sequence[str],
    bootstrap_samples: int = BOOTSTRAP_SAMPLES,
    ar_trials: int = AR_TRIALS,
) -> SignificanceResult:
    """BLEU and chrF++ for every system; p-values of each against systems[0]."""
    named = [(name, list(hyps)) for name, hyps in systems]
    refs = [list(references)]
    sig_bs, bs = PairedTest(
        named, {"BLEU": bleu(), "chrF": chrf()}, refs, test_type="bs", n_samples=bootstrap_samples
    )()
    sig_ar, ar = PairedTest(
        named, {"BLEU": bleu(), "chrF": chrf()}, refs, test_type="ar", n_samples=ar_trials
    )()
    metrics = [m for m in bs if m != "System"]
    out: dict[str, dict[str, Tested]] = {name: {} for name, _ in named}
    for metric in metrics:
        base = bs[metric][0].score
        for i, (name, _) in enumerate(named):
            b, a = bs[metric][i], ar[metric][i]
            p_bs, p_ar = b.p_value, a.p_value
            if i and b.score == base:  # no observed difference: see the module docstring
                p_bs = p_ar = 1.0
            out[name][metric] = Tested(b.score, float(b.mean), float(b.ci), p_bs, p_ar)
    signatures = {f"{m} (paired bootstrap)": sig_bs[m].format() for m in metrics}
    signatures |= {f"{m} (approximate randomization)": sig_ar[m].format() for m in metrics}
    return SignificanceResult(metrics, out, signatures)
