"""Plan: each document's catalog (path, writable, parsed), unchanged ones settled, and the waves
articles are translated and written in."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import polib

from tarjama.catalog.notes import CatalogHeader
from tarjama.catalog.po_file import load_po
from tarjama.catalog.write import catalog_path
from tarjama.errors import InputError, TarjamaError
from tarjama.files import check_can_write, check_not_input
from tarjama.run.options import RunOptions
from tarjama.run.work import ArticleReport, ArticleWork, RunReport, record_failure
from tarjama.sources import Document


def plan_articles(
    documents: Sequence[Document], options: RunOptions, engine: CatalogHeader, report: RunReport
) -> list[ArticleWork]:
    """Each document's catalog: parsed if it exists, checked writable; unchanged ones settled here.

    ``engine``: what this run's headers record (model, revision, settings, language)."""
    targets: dict[Path, Path] = {}
    articles: list[ArticleWork] = []
    for doc in documents:
        t0 = time.perf_counter()
        rep = ArticleReport(doc.path, sentences=len(doc.sentences))
        report.articles.append(rep)
        try:
            rep.po_path = po_path = catalog_path(options.out_dir, options.lang, doc.stem)
            if po_path in targets:
                raise InputError(
                    f"writes the same catalog as {targets[po_path]} ({po_path}); rename one",
                    path=doc.path,
                )
            targets[po_path] = doc.path
            check_can_write(po_path, force=options.force)
            check_not_input(po_path, [("the article", doc.path)], force=None)
            existing = load_po(po_path) if po_path.exists() else None
            if options.skip_unchanged and existing is not None and unchanged(existing, doc, engine):
                rep.status = "unchanged"
                rep.sentences = sum(1 for e in existing if not e.obsolete)
                continue
            articles.append(ArticleWork(doc, rep, po_path, existing))
        except (TarjamaError, OSError) as exc:
            record_failure(rep, exc, options.isolate_failures)
        finally:
            rep.seconds += time.perf_counter() - t0
    return articles


def unchanged(existing: polib.POFile, doc: Document, engine: CatalogHeader) -> bool:
    """The PO was written from this exact article text with this exact model and settings."""
    recorded = CatalogHeader.from_metadata(existing.metadata)
    return (
        recorded.source_sha256 == doc.sha256
        and recorded.model_id == engine.model_id
        and recorded.model_revision == engine.model_revision
        and recorded.settings == engine.settings
        and recorded.language == engine.language
    )


def plan_waves(articles: Sequence[ArticleWork], wave_sentences: int) -> list[list[ArticleWork]]:
    """Consecutive articles grouped until a group needs ``wave_sentences`` distinct texts (0: one group)."""
    if wave_sentences <= 0:
        return [list(articles)] if articles else []
    waves: list[list[ArticleWork]] = []
    current: list[ArticleWork] = []
    seen: set[str] = set()
    for article in articles:
        current.append(article)
        seen.update(article.texts)
        if len(seen) >= wave_sentences:
            waves.append(current)
            current, seen = [], set()
    if current:
        waves.append(current)
    return waves
