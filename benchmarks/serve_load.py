"""`tarjama serve` under load (loopback only, bounded in time) against `tarjama batch` on the same sentences.

    .venv/bin/python benchmarks/serve_load.py [--seconds 20] [--rounds 3] [--clients 1,4,16,64] [--apis lt,deepl]

The model is opus-mt-ar-en's shape with random weights and a fixed output length
(benchmarks/throughput.py builds it: 32 target tokens per sentence), CTranslate2 int8, beam
4, no glossary, no memory, on both sides. Every text is one sentence to tarjama's segmenter
(`make_sentences(whole=True)`), so a request answered and a sentence of the batch path are
the same work. Per round, interleaved:

  batch       the run core over one article of all the sentences (what `tarjama batch` does
              once the model is loaded), in a fresh process: sentences/s
  decode-1    one sentence decoded alone by the same backend, in that process: seconds (median)
  serve-N     the service on 127.0.0.1 with N client threads, each sending one sentence per
              request (requests.Session, keep-alive) for --seconds, through each API of --apis
              (lt: POST /translate {"q"}; deepl: POST /v2/translate {"text": [...]}, as Weblate's
              DeepL class sends it): sentences/s and p50/p95/p99 latency; peak RSS of the
              server process (VmHWM)

Medians over the rounds. Targets (issue #17): serve-16 ≥ 0.8 × batch; serve-1 p50 within 20 %
of decode-1. Numbers go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput

ROOT = Path(__file__).resolve().parent.parent


def batch_worker(model: Path, sentences: list[str], work: Path) -> dict:
    """In a fresh process: the run core over one article of the sentences, and single decodes."""
    from tarjama.run import RunOptions
    from tarjama.run.core import Model, Run
    from tarjama.sources import read
    from tarjama.translate.backend import DecodeSettings
    from tarjama.translate.backends import open_backend
    from tarjama.translate.model_source import resolve_model

    article = work / "load.ar.txt"
    article.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    doc = read(article)
    settings = DecodeSettings(backend="ct2", beam=4, batch_size=32)
    model_ = Model(resolve_model(str(model)), settings, open_backend)
    backend = model_.backend()
    backend.translate(sentences[:4])  # warm-up
    singles = []
    for s in sentences[:8]:
        t0 = time.perf_counter()
        backend.translate([s])
        singles.append(time.perf_counter() - t0)
    out = work / f"out-{os.getpid()}"
    t0 = time.perf_counter()
    report = Run(RunOptions(out_dir=out, settings=settings), model_).run([doc])
    seconds = time.perf_counter() - t0
    # the service is timed in requests answered, one sentence each: the same unit here
    if report.unique_sentences != len(sentences):
        raise SystemExit(f"the article read as {report.unique_sentences} sentences, not {len(sentences)}")
    return {
        "batch_sps": report.unique_sentences / seconds,
        "decode1_s": statistics.median(singles),
        "sentences": report.unique_sentences,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: Path, work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = (work / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tarjama",
            "serve",
            "--model",
            str(model),
            "--backend",
            "ct2",
            "--no-glossary",
            "--no-memory",
            "--port",
            str(port),
            "--max-batch",
            "32",
            "--char-limit",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/health", timeout=1)
            return proc, url
        except requests.ConnectionError:
            if proc.poll() is not None:
                raise SystemExit((work / "serve.log").read_text()) from None
            time.sleep(0.3)
    raise SystemExit("the service did not start")


def request_for(api: str, text: str) -> tuple[str, dict]:
    """The path and JSON body of one sentence's request through ``api``."""
    if api == "deepl":
        return "/v2/translate", {"text": [text], "source_lang": "AR", "target_lang": "EN"}
    return "/translate", {"q": text, "source": "ar", "target": "en"}


def drive(url: str, sentences: list[str], clients: int, seconds: float, api: str = "lt") -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    errors = [0]

    def client(k: int) -> None:
        session = requests.Session()
        i = k
        while time.monotonic() < stop:
            text = sentences[i % len(sentences)]
            i += clients
            t0 = time.perf_counter()
            path, body = request_for(api, text)
            res = session.post(url + path, json=body, timeout=120)
            took = time.perf_counter() - t0
            with lock:
                if res.status_code == 200:
                    latencies.append(took)
                else:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    return {
        "sps": len(latencies) / elapsed,
        "p50": pct(0.5),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": errors[0],
    }


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", default="1,4,16,64")
    ap.add_argument("--apis", default="lt,deepl", help="lt, deepl or both (comma-separated)")
    ap.add_argument("--sentences", type=int, default=96)
    ap.add_argument(
        "--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "tarjama-serve-bench"
    )
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ["TARJAMA_CACHE"] = str(args.work / "cache")
    os.environ["HF_HUB_OFFLINE"] = "1"
    model = args.work / "opus-shape"
    if args.worker:
        sentences = json.loads((args.work / "sentences.json").read_text(encoding="utf-8"))
        print(json.dumps(batch_worker(model, sentences, args.work)))
        return
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    model = throughput.build_model(args.work)
    sentences = throughput.make_sentences(model, args.sentences, whole=True)
    (args.work / "sentences.json").write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
    from tarjama.translate.ct2_convert import ensure_converted
    from tarjama.translate.model_source import resolve_model

    ensure_converted(resolve_model(str(model)), "int8")
    clients = [int(c) for c in args.clients.split(",")]
    apis = [a for a in args.apis.split(",") if a]
    batch, decode1 = [], []
    serve: dict[tuple[str, int], list[dict]] = {(a, c): [] for a in apis for c in clients}
    rss = 0.0
    for n in range(args.rounds):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", "--work", str(args.work)],
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        batch.append(data["batch_sps"])
        decode1.append(data["decode1_s"])
        print(
            f"round {n + 1}: batch {data['batch_sps']:.2f} sent/s, one decode {data['decode1_s'] * 1000:.0f} ms",
            flush=True,
        )
        proc, url = start_server(model, args.work)
        try:
            drive(url, sentences, 2, 3.0)  # warm-up
            for api in apis:
                for c in clients:
                    r = drive(url, sentences, c, args.seconds, api)
                    serve[(api, c)].append(r)
                    print(
                        f"  serve {api} {c:>2} clients: {r['sps']:.2f} sent/s, p50 {r['p50'] * 1000:.0f} ms, "
                        f"p95 {r['p95'] * 1000:.0f} ms, p99 {r['p99'] * 1000:.0f} ms, errors {r['errors']}",
                        flush=True,
                    )
            rss = max(rss, peak_rss_mb(proc.pid))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    b, d = statistics.median(batch), statistics.median(decode1)
    print(
        f"\n{started}, {args.rounds} rounds, {args.seconds:.0f} s per load, {len(sentences)} sentences, "
        f"CTranslate2 int8 beam 4, 32 tokens out, no glossary/memory"
    )
    print("| config | sentences/s | × batch | p50 ms | p95 ms | p99 ms | server peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| batch (run core) | {b:.2f} | 1.00 | | | | |")
    print(f"| one decode alone | | | {d * 1000:.0f} | | | |")
    for api in apis:
        for c in clients:
            runs = serve[(api, c)]
            med = {k: statistics.median(r[k] for r in runs) for k in ("sps", "p50", "p95", "p99")}
            print(
                f"| serve {api}, {c} client{'s' if c > 1 else ''} | {med['sps']:.2f} | {med['sps'] / b:.2f} | "
                f"{med['p50'] * 1000:.0f} | {med['p95'] * 1000:.0f} | {med['p99'] * 1000:.0f} | {rss:.0f} |"
            )
    for api in apis:
        if 1 in clients:
            p50 = statistics.median(r["p50"] for r in serve[(api, 1)])
            print(f"\n{api}: 1 client p50 / one decode: {p50 / d:.2f} (target ≤ 1.20)")
        if 16 in clients:
            ratio = statistics.median(r["sps"] for r in serve[(api, 16)]) / b
            print(f"{api}: 16 clients / batch: {ratio:.2f} (target ≥ 0.80)")


if __name__ == "__main__":
    main()
