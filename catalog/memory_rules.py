"""The translation memory's two rules that its readers share: which sources are the same
(:func:`memory_key`) and which files are memory (:func:`memory_kind`).

``catalog.memory`` builds the memory from catalogs and TMX files and ``catalog.tmx`` reads,
imports and writes TMX; both follow these rules, so they live below both (the memory imports
the TMX reader, never the reverse: ``lint-imports`` refuses a cycle between a package's modules).
"""

from __future__ import annotations

import re

from tarjama.glossary.normalize import fold

SOURCE_LANGUAGE = "ar"
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


def kind_by_suffix(name: str) -> str | None:
    """``"po"`` or ``"tmx"`` by the file name's ending alone (hidden or not)."""
    if name.endswith(".po"):
        return "po"
    if name.lower().endswith(".tmx"):
        return "tmx"
    return None


def memory_kind(name: str) -> str | None:
    """``"po"`` or ``"tmx"`` for a file name the memory reads, else None. A hidden name (a
    leading ``.``: an editor's backup, a macOS ``._`` fork) is never memory;
    ``catalog.tmx.imported_path`` never writes one."""
    return None if name.startswith(".") else kind_by_suffix(name)
