"""`tarjama batch`: a day's articles with one model load, pooled sentences, and nothing wasted.

- Inputs are files, directories and globs; an article that cannot be read (missing, not
  UTF-8, not Arabic, empty) is reported and skipped, the others go on.
- An article whose PO header already records this exact source (SHA-256), model, revision
  and settings is skipped before any model is loaded.
- Sentences still needing MT are pooled across articles and deduplicated, then sorted by
  length and cut into batches by a token budget. Articles are pooled in *waves* so that
  each wave's articles are finished and saved while the next wave runs: killed at any
  point, every PO on disk is complete (atomic writes) and a re-run skips it.
"""

from __future__ import annotations

import glob
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polib

from tarjama.catalog.build import CatalogHeader, merge_units
from tarjama.catalog.po_file import load_po, save_po
from tarjama.catalog.suggest import apply_offers
from tarjama.catalog.units import MT
from tarjama.errors import InputError, TarjamaError
from tarjama.files import check_writable_dir, locked
from tarjama.glossary import Glossary, Matcher, check_hypothesis, required_targets
from tarjama.glossary.terms import default_path
from tarjama.translate.article import read_article
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.model_source import ModelSource, resolve_model
from tarjama.translate.pipeline import (
    SOURCE_LANGUAGE,
    ArticleJob,
    RunOptions,
    TermReport,
    attach_offers,
    build_units,
    load_run_glossary,
    open_backend,
    po_path_for,
    settings_string,
    translate_with_terms,
)
from tarjama.translate.segment import TRANSLATABLE, segment

ARTICLE_SUFFIXES = (".txt", ".md")


@dataclass
class BatchOptions(RunOptions):
    max_batch_tokens: int = 2048  # padded source tokens per batch
    # Sentences pooled per wave: enough for well-filled length-sorted batches, few enough
    # that articles are saved steadily (what an interrupted run keeps).
    wave_sentences: int = 512


@dataclass
class ArticleReport:
    article: Path
    po_path: Path | None = None
    status: str = "pending"  # pending (interrupted before it was reached) | written | unchanged | failed
    sentences: int = 0
    from_memory: int = 0  # reviewed in its own catalog or filled/offered by the translation memory
    kept_mt: int = 0  # machine translations already in its catalog from the same model and settings
    translated: int = 0  # sent to the model in this run
    glossary_misses: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class BatchReport:
    articles: list[ArticleReport]
    model_loaded: bool = False
    unique_sentences: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[ArticleReport]:
        return [a for a in self.articles if a.status == "failed"]


class Progress(Protocol):
    def start(self, articles: int, sentences: int) -> None: ...
    def advance(self, articles: int = 0, sentences: int = 0) -> None: ...


class NoProgress:
    def start(self, articles: int, sentences: int) -> None:
        pass

    def advance(self, articles: int = 0, sentences: int = 0) -> None:
        pass


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[ArticleReport]]:
    """Files as given, directories searched for *.txt/*.md, globs expanded; unmatched globs reported."""
    paths: list[Path] = []
    failed: list[ArticleReport] = []
    for item in inputs:
        text = str(item)
        path = Path(text).expanduser()
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.name.endswith(ARTICLE_SUFFIXES) and not p.name.startswith(".")
            )
            if not found:
                failed.append(_failure(path, "directory holds no article files (*.txt, *.md)"))
            paths.extend(found)
        elif not path.exists() and glob.has_magic(text):
            matched = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
            if not matched:
                failed.append(_failure(path, "no file matches this pattern"))
            paths.extend(matched)
        else:
            paths.append(path)  # a missing file is reported by read_article, like any bad input
    unique = list(dict.fromkeys(paths))
    return unique, failed


def _failure(path: Path, message: str) -> ArticleReport:
    return ArticleReport(path, status="failed", error=str(InputError(message, path=path)))


def token_budget_batches(lengths: Sequence[int], max_tokens: int, max_sentences: int) -> list[list[int]]:
    """Indices sorted by length, cut so each batch's padded size (count x longest) fits ``max_tokens``.

    A sentence longer than the budget still gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= max_sentences or (len(current) + 1) * lengths[i] > max_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def is_unchanged(existing: polib.POFile, sha256: str, source: ModelSource, settings: str, lang: str) -> bool:
    """The PO was written from this exact article text with this exact model and settings."""
    meta = existing.metadata
    return (
        meta.get("X-Tarjama-Source-SHA256") == sha256
        and meta.get("X-Tarjama-Model") == source.model_id
        and meta.get("X-Tarjama-Model-Revision") == source.revision
        and meta.get("X-Tarjama-Settings") == settings
        and meta.get("Language") == lang
    )


def glossary_fingerprint(options: RunOptions) -> str:
    """Which glossary files (by content) this run enforces; part of the settings a PO records."""
    if not options.use_glossary:
        return "none"
    h = hashlib.sha256()
    for path in options.glossaries or [default_path()]:
        try:
            h.update(Path(path).read_bytes())
        except OSError:
            h.update(str(path).encode())  # unreadable: load_run_glossary reports it if it comes to that
    return "sha256:" + h.hexdigest()[:16]


@dataclass
class _Pending:
    job: ArticleJob
    report: ArticleReport
    texts: list[str] = field(default_factory=list)  # unique sentences this article needs from the model


class BatchRun:
    """One `tarjama batch` invocation; state lives here so ``run`` reads as the steps it takes."""

    def __init__(
        self,
        options: BatchOptions,
        backend_factory: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
        progress: Progress | None = None,
        on_warning: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.options = options
        self.backend_factory = backend_factory
        self.progress = progress or NoProgress()
        self.on_warning = on_warning
        self.backend: Backend | None = None
        self.translations: dict[str, str] = {}
        self.terms = TermReport()
        self._glossary: Glossary | None = None  # loaded once, at the first lookup
        self._glossary_loaded = False

    def run(self, inputs: Iterable[str | Path]) -> BatchReport:
        started = time.perf_counter()
        opts = self.options
        paths, failed = expand_inputs(inputs)
        report = BatchReport(articles=failed)
        check_writable_dir(opts.out_dir)  # an unwritable --out fails the run, before any work
        self.source = resolve_model(opts.model)  # finds the files and the revision; loads nothing
        self.settings_str = (
            f"{settings_string(opts.settings.backend, opts.settings)} glossary={glossary_fingerprint(opts)}"
        )
        self.mt_comment = f"{MT}{self.source.model_id} @ {self.source.revision}"
        pending = self._prepare(paths, report)
        if pending:
            self._look_up(pending)
        unique = list(dict.fromkeys(t for p in pending for t in p.texts))
        report.unique_sentences = len(unique)
        self.progress.start(len(pending), len(unique))
        try:
            for wave in plan_waves(pending, opts.wave_sentences):
                self._translate_wave(wave)
        finally:
            report.model_loaded = self.backend is not None
            report.seconds = time.perf_counter() - started
        return report

    def _prepare(self, paths: Sequence[Path], report: BatchReport) -> list[_Pending]:
        """Read every article; failures and unchanged ones are settled here, the rest need work."""
        targets: dict[Path, Path] = {}
        pending: list[_Pending] = []
        opts = self.options
        for path in paths:
            t0 = time.perf_counter()
            rep = ArticleReport(path)
            report.articles.append(rep)
            try:
                article = read_article(path)
                rep.po_path = po_path_for(opts.out_dir, opts.lang, article)
                if rep.po_path in targets:
                    raise InputError(
                        f"writes the same catalog as {targets[rep.po_path]} ({rep.po_path}); rename one",
                        path=path,
                    )
                targets[rep.po_path] = path
                existing = load_po(rep.po_path) if rep.po_path.exists() else None
                if existing is not None and is_unchanged(
                    existing, article.sha256, self.source, self.settings_str, opts.lang
                ):
                    rep.status = "unchanged"
                    rep.sentences = sum(1 for e in existing if not e.obsolete)
                    continue
                job = ArticleJob(article, segment(article.text), rep.po_path, existing)
                rep.sentences = len(job.sentences)
                pending.append(_Pending(job, rep))
            except TarjamaError as exc:
                rep.status, rep.error = "failed", str(exc)
            finally:
                rep.seconds += time.perf_counter() - t0
        return pending

    def _look_up(self, pending: list[_Pending]) -> None:
        """Reviewed work first (own catalog, translation memory), glossary matches; the rest is MT."""
        opts = self.options
        attach_offers([p.job for p in pending], opts, self.on_warning)
        if not self._glossary_loaded:  # a bad glossary fails the run here, before any model load
            self._glossary = load_run_glossary(opts, self.on_warning)
            self._glossary_loaded = True
        glossary = self._glossary
        matcher = Matcher(glossary) if glossary is not None else None
        for p in pending:
            job = p.job
            reviewed = {s.text for s in job.sentences if s.kind in TRANSLATABLE} - set(job.needs_mt())
            p.report.from_memory = len(reviewed)
            needed = list(dict.fromkeys(job.needs_mt()))
            if matcher is not None:
                for text in needed:
                    if text not in self.terms.matches:
                        self.terms.matches[text] = matcher.find(text)
            kept = self._machine_output_on_disk(job.existing)
            for text in needed:
                if text in kept and text not in self.translations:
                    self.translations[text] = kept[text]
                    need = required_targets(self.terms.matches.get(text, ()))
                    if need and (missing := check_hypothesis(need, kept[text]).missing):
                        self.terms.missing[text] = missing
            p.report.kept_mt = sum(1 for t in needed if t in kept)
            p.report.glossary_misses = sum(
                sum(self.terms.missing.get(t, {}).values()) for t in needed if t in kept
            )
            p.texts = [t for t in needed if t not in kept]

    def _machine_output_on_disk(self, existing: polib.POFile | None) -> dict[str, str]:
        """MT this catalog already holds from this very model, revision and settings: reused, not redone.

        An edited article keeps its unchanged sentences' machine translations instead of
        decoding them again (same engine, same settings: the same output).
        """
        if existing is None or existing.metadata.get("X-Tarjama-Settings") != self.settings_str:
            return {}
        return {
            e.msgid: e.msgstr
            for e in existing
            if not e.obsolete
            and "fuzzy" in e.flags
            and e.msgstr
            and self.mt_comment in (e.comment or "").splitlines()
        }

    def _translate_wave(self, wave: list[_Pending]) -> None:
        waiting = {id(p): {t for t in p.texts if t not in self.translations} for p in wave}
        owners: dict[str, list[_Pending]] = {}
        for p in wave:
            for t in waiting[id(p)]:
                owners.setdefault(t, []).append(p)
        for p in wave:
            if not waiting[id(p)]:
                self._finish(p)
        if not owners:
            return

        def on_batch(texts: list[str], outputs: list[str], lengths: list[int], seconds: float) -> None:
            self._attribute(seconds, texts, lengths, owners)
            for text, out in zip(texts, outputs, strict=True):
                self.translations[text] = out
                for p in owners[text]:
                    p.report.translated += 1
                    p.report.glossary_misses += sum(self.terms.missing.get(text, {}).values())
                    waiting[id(p)].discard(text)
                    if not waiting[id(p)]:
                        self._finish(p)
            self.progress.advance(sentences=len(texts))

        backend = self._backend()
        translate_pool(
            backend,
            list(owners),
            self.options.max_batch_tokens,
            on_batch,
            translate=lambda texts: translate_with_terms(backend, texts, self.terms),
        )

    def _backend(self) -> Backend:
        if self.backend is None:
            self.backend = self.backend_factory(self.source, self.options.settings)
        return self.backend

    @staticmethod
    def _attribute(seconds: float, texts: list[str], lengths: list[int], owners) -> None:
        """Share a batch's time among its articles by source tokens (a shared sentence: its first owner)."""
        total = sum(lengths) or 1
        for text, n in zip(texts, lengths, strict=True):
            owners[text][0].report.seconds += seconds * n / total

    def _finish(self, p: _Pending) -> None:
        """Write one article's PO (atomic, under its lock); a write failure fails only this article."""
        t0 = time.perf_counter()
        job, rep, opts = p.job, p.report, self.options
        try:
            units = build_units(job, self.translations, self.mt_comment, opts.lang, self.terms)
            units = apply_offers(units, job.offers)
            header = CatalogHeader(
                project=job.article.stem,
                language=opts.lang,
                source_language=SOURCE_LANGUAGE,
                model_id=self.source.model_id,
                model_revision=self.source.revision,
                source_file=job.article.path.name,
                source_sha256=job.article.sha256,
                settings=self.settings_str,
            )
            with locked(job.po_path, opts.lock_timeout):
                current = load_po(job.po_path) if job.po_path.exists() else None
                written = save_po(merge_units(current, units, header), job.po_path)
            rep.status = "written" if written else "unchanged"
        except (TarjamaError, OSError) as exc:
            rep.status, rep.error = "failed", str(exc)
        rep.seconds += time.perf_counter() - t0
        self.progress.advance(articles=1)


def plan_waves(pending: Sequence[_Pending], wave_sentences: int) -> list[list[_Pending]]:
    """Consecutive articles grouped until a group needs ``wave_sentences`` distinct sentences."""
    waves: list[list[_Pending]] = []
    current: list[_Pending] = []
    seen: set[str] = set()
    for p in pending:
        current.append(p)
        seen.update(p.texts)
        if len(seen) >= wave_sentences:
            waves.append(current)
            current, seen = [], set()
    if current:
        waves.append(current)
    return waves


def run_batch(
    inputs: Iterable[str | Path],
    options: BatchOptions,
    backend_factory: Callable[[ModelSource, DecodeSettings], Backend] = open_backend,
    progress: Progress | None = None,
    on_warning: Callable[[str], None] = lambda message: None,
) -> BatchReport:
    return BatchRun(options, backend_factory, progress, on_warning).run(inputs)


OnBatch = Callable[[list[str], list[str], list[int], float], None]


def translate_pool(
    backend: Backend,
    texts: Sequence[str],
    max_batch_tokens: int = 2048,
    on_batch: OnBatch | None = None,
    translate: Callable[[list[str]], list[str]] | None = None,
) -> list[str]:
    """The batch path's translation core: dedup, sort by length, batch by token budget, translate.

    ``translate`` defaults to ``backend.translate`` (the batch command passes one that adds
    glossary terms and post-checks); ``on_batch(texts, outputs, source_lengths, seconds)`` sees
    each batch as it finishes. The throughput benchmark measures exactly this function.
    """
    translate = translate or backend.translate
    unique = list(dict.fromkeys(texts))
    lengths = [len(ids) for ids in backend.encode(unique)]
    done: dict[str, str] = {}
    for batch in token_budget_batches(lengths, max_batch_tokens, backend.settings.batch_size):
        chunk = [unique[i] for i in batch]
        t0 = time.perf_counter()
        outputs = translate(chunk)
        if on_batch is not None:
            on_batch(chunk, outputs, [lengths[i] for i in batch], time.perf_counter() - t0)
        done.update(zip(chunk, outputs, strict=True))
    return [done[t] for t in texts]
