"""Does the review risk rank sentences by their real quality? And the fit of its weights
(issue 28 section 1).

    python benchmarks/risk_ranking.py --work DIR      # train (or reuse DIR's model), translate, fit, print
    python benchmarks/risk_ranking.py --steps 300     # a quicker, weaker model
    python benchmarks/risk_ranking.py --model DIR     # a given checkpoint (e.g. opus-mt-ar-en)
    python benchmarks/risk_ranking.py --fit DIR/rated-ct2.json   # refit and tabulate a saved run

1. The tiny Marian is trained from scratch (`tarjama finetune --from-scratch tiny`) on every
   other sentence of the example's reviewed gold (examples/hanoi-convention.gold.tsv): "held in".
   The model is kept in --work and reused while the training data and --steps are the same.
2. The run core translates every gold sentence of the example (held in and held out) and of the
   test articles' golds (tests/data/*.gold.tsv, never trained on) the way the service does
   (`Run.translate_sentences`: glossary enforced, long sentences split), so each sentence gets the
   risk a catalog would show, and the signals it is made of (catalog.risk.signals).
3. Each sentence's real quality is its chrF++ against the reviewed reference (sacrebleu). A
   ranking signal is good when high risk goes with low chrF++: the table gives Spearman's rho
   between the signal and -chrF++, and the share of the worst 20 % of sentences (by chrF++) that
   are among the top 20 % by the signal (chance: 20 %).
4. The weights are fitted (:func:`fit`): pairwise logistic regression on the signals, every pair
   of sentences whose chrF++ differ, the worse one to score higher. The table gives the risk with
   the shipped weights (catalog.risk.WEIGHTS) and, the honest figure, with weights fitted on the
   other articles only (leave one article out: the example, held-in and held-out halves
   together, is one article). The weights fitted on all sentences are printed last, as
   catalog/risk.py holds them.

Signals compared: the risk; the model's confidence alone (its doubt); the checks alone (the
risk without the decoder's scores); sentence length, either way (longer or shorter = riskier);
and, not shipped, the risk with source length added as a signal. The chance floor line says how
much of chrF++ an unrelated sentence gets against the same reference.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the fit starts from and falls back to: the weights set by reason (docs/risk.md), in
# log-odds. A check that never fires on the benchmark (no pair tells it apart) keeps its own.
PRIOR: Mapping[str, float] = {
    "doubt": 3.0,
    "close second": 0.5,
    "arabic left": 3.0,
    "numbers": 2.5,
    "markup": 2.0,
    "repetition": 2.5,
    "length": 2.0,
    "glossary": 1.5,
    "split": 0.7,
    "fuzzy memory": 8.0,
}
PRIOR_SD = 3.0  # log-odds: weak, so that the data decides wherever it says anything
MIN_FIRES = 10  # a signal found on fewer sentences keeps its prior: a few sentences are anecdotes


def gold(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row[3], row[4]) for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1  # ties share their mean rank
        i = j + 1
    return out


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    var = math.sqrt(sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb))
    return cov / var if var else 0.0


def caught(signal: Sequence[float], quality: Sequence[float], share: float = 0.2) -> float:
    """Of the worst ``share`` by quality, the fraction in the top ``share`` by signal (ties in
    the signal broken against it: a signal that cannot tell sentences apart gets no credit)."""
    n = max(1, round(share * len(quality)))
    worst = set(sorted(range(len(quality)), key=lambda i: quality[i])[:n])
    top = sorted(range(len(signal)), key=lambda i: (-signal[i], i in worst))[:n]
    return len(worst & set(top)) / n


def fit(
    features: Sequence[Mapping[str, float]],
    quality: Sequence[float],
    prior: Mapping[str, float] = PRIOR,
    sd: float = PRIOR_SD,
) -> dict[str, float]:
    """Weights for catalog.risk's signals that order sentences as their quality does.

    Pairwise logistic regression (Bradley-Terry): for every pair with different quality,
    P(the worse one scores higher) = σ(Σ wᵢ·(xᵢ(worse) − xᵢ(better))), maximised with a Gaussian
    prior (``sd``) around ``prior`` and every weight ≥ 0 (a finding never lowers the risk).
    A signal found on fewer than MIN_FIRES sentences keeps its prior.
    The weights are log-odds, as in catalog.risk; the bias does not change an order and is not
    fitted (catalog.risk.BIAS: the base rate of a clean sentence). Newton steps with a line
    search; a weight pushed below 0 is held at 0 and the rest fitted again.
    """
    import numpy as np

    names = list(prior)
    x = np.array([[min(1.0, max(0.0, f.get(k, 0.0))) for k in names] for f in features])
    q = np.asarray(quality, dtype=float)
    worse, better = np.nonzero(q[:, None] < q[None, :])
    diff = x[worse] - x[better]
    mean = np.array([prior[k] for k in names])
    inv = 1.0 / sd**2
    scale = 1.0 / max(1, len(q))  # the data's weight grows with sentences, not with pairs

    def loss(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        s = diff @ w
        p = 0.5 * (1.0 + np.tanh(0.5 * s))  # σ(s), without overflow
        value = scale * np.logaddexp(0.0, -s).sum() + 0.5 * inv * ((w - mean) ** 2).sum()
        grad = -scale * diff.T @ (1.0 - p) + inv * (w - mean)
        hess = scale * diff.T @ (diff * (p * (1.0 - p))[:, None]) + inv * np.eye(len(w))
        return value, grad, hess

    w = mean.copy()
    fires = (x > 0).sum(axis=0)
    held = fires < MIN_FIRES
    for _ in range(len(w) + 1):
        for _ in range(100):
            value, grad, hess = loss(w)
            free = ~held
            step = np.zeros_like(w)
            step[free] = np.linalg.solve(hess[np.ix_(free, free)], grad[free])
            t = 1.0
            while t > 1e-9 and loss(w - t * step)[0] > value - 1e-4 * t * float(grad @ step):
                t /= 2
            w = w - t * step
            if float(np.abs(t * step).max()) < 1e-9:
                break
        below = (w < 0) & ~held
        if not below.any():
            break
        held |= below
        w[below] = 0.0
    return {k: round(float(v), 2) for k, v in zip(names, w, strict=True)}


def train(work: Path, pairs: list[tuple[str, str]], steps: int) -> tuple[Path, bool]:
    """The tiny model trained on ``pairs``; the one already in ``work`` when it was trained on
    the same pairs for the same steps (the training is most of the benchmark's time). And
    whether it trained one."""
    data = work / "train.tsv"
    text = "".join(f"{i}\t{i}\tbody\t{a}\t{e}\n" for i, (a, e) in enumerate(pairs, 1))
    out, stamp = work / "model", work / "model.json"
    made = {"steps": steps, "data": hashlib.sha256(text.encode()).hexdigest()}
    if (out / "config.json").is_file() and stamp.is_file():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")) == made:
                return out, False
        except ValueError:
            pass
    data.write_text(text, encoding="utf-8")
    stamp.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "tarjama", "finetune", "--from-scratch", "tiny", "--data", str(data)]
    cmd += ["--out", str(out), "--dev-fraction", "0", "--lr", "2e-3", "--batch-size", "8"]
    cmd += ["--warmup-steps", "30", "--eval-every", "100", "--max-steps", str(steps), "--epochs", "10000"]
    cmd += ["--threads", "1", "--quiet"]
    subprocess.run(cmd, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    stamp.write_text(json.dumps(made), encoding="utf-8")
    return out, True


DECODER = ("doubt", "close second")  # the signals from the decoder's scores; the rest are checks


def translate(model: Path, sources: list[str], backend: str) -> list[tuple[str, dict[str, float]]]:
    """Each source sentence through the run core: its translation and the signals its risk is
    made of (catalog.risk.signals, as the run core rated it)."""
    from tarjama.catalog.memory import TranslationMemory
    from tarjama.catalog.notes import SplitNote
    from tarjama.catalog.risk import DecoderScores, signals
    from tarjama.glossary import load_default
    from tarjama.run.core import Run
    from tarjama.run.options import Model, RunOptions
    from tarjama.sources import Kind
    from tarjama.sources.segment import Sentence
    from tarjama.translate.backend import DecodeSettings
    from tarjama.translate.model_source import resolve_model

    settings = DecodeSettings(backend=backend, beam=4)
    options = RunOptions(out_dir=model.parent / "unused", settings=settings)
    run = Run(options, Model(resolve_model(str(model)), settings), load_default(), TranslationMemory())
    sentences = [Sentence(n, 0, len(s), Kind.BODY, n, s) for n, s in enumerate(sources, 1)]
    done = run.translate_sentences(sentences)
    out = []
    for s in sources:
        t, plain = done[s], run.table.sentences[s].plain
        said = [*plain.notes(), *([SplitNote(plain.parts)] if plain.parts else [])]
        found = signals(s, t.text, said, DecoderScores(plain.confidence, plain.gap))
        out.append((t.text, {f.name: round(f.x, 4) for f in found}))
    return out


def chance_floor(outputs: Sequence[str], references: Sequence[str]) -> list[float]:
    """Per reference, the mean chrF++ the other sentences' outputs get against it: what an
    unrelated English sentence scores by chance, which grows with the reference's length."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF(word_order=2)
    out = []
    for i, ref in enumerate(references):
        others = [chrf.sentence_score(o, [ref]).score for j, o in enumerate(outputs) if j != i]
        out.append(sum(others) / max(1, len(others)))
    return out


def rate(args: argparse.Namespace) -> dict:
    """Train (or reuse) the model, translate every gold sentence, and tabulate per sentence its
    group, article, length, chrF++, chance floor and signals: what the fit and the tables need."""
    from sacrebleu.metrics import CHRF

    example = gold(ROOT / "examples" / "hanoi-convention.gold.tsv")
    held_in, held_out = example[0::2], example[1::2]
    groups = {"held in": held_in, "held out": held_out}
    article = {"held in": "hanoi-convention", "held out": "hanoi-convention"}
    for path in sorted((ROOT / "tests" / "data").glob("*.gold.tsv")):
        name = path.name.removesuffix(".gold.tsv")
        groups[name], article[name] = gold(path), name
    t0 = time.perf_counter()
    if args.model:
        model, made = args.model, str(args.model)
    else:
        model, fresh = train(args.work, held_in, args.steps)
        how = f"trained in {time.perf_counter() - t0:.0f} s" if fresh else "the one already trained there"
        made = f"tiny Marian from scratch, at most {args.steps} steps on the held-in half ({how})"
    rows = [(g, a, e) for g, pairs in groups.items() for a, e in pairs]
    done = translate(model, [a for _, a, _ in rows], args.backend)
    chrf = CHRF(word_order=2)
    floor = chance_floor([t for t, _ in done], [e for _, _, e in rows])
    return {
        "model": f"{made}; backend {args.backend}",
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "sentences": [
            {
                "group": g,
                "article": article[g],
                "chars": len(a),
                "chrf": round(chrf.sentence_score(t, [e]).score, 3),
                "floor": round(f, 3),
                "signals": found,
            }
            for (g, a, e), (t, found), f in zip(rows, done, floor, strict=True)
        ],
    }


def shortness(chars: int) -> float:
    """Source length as a signal (shorter = higher), for the table's row that tries it."""
    return max(0.0, 1.0 - math.log1p(chars) / math.log(300))


def risk(found: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    from tarjama.catalog.risk import Signal, combine

    return combine([Signal(k, x, "") for k, x in found.items()], weights).risk


def left_out(
    rows: Sequence[Mapping], features: Sequence[Mapping[str, float]], prior: Mapping[str, float], sd: float
) -> list[float]:
    """Each sentence's risk with weights fitted on the other articles only."""
    out = [0.0] * len(rows)
    for name in dict.fromkeys(r["article"] for r in rows):
        rest = [i for i, r in enumerate(rows) if r["article"] != name]
        weights = fit([features[i] for i in rest], [rows[i]["chrf"] for i in rest], prior, sd)
        for i, r in enumerate(rows):
            if r["article"] == name:
                out[i] = risk(features[i], weights)
    return out


def table(
    title: str, signals: Mapping[str, Sequence[float]], quality: Sequence[float], pick: Sequence[int]
) -> None:
    bad = [-quality[i] for i in pick]
    print(f"| {title} | Spearman rho (signal vs -chrF++) | worst 20 % in top 20 % |")
    print("|---|---:|---:|")
    for name, values in signals.items():
        v = [values[i] for i in pick]
        print(f"| {name} | {spearman(v, bad):+.3f} | {100 * caught(v, [quality[i] for i in pick]):.0f} % |")


def report(rated: Mapping, sd: float = PRIOR_SD) -> dict[str, float]:
    """Print the tables for a tabulated run (:func:`rate`); return the weights fitted on all."""
    from tarjama.catalog.risk import BIAS, WEIGHTS

    rows = rated["sentences"]
    quality = [r["chrf"] for r in rows]
    features = [r["signals"] for r in rows]
    with_length = [{**f, "source length": shortness(r["chars"])} for f, r in zip(features, rows, strict=True)]
    length = [float(r["chars"]) for r in rows]
    signals: dict[str, list[float]] = {
        "risk, shipped weights": [risk(f) for f in features],
        "risk, weights fitted without the sentence's article": left_out(rows, features, PRIOR, sd),
        "model confidence alone": [f.get("doubt", 0.0) for f in features],
        "checks alone (shipped weights)": [
            risk({k: x for k, x in f.items() if k not in DECODER}) for f in features
        ],
        "sentence length, longer = riskier": length,
        "sentence length, shorter = riskier": [-v for v in length],
        "(not shipped) risk + source length, fitted without the article": left_out(
            rows, with_length, {**PRIOR, "source length": 0.0}, sd
        ),
    }
    groups = list(dict.fromkeys(r["group"] for r in rows))
    counts = ", ".join(f"{g} {sum(r['group'] == g for r in rows)}" for g in groups)
    print(f"# risk ranking: {len(rows)} sentences ({counts})")
    print(f"# model: {rated['model']}; {rated['when']}")
    shipped = signals["risk, shipped weights"]
    for g in groups:
        pick = [i for i, r in enumerate(rows) if r["group"] == g]
        print(
            f"# {g}: mean chrF++ {sum(quality[i] for i in pick) / len(pick):.1f}, "
            f"mean risk {sum(shipped[i] for i in pick) / len(pick):.2f}"
        )
    print()
    table(f"signal ({len(rows)} sentences)", signals, quality, range(len(rows)))
    unseen = [i for i, r in enumerate(rows) if r["group"] != "held in"]
    print()
    table(f"signal (the {len(unseen)} never trained on)", signals, quality, unseen)
    floor = [r["floor"] for r in rows]
    print()
    print(
        "Chance floor (the mean chrF++ of the other sentences' outputs against the reference) vs "
        f"chrF++, Spearman: {spearman([floor[i] for i in unseen], [quality[i] for i in unseen]):+.3f} "
        f"on the never-trained, {spearman(floor, quality):+.3f} on all."
    )
    fitted = fit(features, quality, PRIOR, sd)
    fires = {k: sum(1 for f in features if f.get(k, 0.0) > 0) for k in PRIOR}
    print()
    print(f"Weights fitted on all {len(rows)} sentences (prior sd {sd:g}; BIAS {BIAS:+.1f} is not fitted):")
    print()
    print("| signal | fires on | prior | fitted | shipped |")
    print("|---|---:|---:|---:|---:|")
    for k in PRIOR:
        print(f"| {k} | {fires[k]} | {PRIOR[k]:.2f} | {fitted[k]:.2f} | {WEIGHTS[k]:.2f} |")
    if any(abs(fitted[k] - WEIGHTS[k]) > 0.011 for k in PRIOR):
        print("\nThe shipped weights are not this fit: copy the fitted column into catalog.risk.WEIGHTS.")
    return fitted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument(
        "--model", type=Path, help="rank this checkpoint's translations instead of training the tiny one"
    )
    ap.add_argument("--backend", default="ct2", choices=["ct2", "transformers"])
    ap.add_argument(
        "--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "tarjama-risk-bench"
    )
    ap.add_argument(
        "--fit",
        type=Path,
        metavar="RATED",
        help="no model: fit and tabulate a saved run (WORK/rated-BACKEND.json)",
    )
    ap.add_argument("--prior-sd", type=float, default=PRIOR_SD, help="the fit's prior, log-odds around PRIOR")
    args = ap.parse_args()
    if args.fit:
        rated = json.loads(args.fit.read_text(encoding="utf-8"))
    else:
        os.environ.setdefault("TARJAMA_CACHE", str(args.work / "cache"))
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TARJAMA_PROGRESS", "none")
        args.work.mkdir(parents=True, exist_ok=True)
        rated = rate(args)
        (args.work / f"rated-{args.backend}.json").write_text(
            json.dumps(rated, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    report(rated, args.prior_sd)


if __name__ == "__main__":
    main()
