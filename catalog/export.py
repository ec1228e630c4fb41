"""Rebuild the English article from a catalog: reviewed sentences at their place, in order.

Placement comes from the occurrences (``<article>:<line>``) tarjama writes: every line of
the article that held sentences becomes one paragraph, sentences in catalog (document)
order within it. Image markup lines held no sentence and give no paragraph; a caption is
the paragraph of its own line, so it stays where it was.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polib

from tarjama.catalog.notes import CatalogHeader
from tarjama.catalog.review import holds_translation, is_reviewed, language_of
from tarjama.sources import Document, Sentence
from tarjama.sources.html import Block, parse_attributes, read_page
from tarjama.sources.sanitise import Sanitiser


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
    # (PO line of the entry, what of its msgstr did not go into the page as written)
    notes: list[tuple[int, str]] = field(default_factory=list)

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
        if not e.obsolete and (e.msgid not in out or e.msgctxt is None):
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


def render(
    text: str,
    sentences: Sequence[Sentence],
    translation: Callable[[Sentence], str | None],
    fmt: str,
    language_marks: Sequence[tuple[int, int, str]] = (),
    language: str = "en",
    report: Callable[[Sentence, Sequence[str]], None] | None = None,
) -> str:
    """A marked-up document with each sentence's translation in place of its source range: every
    byte outside those ranges is the source's, except the language and direction the page
    declares (``lang="ar"`` → ``language``, ``dir="rtl"`` → ``ltr``) once something is
    translated, where an element whose text all stays Arabic keeps (or gets) ``lang="ar"
    dir="rtl"`` and an Arabic sentence among translated ones is isolated in a ``<span>`` that
    says so. A translation goes in sanitised for its place (``sources.sanitise.Sanitiser``), so
    it cannot bring markup the source did not have there; ``report`` hears what did not go in as
    written. ``None`` leaves the source as it is. Export and the service both write documents
    through here."""
    sanitiser = Sanitiser(text, fmt)
    edits: list[tuple[int, int, str]] = []
    left: list[Sentence] = []  # sentences that stay Arabic
    translated: list[int] = []  # where translated sentences (not attribute values) start
    for s in sentences:
        new = translation(s)
        if new is None:
            left.append(s)
            continue
        cleaned = sanitiser.fragment(new, s)
        notes = list(cleaned.notes)
        empty = not cleaned.text.strip()  # nothing writable left: an empty item or cell changes the page
        if empty:
            notes.append("nothing left to write: the source is kept")
        if notes and report is not None:
            report(s, notes)
        if empty:
            left.append(s)
            continue
        edits.append((s.start, s.end, cleaned.text))
        if "/@" not in s.path:
            translated.append(s.start)
    if edits and not _is_right_to_left(language):  # a page with no sentence translated stays Arabic
        arabic: list[tuple[int, int]] = []  # ranges (start tags, elements) that stay Arabic
        if fmt == "html" and language_marks and left:
            arabic = _keep_arabic(text, left, translated, language_marks, edits)
        for start, end, name in language_marks:
            k = bisect_right(arabic, (start, len(text) + 1)) - 1
            if k >= 0 and arabic[k][0] <= start < arabic[k][1]:
                continue
            value = text[start:end].strip().lower()
            if name == "dir" and value == "rtl":
                edits.append((start, end, "ltr"))
            elif name != "dir" and (value == "ar" or value.startswith("ar-")):
                edits.append((start, end, language))
    return splice(text, edits)


_RAW_TEXT = frozenset({"title", "textarea", "option"})  # text only: an element inside shows as text


def _keep_arabic(
    text: str,
    left: list[Sentence],
    translated: list[int],
    marks: Sequence[tuple[int, int, str]],
    edits: list[tuple[int, int, str]],
) -> list[tuple[int, int]]:
    """Marks what stays Arabic on a page that turns English (edits added to ``edits``): the
    outermost block element around an Arabic sentence with no translated sentence in it gets
    ``lang``/``dir`` of the page's Arabic (its own marks, and those inside it, stay as they are);
    an Arabic sentence in a block with translated ones is wrapped in a ``<span>`` that says so
    (an isolate: its words run right to left inside an English line). Returns the ranges whose
    marks stay Arabic."""
    source_lang = next(  # the page's own tag for its Arabic (ar-EG), when it is a plain one
        (
            text[a:b].strip()
            for a, b, name in marks
            if name != "dir" and re.fullmatch(r"(?i)ar(?:-[a-z0-9]{1,8})*", text[a:b].strip())
        ),
        "ar",
    )
    blocks = sorted(read_page(text).blocks, key=lambda b: (b.tag_start, -b.end))
    translated = sorted(translated)
    kept: list[tuple[int, int]] = []
    around: list[Block] = []  # the blocks around the current position, outermost first
    k = 0
    for s in sorted(left, key=lambda s: s.start):
        if "/@" in s.path:
            continue  # an attribute value: no direction of its own to show
        while around and around[-1].end <= s.start:
            around.pop()
        while k < len(blocks) and blocks[k].tag_start <= s.start:
            while around and around[-1].end <= blocks[k].tag_start:
                around.pop()
            around.append(blocks[k])
            k += 1
        inside = [b for b in around if b.tag_end <= s.start < b.end]
        b = next((b for b in inside if not _any_within(translated, b.tag_end, b.end)), None)
        if b is not None:  # the outermost element with nothing translated in it
            if not kept or kept[-1] != (b.tag_start, b.end):
                kept.append((b.tag_start, b.end))
                _mark_arabic(text, b, source_lang, edits)
        elif not inside or inside[-1].name not in _RAW_TEXT:
            wrapped = f'<span lang="{source_lang}" dir="rtl">{text[s.start : s.end]}</span>'
            edits.append((s.start, s.end, wrapped))
    return kept


def _mark_arabic(text: str, b: Block, language: str, edits: list[tuple[int, int, str]]) -> None:
    """``lang`` and ``dir`` of the page's Arabic added to the start tag of ``b`` (those it lacks)."""
    have = {a.name for a in parse_attributes(text[b.tag_start : b.tag_end], b.tag_start)}
    add = "".join(
        f' {name}="{value}"' for name, value in (("lang", language), ("dir", "rtl")) if name not in have
    )
    if add:
        at = b.tag_end - (2 if text[b.tag_start : b.tag_end].endswith("/>") else 1)
        edits.append((at, at, add))


def _any_within(sorted_offsets: list[int], lo: int, hi: int) -> bool:
    k = bisect_left(sorted_offsets, lo)
    return k < len(sorted_offsets) and sorted_offsets[k] < hi


def document_paragraphs(
    doc: Document, po: polib.POFile, *, include_fuzzy: bool = False, sentences: bool = False
) -> Export:
    """A marked-up document's translation as plain text: one line per paragraph (block element),
    or per sentence, in page order, markup dropped."""
    result = Export(text="")
    language = language_of(po)
    entries = entries_by_msgid(po)
    sanitiser = Sanitiser(doc.text, doc.format)
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


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each [start, end) replaced; the ranges never overlap."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits):
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _is_right_to_left(language: str) -> bool:
    return language.split("_")[0].split("-")[0] in {"ar", "he", "fa", "ur", "ps", "yi", "ckb", "sd", "ug"}


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
