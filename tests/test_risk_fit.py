"""The review risk's weights are fitted, not set (issue 28 section 1): benchmarks/risk_ranking.py
fits them on its tabulated run (tests/data/risk-ranking.ct2.json, the run docs/benchmarks.md
reports), and catalog.risk.WEIGHTS is that fit."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from tarjama.catalog.risk import WEIGHTS

ROOT = Path(__file__).resolve().parent.parent
RATED = ROOT / "tests" / "data" / "risk-ranking.ct2.json"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("risk_ranking", ROOT / "benchmarks" / "risk_ranking.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rated() -> dict:
    return json.loads(RATED.read_text(encoding="utf-8"))


def test_the_shipped_weights_are_the_benchmarks_fit(bench, rated: dict) -> None:
    rows = rated["sentences"]
    fitted = bench.fit([r["signals"] for r in rows], [r["chrf"] for r in rows])
    assert set(fitted) == set(WEIGHTS)
    assert {k: round(WEIGHTS[k], 2) for k in WEIGHTS} == pytest.approx(fitted, abs=0.011)


def test_weights_fitted_without_an_article_rank_it_better_than_the_reasoned_ones(bench, rated: dict) -> None:
    """The honest figure: each article rated with weights fitted on the others, against the
    weights set by reason (the fit's prior, fitted on nothing) and the model's confidence."""
    rows = rated["sentences"]
    features = [r["signals"] for r in rows]
    bad = [-r["chrf"] for r in rows]
    held_back = bench.left_out(rows, features, bench.PRIOR, bench.PRIOR_SD)
    reasoned = [bench.risk(f, bench.PRIOR) for f in features]
    doubt = [f.get("doubt", 0.0) for f in features]
    for pick in (range(len(rows)), [i for i, r in enumerate(rows) if r["group"] != "held in"]):
        rho = {
            name: bench.spearman([v[i] for i in pick], [bad[i] for i in pick])
            for name, v in (("fitted", held_back), ("reasoned", reasoned), ("doubt", doubt))
        }
        assert rho["fitted"] > rho["reasoned"] + 0.1 and rho["fitted"] > rho["doubt"] + 0.3, rho


def test_the_fit_follows_the_data_never_below_zero_and_keeps_the_prior_where_it_has_none(bench) -> None:
    rng = random.Random(7)
    features, quality = [], []
    for _ in range(80):
        lost = rng.random() < 0.3
        off = rng.random()
        sure = rng.random()
        features.append({"numbers": float(lost), "length": off, "doubt": sure})
        # a lost number and a bad length make a sentence worse; the model's doubt goes the wrong way
        quality.append(100 - 40 * lost - 30 * off + 20 * sure + rng.gauss(0, 3))
    fitted = bench.fit(features, quality)
    assert fitted["numbers"] > 1.0 and fitted["length"] > 1.0
    assert fitted["doubt"] == 0.0  # a finding never lowers the risk: held at zero, not negative
    for never in ("arabic left", "markup", "repetition", "glossary", "split", "fuzzy memory"):
        assert fitted[never] == bench.PRIOR[never]
