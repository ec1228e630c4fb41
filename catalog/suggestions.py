"""Clients' corrections (``POST /suggest``) in a PO a translator reviews: every one kept, none
approved by itself.

The file is read, changed and saved under the catalog lock every tarjama writer takes
(`tarjama.files.locked`), so suggestions from several server processes, or a `translate`
writing the same file, are never lost to each other. `write.write_catalog` is not used:
it merges an article's units and keeps only what the article still holds, while a
suggestion adds to one entry and must take nothing away.

Each suggestion is an extracted comment (``#.``, shown by Poedit as notes for translators
and by Weblate as the string's explanation), one line with its time and its text quoted, so
several suggestions for one sentence are all there to compare. The newest also stands as the
entry's msgstr, fuzzy, unless a translator has reviewed the entry: then msgstr and flags are
left exactly as they are and the line says the suggestion was not applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polib

from tarjama.catalog.notes import CatalogHeader, Replaced, Suggested, SuggestedNotApplied, parse_note
from tarjama.catalog.po_file import load_po, save_po
from tarjama.catalog.review import is_article_entry, language_of, vouched
from tarjama.files import locked


@dataclass(frozen=True)
class Recorded:
    reviewed: bool  # the entry is a translator's review: the suggestion is a note beside it
    already: bool  # this very suggestion was recorded before (nothing written)


def record_suggestion(
    path: Path, source: str, suggestion: str, lang: str, source_lang: str, lock_timeout: float
) -> Recorded:
    """Add ``suggestion`` for the sentence ``source`` to the PO at ``path`` (made if missing)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with locked(path, lock_timeout):
        existing = load_po(path) if path.exists() else None
        po = existing if existing is not None else _new_catalog(lang, source_lang)
        language = language_of(existing) or lang
        entry = next((e for e in po if is_article_entry(e) and e.msgid == source), None)
        if entry is None:
            entry = polib.POEntry(msgid=source, msgstr="", flags=[])
            po.append(entry)
        lines = (entry.comment or "").splitlines()
        recorded = [n for n in map(parse_note, lines) if isinstance(n, Suggested | Replaced)]
        reviewed = vouched(entry, language)
        if any(isinstance(n, Suggested) and n.text == suggestion for n in recorded):
            return Recorded(reviewed, already=True)
        if reviewed:
            lines.append(SuggestedNotApplied(stamp, suggestion).format())
        else:
            old = entry.msgstr
            if old.strip() and not any(n.text == old for n in recorded):
                lines.append(Replaced(stamp, old).format())  # a draft is never overwritten unseen
            lines.append(Suggested(stamp, suggestion).format())
            entry.msgstr = suggestion
            if "fuzzy" not in entry.flags:
                entry.flags.insert(0, "fuzzy")
        entry.comment = "\n".join(lines)
        entry.obsolete = False  # an obsolete entry is hidden by editors: the note must be seen
        po.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M%z")
        save_po(po, path)
    return Recorded(reviewed, already=False)


def _new_catalog(lang: str, source_lang: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=78)
    po.metadata = CatalogHeader(
        project="suggestions", language=lang, source_language=source_lang
    ).to_metadata()
    return po
