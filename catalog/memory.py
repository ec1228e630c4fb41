"""Translation memory: the reviewed entries of the PO catalogs under a folder, and the units of
the TMX files there (``memory import`` puts a desk's under ``<memory>/tmx/``), for one target
language, looked up by normalised source.

The memory is a cache derived from those files (which stay the truth): it is rebuilt from
them on every run and never written anywhere. A TMX unit is a translator's work, like a
reviewed PO entry (``catalog.tmx`` says which units are read and how). Catalogs are read
before TMX files, so for the same source a desk's own review wins over an imported one.

**Which files** (:func:`memory_files`, the one rule ``memory import`` names its files by):
``*.po`` and ``*.tmx`` (any case) under the folder, not hidden (a name or folder starting
with ``.``: editors' backups, macOS ``._`` forks; those found are reported, never read).

**Which catalogs**: memory is per target language. A catalog counts when its ``Language``
header, compared by primary subtag (``en``, ``en_US``, ``en-GB`` → ``en``), is the run's
language; with no ``Language`` header, the gettext folder it sits in says it
(``<lang>/LC_MESSAGES/…``), else it is left out. One whose ``X-Source-Language`` header
names another language than Arabic is left out too. TMX units are taken by the ``xml:lang``
of their ``<tuv>`` (``catalog.tmx``). Everything left out is counted in :attr:`skipped`,
which ``translate``, ``batch`` and ``serve`` print as warnings: nothing is dropped silently.

Keys are the source folded exactly as the glossary folds Arabic for matching
(:func:`tarjama.glossary.normalize.fold`), so tashkeel, alef/ya/ta-marbuta spellings,
tatweel and invisible characters do not hide a match.

Fuzzy lookups score with rapidfuzz's normalised Indel similarity (``fuzz.ratio``/100) on the
folded text. Scoring all 50,000 entries would take tens of milliseconds, so candidates are
first narrowed with an inverted index of the query's rarest words (a sentence that is 75 %
similar shares most of its rare words), and only the best few are scored.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from tarjama.catalog.memory_rules import SOURCE_LANGUAGE, kind_by_suffix, memory_key, memory_kind
from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import is_article_entry, language_of, primary_language, vouched
from tarjama.catalog.tmx import read_tmx, skip_reasons
from tarjama.errors import InputError, TarjamaError

DEFAULT_THRESHOLD = 0.75
_SHOWN = 3  # files named per line of what the memory skipped; the rest are counted
_CANDIDATES = 24  # entries rescored with rapidfuzz per fuzzy lookup
_RARE_WORDS = 6  # query words whose postings are merged into the candidate set
_POSTINGS_BUDGET = 2000  # ... stopping early once their postings get this long
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    source: str  # the reviewed entry's msgid
    target: str  # its reviewed msgstr
    origin: str  # the PO file it came from
    score: float  # 1.0 for an exact match


@dataclass
class TranslationMemory:
    """Reviewed (source, target, origin) triples with exact and fuzzy lookup."""

    sources: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    # What was left out, one line each: files that could not be read, and counts (with why) of
    # catalogs in another language, hidden files and TMX units that give no pair
    skipped: list[str] = field(default_factory=list)
    _exact: dict[str, list[int]] = field(default_factory=dict)
    _postings: dict[str, list[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.sources)

    def add(self, source: str, target: str, origin: str) -> None:
        key = memory_key(source)
        if not key or not target.strip():
            return
        index = len(self.sources)
        self.sources.append(source)
        self.targets.append(target)
        self.origins.append(origin)
        self.keys.append(key)
        self._exact.setdefault(key, []).append(index)  # first origin wins (files are read sorted)
        for word in set(_WORD.findall(key)):
            self._postings.setdefault(word, []).append(index)

    def add_catalog(self, po: polib.POFile, origin: str, language: str | None = None) -> None:
        """Index a catalog's reviewed entries, obsolete ones too (a review outlives its article);
        never a copy of the source, nor a translator's msgctxt variant (``catalog.review``)."""
        language = language or language_of(po)
        for entry in po:
            if is_article_entry(entry) and vouched(entry, language):
                self.add(entry.msgid, entry.msgstr, origin)

    @classmethod
    def from_pairs(cls, triples: Iterable[tuple[str, str, str]]) -> TranslationMemory:
        tm = cls()
        for source, target, origin in triples:
            tm.add(source, target, origin)
        return tm

    @classmethod
    def from_dir(cls, root: Path, lang: str = "en") -> TranslationMemory:
        """Every catalog under ``root`` in ``lang`` (Arabic source), then every TMX file's
        Arabic→``lang`` units (the file as their origin). What is left out is counted, with
        why, in ``skipped``; an unreadable file is listed there, never fatal."""
        tm = cls()
        if not root.is_dir():
            return tm
        files = memory_files(root)
        if files.hidden:
            tm.skipped.append(
                _files_line(files.hidden, "hidden file", "(its name or a folder above it starts with '.')")
            )
        other: dict[str, list[Path]] = {}  # why a catalog is not for this run -> catalogs
        for path in files.catalogs:
            try:
                po = load_po(path)
            except TarjamaError as exc:
                tm.skipped.append(str(exc))
                continue
            language = catalog_language(po, path)
            reason = _not_for(po, language, lang)
            if reason:
                other.setdefault(reason, []).append(path)
            else:
                tm.add_catalog(po, str(path), language)
        for reason, paths in other.items():
            tm.skipped.append(_files_line(paths, "catalog", reason))
        units: Counter[str] = Counter()  # why a TMX unit gives no pair -> units
        counted: list[Path] = []
        for path in files.tmx:
            try:
                read = read_tmx(path, lang)
            except TarjamaError as exc:
                tm.skipped.append(str(exc))
                continue
            for unit in read.units:
                tm.add(unit.source, unit.target, str(path))
            if read.skipped:
                units.update(read.skipped)
                counted.append(path)
        if units:
            total = sum(units.values())
            tm.skipped.append(
                f"{total} TMX {'unit' if total == 1 else 'units'} ({skip_reasons(units)}) in {_names(counted)}"
            )
        return tm

    def _hit(self, index: int, score: float) -> Hit:
        return Hit(self.sources[index], self.targets[index], self.origins[index], score)

    def exact(self, text: str, skip: Callable[[str], bool] = lambda origin: False) -> Hit | None:
        """The first reviewed entry with the same normalised source whose origin is not skipped."""
        for index in self._exact.get(memory_key(text), ()):
            if not skip(self.origins[index]):
                return self._hit(index, 1.0)
        return None

    def fuzzy(self, text: str, threshold: float = DEFAULT_THRESHOLD) -> Hit | None:
        """The most similar entry scoring at least ``threshold`` (0–1), exact matches included."""
        key = memory_key(text)
        if not key or not self.sources:
            return None
        if key in self._exact:
            return self._hit(self._exact[key][0], 1.0)
        candidates = self._candidates(key)
        if not candidates:
            return None
        best = process.extractOne(
            key,
            {i: self.keys[i] for i in candidates},
            scorer=fuzz.ratio,
            score_cutoff=threshold * 100,
        )
        if best is None:
            return None
        _, score, index = best
        return self._hit(index, round(score / 100, 4))

    def _candidates(self, key: str) -> list[int]:
        words = [w for w in set(_WORD.findall(key)) if w in self._postings]
        words.sort(key=lambda w: (len(self._postings[w]), w))
        counts: Counter[int] = Counter()
        budget = _POSTINGS_BUDGET
        for n, word in enumerate(words[:_RARE_WORDS]):
            postings = self._postings[word]
            if n >= 2 and len(postings) > budget:
                break  # the rest are common words: slow to merge and say little
            counts.update(postings)
            budget -= len(postings)
        return [i for i, _ in counts.most_common(_CANDIDATES)]


def load_memory(root: Path | None, lang: str = "en") -> TranslationMemory:
    return TranslationMemory.from_dir(root, lang) if root is not None else TranslationMemory()


def check_memory_dir(root: Path) -> None:
    """A memory folder the user named must be there: a typo would otherwise give an empty memory
    and every sentence machine-translated again without a word. (The default ``<out>/<lang>``
    is not checked: it does not exist before the first run.)"""
    if not root.is_dir():
        problem = "not a folder" if root.exists() else "no such folder"
        raise InputError(f"{problem} (--memory: the translation memory's folder)", path=root)


# --- which files, which catalogs ---------------------------------------------------------------


@dataclass(frozen=True)
class MemoryFiles:
    catalogs: list[Path]
    tmx: list[Path]
    hidden: list[Path]  # PO or TMX files the rule leaves out, to be reported


def memory_files(root: Path) -> MemoryFiles:
    """The catalogs and TMX files under ``root`` that make its memory (sorted), and the PO or
    TMX files left out because they, or a folder above them under ``root``, are hidden."""
    catalogs: list[Path] = []
    tmx: list[Path] = []
    hidden: list[Path] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        kind = kind_by_suffix(path.name)
        if kind is None:
            continue
        if any(part.startswith(".") for part in path.relative_to(root).parts[:-1]) or not memory_kind(
            path.name
        ):
            hidden.append(path)
        else:
            (catalogs if kind == "po" else tmx).append(path)
    return MemoryFiles(catalogs, tmx, hidden)


def catalog_language(po: polib.POFile, path: Path) -> str | None:
    """A catalog's target language: its ``Language`` header, else the ``<lang>`` of the gettext
    folder ``<lang>/LC_MESSAGES/`` it lies in (nearest first), else None (unknown)."""
    header = (language_of(po) or "").strip()
    if header:
        return header
    parents = Path(os.path.abspath(path)).parents
    for folder, above in zip(parents, list(parents)[1:], strict=False):
        if folder.name == "LC_MESSAGES" and above.name:
            return above.name
    return None


def _not_for(po: polib.POFile, language: str | None, lang: str) -> str | None:
    """Why a catalog is no memory for an Arabic→``lang`` run, or None when it is."""
    if language is None:
        return "with no Language header outside a <lang>/LC_MESSAGES folder"
    if primary_language(language) != primary_language(lang):
        return f"in {primary_language(language) or repr(language)}, not {lang}"
    source = (po.metadata.get("X-Source-Language") or "").strip()
    if source and primary_language(source) != SOURCE_LANGUAGE:
        return f"whose source language is {source}, not Arabic"
    return None


def _names(paths: list[Path]) -> str:
    shown = ", ".join(str(p) for p in paths[:_SHOWN])
    return shown + (f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else "")


def _files_line(paths: list[Path], what: str, why: str) -> str:
    n = len(paths)
    return f"{n} {what}{'' if n == 1 else 's'} {why}: {_names(paths)}"
