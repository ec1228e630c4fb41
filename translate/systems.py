"""The translating half of `tarjama compare`: turn `NAME=SOURCE` into PO files to score.

A SOURCE that is a model (hub id, or a directory with config.json) translates the
articles through the ordinary pipeline into a private temporary directory: same
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
from tarjama.translate.article import read_article
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.model_source import ModelSource
from tarjama.translate.pipeline import RunOptions, open_backend, translate_articles
from tarjama.translate.segment import segment


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
class Translated:
    po_files: list[Path]  # one per article, in article order
    sentences: int  # sentences the model translated
    seconds: float  # time in the model (loading excluded)

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds > 0 else float("inf")


def translate_system(
    model: str,
    articles: Sequence[Path],
    work_dir: Path,
    settings: DecodeSettings,
    glossaries: Sequence[Path] | None = None,
    use_glossary: bool = True,
    backend_factory: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
) -> Translated:
    """Translate ARTICLES with MODEL into work_dir (fresh, no memory); time the model separately from loading."""
    if not articles:
        raise TarjamaError(f"model system {model!r} needs ARTICLE arguments to translate")
    loading = 0.0

    def timed_factory(source: ModelSource, decode: DecodeSettings) -> Backend:
        nonlocal loading
        start = time.perf_counter()
        try:
            return backend_factory(source, decode)
        finally:
            loading += time.perf_counter() - start

    options = RunOptions(
        model=model,
        out_dir=work_dir,
        settings=settings,
        glossaries=glossaries,
        use_glossary=use_glossary,
        use_memory=False,
    )
    start = time.perf_counter()
    results = translate_articles(list(articles), options, backend_factory=timed_factory)
    total = time.perf_counter() - start
    return Translated(
        [r.po_path for r in results], sum(r.machine_translated for r in results), max(total - loading, 1e-9)
    )


def source_sentences(articles: Sequence[Path]) -> list[str]:
    """Every sentence of the articles, in order, as the pipeline segments them (the term-accuracy sources)."""
    return [s.text for path in articles for s in segment(read_article(Path(path)).text)]
