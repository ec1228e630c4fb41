"""Turn this run's units into a PO file, merged with what is on disk so no review is ever lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polib

from tarjama import __version__
from tarjama.catalog.units import Unit, own_comments

PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);"}
LANGUAGE_NAMES = {"en": "English", "ar": "Arabic"}


@dataclass(frozen=True)
class CatalogHeader:
    project: str
    language: str
    source_language: str
    model_id: str
    model_revision: str
    source_file: str
    source_sha256: str
    settings: str


def is_reviewed(entry: polib.POEntry) -> bool:
    """A translator has vouched for this entry: not fuzzy and translated."""
    return not entry.obsolete and "fuzzy" not in entry.flags and bool(entry.msgstr.strip())


def reviewed_msgids(po: polib.POFile | None) -> set[str]:
    return {e.msgid for e in po if is_reviewed(e)} if po is not None else set()


def header_metadata(h: CatalogHeader, now: datetime | None = None) -> dict[str, str]:
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M%z")
    return {
        "Project-Id-Version": h.project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": stamp,
        "PO-Revision-Date": stamp,
        "Last-Translator": "tarjama (machine translation)",
        "Language-Team": LANGUAGE_NAMES.get(h.language, h.language),
        "Language": h.language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS.get(h.language, "nplurals=2; plural=(n != 1);"),
        "X-Generator": f"tarjama {__version__}",
        "X-Source-Language": h.source_language,
        "X-Tarjama-Source-File": h.source_file,
        "X-Tarjama-Source-SHA256": h.source_sha256,
        "X-Tarjama-Model": h.model_id,
        "X-Tarjama-Model-Revision": h.model_revision,
        "X-Tarjama-Settings": h.settings,
    }


def new_entry(unit: Unit) -> polib.POEntry:
    return polib.POEntry(
        msgid=unit.msgid,
        msgstr=unit.msgstr,
        occurrences=list(unit.occurrences),
        comment="\n".join(unit.comments) or None,
        flags=["fuzzy"] if unit.fuzzy else [],
    )


def _refresh(entry: polib.POEntry, unit: Unit) -> polib.POEntry:
    """Keep the translator's msgstr, comments and flags; refresh only tarjama's own data."""
    foreign = [c for c in (entry.comment or "").splitlines() if c not in own_comments(entry.comment)]
    entry.comment = "\n".join([*unit.comments, *foreign]) or None
    entry.occurrences = list(unit.occurrences)
    entry.obsolete = False
    return entry


def merge_units(existing: polib.POFile | None, units: list[Unit], header: CatalogHeader) -> polib.POFile:
    """Document order from ``units``; reviewed entries kept byte for byte; vanished reviews obsoleted."""
    po = polib.POFile(wrapwidth=78)
    po.metadata = header_metadata(header)
    if existing is not None:
        po.metadata_is_fuzzy = False
    old = {e.msgid: e for e in existing} if existing is not None else {}  # obsolete ones too
    seen: set[str] = set()
    for unit in units:
        if unit.msgid in seen:
            raise ValueError(f"duplicate unit {unit.msgid!r}: merge occurrences before building")
        seen.add(unit.msgid)
        prior = old.get(unit.msgid)
        if prior is not None and is_reviewed(prior):
            po.append(_refresh(prior, unit))
        else:
            po.append(new_entry(unit))
    for msgid, entry in old.items():
        if msgid in seen:
            continue
        if entry.obsolete or is_reviewed(entry):
            entry.obsolete = True
            po.append(entry)
    return po
