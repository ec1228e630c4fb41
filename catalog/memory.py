"""Translation memory: every reviewed entry of every PO under a folder, and every unit of every
TMX file there (``memory import`` puts a desk's under ``<memory>/tmx/``), looked up by normalised
source.

The memory is a cache derived from those files (which stay the truth): it is rebuilt from
them on every run and never written anywhere. A TMX unit is a translator's work, like a
reviewed PO entry (``catalog.tmx`` says which units are read and how). Catalogs are read
before TMX files, so for the same source a desk's own review wins over an imported one.

Keys are the source folded exactly as the glossary folds Arabic for matching
(:func:`tarjama.glossary.normalize.fold`), so tashkeel, alef/ya/ta-marbuta spellings,
tatweel and invisible characters do not hide a match.

Fuzzy lookups score with rapidfuzz's normalised Indel similarity (``fuzz.ratio``/100) on the
folded text. Scoring all 50,000 entries would take tens of milliseconds, so candidates are
first narrowed with an inverted index of the query's rarest words (a sentence that is 75 %
similar shares most of its rare words), and only the best few are scored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import is_article_entry, language_of, vouched
from tarjama.errors import TarjamaError
from tarjama.glossary.normalize import fold

DEFAULT_THRESHOLD = 0.75
_CANDIDATES = 24  # entries rescored with rapidfuzz per fuzzy lookup
_RARE_WORDS = 6  # query words whose postings are merged into the candidate set
_POSTINGS_BUDGET = 2000  # ... stopping early once their postings get this long
_WORD = re.compile(r"\w+")
_SPACES = re.compile(" {2,}")


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character as the glossary does, computed once per character.

    ``fold`` walks the text in Python to keep offsets, which is too slow to index 50,000
    sentences; per character it is a pure mapping, so a cached table plus collapsing the
    spaces it produces gives the same string at C speed (tests check the equivalence).
    """

    def __missing__(self, code: int) -> str:
        value = fold(chr(code))
        self[code] = value
        return value


_TABLE = _FoldTable()


def memory_key(text: str) -> str:
    """The normalised form two sources must share to be an exact memory match."""
    return _SPACES.sub(" ", text.translate(_TABLE)).strip()


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
    skipped: list[str] = field(default_factory=list)  # PO and TMX files that could not be read, with why
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

    def add_catalog(self, po: polib.POFile, origin: str) -> None:
        """Index a catalog's reviewed entries, obsolete ones too (a review outlives its article);
        never a copy of the source, nor a translator's msgctxt variant (``catalog.review``)."""
        language = language_of(po)
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
        """Every ``*.po`` under ``root``, then every ``*.tmx`` (its Arabic→``lang`` units, the file
        as their origin); unreadable files are listed in ``skipped``, not fatal."""
        from tarjama.catalog.tmx import find_tmx, read_tmx  # here: catalog.tmx imports this module

        tm = cls()
        if not root.is_dir():
            return tm
        for path in sorted(root.rglob("*.po")):
            try:
                tm.add_catalog(load_po(path), str(path))
            except TarjamaError as exc:
                tm.skipped.append(str(exc))
        for path in find_tmx(root):
            try:
                for unit in read_tmx(path, lang).units:
                    tm.add(unit.source, unit.target, str(path))
            except TarjamaError as exc:
                tm.skipped.append(str(exc))
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
