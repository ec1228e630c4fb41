"""What `tarjama batch` (and compare, per system) shows: a live progress bar and the summary table."""

from __future__ import annotations

import os
import sys
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from tarjama.errors import display_path
from tarjama.run import RunReport


class _Speed(ProgressColumn):
    """Items per second over the task's whole run (rich's own speed is a short moving window)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        if not task.total or elapsed <= 0 or task.fields.get("unit") is None:
            return Text("")
        return Text(f"{task.completed / elapsed:.1f} {task.fields['unit']}/s")


# What --progress takes. auto: the bar on a terminal; where there is none (a log, cron, a pipe,
# a run on a Ray cluster relayed through ray://) plain lines, but only once a run has lasted
# PROGRESS_EVERY seconds ("heartbeat"): a long run in a log says how far it is, while a short one
# (a script reading stderr, a test) gets only tarjama's own one-line errors and warnings, as
# before --progress existed. lines (or TARJAMA_PROGRESS=lines with auto) prints from the start;
# TARJAMA_PROGRESS=none makes auto silent off a terminal whatever the run's length.
PROGRESS_MODES = ("auto", "bar", "lines", "none")
PROGRESS_ENV = "TARJAMA_PROGRESS"
PROGRESS_EVERY = 10.0  # seconds between two progress lines


def progress_mode(mode: str, is_terminal: bool) -> str:
    """What ``mode`` means here: "bar", "lines", "heartbeat" (lines after PROGRESS_EVERY) or "none"."""
    if mode != "auto":
        return mode
    if is_terminal:
        return "bar"
    asked = os.environ.get(PROGRESS_ENV)
    return asked if asked in ("lines", "none") else "heartbeat"


class RichProgress:
    """Articles and sentences done, sentences/s and ETA: a live bar, plain lines on stderr every
    PROGRESS_EVERY seconds, or nothing, as ``mode`` (--progress) says; ``enabled`` False: nothing."""

    def __init__(self, console: Console, enabled: bool = True, label: str = "", mode: str = "auto") -> None:
        chosen = progress_mode(mode if enabled else "none", console.is_terminal)
        self.enabled = chosen == "bar"
        self._plain = (
            _PlainProgress(label, chosen == "heartbeat") if chosen in ("lines", "heartbeat") else None
        )
        if self.enabled and not console.is_terminal:  # --progress bar in a log: asked for, drawn
            console = Console(file=console.file, force_terminal=True)
        self._label = f"{label} " if label else ""
        self._progress = Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            _Speed(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._articles: TaskID | None = None
        self._sentences: TaskID | None = None

    def start(self, articles: int, sentences: int) -> None:
        if self._plain is not None:
            self._plain.start(articles, sentences)
        if not self.enabled:
            return
        self._progress.start()
        self._articles = self._progress.add_task(f"{self._label}articles", total=articles, unit=None)
        self._sentences = self._progress.add_task(f"{self._label}sentences", total=sentences, unit="sent")

    def advance(self, articles: int = 0, sentences: int = 0) -> None:
        if self._plain is not None:
            self._plain.advance(articles, sentences)
        if self._articles is None or self._sentences is None:
            return
        if articles:
            self._progress.advance(self._articles, articles)
        if sentences:
            self._progress.advance(self._sentences, sentences)

    def stop(self) -> None:
        if self._plain is not None:
            self._plain.stop()
        if self._articles is not None:
            self._progress.stop()


class _PlainProgress:
    """The same figures as the bar, as a line on stderr at most every PROGRESS_EVERY seconds."""

    def __init__(self, label: str, heartbeat: bool = False) -> None:
        self.label = f"{label}: " if label else ""
        self.heartbeat = heartbeat  # silent until PROGRESS_EVERY has passed (see PROGRESS_MODES)
        self.said = False
        self.totals = (0, 0)
        self.done = [0, 0]
        self.t0 = self.last = 0.0
        self.started = False

    def start(self, articles: int, sentences: int) -> None:
        self.totals, self.done, self.started = (articles, sentences), [0, 0], True
        self.t0 = self.last = time.monotonic()
        if not self.heartbeat:
            self._line()

    def advance(self, articles: int, sentences: int) -> None:
        self.done[0] += articles
        self.done[1] += sentences
        if self.started and time.monotonic() - self.last >= PROGRESS_EVERY:
            self._line()

    def stop(self) -> None:
        if self.started and (self.said or not self.heartbeat):
            self._line()
        self.started = False

    def _line(self) -> None:
        self.last = now = time.monotonic()
        self.said = True
        (a, s), (ta, ts) = self.done, self.totals
        rate = s / (now - self.t0) if now > self.t0 else 0.0
        left = int((ts - s) / rate) if rate > 0 and s < ts else -1
        eta = f"{left // 60}:{left % 60:02d}" if left >= 0 else "-"
        print(
            f"progress: {self.label}articles {a}/{ta}, sentences {s}/{ts}, {rate:.1f} sent/s, ETA {eta}",
            file=sys.stderr,
            flush=True,
        )


def summary_table(report: RunReport) -> Table:
    table = Table(title=None, show_footer=True, header_style="bold", expand=True)
    arts = report.articles
    total = {
        "sentences": sum(a.sentences for a in arts),
        "memory": sum(a.reviewed_kept + a.from_memory for a in arts),
        "mt": sum(a.translated for a in arts),
        "misses": sum(a.glossary_misses for a in arts),
    }
    # names and errors wrap ("fold"), never cut: two articles must not look like one row twice;
    # they share what the figures leave, which are never wrapped
    table.add_column(
        "article", footer=f"total: {len(arts)}, {len(report.failed)} failed", overflow="fold", ratio=3
    )
    table.add_column("status", overflow="fold", ratio=2, min_width=len("unchanged"))
    figures = (
        ("sentences", str(total["sentences"])),
        ("from\nmemory", str(total["memory"])),
        ("MT\nkept", str(sum(a.kept_mt for a in arts))),
        ("translated", str(total["mt"])),
        ("glossary\nmisses", str(total["misses"])),
        ("time\n(s)", f"{report.seconds:.2f}"),
    )
    for header, footer in figures:
        table.add_column(header, footer=footer, justify="right", no_wrap=True)
    for a in arts:
        status = a.status if a.status != "failed" else "failed: " + a.error.split(": ", 1)[-1]
        table.add_row(
            display_path(a.article.name),
            status,
            str(a.sentences),
            str(a.reviewed_kept + a.from_memory),
            str(a.kept_mt),
            str(a.translated),
            str(a.glossary_misses),
            f"{a.seconds:.2f}",
        )
    return table


def summary_line(report: RunReport) -> str:
    model = "model loaded once" if report.model_loaded else "no model loaded"
    return f"{report.unique_sentences} distinct sentences sent to the model; {model}; {report.seconds:.2f} s"
