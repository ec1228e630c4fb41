"""Write: an article's sentences as catalog units, with tarjama's notes, merged into its catalog
through `catalog.write.write_catalog` (lock, merge, atomic save)."""

from __future__ import annotations

import time
from dataclasses import replace

from tarjama.catalog.notes import CatalogHeader, FixedNote, KindNote, MarkupUnplaced, MtNote, Note, SplitNote
from tarjama.catalog.risk import DecoderScores, rate_units
from tarjama.catalog.suggest import apply_offers
from tarjama.catalog.units import Unit
from tarjama.catalog.write import write_catalog
from tarjama.errors import TarjamaError
from tarjama.run.options import Progress, RunOptions
from tarjama.run.work import ArticleWork, WorkTable, record_failure
from tarjama.sources import TRANSLATABLE, Kind
from tarjama.sources.fixed_lines import fixed_translation


def write_article(
    article: ArticleWork,
    table: WorkTable,
    options: RunOptions,
    engine: CatalogHeader,
    mt: MtNote,
    progress: Progress,
) -> None:
    """Write one article's PO (atomic, under its lock); a write failure fails only this article."""
    t0 = time.perf_counter()
    rep, doc = article.report, article.document
    try:
        units = apply_offers(article_units(article, table, options, mt), article.offers)
        rate_units(units, decoded_scores(article, table), article.existing)
        header = replace(engine, project=doc.stem, source_file=doc.path.name, source_sha256=doc.sha256)
        mt_line = mt.format()
        new_mt = any(mt_line in u.comments for u in units)
        result = write_catalog(article.po_path, units, header, options.lock_timeout, new_mt=new_mt)
        rep.status = "written" if result.written else "unchanged"
        rep.reviewed_kept = result.reviewed_kept
        decoded = set(article.texts)
        for text in dict.fromkeys(s.mt_text for s in doc.sentences if s.mt_text in decoded):
            read = table.texts[text]
            if read.check is not None:
                rep.terms_required += read.check.total
                rep.terms_correct += read.check.correct
            rep.split += read.parts > 0
    except (TarjamaError, OSError) as exc:
        record_failure(rep, exc, options.isolate_failures)
    finally:
        rep.seconds += time.perf_counter() - t0
        progress.advance(articles=1)


def decoded_scores(article: ArticleWork, table: WorkTable) -> dict[str, DecoderScores]:
    """The decoder's scores of each of the article's sentences translated in this run."""
    out = {}
    for s in article.document.sentences:
        plain = table.sentences[s.text].plain if s.text in table.sentences else None
        if plain is not None and plain.confidence is not None:
            out[s.text] = DecoderScores(plain.confidence, plain.gap)
    return out


def article_units(article: ArticleWork, table: WorkTable, options: RunOptions, mt: MtNote) -> list[Unit]:
    """One unit per distinct sentence, in document order, every occurrence listed."""
    occurrence_file = article.document.path.as_posix()
    units: dict[str, Unit] = {}
    for s in article.document.sentences:
        occurrence = (occurrence_file, s.locator)
        if s.text in units:
            units[s.text].occurrences.append(occurrence)
            continue
        said: list[Note] = [] if s.kind == Kind.BODY else [KindNote(s.kind)]
        if s.kind in TRANSLATABLE:
            work = table.sentences[s.text]
            placed = table.translation(work, options.atoms_in_place)
            msgstr = placed.text
            if msgstr:
                said.append(mt)
            if work.plain.parts:
                said.append(SplitNote(work.plain.parts))
            said += work.plain.notes()
            said += [MarkupUnplaced(label) for label in placed.unplaced]
        else:
            msgstr = fixed_translation(s.text, options.lang)
            said.append(FixedNote())
        units[s.text] = Unit(s.text, msgstr, [occurrence], [n.format() for n in said], fuzzy=bool(msgstr))
    return list(units.values())
