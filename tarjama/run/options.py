"""What a run is given: its options, the model (loaded only when a sentence needs it), and where
it reports progress and warnings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tarjama.catalog.memory import DEFAULT_THRESHOLD
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.model_source import ModelSource

OnWarning = Callable[[str], None]


def ignore_warning(message: str) -> None:
    pass


@dataclass
class RunOptions:
    """How a run treats catalogs; what the model decodes with is ``settings``."""

    out_dir: Path
    lang: str = "en"
    settings: DecodeSettings = field(default_factory=DecodeSettings)
    fuzzy_threshold: float = DEFAULT_THRESHOLD
    retranslate_changed: bool = False  # MT over changed sentences instead of offering their old review
    lock_timeout: float = 30.0
    max_batch_tokens: int = 2048  # padded source tokens per batch
    # Distinct sentences pooled before their documents are written (what an interrupted run
    # keeps); 0 pools every document in one wave.
    wave_sentences: int = 0
    skip_unchanged: bool = False  # leave catalogs whose header records this source, model and settings
    isolate_failures: bool = False  # a bad document fails alone (batch) instead of the whole run
    force: bool = False  # write catalogs whose permission bits say read-only
    # An element without translatable text (a placeholder such as Weblate's [X7X], <img>) that the
    # translation does not show: put at its share of the sentence (the service: a client has no
    # reviewer) instead of appended for a translator to move (catalogs).
    atoms_in_place: bool = False


class Model:
    """A resolved checkpoint (found, revision known: cheap) that is loaded only when a sentence needs it."""

    def __init__(
        self,
        source: ModelSource,
        settings: DecodeSettings,
        opener: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
        backend: Backend | None = None,
    ) -> None:
        self.source = source
        self.settings = settings
        self._opener = opener
        self._backend = backend

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    def backend(self) -> Backend:
        if self._backend is None:
            self._backend = self._opener(self.source, self.settings)
        return self._backend


class Progress(Protocol):
    def start(self, articles: int, sentences: int) -> None: ...
    def advance(self, articles: int = 0, sentences: int = 0) -> None: ...


class NoProgress:
    def start(self, articles: int, sentences: int) -> None:
        pass

    def advance(self, articles: int = 0, sentences: int = 0) -> None:
        pass
