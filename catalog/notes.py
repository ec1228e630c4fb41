"""What tarjama remembers in a catalog, written and read here only: every ``#.`` note and every
``X-Tarjama-*`` header key.

A note kind is a record with a tag (how a line says whose it is) and a body template; both
``format`` and ``parse`` are made from that one wording, so rewording a note is one edit here
and every reader follows (the run's kept MT, the merge, ``status``, ``glossary check``, the
re-join of lines an editor wrapped). A line that does not parse as a whole note is no note.

Lines tagged as a *refreshed* note are tarjama's: every run writes them again. Everything else
in an entry (a translator's or another tool's line, a suggestion the service recorded) belongs
to someone else and is never dropped.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any, ClassVar, Self

from tarjama import __version__


@dataclass(frozen=True)
class Slot:
    """A field of a note's wording: what it looks like in the line, and its value both ways."""

    pattern: str
    show: Callable[[Any], str] = str
    read: Callable[[str], Any] = str  # may raise ValueError: then the line is no note


_REPR = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""  # a str as repr() writes it


def _unrepr(text: str) -> str:
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError) as exc:
        raise ValueError(text) from exc
    if not isinstance(value, str):
        raise ValueError(text)
    return value


def quoted(text: str) -> str:
    """``text`` on one comment line: JSON's escapes, and the line separators a reader splits on."""
    out = json.dumps(text, ensure_ascii=False)
    return out.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _unquoted(text: str) -> str:
    value = json.loads(text)
    if not isinstance(value, str):
        raise ValueError(text)
    return value


TEXT = Slot(r".+")
ANY = Slot(r".*")
WORD = Slot(r"\S+")
NUMBER = Slot(r"\d+", str, int)
TERM = Slot(_REPR, repr, _unrepr)
TIMES = Slot(r"(?: x\d+)?", lambda n: f" x{n}" if n > 1 else "", lambda s: int(s[2:]) if s else 1)
TERMS = Slot(
    rf"(?:{_REPR})(?: or (?:{_REPR}))*",
    lambda targets: " or ".join(map(repr, targets)),
    lambda s: tuple(_unrepr(m) for m in re.findall(_REPR, s)),
)
SCORE = Slot(r"\d+\.\d\d", "{:.2f}".format, float)
MEMORY_FILE = Slot(r".+\.(?i:po|tmx)")  # a desk's file may be NAME.TMX
STAMP = Slot(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
QUOTED = Slot(r'".*"', quoted, _unquoted)


def _slots(**slots: Slot) -> Mapping[str, Slot]:
    return MappingProxyType(slots)


@lru_cache(maxsize=256)
def _pattern(tag: str, body: str, slots: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    patterns = dict(slots)
    out = [re.escape(tag)]
    for literal, name, _spec, _conv in string.Formatter().parse(body):
        out.append(re.escape(literal))
        if name is not None:
            out.append(f"(?P<{name}>{patterns[name]})")
    return re.compile("".join(out))


class Note:
    """One kind of line tarjama writes in an entry's extracted comment."""

    tag: ClassVar[str]  # the line's start, whose line it is (a wrapped line keeps it)
    body: ClassVar[str]  # the rest, with ``{slot}`` fields
    slots: ClassVar[Mapping[str, Slot]] = _slots()
    refreshed: ClassVar[bool] = True  # written again by every run (False: a record left as it is)

    def format(self) -> str:
        return self.tag + self.body.format(**{n: s.show(getattr(self, n)) for n, s in self.slots.items()})

    @classmethod
    def parse(cls, line: str) -> Self | None:
        """The note ``line`` is, whole; None when it is not one (another kind, or cut by a wrap)."""
        if not line.startswith(cls.tag):
            return None
        key = tuple((n, s.pattern) for n, s in cls.slots.items())
        m = _pattern(cls.tag, cls.body, key).fullmatch(line)
        if m is None:
            return None
        try:
            return cls(**{n: s.read(m[n]) for n, s in cls.slots.items()})
        except ValueError:
            return None

    @classmethod
    def marks(cls, line: str) -> bool:
        """Whether ``line`` is tagged as this kind (whole or not)."""
        return line.startswith(cls.tag)


@dataclass(frozen=True)
class KindNote(Note):
    """The sentence's kind when it is not body text (a caption, a source line)."""

    kind: str
    tag = "kind: "
    body = "{kind}"
    slots = _slots(kind=WORD)


@dataclass(frozen=True)
class MtNote(Note):
    """The msgstr is machine output of this model at this revision."""

    model: str
    revision: str
    tag = "mt: "
    body = "{model} @ {revision}"
    slots = _slots(model=TEXT, revision=WORD)


@dataclass(frozen=True)
class GlossaryNote(Note):
    """A glossary term the sentence holds (as written, without clitics) and its approved form."""

    source: str
    target: str
    tag = "glossary: "
    body = "{source} → {target}"
    slots = _slots(source=TEXT, target=TEXT)


@dataclass(frozen=True)
class _TermCount(Note):
    term: str
    times: int = 1
    body = "{term}{times}"
    slots = _slots(term=TERM, times=TIMES)


@dataclass(frozen=True)
class GlossaryMissing(_TermCount):
    """An approved form the machine translation still lacks (``times`` occurrences)."""

    tag = "glossary-missing: "


@dataclass(frozen=True)
class GlossaryForbidden(_TermCount):
    """A forbidden rendering that stands in the machine translation (``times`` occurrences)."""

    tag = "glossary-forbidden: "


@dataclass(frozen=True)
class GlossaryAmbiguous(Note):
    """A spelling several glossary names reach equally: not enforced."""

    surface: str
    targets: tuple[str, ...]
    tag = "glossary-ambiguous: "
    body = "{surface} → {targets}"
    slots = _slots(surface=TEXT, targets=TERMS)


class MemoryNote(Note):
    """Where a msgstr from reviewed work came from (kept as long as the msgstr is)."""

    origin: str
    tag = "memory: "


@dataclass(frozen=True)
class MemoryExact(MemoryNote):
    origin: str
    body = "exact match, {origin}"
    slots = _slots(origin=MEMORY_FILE)


@dataclass(frozen=True)
class MemoryFuzzy(MemoryNote):
    score: float
    origin: str
    body = "{score} fuzzy match, {origin}"
    slots = _slots(score=SCORE, origin=MEMORY_FILE)


@dataclass(frozen=True)
class FixedNote(Note):
    """A line rendered by rule (a source credit, a counter), not by the model."""

    tag = "fixed: "
    body = "not machine-translated"


@dataclass(frozen=True)
class SplitNote(Note):
    """A sentence longer than the model's input, translated in parts and rejoined."""

    parts: int
    tag = "split for MT: "
    body = "{parts} parts"
    slots = _slots(parts=NUMBER)


def _unit_interval(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


def _reasons(text: str) -> tuple[str, ...]:
    return tuple(r.strip() for r in text.removeprefix(" — ").removesuffix(".").split(";")) if text else ()


RISK = Slot(r"[01]\.\d\d", "{:.2f}".format, _unit_interval)
# the reasons end in a full stop that no reason holds (a period ending a word is dropped from
# them), so that a line an editor wrapped after a word never parses whole
REASONS = Slot(
    r"(?: — [^;]*[^\s.](?:; [^;]*[^\s.])*\.)?",
    lambda reasons: " — " + "; ".join(reasons) + "." if reasons else "",
    _reasons,
)


@dataclass(frozen=True)
class RiskNote(Note):
    """How likely the machine translation needs a translator's edit (0–1), and why
    (tarjama.catalog.risk); ``tarjama review`` lists entries by it."""

    risk: float
    reasons: tuple[str, ...] = ()
    tag = "risk: "
    body = "{risk}{reasons}"
    slots = _slots(risk=RISK, reasons=REASONS)

    def __post_init__(self) -> None:
        # a reason is one clause: its separators would split it on the way back, and a period
        # ending a word would let a wrapped line parse whole
        clean = tuple(
            " ".join(w.rstrip(".") for w in r.replace(";", ",").split()).strip() for r in self.reasons
        )
        object.__setattr__(self, "reasons", tuple(r for r in clean if r))


@dataclass(frozen=True)
class MarkupUnplaced(Note):
    """An inline element (a link, emphasis) the run could not place in the translation."""

    label: str
    tag = "markup: "
    body = "{label} could not be placed"
    slots = _slots(label=ANY)


@dataclass(frozen=True)
class Suggested(Note):
    """A client's correction (``POST /suggest``): a record for the translator, never refreshed."""

    stamp: str
    text: str
    tag = "suggested through the API, "
    body = "{stamp}: {text}"
    slots = _slots(stamp=STAMP, text=QUOTED)
    refreshed = False


@dataclass(frozen=True)
class SuggestedNotApplied(Suggested):
    """A correction for an entry a translator reviewed: beside it, not in its msgstr."""

    body = "{stamp} (not applied: the entry is reviewed): {text}"


@dataclass(frozen=True)
class Replaced(Note):
    """The msgstr a suggestion replaced (a draft is never overwritten unseen)."""

    stamp: str
    text: str
    tag = "msgstr before a suggestion, "
    body = "{stamp}: {text}"
    slots = _slots(stamp=STAMP, text=QUOTED)
    refreshed = False


NOTES: tuple[type[Note], ...] = (
    KindNote,
    MtNote,
    GlossaryNote,
    GlossaryMissing,
    GlossaryForbidden,
    GlossaryAmbiguous,
    MemoryExact,
    MemoryFuzzy,
    FixedNote,
    SplitNote,
    RiskNote,
    MarkupUnplaced,
    SuggestedNotApplied,
    Suggested,
    Replaced,
)


def parse_note(line: str) -> Note | None:
    """The note ``line`` is, of any kind (None: not a whole note)."""
    for kind in NOTES:
        if (note := kind.parse(line)) is not None:
            return note
    return None


def is_own_comment(line: str) -> bool:
    """Whether the line is tarjama's (tagged as a note every run writes again), whole or not."""
    return any(line.startswith(kind.tag) for kind in NOTES if kind.refreshed)


def _complete(line: str) -> bool:
    return any(kind.parse(line) is not None for kind in NOTES if kind.refreshed)


def notes(comment: str | None) -> list[Note]:
    """The notes in an extracted comment, wrapped ones whole again; other lines left out."""
    return [n for _, line in read_comment(comment) if (n := parse_note(line)) is not None]


def own_comments(comment: str | None) -> list[str]:
    """tarjama's lines of an extracted comment, each whole again if an editor wrapped it."""
    return [line for own, line in read_comment(comment) if own]


def foreign_comments(comment: str | None, own_now: Sequence[str]) -> list[str]:
    """Extracted-comment lines that are not tarjama's (another tool's or a translator's)."""
    return [line for own, line in read_comment(comment, own_now) if not own]


def read_comment(comment: str | None, own_now: Sequence[str] = ()) -> list[tuple[bool, str]]:
    """An extracted comment as (tarjama's?, line) pairs, tarjama's wrapped lines joined again.

    An editor that wraps long ``#.`` lines (polib does, at 78 columns; others elsewhere)
    splits one of tarjama's lines into an own line and continuation lines with no tag.
    Taken for foreign, each continuation stayed while the refreshed own line was written
    again, so orphans piled up run after run. A continuation is recognised when the own line
    joined with the lines after it is one of this run's own lines (``own_now``, compared
    without whitespace, so the wrap width does not matter), or when the own line alone does
    not parse as a note and the join does (a line this run does not write again: the ``mt:``
    line of an entry a translator has since reviewed, a memory line carried over). A line
    that does neither is kept as it is: a translator's or tool's note is never dropped.
    """
    lines = (comment or "").splitlines()
    wanted = {_squashed(c) for c in own_now}
    out: list[tuple[bool, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not is_own_comment(line):
            out.append((False, line))
            i += 1
            continue
        joins: list[str] = []  # the line joined with 1, 2, ... continuation lines
        j = i + 1
        while j < len(lines) and not is_own_comment(lines[j]):
            joins.append(_unwrap(joins[-1] if joins else line, lines[j]))
            j += 1
        # this run's own line first: a cut inside free text (a glossary target) may parse whole
        n = next((n for n, joined in enumerate(joins, 1) if _squashed(joined) in wanted), 0)
        if not n and joins and not _complete(line):
            n = next((n for n, joined in enumerate(joins, 1) if _complete(joined)), 0)
        out.append((True, joins[n - 1] if n else line))
        i += 1 + n
    return out


def _squashed(text: str) -> str:
    return "".join(text.split())


def _unwrap(head: str, tail: str) -> str:
    """Undo one wrap as textwrap (polib) makes it: at a space, or after a hyphen."""
    return head + tail if head.endswith("-") else f"{head} {tail}"


# --- the header ------------------------------------------------------------------------

PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);"}
LANGUAGE_NAMES = {"en": "English", "ar": "Arabic"}
_PROJECT, _LANGUAGE, _SOURCE_LANGUAGE = "Project-Id-Version", "Language", "X-Source-Language"
_SOURCE_FILE, _SOURCE_SHA256 = "X-Tarjama-Source-File", "X-Tarjama-Source-SHA256"
_MODEL, _MODEL_REVISION, _SETTINGS = "X-Tarjama-Model", "X-Tarjama-Model-Revision", "X-Tarjama-Settings"
_KEYS = {  # CatalogHeader field → its header key
    "project": _PROJECT,
    "language": _LANGUAGE,
    "source_language": _SOURCE_LANGUAGE,
    "source_file": _SOURCE_FILE,
    "source_sha256": _SOURCE_SHA256,
    "model_id": _MODEL,
    "model_revision": _MODEL_REVISION,
    "settings": _SETTINGS,
}


@dataclass(frozen=True)
class CatalogHeader:
    """What a catalog's header records about the run that wrote it (the source, the engine)."""

    project: str = ""
    language: str = ""
    source_language: str = ""
    model_id: str = ""
    model_revision: str = ""
    source_file: str = ""
    source_sha256: str = ""
    settings: str = ""
    # read back: whether the header names an engine at all (a catalog tarjama has not written
    # yet has no ``X-Tarjama-Model``; one the service started for suggestions has it empty)
    names_engine: bool = field(default=True, compare=False)

    def to_metadata(self, now: datetime | None = None) -> dict[str, str]:
        """The whole header, as a new catalog gets it."""
        stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M%z")
        return {
            _PROJECT: self.project,
            "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": stamp,
            "PO-Revision-Date": stamp,
            "Last-Translator": "tarjama (machine translation)",
            "Language-Team": LANGUAGE_NAMES.get(self.language, self.language),
            _LANGUAGE: self.language,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURAL_FORMS.get(self.language, "nplurals=2; plural=(n != 1);"),
            "X-Generator": f"tarjama {__version__}",
            _SOURCE_LANGUAGE: self.source_language,
            _SOURCE_FILE: self.source_file,
            _SOURCE_SHA256: self.source_sha256,
            _MODEL: self.model_id,
            _MODEL_REVISION: self.model_revision,
            _SETTINGS: self.settings,
        }

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, str]) -> CatalogHeader:
        """What a catalog's header says (a key it lacks: ``""``)."""
        values = {f.name: metadata.get(_KEYS[f.name], "") for f in fields(cls) if f.name in _KEYS}
        return cls(**values, names_engine=_MODEL in metadata)
