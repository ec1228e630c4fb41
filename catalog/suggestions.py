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

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polib

from tarjama.catalog.build import CatalogHeader, header_metadata
from tarjama.catalog.po_file import load_po, save_po
from tarjama.catalog.review import language_of, vouched
from tarjama.files import locked

SUGGESTED = "suggested through the API"
REPLACED = "msgstr before a suggestion"
NOT_APPLIED = "not applied: the entry is reviewed"


@dataclass(frozen=True)
class Recorded:
    reviewed: bool  # the entry is a translator's review: the suggestion is a note beside it
    already: bool  # this very suggestion was recorded before (nothing written)


def quoted(text: str) -> str:
    """``text`` on one comment line: JSON's escapes, and the line separators a reader splits on."""
    out = json.dumps(text, ensure_ascii=False)
    return out.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def record_suggestion(
    path: Path, source: str, suggestion: str, lang: str, source_lang: str, lock_timeout: float
) -> Recorded:
    """Add ``suggestion`` for the sentence ``source`` to the PO at ``path`` (made if missing)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with locked(path, lock_timeout):
        existing = load_po(path) if path.exists() else None
        po = existing if existing is not None else _new_catalog(lang, source_lang)
        language = language_of(existing) or lang
        entry = next((e for e in po if e.msgctxt is None and e.msgid == source), None)
        text = quoted(suggestion)
        if entry is None:
            entry = polib.POEntry(msgid=source, msgstr="", flags=[])
            po.append(entry)
        lines = (entry.comment or "").splitlines()
        reviewed = vouched(entry, language)
        if any(line.startswith(SUGGESTED) and line.endswith(f": {text}") for line in lines):
            return Recorded(reviewed, already=True)
        if reviewed:
            lines.append(f"{SUGGESTED}, {stamp} ({NOT_APPLIED}): {text}")
        else:
            old = entry.msgstr
            if old.strip() and not any(line.endswith(f": {quoted(old)}") for line in lines):
                lines.append(f"{REPLACED}, {stamp}: {quoted(old)}")  # a draft is never overwritten unseen
            lines.append(f"{SUGGESTED}, {stamp}: {text}")
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
    po.metadata = header_metadata(
        CatalogHeader(
            project="suggestions",
            language=lang,
            source_language=source_lang,
            model_id="",
            model_revision="",
            source_file="",
            source_sha256="",
            settings="",
        )
    )
    return po
