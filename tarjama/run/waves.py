"""Waves: which article waits for which text, so each catalog is written as soon as its last
text is decoded.

A text is decoded in the first wave that needs it; an article of a later wave that needs it
too waits for it. The decoder asks for a wave's texts when it is ready for them: the local one
once the wave before is decoded and written, a distributed one all at once (then its results
come back in any order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tarjama.run.options import Progress
from tarjama.run.work import ArticleWork, WorkTable


class Waves:
    def __init__(
        self,
        waves: list[list[ArticleWork]],
        table: WorkTable,
        finish: Callable[[ArticleWork], None],
        progress: Progress,
    ) -> None:
        self.waves = waves
        self.table = table
        self.finish = finish  # writes an article's catalog
        self.progress = progress
        self.waiting: dict[ArticleWork, set[str]] = {}  # article → texts it still waits for
        # text → the articles waiting for it, and whether it is decoded in their own wave
        # (what their report counts as translated)
        self.owners: dict[str, list[tuple[ArticleWork, bool]]] = {}
        self.scheduled: set[str] = set()

    def texts(self) -> Iterator[list[str]]:
        """Each wave's texts still to decode; articles that need nothing more are written here."""
        for wave in self.waves:
            todo: dict[str, None] = {}
            for article in wave:
                need = [t for t in article.texts if self.table.text(t).output is None]
                self.waiting[article] = set(need)
                for text in need:  # in article order (a set's order changes between processes)
                    own = text in todo or text not in self.scheduled
                    if own:
                        todo[text] = None
                    self.owners.setdefault(text, []).append((article, own))
            self.scheduled.update(todo)
            for article in wave:
                if not self.waiting[article]:
                    self.finish(article)
            if todo:
                yield list(todo)

    def done(self, finished: list[str]) -> None:
        """Texts decoded and checked: counted to the articles that waited for them in their own
        wave; an article whose last text this was is written."""
        for text in finished:
            read = self.table.texts[text]
            for article, own in self.owners.pop(text, ()):
                if own:
                    article.report.translated += not read.span_only
                    article.report.glossary_misses += sum(read.missing().values())
                self.waiting[article].discard(text)
                if not self.waiting[article]:
                    self.finish(article)
        self.progress.advance(sentences=len(finished))

    def time_to(self, text: str, seconds: float) -> None:
        """A batch's time goes to its articles by source tokens (a shared text: its first owner)."""
        self.owners[text][0][0].report.seconds += seconds
