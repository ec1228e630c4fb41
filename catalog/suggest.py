"""What reviewed work can give a sentence before the model is asked: exact and fuzzy memory matches.

Order of preference for a sentence that is not already reviewed in its own catalog:

1. an exact (normalised) match among other catalogs' reviewed entries: filled, not fuzzy,
   with an exact-match memory note naming the file;
2. a fuzzy starting point tarjama offered on an earlier run and the translator has not
   reviewed yet (fuzzy with ``#| msgid``): kept as it is, never machine-translated over;
3. the most similar reviewed entry scoring ≥ threshold, first among this catalog's own
   reviews of sentences that left the article (an edited sentence), then the memory:
   offered as the fuzzy msgstr with the old source in ``#| msgid`` and the score;
4. otherwise the model.

A sentence whose only match is in its own catalog is an edited sentence, so it is always
offered fuzzy (step 3), never filled. With ``retranslate_changed`` only step 1 applies: changed sentences go to the model (their
old reviews stay in the catalog as obsolete entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from tarjama.catalog.build import reviewed_msgids
from tarjama.catalog.memory import DEFAULT_THRESHOLD, Hit, TranslationMemory
from tarjama.catalog.notes import MemoryExact, MemoryFuzzy, MemoryNote, MtNote, own_comments
from tarjama.catalog.review import holds_translation, is_article_entry, language_of, vouched
from tarjama.catalog.units import Unit


@dataclass(frozen=True)
class Offer:
    msgstr: str
    fuzzy: bool
    previous_msgid: str | None
    comment: str


def _memory_lines(entry: polib.POEntry) -> list[str]:
    return [c for c in own_comments(entry.comment) if MemoryNote.marks(c)]


def offers_for(
    existing: polib.POFile | None,
    msgids: Sequence[str],
    memory: TranslationMemory | None,
    *,
    origin: str,
    threshold: float = DEFAULT_THRESHOLD,
    retranslate_changed: bool = False,
) -> dict[str, Offer]:
    """Offers for ``msgids`` (this run's translatable sentences); ``origin`` names ``existing``'s file."""
    entries = list(existing) if existing is not None else []
    present = set(msgids)
    reviewed = reviewed_msgids(existing)
    language = language_of(existing)
    entries = [e for e in entries if is_article_entry(e)]  # a translator's msgctxt variant is no offer
    prior = {e.msgid: e for e in entries if not e.obsolete}
    # This catalog's reviews of sentences no longer in the article: where an edited sentence came from.
    gone = TranslationMemory.from_pairs(
        (e.msgid, e.msgstr, origin) for e in entries if e.msgid not in present and vouched(e, language)
    )
    offers: dict[str, Offer] = {}
    for msgid in dict.fromkeys(msgids):
        if msgid in reviewed:
            continue
        hit = memory.exact(msgid, skip=lambda o: _same_file(o, origin)) if memory is not None else None
        if hit is not None:
            offers[msgid] = Offer(hit.target, False, None, MemoryExact(hit.origin).format())
            continue
        if retranslate_changed:
            continue
        entry = prior.get(msgid)
        if (
            entry is not None
            and "fuzzy" in entry.flags
            and entry.previous_msgid
            and holds_translation(entry, language)
        ):
            comment = (_memory_lines(entry) or [MemoryFuzzy(0, origin).format()])[0]
            offers[msgid] = Offer(entry.msgstr, True, entry.previous_msgid, comment)
            continue
        shared = memory.fuzzy(msgid, threshold) if memory is not None else None
        best = _best(gone.fuzzy(msgid, threshold), shared)
        if best is not None:
            offers[msgid] = Offer(
                best.target, True, best.source, MemoryFuzzy(best.score, best.origin).format()
            )
    return offers


def _same_file(a: str, b: str) -> bool:
    return a == b or Path(a).resolve() == Path(b).resolve()


def _best(local: Hit | None, shared: Hit | None) -> Hit | None:
    """The higher score; this catalog's own history wins a tie."""
    if local is None or (shared is not None and shared.score > local.score):
        return shared
    return local


def apply_offers(units: list[Unit], offers: dict[str, Offer]) -> list[Unit]:
    """Put each offer into its unit in place of machine output (whose ``mt:`` comment goes too)."""
    for unit in units:
        offer = offers.get(unit.msgid)
        if offer is None:
            continue
        unit.msgstr = offer.msgstr
        unit.fuzzy = offer.fuzzy
        unit.previous_msgid = offer.previous_msgid
        kept = [c for c in unit.comments if not MtNote.marks(c) and not MemoryNote.marks(c)]
        unit.comments = [*kept, offer.comment]
    return units
