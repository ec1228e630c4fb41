"""Ctrl-C and kill stop a run at its next step, even when Python swallowed the interrupt.

Python raises KeyboardInterrupt wherever the main thread happens to be when a signal lands.
Where that is a ``__del__`` or a weakref callback (filelock's lock finaliser runs at any
garbage collection), Python prints "Exception ignored in ..." and carries on: a SIGTERM was
lost that way and the batch ran to its end with exit 0. So the handler also remembers the
signal (and, while it is held, the "Exception ignored" report of that one interrupt is not
printed: a user would read a traceback for a stop that still happens as it should), and the run checks it at every progress step (an article written, a batch decoded)
and once more when it returns: a swallowed interrupt still ends the run at the next step,
with the usual one line and exit 130, and every catalog already written stays complete.

`run.batch.batch` (what `tarjama batch` calls) holds it for the run, as a context manager
that puts the caller's handlers back; a caller of `run.articles.run_batch` can do the same:

    with Interrupts() as stops:
        report = run_batch(inputs, options, resources, progress=stops.watch(NoProgress()))
        stops.check()

Signals reach the main thread only, so in any other thread (a service's worker) it installs
nothing and the run goes on as the caller's own handlers say.
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType
from typing import Any

from tarjama.run.core import Progress


class Interrupts:
    """SIGINT and SIGTERM handlers that raise KeyboardInterrupt and remember that they did."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)  # kill (SIGTERM) ends a run like Ctrl-C

    def __init__(self) -> None:
        self.signalled: int | None = None
        self._previous: dict[int, Any] = {}
        self._unraisable = sys.unraisablehook

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is not threading.main_thread():
            return self  # signal.signal would raise there; signals never land there anyway
        for signum in self.SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        self._unraisable = sys.unraisablehook
        sys.unraisablehook = self._unraisable_hook
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        if self._previous:
            sys.unraisablehook = self._unraisable
        self._previous.clear()

    def _unraisable_hook(self, unraisable: Any) -> None:
        """Silent for the interrupt this handler raised where Python could not raise it (a
        finaliser): it is remembered and acted on at the next step; anything else is reported
        by the hook that was in place."""
        if self.signalled is not None and isinstance(unraisable.exc_value, KeyboardInterrupt):
            return
        self._unraisable(unraisable)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.signalled = signum
        raise KeyboardInterrupt

    def check(self) -> None:
        """Raise the interrupt again if one arrived and was swallowed on the way."""
        if self.signalled is not None:
            raise KeyboardInterrupt

    def watch(self, progress: Progress) -> Progress:
        """``progress``, with the interrupt checked at every step the run reports."""
        return _Checked(progress, self)


class _Checked:
    def __init__(self, progress: Progress, stops: Interrupts) -> None:
        self._progress = progress
        self._stops = stops

    def start(self, articles: int, sentences: int) -> None:
        self._stops.check()
        self._progress.start(articles, sentences)

    def advance(self, articles: int = 0, sentences: int = 0) -> None:
        self._progress.advance(articles, sentences)
        self._stops.check()
