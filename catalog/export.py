"""Rebuild the English article from a catalog: reviewed sentences at their place, in order.

``export_article`` is `tarjama export` for any caller: it finds the article, chooses what to
write by its format (``sources.formats``: a format that rebuilds is written back as itself,
anything else as text) and checks the output. This module's part is the catalog's: which msgstr
a sentence gets (reviewed, fuzzy with ``include_fuzzy``, else the Arabic), the counts and the
notes; splicing into the document is ``sources.render``'s, for every format.

Text placement comes from the occurrences (``<article>:<line>``) tarjama writes: every line of
the article that held sentences becomes one paragraph, sentences in catalog (document)
order within it. Image markup lines held no sentence and give no paragraph; a caption is
the paragraph of its own line, so it stays where it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polib

from tarjama.catalog.notes import CatalogHeader
from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import holds_translation, is_article_entry, is_reviewed, language_of
from tarjama.errors import InputError, TarjamaError, display_path
from tarjama.files import atomic_write_text, check_can_write, check_not_input
from tarjama.sources import FORMATS, Document, Sentence, format_for, read
from tarjama.sources.render import render


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
    # (PO line of the entry, what of its msgstr did not go into the page as written); the line is
    # None for an entry of a catalog made in memory, not read from a file
    notes: list[tuple[int | None, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # to say before the result (the source changed)

    def summary(self) -> str:
        total = self.reviewed + self.fuzzy + self.arabic
        parts = [f"{self.reviewed} reviewed"]
        if self.fuzzy:
            parts.append(f"{self.fuzzy} unreviewed (fuzzy) filled with their machine translation")
        parts.append(f"{self.arabic} left in Arabic (not reviewed)")
        if self.unplaced:
            parts.append(f"{self.unplaced} entries without an occurrence skipped")
        if self.notes:
            entries = len({line for line, _ in self.notes})
            parts.append(
                f"{entries} {'entry' if entries == 1 else 'entries'} not exported as written (see above)"
            )
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


def entries_by_msgid(po: polib.POFile) -> dict[str, polib.POEntry]:
    """The catalog's live entries by msgid; a tarjama entry (no msgctxt) wins over a translator's
    context variant of the same sentence."""
    out: dict[str, polib.POEntry] = {}
    for e in po:
        if not e.obsolete and (e.msgid not in out or is_article_entry(e)):
            out[e.msgid] = e
    return out


def rebuild_document(doc: Document, po: polib.POFile, *, include_fuzzy: bool = False) -> Export:
    """The source document with each translated sentence in place of its source, and nothing else
    changed (``render``)."""
    result = Export(text="")
    language = language_of(po) or "en"
    entries = entries_by_msgid(po)

    def translation(s: Sentence) -> str | None:
        entry = entries.get(s.text)
        if entry is None:
            result.arabic += (
                1  # a sentence the catalog does not have (the page changed): as the source has it
            )
            return None
        text = _choose(entry, include_fuzzy, result, language)
        return None if text == entry.msgid else text

    def report(s: Sentence, notes: Sequence[str]) -> None:
        line = entries[s.text].linenum
        result.notes.extend((line, note) for note in notes if (line, note) not in result.notes)

    result.text = render(
        doc.text, doc.sentences, translation, doc.format, doc.language_marks, language, report
    )
    return result


def document_paragraphs(
    doc: Document, po: polib.POFile, *, include_fuzzy: bool = False, sentences: bool = False
) -> Export:
    """A marked-up document's translation as plain text: one line per paragraph (block element),
    or per sentence, in page order, markup dropped."""
    result = Export(text="")
    language = language_of(po)
    entries = entries_by_msgid(po)
    sanitiser = FORMATS[doc.format].sanitiser(doc.text)
    lines: list[list[str]] = []
    last_path = None
    for s in doc.sentences:
        entry = entries.get(s.text)
        if entry is None:
            result.arabic += 1
            text = s.mt_text
        else:
            text = _choose(entry, include_fuzzy, result, language)
            if text == entry.msgid:
                text = s.mt_text
            else:
                cleaned = sanitiser.text(text, s)
                text = cleaned.text
                result.notes.extend((entry.linenum, n) for n in cleaned.notes)
        if s.path != last_path or sentences:
            lines.append([])
            last_path = s.path
        lines[-1].append(" ".join(text.split()))
    result.text = "".join(" ".join(line) + "\n" for line in lines)
    return result


def find_source(po: polib.POFile, catalog: Path, given: Path | None = None) -> Path | None:
    """The article a catalog was made from: ``given``, else the path its occurrences record (as the
    run was given it: from here, or from the folder above the catalog tree), else its header's
    file name next to here."""
    if given is not None:
        return given
    names: list[str] = []
    for e in po:
        for file, line in e.occurrences:
            if not line and ":" in file:  # polib leaves an element path (not a line) in the file part
                file = file.rsplit(":", 1)[0]
            if file and file not in names:
                names.append(file)
        if names:
            break
    header = CatalogHeader.from_metadata(po.metadata).source_file
    if header:
        names.append(header)
    roots = [
        Path.cwd(),
        *catalog.resolve().parents[3:4],
    ]  # <out>/<lang>/LC_MESSAGES/x.po: the out dir's parent
    for name in names:
        for root in roots:
            candidate = root / name
            if candidate.is_file():
                return candidate
    return None


def export_formats() -> tuple[str, ...]:
    """What `tarjama export --format` may ask for: each format export rebuilds (by name), and text."""
    return (*sorted(f.name for f in FORMATS.values() if f.rebuilds), "text")


def export_article(
    catalog: Path,
    *,
    fmt: str | None = None,
    source: Path | None = None,
    include_fuzzy: bool = False,
    sentences: bool = False,
    output: Path | None = None,
    force: bool = False,
) -> Export:
    """The translated article from a catalog: in the article's own format when that format
    rebuilds (its source with the translations in place), else as text (``fmt`` "text": one line
    per paragraph, or per sentence with ``sentences``). ``source`` is the article when the catalog
    does not record where it is. ``output``, when given, is checked before anything is read (it
    may be written; it is not the catalog or the article, unless ``force``) and written
    atomically. A source that changed since the catalog was written is exported all the same,
    with a warning in ``Export.warnings``."""
    if fmt is not None and fmt not in export_formats():
        raise TarjamaError(f"cannot export as {fmt!r} (choose from {', '.join(export_formats())})")
    if output is not None:
        check_can_write(output, what="output")
    po = load_po(catalog)
    header = CatalogHeader.from_metadata(po.metadata)
    source_path = find_source(po, catalog, source)
    if output is not None:  # before anything is written: -o onto what the export is made from
        inputs = [("the catalog", catalog), ("the article", source_path), ("--source", source)]
        check_not_input(output, inputs, force)
    source_format = format_for(source_path) if source_path is not None else None
    rebuilds = source_format is not None and FORMATS[source_format].rebuilds
    fmt = fmt or (source_format if rebuilds else "text")
    if fmt == "text" and not rebuilds:  # by the catalog's occurrences: no source needed
        layout = Layout.SENTENCES if sentences else Layout.PARAGRAPHS
        result = export_catalog(po, include_fuzzy=include_fuzzy, layout=layout)
    else:
        if source_path is None:
            raise InputError(
                f"cannot find the article this catalog was made from; give it with --source "
                f"(the catalog records {header.source_file or 'no file name'})",
                path=catalog,
            )
        if fmt != "text" and source_format != fmt:
            raise InputError(
                f"{source_path} is {source_format}, not {fmt}: export it as {source_format} or text",
                path=catalog,
            )
        doc = read(source_path)
        if fmt == "text":
            result = document_paragraphs(doc, po, include_fuzzy=include_fuzzy, sentences=sentences)
        else:
            result = rebuild_document(doc, po, include_fuzzy=include_fuzzy)
        recorded = header.source_sha256
        if recorded and recorded != doc.sha256:
            result.warnings.append(
                f"{display_path(source_path)} changed since {display_path(catalog)} was written: "
                "sentences the catalog does not have stay as the source has them; run translate "
                "again to update it"
            )
    if output is not None:
        atomic_write_text(output, result.text)
    return result
