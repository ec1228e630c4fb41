"""Throughput of the batch path: naive transformers loop vs tarjama (transformers, ct2) vs bare CTranslate2.

    python benchmarks/throughput.py                      # 200 sentences, 3 repeats, beams 1 and 4
    python benchmarks/throughput.py --sentences 32 --repeats 1 --beams 4   # a quick look
    python benchmarks/throughput.py --write /tmp/throughput.md             # also write the report
    python benchmarks/throughput.py --configs tarjama-ct2 --baseline HEAD~1  # a change's cost

With ``--baseline REV`` every configuration also runs from that git revision's code (a package
tree built from ``git archive``, put first on the worker's PYTHONPATH), as ``<config>@REV``,
interleaved pass by pass with today's: what a change costs, measured under the same load.

docs/benchmarks.md holds the last full run with its reading (edited by hand, not written here).

The model has opus-mt-ar-en's exact architecture (d_model 512, 6+6 layers, 8 heads, FFN 2048,
vocabulary 62,834 with pad = decoder start = 62,833, EOS 0, swish, static sinusoidal
positions, tied embeddings) and random weights, so nothing is downloaded. Random weights
would decode to arbitrary lengths, so every configuration produces exactly 32 target
tokens per sentence: min = max = 32 new tokens in transformers (the tarjama backends read
it from the checkpoint's generation_config: max_length 33 = 32 tokens + EOS,
min_new_tokens 32), min = max decoding length 32 in bare CTranslate2.

Every timed pass runs in a fresh subprocess, so peak RSS (VmHWM: model load included)
belongs to that configuration alone; passes of all configurations are interleaved so that
background load drifts hit them alike; sentences/s is the median over the passes:
  naive          transformers fp32, ``generate`` one sentence at a time
  tarjama-hf     tarjama.run.translate_pool with the transformers backend (fp32)
  tarjama-ct2    the same with the CTranslate2 backend (int8)
  bare-ct2       ctranslate2.Translator.translate_batch on pre-tokenised input, int8, no tarjama
                 (as tarjama's backend runs it: inter_threads = cores, intra_threads 1, each
                 batch of 32 split between the cores, so 32 sentences are in flight as in (b))
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("naive", "tarjama-hf", "tarjama-ct2", "bare-ct2")
OPUS_VOCAB = 62_834  # opus-mt-ar-en: pad (= decoder start) is the last id, 62,833
OUT_TOKENS = 32
BATCH = 32
MIN_SRC, MAX_SRC = 20, 32  # source tokens incl. EOS; <= 32 so the 33-token cap never truncates


def build_model(work: Path) -> Path:
    """opus-mt-ar-en's architecture with random weights; SentencePiece trained on the example data."""
    import torch
    from transformers import GenerationConfig, MarianMTModel, MarianTokenizer

    from tarjama.translate.scratch_model import (
        ScratchConfig,
        marian_config,
        pieces,
        shared_vocab,
        train_sentencepiece,
    )

    out = work / "opus-shape"
    if (out / "model.safetensors").is_file():
        return out
    out.mkdir(parents=True, exist_ok=True)
    gold = _gold()
    src_proto = train_sentencepiece([g[3] for g in gold], 4000)
    tgt_proto = train_sentencepiece([g[4] for g in gold], 4000)
    (out / "source.spm").write_bytes(src_proto)
    (out / "target.spm").write_bytes(tgt_proto)
    vocab = shared_vocab(pieces(src_proto), pieces(tgt_proto))
    vocab.pop("<pad>")
    for i in range(OPUS_VOCAB - 1 - len(vocab)):  # filler entries up to opus-mt's vocabulary size
        vocab[f"<unused_{i}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    assert len(vocab) == OPUS_VOCAB and vocab["<pad>"] == OPUS_VOCAB - 1
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = MarianTokenizer(
        str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"), "ar", "en"
    )
    cfg = ScratchConfig(
        d_model=512, layers=6, heads=8, ffn=2048, max_positions=512, max_length=OUT_TOKENS + 1
    )
    torch.manual_seed(0)
    model = MarianMTModel(marian_config(OPUS_VOCAB, OPUS_VOCAB - 1, cfg))
    model.generation_config = GenerationConfig(
        decoder_start_token_id=OPUS_VOCAB - 1,
        pad_token_id=OPUS_VOCAB - 1,
        eos_token_id=0,
        forced_eos_token_id=0,
        bad_words_ids=[[OPUS_VOCAB - 1]],
        max_length=OUT_TOKENS + 1,  # tarjama's budget cap: 32 tokens, then EOS
        min_new_tokens=OUT_TOKENS,  # random weights: fix the length
        num_beams=4,
    )
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def _gold() -> list[list[str]]:
    rows = (ROOT / "examples" / "hanoi-convention.gold.tsv").read_text(encoding="utf-8").splitlines()
    return [r.split("\t") for r in rows if r.strip()]


def make_sentences(model: Path, n: int, whole: bool = False) -> list[str]:
    """``n`` distinct Arabic word windows from the example, each MIN_SRC..MAX_SRC source tokens.

    ``whole``: only windows tarjama's segmenter reads as one sentence. A window that spans a
    sentence end is two shorter sentences to a caller that segments (the run core, the
    service), each with a smaller output budget than the fixed 32 tokens: decoded again alone
    within it, and counted twice. Callers that compare a segmenting path with another need
    one text = one sentence."""
    import sentencepiece as spm

    from tarjama.sources.segment import segment

    sp = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
    words = " ".join(g[3] for g in _gold() if g[2] in ("body", "caption")).split()
    out: dict[str, None] = {}
    for width in range(6, 20):
        for start in range(0, len(words) - width, 3):
            text = " ".join(words[start : start + width])
            if MIN_SRC <= len(sp.encode(text)) + 1 <= MAX_SRC and (not whole or len(segment(text)) == 1):
                out.setdefault(text)
                if len(out) == n:
                    return list(out)
    raise SystemExit(f"only {len(out)} distinct sentences of {MIN_SRC}-{MAX_SRC} tokens; ask for fewer")


def worker(config: str, model: Path, sentences: list[str], beam: int, repeats: int) -> dict:
    """Load, warm up on a few sentences, then time ``repeats`` passes over all of them."""
    load = time.perf_counter()
    run, count_tokens = _runner(config, model, beam)
    load = time.perf_counter() - load
    run(sentences[:4])
    times, tokens = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = run(sentences)
        times.append(getattr(run, "engine_s", None) or time.perf_counter() - t0)
        tokens = count_tokens(result)
    return {"times": times, "tokens": tokens, "rss_mb": peak_rss_mb(), "load_s": load}


def peak_rss_mb() -> float:
    """This process's own peak resident set (VmHWM).

    Not ``ru_maxrss``: Linux carries that across fork/exec, so a worker would report its
    parent's peak (the parent builds the model).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _runner(config: str, model: Path, beam: int):
    from tarjama.translate.model_source import resolve_model

    if config == "naive":
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        tok = MarianTokenizer.from_pretrained(model)
        m = MarianMTModel.from_pretrained(model).eval()

        def naive(texts):
            outs = []
            with torch.inference_mode():
                for text in texts:
                    enc = tok(text, return_tensors="pt")
                    outs.append(
                        m.generate(
                            **enc, num_beams=beam, min_new_tokens=OUT_TOKENS, max_new_tokens=OUT_TOKENS
                        )[0]
                    )
            return outs

        pad = m.config.pad_token_id
        return naive, lambda outs: sum(int((o != pad).sum()) for o in outs)
    if config in ("tarjama-hf", "tarjama-ct2"):
        from tarjama.run import translate_pool
        from tarjama.translate.backend import DecodeSettings
        from tarjama.translate.backends import open_backend

        name = "transformers" if config == "tarjama-hf" else "ct2"
        backend = open_backend(
            resolve_model(str(model)), DecodeSettings(backend=name, beam=beam, batch_size=BATCH)
        )
        # output length is fixed by the checkpoint's generation_config (see the module docstring)
        return (lambda texts: translate_pool(backend, texts)), lambda outs: None
    if config == "bare-ct2":
        import ctranslate2
        import sentencepiece as spm

        from tarjama.translate.ct2_convert import converted_dir

        sp = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
        translator = ctranslate2.Translator(
            str(converted_dir(resolve_model(str(model)), "int8")),
            device="cpu",
            compute_type="int8",
            # the thread layout tarjama's backend uses (one batch per core): the comparison is
            # then tarjama's overhead, not a thread setting
            inter_threads=len(os.sched_getaffinity(0)),
            intra_threads=1,
        )

        def bare(texts):
            tokens = [[*p, "</s>"] for p in sp.encode(texts, out_type=str)]
            t0 = time.perf_counter()
            res = translator.translate_batch(
                tokens,
                max_batch_size=-(-BATCH // len(os.sched_getaffinity(0))),  # tarjama's split of a batch
                beam_size=beam,
                min_decoding_length=OUT_TOKENS,
                max_decoding_length=OUT_TOKENS,
            )
            bare.engine_s = time.perf_counter() - t0  # the engine alone: tokenising is not timed
            return res

        return bare, lambda res: sum(len(r.hypotheses[0]) for r in res)
    raise SystemExit(f"unknown configuration {config}")


def baseline_tree(work: Path, rev: str) -> Path:
    """The tarjama package of git revision ``rev``, laid out as it installs (pyproject's
    package-dir: the stage folders become subpackages), for a worker's PYTHONPATH."""
    import shutil
    import tarfile
    import tomllib

    src, tree = work / "baseline-src", work / "baseline-pkg"
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(tree, ignore_errors=True)
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(src, filter="data")
    dirs = tomllib.loads((src / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-dir"
    ]
    shutil.copytree(src / dirs["tarjama"], tree / "tarjama")
    for package, folder in dirs.items():
        if package != "tarjama":
            shutil.copytree(src / folder, tree / Path(*package.split(".")), dirs_exist_ok=True)
    return tree


def run_worker(work: Path, config: str, beam: int, baseline: Path | None = None) -> dict:
    """One timed pass of ``config`` in a fresh process (its own peak RSS); ``baseline``: with
    that package tree's tarjama instead of this checkout's."""
    cmd = [sys.executable, __file__, "--worker", config.split("@")[0], "--beam", str(beam), "--repeats", "1"]
    env = {**os.environ, "PYTHONPATH": str(baseline)} if baseline is not None else None
    res = subprocess.run([*cmd, "--work", str(work)], capture_output=True, text=True, check=False, env=env)
    if res.returncode != 0:
        sys.exit(f"{config} beam {beam} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import ctranslate2
    import torch
    import transformers

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {len(os.sched_getaffinity(0))} cores usable, {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), transformers {transformers.__version__}, "
        f"ctranslate2 {ctranslate2.__version__}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--beams", default="1,4")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "tarjama-bench")
    ap.add_argument("--write", type=Path, help="also write the markdown report to this file")
    ap.add_argument("--baseline", metavar="REV", help="also run each configuration from this git revision")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--beam", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ["TARJAMA_CACHE"] = str(args.work / "cache")
    os.environ["HF_HUB_OFFLINE"] = "1"
    model = args.work / "opus-shape"
    if args.worker:
        sentences = json.loads((args.work / "sentences.json").read_text(encoding="utf-8"))
        print(json.dumps(worker(args.worker, model, sentences, args.beam, args.repeats)))
        return

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    model = build_model(args.work)
    sentences = make_sentences(model, args.sentences)
    (args.work / "sentences.json").write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    from tarjama.translate.ct2_convert import ensure_converted
    from tarjama.translate.model_source import resolve_model

    ensure_converted(resolve_model(str(model)), "int8")  # once, outside every measurement

    # Passes are interleaved (pass 1 of every configuration, then pass 2, ...), each in a fresh
    # process, so a drift in background load hits every configuration alike.
    rows = []
    configs = args.configs.split(",")
    base = baseline_tree(args.work, args.baseline) if args.baseline else None
    if base is not None:
        configs = [c for config in configs for c in (f"{config}@{args.baseline}", config)]
    for beam in [int(b) for b in args.beams.split(",")]:
        acc = {c: {"times": [], "tokens": None, "rss_mb": 0.0, "load_s": 0.0} for c in configs}
        for n in range(args.repeats):
            for config in configs:
                data = run_worker(args.work, config, beam, base if "@" in config else None)
                acc[config]["times"] += data["times"]
                acc[config]["tokens"] = data["tokens"]
                acc[config]["rss_mb"] = max(acc[config]["rss_mb"], data["rss_mb"])
                acc[config]["load_s"] = data["load_s"]
                print(f"  pass {n + 1}: {config} beam {beam}: {data['times'][0]:.2f} s", flush=True)
        for config in configs:
            data = acc[config]
            median = statistics.median(data["times"])
            sps = len(sentences) / median
            tokens = data["tokens"] if data["tokens"] is not None else OUT_TOKENS * len(sentences)
            row = {"config": config, "beam": beam, "sent_s": sps, "tok_s": tokens / median, **data}
            rows.append(row)
            print(
                f"{config:12} beam {beam}: {sps:7.2f} sent/s  {row['tok_s']:8.1f} tok/s  "
                f"peak RSS {data['rss_mb']:6.0f} MB  (passes {', '.join(f'{t:.2f}' for t in data['times'])} s)",
                flush=True,
            )
    report = render(rows, args, len(sentences), started)
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")


def render(rows: list[dict], args, n: int, started: str) -> str:
    by = {(r["config"], r["beam"]): r for r in rows}
    lines = [
        "# Benchmarks",
        "",
        "## Batch throughput: transformers vs CTranslate2 (`benchmarks/throughput.py`)",
        "",
        f"Machine: {machine()}. Run {started}.",
        "",
        "Command:",
        "",
        "```bash",
        f".venv/bin/python benchmarks/throughput.py --sentences {n} --repeats {args.repeats} "
        f"--beams {args.beams} --configs {args.configs} --work {args.work}"
        + (f" --baseline {args.baseline}" if args.baseline else ""),
        "```",
        "",
        f"{n} distinct Arabic sentences ({MIN_SRC}-{MAX_SRC} source tokens), exactly {OUT_TOKENS} target "
        f"tokens each; random-weight model with opus-mt-ar-en's architecture; batch {BATCH}; each "
        f"pass in a fresh process, passes of the configurations interleaved; sentences/s is the median of {args.repeats} passes; peak RSS "
        "is the worker process's own peak resident set, VmHWM (model load included).",
        "",
        "| configuration | beam | sentences/s | target tokens/s | peak RSS (MB) | × naive |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        naive = by.get(("naive", r["beam"]))
        ratio = f"{r['sent_s'] / naive['sent_s']:.1f}" if naive else "n/a"
        lines.append(
            f"| {r['config']} | {r['beam']} | {r['sent_s']:.2f} | {r['tok_s']:.0f} | {r['rss_mb']:.0f} | {ratio} |"
        )
    lines += ["", "Targets (issue 6):", ""]
    for beam in sorted({r["beam"] for r in rows}):
        a, b, c, d = (by.get((k, beam)) for k in CONFIGS)
        checks = []
        if c and d:
            checks.append(("tarjama-ct2 ≥ 0.9 × bare-ct2", c["sent_s"] / d["sent_s"], 0.9))
        if a and b:
            checks.append(("tarjama-hf ≥ 3 × naive", b["sent_s"] / a["sent_s"], 3))
        if b and c:
            checks.append(("tarjama-ct2 ≥ 3 × tarjama-hf", c["sent_s"] / b["sent_s"], 3))
        if a and c and beam == 4:
            checks.append(("tarjama-ct2 ≥ 20 × naive", c["sent_s"] / a["sent_s"], 20))
        for name, value, target in checks:
            lines.append(f"- beam {beam}: {name}: {value:.2f} ({'met' if value >= target else 'NOT met'})")
        if c:
            ok = "met" if c["rss_mb"] <= 600 else "NOT met"
            lines.append(f"- beam {beam}: tarjama-ct2 peak RSS ≤ 600 MB: {c['rss_mb']:.0f} MB ({ok})")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
