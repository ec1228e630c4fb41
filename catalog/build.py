"""Turn this run's units into a PO file, merged with what is on disk so no review is ever lost."""

from __future__ import annotations

import polib

from tarjama.catalog.notes import CatalogHeader, MemoryNote, foreign_comments, own_comments
from tarjama.catalog.review import is_article_entry, is_reviewed, language_of, vouched
from tarjama.catalog.units import Unit


def reviewed_msgids(po: polib.POFile | None) -> set[str]:
    """Sources whose reviewed translation a merge keeps (an obsolete review comes back to life);
    a copy of the source is no review, and an entry with a translator's msgctxt is not the article's."""
    if po is None:
        return set()
    language = language_of(po)
    return {e.msgid for e in po if is_article_entry(e) and vouched(e, language)}


# Header fields a translator's editor fills in; a re-run keeps them (and any field tarjama does not set).
TRANSLATOR_HEADERS = ("Last-Translator", "Language-Team", "Report-Msgid-Bugs-To")


def new_entry(unit: Unit) -> polib.POEntry:
    return polib.POEntry(
        msgid=unit.msgid,
        msgstr=unit.msgstr,
        occurrences=list(unit.occurrences),
        comment="\n".join(unit.comments) or None,
        flags=["fuzzy"] if unit.fuzzy else [],
        previous_msgid=unit.previous_msgid,
    )


def _refresh(entry: polib.POEntry, unit: Unit) -> polib.POEntry:
    """Keep the translator's msgstr, comments and flags; refresh only tarjama's own data.

    Where the msgstr came from (``memory:``) stays true for as long as the msgstr is kept,
    so that line survives even though this run did not look the sentence up.
    """
    own = list(unit.comments)
    if not any(MemoryNote.marks(c) for c in own):
        own += [c for c in own_comments(entry.comment) if MemoryNote.marks(c)]
    entry.comment = "\n".join([*own, *foreign_comments(entry.comment, own)])  # "": none, as polib reads it
    entry.occurrences = list(unit.occurrences)
    entry.obsolete = False
    return entry


def _replace(prior: polib.POEntry | None, unit: Unit, earlier: polib.POEntry | None) -> polib.POEntry:
    """This run's unit, carrying over what a translator added to an unreviewed entry.

    ``earlier``: the entry of the sentence this one was edited from (the unit's
    ``previous_msgid``), whose translator's note moves to the new entry, as msgmerge does.
    """
    entry = new_entry(unit)
    if prior is None and earlier is not None and (earlier.tcomment or "").strip():
        entry.tcomment = earlier.tcomment
    if prior is not None:
        entry.tcomment = prior.tcomment
        entry.flags = [*entry.flags, *(f for f in prior.flags if f != "fuzzy" and f not in entry.flags)]
        foreign = foreign_comments(prior.comment, unit.comments)
        if foreign:
            entry.comment = "\n".join([*unit.comments, *foreign])
    return entry


def _keep_when_gone(entry: polib.POEntry) -> bool:
    """A vanished entry holding human work (a review or a translator's note) is kept as obsolete."""
    return entry.obsolete or is_reviewed(entry) or bool((entry.tcomment or "").strip())


def merge_metadata(existing: polib.POFile | None, header: CatalogHeader) -> dict[str, str]:
    metadata = header.to_metadata()
    if existing is not None:
        for key, value in existing.metadata.items():
            if key in TRANSLATOR_HEADERS or key not in metadata:
                metadata[key] = value
    return metadata


def merge_units(existing: polib.POFile | None, units: list[Unit], header: CatalogHeader) -> polib.POFile:
    """Merge this run's units (in document order) into the catalog on disk.

    Reviewed entries keep msgstr, translator comments and flags byte for byte; other entries
    take this run's unit; entries whose sentence left the article are kept as obsolete
    (``#~``) when they hold human work, after the active ones.
    """
    po = polib.POFile(wrapwidth=78)
    po.metadata = merge_metadata(existing, header)
    if existing is not None:
        po.header = existing.header
        po.metadata_is_fuzzy = False
    entries = list(existing) if existing is not None else []
    language = language_of(existing)
    # keyed by (msgctxt, msgid) as gettext does; tarjama's own entries have no context
    old = {e.msgid: e for e in entries if is_article_entry(e)}  # obsolete ones too
    seen: set[str] = set()
    for unit in units:
        if unit.msgid in seen:
            raise ValueError(f"duplicate unit {unit.msgid!r}: merge occurrences before building")
        seen.add(unit.msgid)
        prior = old.get(unit.msgid)
        if prior is not None and vouched(prior, language):
            po.append(_refresh(prior, unit))
        else:
            earlier = old.get(unit.previous_msgid) if unit.previous_msgid else None
            po.append(_replace(prior, unit, earlier))
    # a translator's own variants (an msgctxt tarjama never writes): kept as they are
    po.extend(e for e in entries if not is_article_entry(e) and not e.obsolete)
    for msgid, entry in old.items():
        if msgid not in seen and _keep_when_gone(entry):
            entry.obsolete = True
            po.append(entry)
    po.extend(e for e in entries if not is_article_entry(e) and e.obsolete)
    return po
