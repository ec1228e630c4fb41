"""Read hypotheses and references as segments, and pair them only when they really align.

A segment list comes from a PO file (msgstr placed in document order by its occurrences,
so a sentence repeated in the article is scored at each place), a text file (one sentence
per line) or a directory of those (files in name order, one document each). Each segment
keeps its Arabic source when the file knows it (PO msgid) and whether a translator
reviewed it, so `--reviewed-only` can leave the unreviewed ones out.

Misalignment is never silent: different counts, or different sources where both sides
know them, raise an error that says what to do (`--document` scores whole documents).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polib

from tarjama.catalog.notes import KindNote, Note, notes
from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import is_reviewed
from tarjama.errors import InputError
from tarjama.files import check_regular_file
from tarjama.sources.markup import html_text

TEXT_SUFFIXES = (".txt",)
PO_SUFFIXES = (".po",)


class State(StrEnum):
    REVIEWED = "reviewed"  # PO entry a translator vouched for
    FUZZY = "fuzzy"  # PO entry with an unreviewed (machine or memory) translation
    UNTRANSLATED = "untranslated"  # PO entry with an empty msgstr: scored as an empty hypothesis
    TEXT = "text"  # a line of a plain text file: no review state


@dataclass
class Segments:
    """Parallel lists, one item per segment, in document order."""

    origin: str  # what the user passed (file or directory)
    texts: list[str] = field(default_factory=list)
    sources: list[str | None] = field(default_factory=list)  # Arabic source when known (PO msgid)
    states: list[State] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)  # document name (file stem) per segment
    kinds: list[str | None] = field(default_factory=list)  # "body", "caption"... (PO notes); None: unknown
    risks: list[float | None] = field(default_factory=list)  # the entry's risk note, where it has one

    def __len__(self) -> int:
        return len(self.texts)

    def extend(self, other: Segments) -> None:
        self.texts += other.texts
        self.sources += other.sources
        self.states += other.states
        self.docs += other.docs
        self.kinds += other.kinds
        self.risks += other.risks

    @property
    def has_sources(self) -> bool:
        return self.known_sources() is not None

    def known_sources(self) -> list[str] | None:
        """The Arabic source of every segment, or None unless every one is known."""
        known = [s for s in self.sources if s is not None]
        return known if known and len(known) == len(self.sources) else None

    def counts(self) -> dict[str, int]:
        return {s.value: self.states.count(s) for s in State if s in self.states}


def doc_name(path: Path) -> str:
    """`hanoi-convention.en.txt` and `hanoi-convention.po` both name the document `hanoi-convention`."""
    return path.name.split(".", 1)[0]


def read_segments(path: Path) -> Segments:
    """A PO file, a text file or a directory of them (searched recursively, name order)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in PO_SUFFIXES + TEXT_SUFFIXES)
        if not files:
            raise InputError("directory holds no .po or .txt files", path=path)
        result = Segments(str(path))
        for f in files:
            result.extend(read_segments(f))
        return result
    if not path.exists():
        raise InputError("no such file or directory", path=path)
    check_regular_file(path, "text or PO file")
    if path.suffix in PO_SUFFIXES:
        return _from_po(load_po(path), path)
    return _from_text(path)


def _from_text(path: Path) -> Segments:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (offset {exc.start})", path=path) from None
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines:
        raise InputError("is empty: expected one sentence per line", path=path)
    n = len(lines)
    return Segments(
        str(path), lines, [None] * n, [State.TEXT] * n, [doc_name(path)] * n, [None] * n, [None] * n
    )


def _from_po(po: polib.POFile, path: Path) -> Segments:
    """msgstr in document order: by occurrence (file, line), then catalog order; repeats at each place."""
    files: dict[str, int] = {}
    placed: list[tuple[int, int, int, polib.POEntry]] = []
    for position, entry in enumerate(e for e in po if not e.obsolete):
        spots = [(f, int(line)) for f, line in entry.occurrences if line.isdigit()]
        for file, line in spots or [("", position)]:  # no occurrence: keep catalog order
            placed.append((files.setdefault(file, len(files)), line, position, entry))
    placed.sort(key=lambda p: p[:3])
    result = Segments(str(path))
    for *_, entry in placed:
        markup = bool(_TAG.search(entry.msgid))  # an HTML article's entry: scored on its words
        msgstr = _words(entry.msgstr) if markup else entry.msgstr
        result.texts.append(msgstr if msgstr.strip() else "")
        result.sources.append(_words(entry.msgid) if markup else entry.msgid)
        result.states.append(_state(entry))
        result.docs.append(doc_name(path))
        said = notes(entry.comment)
        result.kinds.append(next((n.kind for n in said if isinstance(n, KindNote)), "body"))
        result.risks.append(_risk(said))
    if not result.texts:
        raise InputError("PO file has no entries to score", path=path)
    return result


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _words(fragment: str) -> str:
    return " ".join(html_text(fragment).split())


def _risk(said: Sequence[Note]) -> float | None:
    """The entry's risk, read from whichever of its notes carries one (a ``risk`` number).

    The hook for the risk note of issue 28 section 1: once catalog/notes.py has that note
    kind, the risk of each MT entry reaches `tarjama compare`'s report (its risk column and
    sort) with no change here. No note, no risk: nothing is estimated in its place.
    """
    for note in said:
        risk = getattr(note, "risk", None)
        if isinstance(risk, int | float) and not isinstance(risk, bool) and math.isfinite(risk):
            return float(risk)
    return None


def _state(entry: polib.POEntry) -> State:
    if is_reviewed(entry):
        return State.REVIEWED
    if not entry.msgstr.strip():
        return State.UNTRANSLATED
    return State.FUZZY


def read_reference(path: Path) -> Segments:
    """References: a text file (one per line) or a PO whose msgstr are the references (all must be filled)."""
    ref = read_segments(path)
    empty = [
        i + 1 for i, (t, s) in enumerate(zip(ref.texts, ref.states, strict=True)) if s != State.TEXT and not t
    ]
    if empty:
        raise InputError(
            f"{len(empty)} reference entries have no translation (segments {_span(empty)})", path=path
        )
    return ref


def read_gold_sources(path: Path) -> list[str]:
    """The `arabic` column of a gold segmentation TSV (n, paragraph, kind, arabic, english; no quoting)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read gold TSV ({exc})", path=path) from None
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    bad = [i + 1 for i, r in enumerate(rows) if len(r) < 4]
    if bad:
        raise InputError(f"line {bad[0]}: expected TAB-separated n, paragraph, kind, arabic, ...", path=path)
    return [r[3] for r in rows]


def _span(numbers: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(map(str, numbers[:limit]))
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


class Misaligned(InputError):
    """Hypothesis and reference segments do not pair up one to one."""


REALIGN_HINT = (
    "pass --realign to regroup segments by their Arabic sources, or --document to score whole documents"
)


def check_aligned(
    hyp: Segments, ref: Segments, sources: Sequence[str] | None = None, hint: str = REALIGN_HINT
) -> None:
    """Raise Misaligned unless hyp, ref (and the known sources) pair up one to one, in order."""
    if len(hyp) != len(ref):
        raise Misaligned(
            f"{len(hyp)} segments but the reference {ref.origin} has {len(ref)}: the segmentation "
            f"differs ({hint})",
            path=hyp.origin,
        )
    candidates = [
        hyp.known_sources(),
        ref.known_sources(),
        list(sources) if sources is not None else None,
    ]
    known = [c for c in candidates if c is not None]
    for other in known[1:]:
        if len(other) != len(known[0]):
            raise Misaligned(
                f"{len(known[0])} segments but {len(other)} source sentences: the segmentation differs",
                path=hyp.origin,
            )
        bad = [i + 1 for i, (a, b) in enumerate(zip(known[0], other, strict=True)) if a != b]
        if bad:
            raise Misaligned(
                f"same number of segments as the reference but different source sentences at "
                f"segments {_span(bad)}: the segmentation differs ({hint})",
                path=hyp.origin,
            )


def documents(docs: Sequence[str], texts: Sequence[str | None]) -> tuple[list[str], list[str]]:
    """(names, texts): one text per document, its segments joined by a space (document-level scoring)."""
    joined: dict[str, list[str]] = {}
    for doc, text in zip(docs, texts, strict=True):
        joined.setdefault(doc, []).append(text or "")
    return list(joined), [" ".join(t for t in texts if t) for texts in joined.values()]


@dataclass
class Realigned:
    """Segments regrouped so that both sides cover the same Arabic text, group by group."""

    hypotheses: list[str]
    references: list[str]
    sources: list[str]
    groups: list[tuple[list[int], list[int]]]  # (hyp segment numbers, ref segment numbers), 1-based


def _ink(text: str) -> int:
    """Characters that are not whitespace: both segmentations agree on these, not on the spaces."""
    return sum(not c.isspace() for c in text)


def realign(hyp: Segments, ref: Segments, ref_sources: Sequence[str]) -> Realigned:
    """Re-align two segmentations of the same Arabic text by their source offsets.

    Method: walk both source lists, counting non-whitespace characters; wherever both sides
    have a segment boundary at the same count, a group ends. A hypothesis segment split (or
    joined) differently from the reference becomes one group with all the pieces joined by a
    space on each side. Exact when both sources are the same text, so it refuses otherwise.
    """
    if not hyp.has_sources:
        raise InputError("re-alignment needs the hypothesis's Arabic sources (a PO file)", path=hyp.origin)
    if len(ref_sources) != len(ref):
        raise Misaligned(f"{len(ref)} references but {len(ref_sources)} source sentences", path=ref.origin)
    hyp_sources = [s or "" for s in hyp.sources]
    if _squash(hyp_sources) != _squash(ref_sources):
        raise Misaligned(
            "cannot re-align: the hypothesis's sources are not the same Arabic text as the reference's",
            path=hyp.origin,
        )
    out = Realigned([], [], [], [])
    i = j = 0
    while i < len(hyp) and j < len(ref):
        hi, rj = [i], [j]
        a, b = _ink(hyp_sources[i]), _ink(ref_sources[j])
        i, j = i + 1, j + 1
        while a != b:
            if a < b:
                a += _ink(hyp_sources[i])
                hi.append(i)
                i += 1
            else:
                b += _ink(ref_sources[j])
                rj.append(j)
                j += 1
        out.hypotheses.append(" ".join(hyp.texts[k] for k in hi if hyp.texts[k]))
        out.references.append(" ".join(ref.texts[k] for k in rj))
        out.sources.append(" ".join(ref_sources[k] for k in rj))
        out.groups.append(([k + 1 for k in hi], [k + 1 for k in rj]))
    if i < len(hyp) or j < len(ref):  # only segments without any text can be left over
        raise Misaligned("cannot re-align: empty source segments at the end", path=hyp.origin)
    return out


def _squash(texts: Sequence[str]) -> str:
    return "".join("".join(t.split()) for t in texts)
