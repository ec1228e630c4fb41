"""Does the review risk rank sentences by their real quality? (issue 28 section 1)

    python benchmarks/risk_ranking.py                 # train, translate, print the table
    python benchmarks/risk_ranking.py --steps 300     # a quicker, weaker model
    python benchmarks/risk_ranking.py --model DIR     # a given checkpoint (e.g. opus-mt-ar-en)

1. The tiny Marian is trained from scratch (`tarjama finetune --from-scratch tiny`) on every
   other sentence of the example's reviewed gold (examples/hanoi-convention.gold.tsv): "held in".
2. The run core translates every gold sentence of the example (held in and held out) and of the
   test articles' golds (tests/data/*.gold.tsv, never trained on: "test articles") the way the
   service does (`Run.translate_sentences`: glossary enforced, long sentences split), so each
   sentence gets the risk a catalog would show, and the decoder's confidence.
3. Each sentence's real quality is its chrF++ against the reviewed reference (sacrebleu). A
   ranking signal is good when high risk goes with low chrF++: the table gives Spearman's rho
   between the signal and -chrF++, and the share of the worst 20 % of sentences (by chrF++) that
   are among the top 20 % by the signal (chance: 20 %).

Signals compared: the full risk; the model's confidence alone (its doubt); the checks alone
(the risk without the decoder's scores); and sentence length (longer = riskier).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gold(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row[3], row[4]) for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def ranks(values: list[float]) -> list[float]:
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


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    var = math.sqrt(sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb))
    return cov / var if var else 0.0


def caught(signal: list[float], quality: list[float], share: float = 0.2) -> float:
    """Of the worst ``share`` by quality, the fraction in the top ``share`` by signal (ties in
    the signal broken against it: a signal that cannot tell sentences apart gets no credit)."""
    n = max(1, round(share * len(quality)))
    worst = set(sorted(range(len(quality)), key=lambda i: quality[i])[:n])
    top = sorted(range(len(signal)), key=lambda i: (-signal[i], i in worst))[:n]
    return len(worst & set(top)) / n


def train(work: Path, pairs: list[tuple[str, str]], steps: int) -> Path:
    data = work / "train.tsv"
    data.write_text(
        "".join(f"{i}\t{i}\tbody\t{a}\t{e}\n" for i, (a, e) in enumerate(pairs, 1)), encoding="utf-8"
    )
    out = work / "model"
    cmd = [sys.executable, "-m", "tarjama", "finetune", "--from-scratch", "tiny", "--data", str(data)]
    cmd += ["--out", str(out), "--dev-fraction", "0", "--lr", "2e-3", "--batch-size", "8"]
    cmd += ["--warmup-steps", "30", "--eval-every", "100", "--max-steps", str(steps), "--epochs", "10000"]
    cmd += ["--threads", "1", "--quiet"]
    subprocess.run(cmd, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return out


def translate(model: Path, sources: list[str], backend: str) -> list[tuple[str, float, float, float]]:
    """(output, risk, doubt, checks-only risk) per source sentence, through the run core."""
    from tarjama.catalog.memory import TranslationMemory
    from tarjama.catalog.notes import SplitNote
    from tarjama.catalog.risk import DecoderScores, assess
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
        doubt = 1.0 - math.exp(plain.confidence) if plain.confidence is not None else 0.0
        checks = assess(s, t.text, said, DecoderScores()).risk
        out.append((t.text, t.risk.risk if t.risk else 0.0, doubt, checks))
    return out


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
    args = ap.parse_args()
    os.environ.setdefault("TARJAMA_CACHE", str(args.work / "cache"))
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TARJAMA_PROGRESS", "none")
    from sacrebleu.metrics import CHRF

    args.work.mkdir(parents=True, exist_ok=True)
    example = gold(ROOT / "examples" / "hanoi-convention.gold.tsv")
    held_in, held_out = example[0::2], example[1::2]
    tests = [p for path in sorted((ROOT / "tests" / "data").glob("*.gold.tsv")) for p in gold(path)]
    t0 = time.perf_counter()
    model = args.model or train(args.work, held_in, args.steps)
    trained = time.perf_counter() - t0
    groups = {"held in": held_in, "held out": held_out, "test articles": tests}
    rows = [(g, a, e) for g, pairs in groups.items() for a, e in pairs]
    outputs = translate(model, [a for _, a, _ in rows], args.backend)
    chrf = CHRF(word_order=2)
    quality = [chrf.sentence_score(o[0], [e]).score for o, (_, _, e) in zip(outputs, rows, strict=True)]
    signals = {
        "risk (combined)": [o[1] for o in outputs],
        "model confidence alone": [o[2] for o in outputs],
        "checks alone": [o[3] for o in outputs],
        "sentence length": [float(len(a)) for _, a, _ in rows],
    }
    bad = [-q for q in quality]
    print(f"# risk ranking: {len(rows)} sentences ({', '.join(f'{g} {len(p)}' for g, p in groups.items())})")
    made = str(model) if args.model else f"tiny Marian from scratch, {args.steps} steps on the held-in half"
    print(
        f"# model: {made} ({trained:.0f} s); backend {args.backend}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    for g in groups:
        q = [qq for qq, (gg, _, _) in zip(quality, rows, strict=True) if gg == g]
        r = [o[1] for o, (gg, _, _) in zip(outputs, rows, strict=True) if gg == g]
        print(f"# {g}: mean chrF++ {sum(q) / len(q):.1f}, mean risk {sum(r) / len(r):.2f}")
    print()
    print("| signal | Spearman rho (signal vs -chrF++) | worst 20 % found in top 20 % |")
    print("|---|---:|---:|")
    for name, values in signals.items():
        print(f"| {name} | {spearman(values, bad):+.3f} | {100 * caught(values, quality):.0f} % |")
    within = [i for i, (g, _, _) in enumerate(rows) if g != "held in"]
    print()
    print(f"Among the {len(within)} sentences never trained on (held out and test articles):")
    print()
    print("| signal | Spearman rho | worst 20 % in top 20 % |")
    print("|---|---:|---:|")
    for name, values in signals.items():
        v, b, q = [values[i] for i in within], [bad[i] for i in within], [quality[i] for i in within]
        print(f"| {name} | {spearman(v, b):+.3f} | {100 * caught(v, q):.0f} % |")


if __name__ == "__main__":
    main()
