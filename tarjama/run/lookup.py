"""Look up: what an article's sentences get before the model is asked.

Reviewed work first (the article's own catalog, then the memory: `catalog.suggest`), then
machine output an earlier run with these very settings left in the catalog (kept, not
redone); every sentence's glossary terms; what is left goes to the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import polib

from tarjama.catalog.build import reviewed_msgids
from tarjama.catalog.memory import TranslationMemory
from tarjama.catalog.notes import CatalogHeader, GlossaryAmbiguous, MarkupUnplaced, MtNote, SplitNote, notes
from tarjama.catalog.review import is_article_entry
from tarjama.catalog.suggest import offers_for
from tarjama.run.options import OnWarning, RunOptions
from tarjama.run.work import ArticleWork, Origin, WorkTable
from tarjama.sources.markup import Placed


@dataclass(frozen=True)
class KeptMT:
    """Machine output a catalog already holds from this very model, revision and settings."""

    msgstr: str
    parts: int  # parts a too-long sentence was translated in (0: whole)
    unplaced: list[str]  # labels of the inline elements it could not place


def kept_mt(existing: polib.POFile | None, engine: CatalogHeader, mt: MtNote) -> dict[str, KeptMT]:
    """MT this catalog already holds from this very engine: reused, not redone (same engine,
    same settings: the same output), so an edited article keeps its unchanged sentences'."""
    if existing is None or CatalogHeader.from_metadata(existing.metadata).settings != engine.settings:
        return {}
    kept: dict[str, KeptMT] = {}
    for e in existing:
        if is_article_entry(e) and not e.obsolete and "fuzzy" in e.flags and e.msgstr:
            said = notes(e.comment)
            if mt in said:
                parts = next((n.parts for n in said if isinstance(n, SplitNote)), 0)
                unplaced = [n.label for n in said if isinstance(n, MarkupUnplaced)]
                kept[e.msgid] = KeptMT(e.msgstr, parts, unplaced)
    return kept


def look_up(
    article: ArticleWork,
    table: WorkTable,
    memory: TranslationMemory,
    options: RunOptions,
    engine: CatalogHeader,
    mt: MtNote,
    warn: OnWarning,
) -> None:
    """Each translatable sentence's origin in the article's catalog, the offers, MT kept from
    the catalog, and the texts the article still needs from the model (``article.texts``)."""
    texts = article.document.translatable()
    for s in article.document.sentences:
        table.register(s)
    article.offers = offers_for(
        article.existing,
        texts,
        memory,
        origin=str(article.po_path),
        threshold=options.fuzzy_threshold,
        retranslate_changed=options.retranslate_changed,
    )
    reviewed = reviewed_msgids(article.existing)
    kept = kept_mt(article.existing, engine, mt)
    for msgid in texts:
        if msgid in reviewed:
            article.origins[msgid] = Origin.REVIEWED
        elif msgid in article.offers:
            article.origins[msgid] = Origin.MEMORY
        else:
            article.origins[msgid] = Origin.KEPT_MT if msgid in kept else Origin.MT
    counts = Counter(article.origins.values())
    rep = article.report
    rep.reviewed_kept, rep.from_memory = counts[Origin.REVIEWED], counts[Origin.MEMORY]
    scan_terms(table, texts, warn)  # every entry shows its terms, reviewed ones included
    for msgid in texts:
        if article.origins[msgid] == Origin.KEPT_MT:
            _keep(table, msgid, kept[msgid])
    rep.kept_mt = counts[Origin.KEPT_MT]
    rep.glossary_misses = sum(
        sum(table.sentences[t].plain.missing().values())
        for t in texts
        if article.origins[t] == Origin.KEPT_MT
    )
    article.texts = list(
        dict.fromkeys(
            text
            for msgid in texts
            if article.origins[msgid] == Origin.MT
            for text in table.model_inputs(table.sentences[msgid])
        )
    )


def scan_terms(table: WorkTable, msgids: Sequence[str], warn: OnWarning) -> None:
    """The sentences' glossary terms; a spelling several names reach is not enforced, and said."""
    for msgid in msgids:
        for a in table.scan_terms(table.sentences[msgid].plain):
            warn(
                f"glossary: {a.surface!r} is spelt as several names write it "
                f"({' or '.join(map(repr, a.targets))}): not enforced, see #. {GlossaryAmbiguous.tag}"
            )


def _keep(table: WorkTable, msgid: str, kept: KeptMT) -> None:
    """MT from the catalog stands for the sentence (the first kept for it in this run), post-checked."""
    work = table.sentences[msgid]
    plain = work.plain
    if work.markup is not None:
        if work.placed is None:
            work.placed = Placed(kept.msgstr, kept.unplaced)
            plain.post_check(work.markup.strip(kept.msgstr))
    elif plain.output is None:
        plain.output = kept.msgstr
        plain.post_check(kept.msgstr)
    if kept.parts:
        plain.parts = kept.parts
