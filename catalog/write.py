"""The one place a catalog is written: header, settings string, lock, merge with what is on disk, save.

`tarjama translate`, `tarjama batch`, compare's systems (and any later caller of the run
core) write through here, so two commands can never disagree on what a header records.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polib

from tarjama.catalog.build import merge_units, reviewed_msgids
from tarjama.catalog.notes import CatalogHeader
from tarjama.catalog.po_file import load_po, save_po
from tarjama.catalog.units import Unit
from tarjama.files import locked


def settings_string(backend: str, beam: int, compute_type: str, glossary_fingerprint: str) -> str:
    """What changes the output besides the model, as the header records it (``CatalogHeader.settings``).

    ``glossary_fingerprint`` is ``"none"`` when no glossary is enforced.
    """
    return f"backend={backend} beam={beam} compute={compute_type} glossary={glossary_fingerprint}"


def catalog_path(out_dir: Path, lang: str, stem: str) -> Path:
    return out_dir / lang / "LC_MESSAGES" / f"{stem}.po"


@dataclass(frozen=True)
class WriteResult:
    written: bool  # False: the file on disk already said this (only dates would change)
    reviewed_kept: int  # units whose reviewed entry on disk was kept


def write_catalog(
    path: Path, units: list[Unit], header: CatalogHeader, lock_timeout: float, new_mt: bool = True
) -> WriteResult:
    """Merge ``units`` into the catalog at ``path`` (under its lock) and save it atomically.

    With ``new_mt`` False (no unit carries machine translation from this run) the header
    keeps the engine the file already names: a run that translated nothing for a catalog
    must not claim it, nor rewrite a file whose content did not change.
    """
    with locked(path, lock_timeout):
        current = load_po(path) if path.exists() else None
        if not new_mt and current is not None:
            header = _engine_kept(header, current)
        written = save_po(merge_units(current, units, header), path)
    kept = len(reviewed_msgids(current) & {u.msgid for u in units})
    return WriteResult(written, kept)


def _engine_kept(header: CatalogHeader, current: polib.POFile) -> CatalogHeader:
    recorded = CatalogHeader.from_metadata(current.metadata)
    if not recorded.names_engine:  # not written by tarjama yet: nothing to keep
        return header
    return replace(
        header,
        model_id=recorded.model_id,
        model_revision=recorded.model_revision,
        settings=recorded.settings,
    )
