"""Glossary files → one :class:`Glossary`: CSV and TBX, several files, later ones win.

CSV: UTF-8 (a BOM is accepted), RFC 4180, header ``source,target,type,note`` (``source`` and
``target`` required, ``type``/``note``/``forbidden``/``variants`` optional, each once, in any
order and case; any other, repeated or unnamed column is refused; ``variants`` yes/no
turns transliteration families on or off for a row, overriding its ``type``). TBX: TBX-Basic / TBX v3 core —
``termEntry``/``conceptEntry`` → ``langSet``/``langSec`` (``xml:lang``) → ``tig``/``ntig``/
``termSec`` → ``term``; several Arabic terms in one entry are spellings of one concept;
several English terms are its approved renderings, the first the one forced.

Alternative approved forms: a CSV target cell may hold several renderings separated by
``|`` (``Saudi Arabia|Saudi``), as the ``forbidden`` column does. The post-check accepts any
of them, the enforcer keeps the one the model wrote and forces the first only when none is
there; an adjective (nisba) form of a place name asks for the renderings after the first
(:mod:`tarjama.glossary.forms`). An empty rendering (``A||B``, ``A|``) or one given twice is
refused with its line.

Two rows are "the same source" when their match keys are equal (folded, variant rules
applied), so دانج هوانج جيانج and دانغ هوانغ جيانغ are one entry. In one file, the same
source with two different targets is an error; across files the later file wins and the
override is reported in :attr:`Glossary.conflicts`.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from tarjama.errors import InputError
from tarjama.files import check_regular_file
from tarjama.glossary.check import find_forbidden
from tarjama.glossary.normalize import fold, words
from tarjama.glossary.variants import canonical

if TYPE_CHECKING:  # lxml is imported when a TBX file is read
    from lxml.etree import _Element

DEFAULT_NAME = "ar-en.csv"
REQUIRED_COLUMNS = ("source", "target")
COLUMNS = (*REQUIRED_COLUMNS, "type", "note", "forbidden", "variants")
TARGET_LANG = "en"
SOURCE_LANG = "ar"


@dataclass(frozen=True)
class Term:
    source: str  # as written in the glossary
    target: str  # approved English form
    type: str = ""
    note: str = ""
    origin: str = ""  # "file:line", for messages
    # renderings that must never stand for this term ("Hanoi Agreement" for اتفاقية هانوي):
    # banned while decoding, reported by the post-check and by `glossary check`
    forbidden: tuple[str, ...] = ()
    # transliteration families (glossary/families.py): True/False from the CSV column
    # `variants` (or TBX <descrip type="variants">); None: by type (names get them)
    variants: bool | None = None
    # the other approved renderings, after ``target`` (CSV "Saudi Arabia|Saudi", several
    # English terms in a TBX entry): accepted by the post-check, never forced over
    others: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        return term_key(self.source)

    @property
    def approved(self) -> tuple[str, ...]:
        """Every approved rendering, the forced one first."""
        return (self.target, *self.others)


@dataclass(frozen=True)
class Conflict:
    """A later glossary gave a different target for a source an earlier one defined."""

    source: str
    old: Term
    new: Term

    def __str__(self) -> str:
        return (
            f"{self.new.origin}: {self.source!r} → {'|'.join(self.new.approved)!r} overrides "
            f"{'|'.join(self.old.approved)!r} from {self.old.origin}"
        )


def term_key(source: str) -> tuple[str, ...]:
    """The match key of a source term: its folded words and punctuation, variant-canonical."""
    return tuple(canonical(w.text) for w in words(fold(source)))


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # files it was read from
    # sha256 of the files' bytes, in order: recorded in each catalog's settings, so a run
    # with an edited glossary is not taken for one that already wrote that catalog
    fingerprint: str = ""

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def targets(self) -> list[str]:
        """Every approved rendering of every term, once each."""
        return list(dict.fromkeys(a for t in self.terms for a in t.approved))


def default_path() -> Path:
    """The shipped default glossary (package data), used when no --glossary is given."""
    return Path(str(resources.files("tarjama.glossary") / DEFAULT_NAME))


def load_glossaries(paths: Sequence[Path]) -> Glossary:
    """Read every file in order; a later file's entry replaces an earlier one with the same key."""
    merged: dict[tuple[str, ...], Term] = {}
    conflicts: list[Conflict] = []
    digest = hashlib.sha256()
    for path in paths:
        terms = read_glossary_file(Path(path))
        digest.update(Path(path).read_bytes())
        for term in terms:
            old = merged.get(term.key)
            if old is not None and old.approved != term.approved:
                conflicts.append(Conflict(term.source, old, term))
            merged[term.key] = term  # later files win; dict keeps first-insertion order
    fingerprint = "sha256:" + digest.hexdigest()[:16]
    return Glossary(list(merged.values()), conflicts, [str(p) for p in paths], fingerprint)


def load_default() -> Glossary:
    return load_glossaries([default_path()])


def load_selected(paths: Sequence[Path] | None) -> Glossary:
    """The glossary a run enforces: the given files in order (later wins), else the shipped default."""
    return load_glossaries(list(paths) if paths else [default_path()])


def terms_from_pairs(rows: Iterable[tuple[int, str, str]], where: str) -> list[Term]:
    """Terms from (line, source, target) rows a client sent (a DeepL-style glossary), each
    checked as a CSV row is and deduplicated as a file's are: ``where`` names them in errors
    (``InputError``: ``<where>: line N: <problem>``)."""
    path = Path(where)
    terms = []
    for line, source, target in rows:
        _check(source, target, f"line {line}", path)
        terms.append(Term(source.strip(), target.strip(), origin=f"{where}:{line}"))
    return _dedupe(terms, path)


def overlay(base: Glossary | None, terms: Sequence[Term], name: str) -> Glossary:
    """``base`` with ``terms`` on top: a term of ``terms`` replaces the base's entry for the same
    source (its approved form wins); it keeps the base entry's type and variants (a name stays
    a name, with its spelling families) and those of its forbidden renderings the new form does
    not itself contain. The replaced entries are in ``conflicts``."""
    merged: dict[tuple[str, ...], Term] = {t.key: t for t in base.terms} if base is not None else {}
    conflicts = list(base.conflicts) if base is not None else []
    digest = hashlib.sha256((base.fingerprint if base is not None else "").encode())
    for term in terms:
        digest.update(f"{term.source}\t{term.target}\n".encode())
        old = merged.get(term.key)
        if old is not None:
            if old.target == term.target:
                continue
            conflicts.append(Conflict(term.source, old, term))
            kept = tuple(f for f in old.forbidden if not find_forbidden(term.target, [f]))
            term = Term(term.source, term.target, old.type, old.note, term.origin, kept, old.variants)
        merged[term.key] = term
    sources = [*(base.sources if base is not None else []), name]
    return Glossary(list(merged.values()), conflicts, sources, "sha256:" + digest.hexdigest()[:16])


def read_glossary_file(path: Path) -> list[Term]:
    check_regular_file(path, "glossary file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read glossary ({exc.strerror or exc})", path=path) from None
    terms = _read_tbx(raw, path) if path.suffix.lower() in (".tbx", ".xml") else _read_csv(raw, path)
    if not terms:
        raise InputError("glossary has no terms", path=path)
    return _dedupe(terms, path)


def _dedupe(terms: Iterable[Term], path: Path) -> list[Term]:
    """Same key twice in one file: fine if the target agrees, an error if it does not."""
    seen: dict[tuple[str, ...], Term] = {}
    for term in terms:
        prior = seen.get(term.key)
        if prior is None:
            seen[term.key] = term
        elif prior.approved != term.approved:
            raise InputError(
                f"{_line(term)}: {term.source!r} → {'|'.join(term.approved)!r} conflicts with "
                f"{_line(prior)} ({prior.source!r} → {'|'.join(prior.approved)!r}); one source, one target",
                path=path,
            )
    return list(seen.values())


def _line(term: Term) -> str:
    return "line " + term.origin.rsplit(":", 1)[-1]


def _check(source: str, target: str, where: str, path: Path) -> None:
    if not source.strip():
        raise InputError(f"{where}: empty source term", path=path)
    if not target.strip():
        raise InputError(f"{where}: empty target for {source.strip()!r}", path=path)
    if not any(w.text.isalnum() for w in words(fold(source))):
        raise InputError(f"{where}: source {source.strip()!r} has no letters to match", path=path)


def _check_forbidden(approved: Sequence[str], forbidden: Sequence[str], where: str, path: Path) -> None:
    """Refuse a forbidden rendering that an approved form itself holds, as the post-check would
    find it (``find_forbidden``: whole words, first letter in either case): every correct
    translation would be flagged, and decoding, which bans it, could never write the term."""
    for target in approved:
        for rendering in forbidden:
            if rendering == target:
                raise InputError(
                    f"{where}: {target!r} is both the approved and a forbidden rendering", path=path
                )
            if find_forbidden(target, [rendering]):
                raise InputError(
                    f"{where}: forbidden {rendering!r} is found in the approved {target!r} itself (whole "
                    "words, first letter in either case): every correct translation would be flagged",
                    path=path,
                )


def _approved(renderings: Sequence[str], where: str, path: Path) -> tuple[str, ...]:
    """A term's approved renderings (a CSV cell split at ``|``, a TBX entry's English terms),
    the forced one first. An empty one (``A||B``, a trailing ``|``) or one given twice (the
    post-check takes a first letter in either case, so ``Saudi|saudi`` is twice) is a mistake
    in the file, not a rendering."""
    parts = [p.strip() for p in renderings]
    shown = "|".join(parts)
    if len(parts) > 1 and not all(parts):
        raise InputError(
            f"{where}: empty rendering in target {shown!r} (alternatives are separated by one |)", path=path
        )
    seen: set[str] = set()
    for part in parts:
        same = part[:1].lower() + part[1:]
        if same in seen:
            raise InputError(f"{where}: rendering {part!r} is given twice in target {shown!r}", path=path)
        seen.add(same)
    return tuple(parts)


_YES = ("yes", "y", "true", "1")
_NO = ("no", "n", "false", "0")


def _flag(value: str, where: str, path: Path) -> bool | None:
    """The ``variants`` flag: yes/true/1, no/false/0, or empty (None: decided by the type)."""
    v = value.strip().lower()
    if not v:
        return None
    if v in _YES or v in _NO:
        return v in _YES
    raise InputError(f"{where}: variants must be yes or no, not {value.strip()!r}", path=path)


def _read_csv(raw: bytes, path: Path) -> list[Term]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"glossary is not valid UTF-8 (byte {exc.start})", path=path) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError("glossary is empty", path=path)
        columns = _columns(header, path)
        terms: list[Term] = []
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) < len(columns):
                absent = ", ".join(columns[len(row) :])
                raise InputError(f"line {line}: missing column {absent}", path=path)
            if len(row) > len(columns):
                raise InputError(f"line {line}: {len(row)} cells, header has {len(columns)}", path=path)
            cell = dict(zip(columns, row, strict=True))
            _check(cell["source"], cell["target"], f"line {line}", path)
            approved = _approved(cell["target"].split("|"), f"line {line}", path)
            # several forbidden renderings in one cell are separated by "|"
            forbidden = tuple(f.strip() for f in cell.get("forbidden", "").split("|") if f.strip())
            _check_forbidden(approved, forbidden, f"line {line}", path)
            variants = _flag(cell.get("variants", ""), f"line {line}", path)
            terms.append(
                Term(
                    cell["source"].strip(),
                    approved[0],
                    cell.get("type", "").strip(),
                    cell.get("note", "").strip(),
                    f"{path}:{line}",
                    forbidden,
                    variants,
                    approved[1:],
                )
            )
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: malformed CSV ({exc})", path=path) from None
    return terms


def _columns(header: list[str], path: Path) -> list[str]:
    """The header's column names, each one tarjama reads, each once: a repeated, unnamed or
    unknown column (a typo of ``forbidden``) would have its cells dropped without a word."""
    columns = [h.strip().lower() for h in header]
    known = f"source,target and optionally {','.join(COLUMNS[2:])}"
    for n, name in enumerate(columns, 1):
        if not name:
            raise InputError(f"line 1: column {n} has no name (columns: {known})", path=path)
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.7)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(
                f"line 1: unknown column {header[n - 1].strip()!r} ({hint}columns: {known})", path=path
            )
        if name in columns[: n - 1]:
            first = columns.index(name) + 1
            raise InputError(f"line 1: column {name!r} appears twice (columns {first} and {n})", path=path)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"line 1: missing column {', '.join(missing)} (columns: {known})", path=path)
    return columns


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _read_tbx(raw: bytes, path: Path) -> list[Term]:
    from lxml import etree

    # No DTD loading, no entity expansion, no network: a glossary is data, not a program.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else "?"
        msg = str(exc.msg if hasattr(exc, "msg") else exc).split(" (line")[0]
        raise InputError(f"line {line}: bad XML ({msg})", path=path) from None
    # Entities are not expanded (no file or network reads); one left in place would become
    # "&xxe;" in an approved target, so it is refused with its line.
    for el in root.iter(etree.Entity):
        raise InputError(
            f"line {el.sourceline}: entity reference {el.text} is not allowed in a glossary; "
            "write the text itself",
            path=path,
        )
    entries = [el for el in root.iter() if _local(el.tag) in ("termEntry", "conceptEntry")]
    if not entries:
        raise InputError("no termEntry/conceptEntry elements: not a TBX glossary", path=path)
    terms: list[Term] = []
    for entry in entries:
        by_lang: dict[str, list[str]] = {}
        banned: list[str] = []  # English terms marked forbidden or obsolete (as Weblate exports them)
        for lang_el in entry:
            if _local(lang_el.tag) not in ("langSet", "langSec"):
                continue
            lang = (lang_el.get(_XML_LANG) or lang_el.get("lang") or "").lower().split("-")[0]
            for el in lang_el.iter():
                if _local(el.tag) == "term":
                    text = "".join(el.itertext()).strip()
                    if not text:
                        continue
                    if _is_forbidden(el):
                        if lang == TARGET_LANG:
                            banned.append(text)
                        continue  # a forbidden Arabic spelling is no source to match
                    by_lang.setdefault(lang, []).append(text)
        where = f"line {entry.sourceline}"
        if not by_lang.get(SOURCE_LANG):
            raise InputError(f'{where}: entry has no Arabic (xml:lang="ar") term', path=path)
        if not by_lang.get(TARGET_LANG):
            raise InputError(f'{where}: entry has no English (xml:lang="en") term', path=path)
        approved = _approved(by_lang[TARGET_LANG], where, path)
        target = approved[0]
        forbidden = tuple(dict.fromkeys(banned))
        _check_forbidden(approved, forbidden, where, path)
        kind = _descrip(entry, ("subjectField", "type", "termType"))
        note = _descrip(entry, ("definition", "note", "context"))
        variants = _flag(_descrip(entry, ("variants",)), where, path)
        for source in by_lang[SOURCE_LANG]:
            _check(source, target, where, path)
            terms.append(
                Term(
                    source,
                    target,
                    kind,
                    note,
                    f"{path}:{entry.sourceline}",
                    forbidden,
                    variants,
                    approved[1:],
                )
            )
    return terms


# TBX administrativeStatus values that make a term one that must not be used (TBX's own
# deprecated/superseded, and Weblate's forbidden/obsolete).
_BANNED_STATUS = ("forbidden", "obsolete", "deprecated", "superseded")


def _is_forbidden(term_el: _Element) -> bool:
    """Whether the term's own group (tig, ntig, termSec) gives it a forbidden status."""
    group = term_el.getparent()
    if group is not None and _local(group.tag) == "termGrp" and group.getparent() is not None:
        group = group.getparent()
    for el in group.iter() if group is not None else ():
        if _local(el.tag) == "termNote" and el.get("type") == "administrativeStatus":
            status = "".join(el.itertext()).strip().lower()
            if any(word in status for word in _BANNED_STATUS):
                return True
    return False


def _descrip(entry: _Element, types: tuple[str, ...]) -> str:
    """The first <descrip>/<termNote> of one of ``types`` (or a plain <note> when asked for)."""
    for el in entry.iter():
        name = _local(el.tag)
        typed = name in ("descrip", "termNote") and el.get("type") in types
        if typed or (name == "note" and "note" in types):
            return "".join(el.itertext()).strip()
    return ""
