"""Translation time with the glossary enforced vs without, on random-weight Marian models (no download).

Models: the test suite's tiny model (d_model 32, 1 layer) and an opus-mt-shaped one
(d_model 512, 6+6 layers, 8 heads, FFN 2048; max_length 128 so a random model's run-on
output stays affordable on 2 cores), both with SentencePiece trained
on the example article. Each configuration is timed ``--repeat`` times, interleaved, and the
fastest run is kept (other work on the machine only ever adds time). Prints one table.

    .venv/bin/python benchmarks/glossary_overhead.py [--models tiny,opus] [--beam 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
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


def gold_pairs() -> tuple[list[str], list[str]]:
    rows = [line.split("\t") for line in GOLD.read_text(encoding="utf-8").splitlines()]
    return [r[3] for r in rows], [r[4] for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="tiny,opus")
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
            path = build_scratch_model(Path(tmp) / name, src, tgt, CONFIGS[name])
            settings = DecodeSettings(beam=args.beam, batch_size=args.batch_size)
            backend = TransformersBackend(resolve_model(str(path)), settings)
            backend.translate(texts[:2])  # warm-up
            best = {"off": float("inf"), "on": float("inf")}
            share = 1.0
            outs: dict[str, list[str]] = {}
            for _ in range(args.repeat):
                for mode in ("off", "on"):
                    enforcer_time[0] = 0.0
                    t0 = time.perf_counter()
                    outs[mode] = backend.translate(texts, terms=required if mode == "on" else None)
                    took = time.perf_counter() - t0
                    best[mode] = min(best[mode], took)
                    if mode == "on":
                        share = min(share, enforcer_time[0] / took)
                    print(
                        f"  {name} glossary {mode}: {time.perf_counter() - t0:.2f}s",
                        file=sys.stderr,
                        flush=True,
                    )
            tok = backend.tokenizer
            n_tok = {m: sum(len(tok(text_target=o)["input_ids"]) for o in outs[m]) for m in outs}
            acc = {m: accuracy_of(required, outs[m]) for m in outs}
            rows.append((name, best, n_tok, acc, share))
    print(
        f"glossary overhead: {len(texts)} sentences, {sum(map(len, required))} term occurrences, beam {args.beam}, "
        f"batch {args.batch_size}, {torch.get_num_threads()} threads, best of {args.repeat}"
    )
    print(
        f"{'model':6} {'no glossary':>12} {'glossary':>10} {'slower':>8} {'tokens off/on':>14} "
        f"{'s/1k tok off/on':>16} {'term acc off':>13} {'term acc on':>12} {'enforcer share':>14}"
    )
    for name, best, n_tok, acc, share in rows:
        slower = best["on"] / best["off"] - 1
        per_k = f"{1000 * best['off'] / n_tok['off']:.2f}/{1000 * best['on'] / n_tok['on']:.2f}"
        print(
            f"{name:6} {best['off']:>11.2f}s {best['on']:>9.2f}s {slower:>+8.1%} "
            f"{n_tok['off']:>6}/{n_tok['on']:<7} {per_k:>16} {acc['off'].accuracy:>13.1%} {acc['on'].accuracy:>12.1%}"
            f" {share:>14.1%}"
        )


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
