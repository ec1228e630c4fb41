"""The translating half of `tarjama compare`: turn `NAME=SOURCE` into PO files to score.

A SOURCE that is a model (hub id, or a directory with config.json) translates the
articles through the run core into a private temporary directory: same
segmentation and glossary for every system, no translation memory (a previous system's
output must not leak in as an offer), nothing written under the user's locales. Anything
else is an existing hypothesis file or directory, read by the evaluation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tarjama.errors import InputError, TarjamaError
from tarjama.glossary import Glossary
from tarjama.run.core import Model, Progress, Run, RunOptions
from tarjama.sources import Document
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.model_source import ModelSource, resolve_model


@dataclass(frozen=True)
class SystemSpec:
    name: str
    source: str
    is_model: bool


def parse_system(spec: str) -> SystemSpec:
    """`NAME=SOURCE`; SOURCE is a model unless it is an existing file or a directory without config.json."""
    name, sep, source = spec.partition("=")
    if not sep or not name.strip() or not source.strip():
        raise TarjamaError(
            f"--system {spec!r}: expected NAME=SOURCE (a model id or directory, or hypothesis files)"
        )
    path = Path(source).expanduser()
    if path.is_file():
        is_model = False
    elif path.is_dir():
        is_model = (path / "config.json").is_file()
    else:
        # not on disk: a hub id (resolved offline-aware by the pipeline) or a typo it reports
        is_model = "/" in source and not source.endswith((".po", ".txt"))
        if not is_model:
            raise InputError("no such hypothesis file or model directory", path=path)
    return SystemSpec(name.strip(), source, is_model)


@dataclass
class SystemRun:
    """What one model system produced: its catalogs and how fast the model was."""

    po_files: list[Path]  # one per article, in article order
    sentences: int  # sentences the model translated
    seconds: float  # time in the model (loading excluded)

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else float("inf")


def resolve_systems(specs: Sequence[SystemSpec]) -> dict[str, ModelSource]:
    """Every model system found (not loaded) before any is translated: a typo in the last
    --system fails the command at once, not after the first system's whole run."""
    return {spec.name: resolve_model(spec.source) for spec in specs if spec.is_model}


def translate_system(
    source: ModelSource,
    documents: Sequence[Document],
    work_dir: Path,
    settings: DecodeSettings,
    glossary: Glossary | None,
    opener: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
    progress: Progress | None = None,
) -> SystemRun:
    """Translate the documents with one model into work_dir (fresh, no memory); the model's time
    is measured apart from its loading."""
    if not documents:
        raise TarjamaError(f"model system {source.model_id!r} needs ARTICLE arguments to translate")
    loading = 0.0

    def timed_opener(src: ModelSource, decode: DecodeSettings) -> Backend:
        nonlocal loading
        start = time.perf_counter()
        try:
            return opener(src, decode)
        finally:
            loading += time.perf_counter() - start

    options = RunOptions(out_dir=work_dir, settings=settings)
    start = time.perf_counter()
    report = Run(options, Model(source, settings, timed_opener), glossary, progress=progress).run(documents)
    total = time.perf_counter() - start
    return SystemRun(
        [r.po_path for r in report.articles if r.po_path is not None],
        sum(r.machine_translated for r in report.articles),
        max(total - loading, 1e-9),
    )


def source_sentences(documents: Sequence[Document]) -> list[str]:
    """Every sentence of the documents, in order, as the sources stage segments them (term-accuracy sources)."""
    return [s.mt_text for doc in documents for s in doc.sentences]
