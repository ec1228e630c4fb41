"""Reading big pages: HTML and Markdown readers against the text segmenter on the same article text.

    .venv/bin/python benchmarks/page_read.py [--mb 4] [--repeat 3]

Builds an HTML page and a Markdown file of at least ``--mb`` MB by repeating the test pages
(examples/), a Markdown file of the Markdown test articles (tests/data/md-*, dense in tables
and raw HTML), an HTML page that never closes its elements, and a text export with the same
sentences as the example, then times each reader on its
file, interleaved, median of ``--repeat``, and measures the peak memory of one read of each
(tracemalloc) against the file's size. The issue's target: at least 1 MB/s, memory
proportional to the page. Numbers go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from tarjama.sources.segment import segment

ROOT = Path(__file__).resolve().parent.parent


def build(mb: float) -> dict[str, str]:
    html = (ROOT / "examples" / "hanoi-convention.ar.html").read_text(encoding="utf-8")
    head, _, rest = html.partition("<body")
    body = "<body" + rest.rsplit("</body>", 1)[0]
    markdown = (ROOT / "examples" / "hanoi-convention.ar.md").read_text(encoding="utf-8")
    front, body_md = "", markdown
    if markdown.startswith("---\n"):
        end = markdown.index("\n---\n", 4) + 5
        front, body_md = markdown[:end], markdown[end:]
    text = (ROOT / "examples" / "hanoi-convention.ar.txt").read_text(encoding="utf-8")
    n = max(1, int(mb * 1e6 / len(body.encode())) + 1)
    m = max(1, int(mb * 1e6 / len(body_md.encode())) + 1)
    t = max(1, int(mb * 1e6 / len(text.encode())) + 1)
    # The Markdown test articles: denser in tables, lists, raw HTML blocks and links than the
    # example page, so more, shorter paragraphs per MB (the readers' cost is per paragraph).
    dense = "".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data").glob("md-*.ar.md"))
    )
    d = max(1, int(mb * 1e6 / len(dense.encode())) + 1)
    # Broken markup at its worst: a template that never closes its <div> and <font>, so the
    # page nests deeper and deeper (Chromium stops nesting at 512; the reader follows).
    unclosed = "<div><font>وقال الوزير إن الاتفاقية الجديدة خطوة مهمة جدا. "
    u = max(1, int(mb * 1e6 / len(unclosed.encode())) + 1)
    return {
        "html": head + body * n + "</body></html>\n",
        "html-unclosed": "<!doctype html><html><body>" + unclosed * u,
        "markdown": front + body_md * m,
        "md-dense": dense * d,
        "text": text * t,
    }


def readers() -> dict[str, Callable[[str], int]]:
    from tarjama.sources.html import read_page

    out: dict[str, Callable[[str], int]] = {
        "html": lambda page: len(read_page(page).pieces),
        "html-unclosed": lambda page: len(read_page(page).pieces),
        "text": lambda text: len(segment(text)),
    }
    try:
        from tarjama.sources.markdown import read_markdown_text
    except ImportError:  # pragma: no cover - the reader ships with tarjama
        return out
    out["markdown"] = out["md-dense"] = lambda page: len(read_markdown_text(page)[0])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=4.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    docs = build(args.mb)
    fns = readers()
    times: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {
        k: [] for k in fns
    }  # the process's own CPU time: what load does not inflate
    sentences: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, fn in fns.items():  # interleaved: drift hits every reader alike
            t0, c0 = time.perf_counter(), time.process_time()
            sentences[name] = fn(docs[name])
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    print(
        f"{'reader':<13} {'MB':>6} {'sentences':>10} {'wall s':>7} {'MB/s':>6} {'cpu s':>6} "
        f"{'MB/cpu s':>8} {'peak MB':>8} {'peak/size':>9}"
    )
    for name, fn in fns.items():
        size = len(docs[name].encode()) / 1e6
        tracemalloc.start()
        fn(docs[name])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        median, cpu_median = statistics.median(times[name]), statistics.median(cpu[name])
        print(
            f"{name:<13} {size:>6.2f} {sentences[name]:>10} {median:>7.2f} {size / median:>6.2f} "
            f"{cpu_median:>6.2f} {size / cpu_median:>8.2f} {peak / 1e6:>8.1f} {peak / 1e6 / size:>9.2f}"
        )


if __name__ == "__main__":
    main()
