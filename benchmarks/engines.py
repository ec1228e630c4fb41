"""`tarjama batch`'s engines on one machine: local vs Ray with 1 and 2 decoding actors.

    python benchmarks/engines.py                                   # 600 sentences, beam 4, 2 passes
    python benchmarks/engines.py --sentences 200 --repeats 1       # a quick look
    python benchmarks/engines.py --configs local,ray-2x1 --beam 1
    python benchmarks/engines.py --configs local,ray-1x1,ray-2x1 --device cuda   # a GPU node (2 GPUs)

The model and sentences are `benchmarks/throughput.py`'s (opus-mt-ar-en's architecture with
random weights, every sentence decoded to exactly 32 target tokens, 20-32 source tokens each),
CTranslate2 int8, batch 32. The sentences go into articles of 10 (each article also carries
one byline all articles share, decoded once), and every configuration runs
`tarjama.run.run_batch` on them, in a fresh process per pass, into an empty output folder:

  local      the local engine (inter_threads 2, each batch in 2 pieces)
  ray-1x2    Ray, 1 actor with 2 CPUs
  ray-2x1    Ray, 2 actors with 1 CPU each
  ray-1x1    Ray, 1 actor with 1 CPU (half the machine; not in the default set)
  driver     the driver alone: read, plan (tokens, splitting, glossary), look up and write, with
             a decoder that hands every source text back at once: how many sentences/s one
             driver can feed its actors at most (not in the default set)

A Ray pass starts its own private Ray (``ray.init(address="local")``), timed apart as start-up.
Reported per configuration (median over the passes):

  run s      run_batch from the first read to the last catalog written (Ray: after start-up;
             it includes the read stage, the actors' start and model load)
  sent/s     distinct sentences / run s
  decode/s   sentences / time from the first to the last decoded batch (steady state)
  start s    Ray start-up (ray.init)
  driver MB  the driver's peak RSS (VmHWM); actor MB: each actor's peak RSS, largest;
             Ray MB: Ray's own processes (GCS, raylet, ...) at the end, together
  same       whether every catalog equals the local engine's, header dates aside
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import build_model, machine, make_sentences, peak_rss_mb

CONFIGS = {"local": None, "driver": None, "ray-1x2": (1, 2.0), "ray-2x1": (2, 1.0), "ray-1x1": (1, 1.0)}
PER_ARTICLE = 10
BYLINE = "بقلم مراسل الوكالة في هانوي"
BATCH = 32


def write_articles(folder: Path, sentences: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(0, len(sentences), PER_ARTICLE):
        lines = [BYLINE + ".", *(s + "." for s in sentences[k : k + PER_ARTICLE])]
        (folder / f"a{k // PER_ARTICLE:05d}.ar.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def dated(po: bytes) -> bytes:
    return re.sub(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"\\]*\\n"$', rb'"\1: -\\n"', po, flags=re.M)


def worker(config: str, work: Path, beam: int, out: Path, device: str = "cpu") -> dict:
    import psutil

    from tarjama.run import Resources, RunOptions, run_batch
    from tarjama.translate.backend import DecodeSettings

    times: list[float] = []

    class Clock:
        def start(self, articles: int, sentences: int) -> None:
            pass

        def advance(self, articles: int = 0, sentences: int = 0) -> None:
            if sentences:
                times.append(time.perf_counter())

    engine, startup = None, 0.0
    if config == "driver":
        engine = _driver_only()
    elif CONFIGS[config] is not None:
        from tarjama.run.ray_engine import RayEngine, RayOptions

        actors, cpus = CONFIGS[config]
        gpus = 1.0 if device != "cpu" else 0.0  # on a GPU node: one GPU per actor
        engine = RayEngine(RayOptions(actors=(actors, actors), cpus_per_actor=cpus, gpus_per_actor=gpus))
        engine.start()
        startup = engine.stats.startup_s
    settings = DecodeSettings(backend="ct2", beam=beam, batch_size=BATCH, device=device)
    options = RunOptions(out_dir=out, settings=settings, skip_unchanged=True, wave_sentences=512)
    t0 = time.perf_counter()
    report = run_batch(
        [work / "articles"],
        options,
        Resources(model=str(work / "opus-shape")),
        progress=Clock(),
        engine=engine,
    )
    run_s = time.perf_counter() - t0
    assert not report.failed, report.failed
    result = {
        "run_s": run_s,
        "sentences": report.unique_sentences,
        "decode_s": (times[-1] - times[0]) if len(times) > 1 else run_s,
        "batches_done": len(times),
        "startup_s": startup,
        "driver_mb": peak_rss_mb(),
        "actor_mb": 0.0,
        "ray_mb": 0.0,
    }
    if CONFIGS[config] is not None:
        actor_pids = {pid for _, pid in engine.stats.actor_pids}
        result["actor_mb"] = max((_hwm(pid) for pid in actor_pids), default=0.0)
        others = [p for p in psutil.Process().children(recursive=True) if p.pid not in actor_pids]
        result["ray_mb"] = sum(_rss(p) for p in others)
        engine.close()
    return result


def sensitivity(model: Path, sentences: list[str], beam: int) -> None:
    from tarjama.run import translate_pool
    from tarjama.translate.backend import CpuLayout, DecodeSettings
    from tarjama.translate.backends import open_backend
    from tarjama.translate.model_source import resolve_model

    source, settings = resolve_model(str(model)), DecodeSettings(backend="ct2", beam=beam, batch_size=BATCH)
    outputs = {
        parts: translate_pool(
            open_backend(source, settings, layout=CpuLayout(threads=2, parts=parts)), sentences
        )
        for parts in (2, 1)
    }
    changed = sum(a != b for a, b in zip(outputs[2], outputs[1], strict=True))
    print(
        f"{changed} of {len(sentences)} sentences differ between batches cut in 2 pieces and in 1 (beam {beam})"
    )


def _driver_only():
    """The Ray engine's driver side (tokens-only backend, planning, writing) with an instant decoder."""
    from tarjama.run import LocalEngine
    from tarjama.translate.backends import open_backend

    class Echo:
        def decode(self, backend, waves):
            for w, batches in enumerate(waves):
                for k, batch in enumerate(batches):
                    yield w, k, list(batch.texts), 0.0

    class DriverOnly(LocalEngine):
        def opener(self, opener):
            return lambda source, settings: open_backend(source, settings, decoding=False)

        def decoder(self, model, opener):
            return Echo()

    return DriverOnly()


def _hwm(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss(proc) -> float:
    try:
        return proc.memory_info().rss / 2**20
    except Exception:  # gone meanwhile
        return 0.0


def run_pass(work: Path, config: str, beam: int, n: int, device: str = "cpu") -> dict:
    out = work / "out" / f"{config}-{n}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--worker", config, "--beam", str(beam), "--work", str(work)]
    cmd += ["--device", device]
    res = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        sys.exit(f"{config} failed:\n{res.stderr[-4000:]}")
    data = json.loads(res.stdout.strip().splitlines()[-1])
    data["catalogs"] = {p.name: dated(p.read_bytes()) for p in sorted(out.rglob("*.po"))}
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=600)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--configs", default="local,ray-1x2,ray-2x1")
    ap.add_argument(
        "--device",
        default="cpu",
        help="cuda: decode on GPUs (local on one; each Ray actor with one GPU), compute type int8_float16",
    )
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "tarjama-bench")
    ap.add_argument(
        "--sensitivity",
        type=int,
        default=0,
        metavar="N",
        help="only check, on N sentences, whether CTranslate2's output changes when each batch is cut "
        "in 1 piece instead of 2 (why Ray actors keep the local engine's pieces)",
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ["TARJAMA_CACHE"] = str(args.work / "cache")
    os.environ["HF_HUB_OFFLINE"] = "1"
    if args.worker:
        print(json.dumps(worker(args.worker, args.work, args.beam, args.out, args.device)))
        return

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    model = build_model(args.work)
    if args.sensitivity:
        sensitivity(model, make_sentences(model, args.sensitivity), args.beam)
        return
    sentences = make_sentences(model, args.sentences)
    shutil.rmtree(args.work / "articles", ignore_errors=True)
    write_articles(args.work / "articles", sentences)
    from tarjama.translate.ct2_convert import ensure_converted
    from tarjama.translate.model_source import resolve_model

    ensure_converted(resolve_model(str(model)), "int8")  # once, outside every measurement
    configs = args.configs.split(",")
    acc: dict[str, list[dict]] = {c: [] for c in configs}
    for n in range(args.repeats):  # passes interleaved: background drift hits every configuration alike
        for config in configs:
            data = run_pass(args.work, config, args.beam, n, args.device)
            acc[config].append(data)
            print(f"  pass {n + 1}: {config}: {data['run_s']:.1f} s", flush=True)
    reference = acc.get("local", [{}])[0].get("catalogs")
    print(f"\nMachine: {machine()}. Run {started}.")
    distinct = next(iter(acc.values()))[0]["sentences"]
    print(
        f"{args.sentences} lines in {-(-args.sentences // PER_ARTICLE)} articles, each with the same byline: "
        f"{distinct} distinct sentences to decode; beam {args.beam}, ct2 on {args.device}, batch {BATCH}; "
        f"median of {args.repeats} passes.\n"
    )
    print("| engine | run s | sent/s | decode/s | × local | start s | driver MB | actor MB | Ray MB | same |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    local_sps = None
    for config in configs:
        rows = acc[config]
        run_s = statistics.median(r["run_s"] for r in rows)
        sps = rows[0]["sentences"] / run_s
        dps = statistics.median(r["batches_done"] and r["sentences"] / r["decode_s"] for r in rows)
        local_sps = sps if config == "local" else local_sps
        ratio = f"{sps / local_sps:.2f}" if local_sps else "n/a"
        if reference is None or config == "driver":  # the driver-only run writes the source texts
            same = "n/a"
        else:
            same = "yes" if all(r["catalogs"] == reference for r in rows) else "NO"
        print(
            f"| {config} | {run_s:.1f} | {sps:.1f} | {dps:.1f} | {ratio} | "
            f"{statistics.median(r['startup_s'] for r in rows):.1f} | "
            f"{max(r['driver_mb'] for r in rows):.0f} | {max(r['actor_mb'] for r in rows):.0f} | "
            f"{max(r['ray_mb'] for r in rows):.0f} | {same} |"
        )


if __name__ == "__main__":
    main()
