"""Rebuild the English article from a catalog: reviewed sentences at their place, in order.

Placement comes from the occurrences (``<article>:<line>``) tarjama writes: every line of
the article that held sentences becomes one paragraph, sentences in catalog (document)
order within it. Image markup lines held no sentence and give no paragraph; a caption is
the paragraph of its own line, so it stays where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polib

from tarjama.catalog.review import holds_translation, is_reviewed, language_of


class Layout(StrEnum):
    PARAGRAPHS = "paragraphs"  # one line per article paragraph (the article's own layout)
    SENTENCES = "sentences"  # one line per sentence (the layout of the reference translations)


@dataclass
class Export:
    text: str
    reviewed: int = 0  # sentences written from reviewed entries
    fuzzy: int = 0  # sentences written from fuzzy (unreviewed) entries, with --include-fuzzy
    arabic: int = 0  # sentences left in Arabic (fuzzy or untranslated)
    unplaced: int = 0  # entries without a usable occurrence, not exported

    def summary(self) -> str:
        total = self.reviewed + self.fuzzy + self.arabic
        parts = [f"{self.reviewed} reviewed"]
        if self.fuzzy:
            parts.append(f"{self.fuzzy} unreviewed (fuzzy) filled with their machine translation")
        parts.append(f"{self.arabic} left in Arabic (not reviewed)")
        if self.unplaced:
            parts.append(f"{self.unplaced} entries without an occurrence skipped")
        return f"exported {total} sentences: " + ", ".join(parts)


def export_catalog(
    po: polib.POFile, *, include_fuzzy: bool = False, layout: Layout = Layout.PARAGRAPHS
) -> Export:
    result = Export(text="")
    language = language_of(po)
    files: dict[str, int] = {}
    placed: list[tuple[int, int, int, str]] = []  # (file rank, line, catalog position, text)
    for position, entry in enumerate(e for e in po if not e.obsolete):
        spots = [(f, int(line)) for f, line in entry.occurrences if line.isdigit()]
        if not spots:
            result.unplaced += 1
            continue
        for file, line in spots:
            text = _choose(entry, include_fuzzy, result, language)
            placed.append((files.setdefault(file, len(files)), line, position, text))
    placed.sort()
    if layout is Layout.SENTENCES:
        lines = [text for *_, text in placed]
    else:
        paragraphs: dict[tuple[int, int], list[str]] = {}
        for rank, line, _, text in placed:
            paragraphs.setdefault((rank, line), []).append(text)
        lines = [" ".join(sentences) for sentences in paragraphs.values()]
    result.text = "".join(f"{line}\n" for line in lines)
    return result


def _choose(entry: polib.POEntry, include_fuzzy: bool, tally: Export, language: str | None) -> str:
    """The reviewed msgstr, else (with ``include_fuzzy``) the unreviewed one, else the Arabic; a
    copy of the source counts as Arabic, never as a translation."""
    if is_reviewed(entry, language):
        tally.reviewed += 1
        return entry.msgstr
    if include_fuzzy and "fuzzy" in entry.flags and holds_translation(entry, language):
        tally.fuzzy += 1
        return entry.msgstr
    tally.arabic += 1
    return entry.msgid
