"""Bare CTranslate2 speed across thread layouts, batch sizes and compute types.

    python benchmarks/ct2_settings.py                    # beam 4, the default sweep
    python benchmarks/ct2_settings.py --beam 1 --specs int8:2:1:8:examples,int8:1:2:32:examples

Same model (opus-mt-ar-en's architecture, random weights) and sentences as
``benchmarks/throughput.py``, sharing its work directory, exactly 32 target tokens per
sentence. Each spec is ``compute_type:inter_threads:intra_threads:max_batch_size:batch_type``;
sentences/s is the best of ``--repeats`` passes over all sentences in one
``translate_batch`` call, after a warm-up. It answers "could tarjama's ct2 backend go faster by
choosing other settings?" without tarjama in the way.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput  # a sibling script, not a package

DEFAULT_SPECS = (
    "int8:2:1:1:examples,int8:2:1:2:examples,int8:2:1:4:examples,int8:2:1:8:examples,"
    "int8:2:1:16:examples,int8:2:1:32:examples,int8:2:1:256:tokens,int8:2:1:512:tokens,"
    "int8:1:2:32:examples,int8_float32:2:1:16:examples,int16:2:1:16:examples,float32:2:1:16:examples"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--specs", default=DEFAULT_SPECS)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "tarjama-bench")
    args = ap.parse_args()
    os.environ["TARJAMA_CACHE"] = str(args.work / "cache")
    os.environ["HF_HUB_OFFLINE"] = "1"

    import ctranslate2
    import sentencepiece as spm

    from tarjama.translate.ct2_convert import STORED_WEIGHTS, ensure_converted
    from tarjama.translate.model_source import resolve_model

    model = throughput.build_model(args.work)
    sentences = throughput.make_sentences(model, args.sentences)
    sp = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
    tokens = [[*p, "</s>"] for p in sp.encode(sentences, out_type=str)]
    source = resolve_model(str(model))

    print(
        f"{throughput.machine()}\n{len(tokens)} sentences, beam {args.beam}, {throughput.OUT_TOKENS} target tokens each\n"
    )
    print("| compute type | inter | intra | max batch | batch type | sentences/s |")
    print("|---|---:|---:|---:|---|---:|")
    for spec in args.specs.split(","):
        compute_type, inter, intra, size, batch_type = spec.split(":")
        translator = ctranslate2.Translator(
            str(ensure_converted(source, STORED_WEIGHTS[compute_type])),
            device="cpu",
            compute_type=compute_type,
            inter_threads=int(inter),
            intra_threads=int(intra),
        )
        options = {
            "max_batch_size": int(size),
            "batch_type": batch_type,
            "beam_size": args.beam,
            "min_decoding_length": throughput.OUT_TOKENS,
            "max_decoding_length": throughput.OUT_TOKENS,
        }
        translator.translate_batch(tokens[:8], **options)
        best = float("inf")
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            translator.translate_batch(tokens, **options)
            best = min(best, time.perf_counter() - t0)
        print(
            f"| {compute_type} | {inter} | {intra} | {size} | {batch_type} | {len(tokens) / best:.2f} |",
            flush=True,
        )
        del translator


if __name__ == "__main__":
    main()
