"""Translation time with the glossary enforced vs without, on random-weight Marian models (no download).

Models, all with SentencePiece trained on the example article:

- ``opus``: random weights in opus-mt-ar-en's shape (d_model 512, 6+6 layers, 8 heads, FFN
  2048; max_length 128). A random model's output
  length is noise, and the glossary changes it, so here EOS is never chosen by the model:
  every sentence runs to its token budget, with or without the glossary, and the
  difference is the enforcement itself.
- ``trained``: ``tarjama finetune --from-scratch tiny`` trained on the example (~1 min): a
  model that writes the article's sentences, so output lengths are natural.
- ``tiny``: the test suite's random tiny model, output length left free (the glossary makes
  it write all 101 terms, so this row measures output length more than enforcement).

Each configuration is timed ``--repeat`` times, interleaved, and the fastest run is kept
(other work on the machine only ever adds time). Prints one table.

    .venv/bin/python benchmarks/glossary_overhead.py [--models opus,trained,tiny] [--beam 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from tarjama.evaluation.term_accuracy import accuracy_of
from tarjama.glossary import Matcher, load_default, required_targets
from tarjama.translate.article import read_article
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.hf_backend import TransformersBackend
from tarjama.translate.model_source import resolve_model
from tarjama.translate.scratch_model import ScratchConfig, build_scratch_model
from tarjama.translate.segment import TRANSLATABLE, segment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hanoi-convention.ar.txt"
GOLD = ROOT / "examples" / "hanoi-convention.gold.tsv"

CONFIGS = {
    "tiny": ScratchConfig(max_length=48),
    "opus": ScratchConfig(
        d_model=512, layers=6, heads=8, ffn=2048, vocab_size=4000, max_positions=512, max_length=128
    ),
}
RUN_TO_BUDGET = {"opus"}


def build(name: str, tmp: Path, src: list[str], tgt: list[str]) -> Path:
    if name != "trained":
        return build_scratch_model(tmp / name, src, tgt, CONFIGS[name])
    out = tmp / "trained"
    cmd = [
        sys.executable,
        "-m",
        "tarjama",
        "finetune",
        "--from-scratch",
        "tiny",
        "--data",
        str(GOLD),
        "--dev-fraction",
        "0",
        "--out",
        str(out),
        "--lr",
        "2e-3",
        "--batch-size",
        "8",
        "--warmup-steps",
        "30",
        "--eval-every",
        "100",
        "--max-steps",
        "1000",
        "--epochs",
        "1000",
        "-q",
    ]
    print("  training the tiny model on the example (about a minute)...", file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return out


def gold_pairs() -> tuple[list[str], list[str]]:
    rows = [line.split("\t") for line in GOLD.read_text(encoding="utf-8").splitlines()]
    return [r[3] for r in rows], [r[4] for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="opus,trained,tiny")
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sentences", type=int, default=0, help="only the first N translatable sentences")
    args = ap.parse_args()
    torch.manual_seed(0)
    texts = [s.text for s in segment(read_article(EXAMPLE).text) if s.kind in TRANSLATABLE]
    texts = texts[: args.sentences or None]
    enforcer_time = _time_enforcer()
    matcher = Matcher(load_default())
    required = [required_targets(matcher.find(t)) for t in texts]
    src, tgt = gold_pairs()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            path = build(name, Path(tmp), src, tgt)
            settings = DecodeSettings(beam=args.beam, batch_size=args.batch_size)
            backend = TransformersBackend(resolve_model(str(path)), settings)
            if name in RUN_TO_BUDGET:  # the model never ends a sentence; the length limit does
                with torch.no_grad():
                    backend.model.final_logits_bias[..., backend.model.config.eos_token_id] = -1e4
            generated = _count_generated(backend)
            backend.translate(texts[:2])  # warm-up
            best = {"off": float("inf"), "on": float("inf")}
            steps = {"off": 0, "on": 0}
            share = 1.0
            outs: dict[str, list[str]] = {}
            for _ in range(args.repeat):
                for mode in ("off", "on"):
                    enforcer_time[0] = 0.0
                    generated[0] = 0
                    t0 = time.perf_counter()
                    outs[mode] = backend.translate(texts, terms=required if mode == "on" else None)
                    took = time.perf_counter() - t0
                    best[mode] = min(best[mode], took)
                    steps[mode] = generated[0]
                    if mode == "on":
                        share = min(share, enforcer_time[0] / took)
                    print(
                        f"  {name} glossary {mode}: {time.perf_counter() - t0:.2f}s",
                        file=sys.stderr,
                        flush=True,
                    )
            acc = {m: accuracy_of(required, outs[m]) for m in outs}
            rows.append((name, best, steps, acc, share))
    print(
        f"glossary overhead: {len(texts)} sentences, {sum(map(len, required))} term occurrences, beam {args.beam}, "
        f"batch {args.batch_size}, {torch.get_num_threads()} threads, best of {args.repeat}"
    )
    print(
        f"{'model':7} {'no glossary':>12} {'glossary':>10} {'slower':>8} {'generated off/on':>17} "
        f"{'s/1k tok off/on':>16} {'term acc off':>13} {'term acc on':>12} {'enforcer share':>14}"
    )
    for name, best, n_tok, acc, share in rows:  # n_tok: tokens generated, best hypotheses
        slower = best["on"] / best["off"] - 1
        per_k = f"{1000 * best['off'] / n_tok['off']:.2f}/{1000 * best['on'] / n_tok['on']:.2f}"
        print(
            f"{name:7} {best['off']:>11.2f}s {best['on']:>9.2f}s {slower:>+8.1%} "
            f"{n_tok['off']:>8}/{n_tok['on']:<8} {per_k:>16} {acc['off'].accuracy:>13.1%} {acc['on'].accuracy:>12.1%}"
            f" {share:>14.1%}"
        )


def _count_generated(backend: TransformersBackend) -> list[int]:
    """Tokens in the returned hypotheses (EOS and padding not counted), summed over a pass."""
    model, pad, eos = backend.model, backend.model.config.pad_token_id, backend.model.config.eos_token_id
    count = [0]
    generate = model.generate

    def counted(*args, **kwargs):
        out = generate(*args, **kwargs)
        count[0] += int(((out != pad) & (out != eos)).sum())
        return out

    model.generate = counted
    return count


def _time_enforcer() -> list[float]:
    """Accumulate the wall time spent inside TermEnforcer.__call__ (its own cost, whatever the load)."""
    from tarjama.glossary.enforce import TermEnforcer

    spent = [0.0]
    call = TermEnforcer.__call__

    def timed(self, input_ids, scores):
        t0 = time.perf_counter()
        try:
            return call(self, input_ids, scores)
        finally:
            spent[0] += time.perf_counter() - t0

    TermEnforcer.__call__ = timed
    return spent


if __name__ == "__main__":
    main()
