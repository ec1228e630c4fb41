"""Article files to catalogs: what `tarjama translate` and `tarjama batch` ask of the run core.

Both open the same resources in the same order (documents, model, glossary, memory) and
call the same `Run`; `batch` adds input expansion, waves, skip-unchanged, failure
isolation and progress.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tarjama.catalog.memory import TranslationMemory, load_memory
from tarjama.errors import InputError, TarjamaError
from tarjama.glossary import Glossary, load_selected
from tarjama.run.core import (
    ArticleReport,
    Model,
    OnWarning,
    Progress,
    Run,
    RunOptions,
    RunReport,
    ignore_warning,
)
from tarjama.sources import Document, article_suffixes, read
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.backends import check_compute_type, open_backend
from tarjama.translate.model_source import DEFAULT_MODEL, ModelSource, resolve_model

Opener = Callable[[ModelSource, DecodeSettings], Backend]


@dataclass(frozen=True)
class Resources:
    """What a command opens once for all its articles: the model, the glossary and the memory."""

    model: str = DEFAULT_MODEL
    glossaries: Sequence[Path] | None = None  # None: the shipped default
    use_glossary: bool = True
    memory_dir: Path | None = None  # translation memory root; None: <out>/<lang>
    use_memory: bool = True


def load_glossary(
    glossaries: Sequence[Path] | None, use_glossary: bool = True, on_warning: OnWarning = ignore_warning
) -> Glossary | None:
    """The run's glossary; overrides between files are reported once, here."""
    if not use_glossary:
        return None
    glossary = load_selected(glossaries)
    for conflict in glossary.conflicts:
        on_warning(str(conflict))
    return glossary


def open_resources(
    resources: Resources,
    options: RunOptions,
    opener: Opener = open_backend,
    on_warning: OnWarning = ignore_warning,
) -> tuple[Model, Glossary | None, Callable[[], TranslationMemory]]:
    """Find the model (no load), read the glossary; the memory is read when first needed.

    A missing model or a bad glossary fails here, before any catalog is read or written.
    """
    check_compute_type(options.settings)
    model = Model(resolve_model(resources.model), options.settings, opener)
    glossary = load_glossary(resources.glossaries, resources.use_glossary, on_warning)

    def memory() -> TranslationMemory:
        if not resources.use_memory:
            return TranslationMemory()
        loaded = load_memory(resources.memory_dir or options.out_dir / options.lang, options.lang)
        for problem in loaded.skipped:
            on_warning(f"translation memory skips {problem}")
        return loaded

    return model, glossary, memory


def translate_articles(
    paths: Sequence[Path],
    options: RunOptions,
    resources: Resources,
    opener: Opener = open_backend,
    on_warning: OnWarning = ignore_warning,
    fmt: str | None = None,
) -> list[ArticleReport]:
    """Every article read and checked, then the model and glossary, then one pooled run.

    Any bad input stops the run before a model is loaded or a file is touched.
    """
    documents = [read(path, fmt) for path in paths]
    model, glossary, memory = open_resources(resources, options, opener, on_warning)
    options = replace(options, isolate_failures=False)
    return Run(options, model, glossary, memory, on_warning=on_warning).run(documents).articles


def run_batch(
    inputs: Iterable[str | Path],
    options: RunOptions,
    resources: Resources,
    opener: Opener = open_backend,
    progress: Progress | None = None,
    on_warning: OnWarning = ignore_warning,
    fmt: str | None = None,
) -> RunReport:
    """Many articles with one model load; a bad article is reported and skipped, the others go on."""
    paths, failed = expand_inputs(inputs)
    model, glossary, memory = open_resources(resources, options, opener, on_warning)
    documents: list[Document] = []
    for path in paths:
        try:
            documents.append(read(path, fmt))
        except TarjamaError as exc:
            failed.append(ArticleReport(path, status="failed", error=str(exc)))
    options = replace(options, isolate_failures=True)
    return Run(options, model, glossary, memory, progress, on_warning).run(documents, failed)


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[ArticleReport]]:
    """Files as given, directories searched for article files, globs expanded; unmatched globs reported."""
    paths: list[Path] = []
    failed: list[ArticleReport] = []
    suffixes = article_suffixes()
    for item in inputs:
        text = str(item)
        path = Path(text).expanduser()
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.name.endswith(suffixes) and not p.name.startswith(".")
            )
            if not found:
                failed.append(
                    _failure(
                        path, f"directory holds no article files ({', '.join('*' + s for s in suffixes)})"
                    )
                )
            paths.extend(found)
        elif not path.exists() and glob.has_magic(text):
            matched = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
            if not matched:
                failed.append(_failure(path, "no file matches this pattern"))
            paths.extend(matched)
        else:
            paths.append(path)  # a missing file is reported by the reader, like any bad input
    return list(dict.fromkeys(paths)), failed


def _failure(path: Path, message: str) -> ArticleReport:
    return ArticleReport(path, status="failed", error=str(InputError(message, path=path)))
