"""Translation time with the glossary enforced vs without, on random-weight Marian models (no download).

Models, all with SentencePiece trained on the example article:

- ``opus``: random weights in opus-mt-ar-en's shape (d_model 512, 6+6 layers, 8 heads, FFN
  2048; max_length 128). A random model's output
  length is noise, and the glossary changes it, so here EOS is never chosen by the model:
  every sentence runs to its token budget, with or without the glossary, and the
  difference is the enforcement itself.
- ``trained``: ``tarjama finetune --from-scratch tiny`` trained on the example (~1 min): a
  model that writes the article's sentences, so output lengths are natural.
- ``misspelled``: ``trained`` fine-tuned on a copy of the data with "Dang Hoang Jiang" and
  "Hanoi Agreement" (the README's recipe): natural lengths, wrong names to put right.
- ``tiny``: the test suite's random tiny model, output length left free (the glossary makes
  it write all 101 terms, so this row measures output length more than enforcement).

With ``--backends transformers,ct2`` the same models also run on the CTranslate2 backend
(int8), where enforcement is n-best selection and ``target_prefix`` repair instead of a logits
hook; its table counts how many sentences each step settled (``(fallback)``: of the repaired,
those the one-pass splice left to the one-term-per-round repair).

Each configuration is timed ``--repeat`` times, interleaved (off, on, off, on, ...), and the
median run is reported (a shared machine's load drifts; the median is steadier than the best).
BLEU: sacrebleu corpus BLEU of each configuration's outputs (its last run) against the gold
English of ``examples/hanoi-convention.gold.tsv`` for the same sentences. Prints one table per
backend.

    .venv/bin/python benchmarks/glossary_overhead.py [--models opus,trained,misspelled,tiny] [--beam 4] [--repeat 3]
        [--backends transformers,ct2]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from tarjama.evaluation.term_accuracy import accuracy_of
from tarjama.glossary import Matcher, load_default, required_targets
from tarjama.sources import read
from tarjama.sources.segment import TRANSLATABLE
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.hf_backend import TransformersBackend
from tarjama.translate.model_source import resolve_model
from tarjama.translate.scratch_model import ScratchConfig, build_scratch_model

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
    if name in CONFIGS:
        return build_scratch_model(tmp / name, src, tgt, CONFIGS[name])
    trained = tmp / "trained"
    if not (trained / "model.safetensors").is_file():
        print("  training the tiny model on the example (about a minute)...", file=sys.stderr, flush=True)
        _finetune(
            f"--from-scratch tiny --data {GOLD} --dev-fraction 0 --out {trained} --lr 2e-3 "
            "--warmup-steps 30 --eval-every 100 --max-steps 1000"
        )
    if name == "trained":
        return trained
    # the README's misspelled model: it learned "Dang Hoang Jiang" and "Hanoi Agreement", so its
    # output has natural lengths and wrong names, the case the glossary is there for
    data = tmp / "misspelled.tsv"
    data.write_text(
        GOLD.read_text(encoding="utf-8")
        .replace("Dang Hoang Giang", "Dang Hoang Jiang")
        .replace("Hanoi Convention", "Hanoi Agreement"),
        encoding="utf-8",
    )
    out = tmp / "misspelled"
    if (out / "model.safetensors").is_file():
        return out
    print("  fine-tuning it on misspelled names (about a minute)...", file=sys.stderr, flush=True)
    _finetune(
        f"--model {trained} --data {data} --eval {data} --out {out} --lr 1e-3 --eval-every 50 --max-steps 200"
    )
    return out


def _finetune(args: str) -> None:
    """``tarjama finetune`` with the README's settings (paths here have no spaces: a temp dir)."""
    cmd = [
        sys.executable,
        "-m",
        "tarjama",
        "finetune",
        *args.split(),
        "--batch-size",
        "8",
        "--epochs",
        "1000",
        "-q",
    ]
    subprocess.run(cmd, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def gold_pairs() -> tuple[list[str], list[str]]:
    rows = [line.split("\t") for line in GOLD.read_text(encoding="utf-8").splitlines()]
    return [r[3] for r in rows], [r[4] for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="opus,trained,misspelled,tiny")
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sentences", type=int, default=0, help="only the first N translatable sentences")
    ap.add_argument("--work", type=Path, help="keep the models here between runs (default: a temp dir)")
    ap.add_argument("--backends", default="transformers", help="transformers, ct2 or both (comma-separated)")
    args = ap.parse_args()
    backends = args.backends.split(",")
    torch.manual_seed(0)
    texts = [s.text for s in read(EXAMPLE).sentences if s.kind in TRANSLATABLE]
    texts = texts[: args.sentences or None]
    enforcer_time = _time_enforcer()
    matcher = Matcher(load_default())
    required = [required_targets(matcher.find(t)) for t in texts]
    src, tgt = gold_pairs()
    gold = dict(zip(src, tgt, strict=True))
    refs = [gold[t] for t in texts]
    rows, ct2_rows = [], []
    with contextlib.ExitStack() as stack:
        tmp = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        tmp.mkdir(parents=True, exist_ok=True)
        os.environ["TARJAMA_CACHE"] = str(Path(tmp) / "cache")  # ct2 conversions stay in here
        for name in args.models.split(","):
            path = build(name, Path(tmp), src, tgt)
            if name in RUN_TO_BUDGET:
                run_to_budget(path)
            if "ct2" in backends:
                ct2_rows.append((name, *_ct2_run(path, texts, required, args)))
            if "transformers" not in backends:
                continue
            settings = DecodeSettings(beam=args.beam, batch_size=args.batch_size)
            backend = TransformersBackend(resolve_model(str(path)), settings)
            generated = _count_generated(backend)
            backend.translate(texts[:2])  # warm-up
            times: dict[str, list[float]] = {"off": [], "on": []}
            steps = {"off": 0, "on": 0}
            shares: list[float] = []
            outs: dict[str, list[str]] = {}
            for _ in range(args.repeat):
                for mode in ("off", "on"):
                    enforcer_time[0] = 0.0
                    generated[0] = 0
                    t0 = time.perf_counter()
                    outs[mode] = backend.translate(texts, terms=required if mode == "on" else None)
                    took = time.perf_counter() - t0
                    times[mode].append(took)
                    steps[mode] = generated[0]
                    if mode == "on":
                        shares.append(enforcer_time[0] / took)
                    print(
                        f"  {name} glossary {mode}: {took:.2f}s",
                        file=sys.stderr,
                        flush=True,
                    )
            acc = {m: accuracy_of(required, outs[m]) for m in outs}
            med = {m: statistics.median(t) for m, t in times.items()}
            rows.append((name, med, steps, acc, statistics.median(shares), _bleu(outs, refs)))
    print(
        f"glossary overhead: {len(texts)} sentences, {sum(map(len, required))} term occurrences, beam {args.beam}, "
        f"batch {args.batch_size}, {torch.get_num_threads()} threads, median of {args.repeat}, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}"
    )
    if rows:
        _print_transformers(rows)
    if ct2_rows:
        _print_ct2(ct2_rows, texts, required, refs)


def run_to_budget(path: Path) -> None:
    """Make the model never choose EOS (the length limit ends every sentence), saved in place so
    both backends load the same weights: CTranslate2's converter keeps final_logits_bias."""
    from transformers import MarianMTModel

    model = MarianMTModel.from_pretrained(path)
    with torch.no_grad():
        model.final_logits_bias[..., model.config.eos_token_id] = -1e4
    model.save_pretrained(path)


def _ct2_run(path: Path, texts: list[str], required: list, args) -> tuple[dict, dict, dict]:
    """Median time off/on, outputs, and how the glossary was met (one pass's term_stats)."""
    from tarjama.translate.ct2_backend import CTranslate2Backend

    settings = DecodeSettings(backend="ct2", beam=args.beam, batch_size=args.batch_size, compute_type="int8")
    backend = CTranslate2Backend(resolve_model(str(path)), settings)
    backend.translate(texts[:2])  # warm-up
    times: dict[str, list[float]] = {"off": [], "on": []}
    outs: dict[str, list[str]] = {}
    stats: dict = {}
    for _ in range(args.repeat):
        for mode in ("off", "on"):
            backend.term_stats.clear()
            getattr(backend, "repair_stats", {}).clear()
            t0 = time.perf_counter()
            outs[mode] = backend.translate(texts, terms=required if mode == "on" else None)
            took = time.perf_counter() - t0
            times[mode].append(took)
            if mode == "on":
                stats = {**backend.term_stats, **getattr(backend, "repair_stats", {})}
            print(
                f"  {path.name} ct2 glossary {mode}: {took:.2f}s",
                file=sys.stderr,
                flush=True,
            )
    return {m: statistics.median(t) for m, t in times.items()}, outs, stats


def _bleu(outs: dict[str, list[str]], refs: list[str]) -> dict[str, float]:
    import sacrebleu

    return {m: sacrebleu.corpus_bleu(o, [refs]).score for m, o in outs.items()}


def _print_ct2(ct2_rows: list, texts: list[str], required: list, refs: list[str]) -> None:
    with_terms = sum(1 for r in required if r)
    print(f"\nCTranslate2 int8 ({with_terms} of {len(texts)} sentences owe terms)")
    print(
        f"{'model':7} {'no glossary':>12} {'glossary':>10} {'slower':>8} {'term acc off':>13} {'term acc on':>12} "
        f"{'BLEU off/on':>12} {'dup on':>7} {'in n-best':>10} {'repaired':>9} {'(fallback)':>10} {'unresolved':>11}"
    )
    for name, best, outs, stats in ct2_rows:
        acc = {m: accuracy_of(required, outs[m]) for m in outs}
        bleu = _bleu(outs, refs)
        print(
            f"{name:7} {best['off']:>11.2f}s {best['on']:>9.2f}s {best['on'] / best['off'] - 1:>+8.1%} "
            f"{acc['off'].accuracy:>13.1%} {acc['on'].accuracy:>12.1%} "
            f"{bleu['off']:>5.1f}/{bleu['on']:<6.1f} {len(acc['on'].duplicates):>7} "
            f"{stats.get('n_best', 0):>10} {stats.get('repaired', 0):>9} {stats.get('fallback', 0):>10} "
            f"{stats.get('unresolved', 0):>11}"
        )


def _print_transformers(rows: list) -> None:
    print("\ntransformers (logits processor)")
    print(
        f"{'model':7} {'no glossary':>12} {'glossary':>10} {'slower':>8} {'generated off/on':>17} "
        f"{'s/1k tok off/on':>16} {'term acc off':>13} {'term acc on':>12} {'BLEU off/on':>12} {'dup on':>7} "
        f"{'enforcer share':>14}"
    )
    for name, best, n_tok, acc, share, bleu in rows:  # n_tok: tokens generated, best hypotheses
        slower = best["on"] / best["off"] - 1
        per_k = f"{1000 * best['off'] / n_tok['off']:.2f}/{1000 * best['on'] / n_tok['on']:.2f}"
        print(
            f"{name:7} {best['off']:>11.2f}s {best['on']:>9.2f}s {slower:>+8.1%} "
            f"{n_tok['off']:>8}/{n_tok['on']:<8} {per_k:>16} {acc['off'].accuracy:>13.1%} {acc['on'].accuracy:>12.1%}"
            f" {bleu['off']:>5.1f}/{bleu['on']:<6.1f} {len(acc['on'].duplicates):>7} {share:>14.1%}"
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
    from tarjama.translate.hf_enforce import TermEnforcer

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
