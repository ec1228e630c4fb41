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
from typing import Protocol

from tarjama.catalog.memory import TranslationMemory, check_memory_dir, load_memory
from tarjama.errors import InputError, TarjamaError
from tarjama.glossary import Glossary, load_selected
from tarjama.run.core import (
    ArticleReport,
    Decoder,
    LocalDecoder,
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


class Engine(Protocol):
    """Where `batch` reads articles and decodes sentences; the run core does the rest (plan,
    skip unchanged, look up, batch, post-check, write) the same way for every engine."""

    def opener(self, opener: Opener) -> Opener:
        """How the run's own ``Model`` opens the backend it plans batches with."""
        ...

    def read(self, paths: Sequence[Path], fmt: str | None) -> list[Document | ArticleReport]:
        """Each path read and segmented, in order; a bad article is its failed report."""
        ...

    def decoder(self, model: Model, opener: Opener) -> Decoder: ...


class LocalEngine:
    """Everything in this process: the default, with no dependency beyond tarjama's own."""

    def opener(self, opener: Opener) -> Opener:
        return opener

    def read(self, paths: Sequence[Path], fmt: str | None) -> list[Document | ArticleReport]:
        return [read_or_report(path, fmt) for path in paths]

    def decoder(self, model: Model, opener: Opener) -> Decoder:
        return LocalDecoder()


def read_or_report(path: Path, fmt: str | None) -> Document | ArticleReport:
    """The article, or why it cannot be read (``batch`` reports a bad article and goes on)."""
    try:
        return read(path, fmt)
    except TarjamaError as exc:
        return ArticleReport(path, status="failed", error=str(exc))


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
    if resources.use_memory and resources.memory_dir is not None:
        check_memory_dir(resources.memory_dir)
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
    engine: Engine | None = None,
) -> RunReport:
    """Many articles with one model load; a bad article is reported and skipped, the others go on.

    ``engine``: where articles are read and sentences decoded (default: here; ``run.ray_engine``
    spreads both over a Ray cluster). The catalogs are the same either way.
    """
    engine = engine or LocalEngine()
    paths, failed = expand_inputs(inputs)
    model, glossary, memory = open_resources(resources, options, engine.opener(opener), on_warning)
    documents: list[Document] = []
    for item in engine.read(paths, fmt):
        if isinstance(item, ArticleReport):
            failed.append(item)
        else:
            documents.append(item)
    options = replace(options, isolate_failures=True)
    decoder = engine.decoder(model, opener)
    return Run(options, model, glossary, memory, progress, on_warning, decoder=decoder).run(documents, failed)


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


def read_manifest(manifest: Path) -> list[Path]:
    """Article paths listed one per row: JSON Lines (a string, or an object with ``"path"``) or
    Parquet (a ``path`` column; needs pyarrow, which ``tarjama[ray]`` installs). A relative path
    is taken from the manifest's folder. A manifest that cannot be read stops the run."""
    if manifest.suffix.lower() in (".parquet", ".pq"):
        values = _parquet_paths(manifest)
    else:
        values = _jsonl_paths(manifest)
    return [manifest.parent / Path(v).expanduser() for v in values]


def _jsonl_paths(manifest: Path) -> list[str]:
    import json

    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the manifest ({getattr(exc, 'strerror', None) or exc})", path=manifest
        ) from None
    values = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise InputError(f"line {n}: not JSON", path=manifest) from None
        value = row.get("path") if isinstance(row, dict) else row
        if not isinstance(value, str) or not value:
            raise InputError(f'line {n}: expected a path string or {{"path": ...}}', path=manifest)
        values.append(value)
    return values


def _parquet_paths(manifest: Path) -> list[str]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "a Parquet manifest needs pyarrow: pip install 'tarjama[ray]'", path=manifest
        ) from None
    try:
        table = pq.read_table(manifest)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read the Parquet manifest: {str(exc).splitlines()[0]}", path=manifest
        ) from None
    names = table.column_names
    column = "path" if "path" in names else names[0] if len(names) == 1 else None
    if column is None:
        raise InputError(f"no 'path' column (columns: {', '.join(names)})", path=manifest)
    values = table.column(column).to_pylist()
    bad = next((i for i, v in enumerate(values, 1) if not isinstance(v, str) or not v), None)
    if bad is not None:
        raise InputError(f"row {bad}: expected a path string", path=manifest)
    return values


def _failure(path: Path, message: str) -> ArticleReport:
    return ArticleReport(path, status="failed", error=str(InputError(message, path=path)))
