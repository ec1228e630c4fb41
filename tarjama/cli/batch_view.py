"""What `tarjama batch` (and compare, per system) shows: a live progress bar and the summary table."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from tarjama.run import RunReport


class _Speed(ProgressColumn):
    """Items per second over the task's whole run (rich's own speed is a short moving window)."""

    def render(self, task) -> Text:  # type: ignore[override]
        elapsed = task.elapsed or 0.0
        if not task.total or elapsed <= 0 or task.fields.get("unit") is None:
            return Text("")
        return Text(f"{task.completed / elapsed:.1f} {task.fields['unit']}/s")


class RichProgress:
    """Articles and sentences done, sentences/s and ETA; a no-op when not shown (not a TTY, --quiet)."""

    def __init__(self, console: Console, enabled: bool, label: str = "") -> None:
        self.enabled = enabled and console.is_terminal
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
        self._articles = self._sentences = None

    def start(self, articles: int, sentences: int) -> None:
        if not self.enabled:
            return
        self._progress.start()
        self._articles = self._progress.add_task(f"{self._label}articles", total=articles, unit=None)
        self._sentences = self._progress.add_task(f"{self._label}sentences", total=sentences, unit="sent")

    def advance(self, articles: int = 0, sentences: int = 0) -> None:
        if self._articles is None:
            return
        if articles:
            self._progress.advance(self._articles, articles)
        if sentences:
            self._progress.advance(self._sentences, sentences)

    def stop(self) -> None:
        if self._articles is not None:
            self._progress.stop()


def summary_table(report: RunReport) -> Table:
    table = Table(title=None, show_footer=True, header_style="bold")
    arts = report.articles
    total = {
        "sentences": sum(a.sentences for a in arts),
        "memory": sum(a.reviewed_kept + a.from_memory for a in arts),
        "mt": sum(a.translated for a in arts),
        "misses": sum(a.glossary_misses for a in arts),
    }
    table.add_column("article", footer=f"total: {len(arts)}, {len(report.failed)} failed")
    table.add_column("status")
    table.add_column("sentences", justify="right", footer=str(total["sentences"]))
    table.add_column("from memory", justify="right", footer=str(total["memory"]))
    table.add_column("MT kept", justify="right", footer=str(sum(a.kept_mt for a in arts)))
    table.add_column("translated", justify="right", footer=str(total["mt"]))
    table.add_column("glossary misses", justify="right", footer=str(total["misses"]))
    table.add_column("time (s)", justify="right", footer=f"{report.seconds:.2f}")
    for a in arts:
        status = a.status if a.status != "failed" else "failed: " + a.error.split(": ", 1)[-1]
        table.add_row(
            a.article.name,
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
