"""Glossaries clients upload (DeepL's glossary API; Weblate sends its project glossary this way),
kept on disk and enforced as tarjama glossaries.

One JSON file per glossary, ``<id>.json`` in the store's folder, written atomically
(`tarjama.files`), read again whenever it changed on disk: the glossaries survive a restart and
every worker process of ``--workers N`` sees what another created. An id is a UUID the server
made (nothing else names a file). Bounded: at most ``max_count`` glossaries (then 456, as
DeepL answers a full account) and ``max_entries`` entries each (then 413).

A glossary's Arabic → served-language dictionary is enforced by `enforced`: its entries are
tarjama terms (`glossary.terms.terms_from_pairs`: matched with tarjama's Arabic rules, clitics,
spelling variants and families) laid over the server's own ``--glossary`` (`glossary.terms.
overlay`): on a clash the uploaded form wins, as the project's glossary is the more specific,
keeping the server term's type (a name keeps its families) and its forbidden renderings.
Forbidden renderings never come this way (Weblate skips forbidden terms when it renders the
TSV): they come from the server's glossary, e.g. a TBX export of Weblate's.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.files import atomic_write_text
from tarjama.glossary import Glossary, Matcher
from tarjama.glossary.terms import overlay, terms_from_pairs

ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_COUNT = 1000  # Weblate deletes its oldest glossary at 1000
MAX_ENTRIES = 20_000  # per glossary, all dictionaries
MAX_FIELD = 1024  # characters of a source or target term


class GlossaryError(Exception):
    """A request the store refuses: the HTTP status and the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Pair = tuple[str, str]  # (source_lang, target_lang), lower case


@dataclass
class Stored:
    id: str
    name: str
    created: str  # ISO 8601 with milliseconds and Z: what the deepl client parses
    dictionaries: dict[Pair, list[tuple[str, str]]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "name": self.name,
                "created": self.created,
                "dictionaries": [
                    {"source_lang": s, "target_lang": t, "entries": [list(e) for e in entries]}
                    for (s, t), entries in self.dictionaries.items()
                ],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Stored:
        data = json.loads(text)
        dictionaries = {
            (d["source_lang"], d["target_lang"]): [(str(a), str(b)) for a, b in d["entries"]]
            for d in data["dictionaries"]
        }
        return cls(str(data["id"]), str(data["name"]), str(data["created"]), dictionaries)

    @property
    def entry_count(self) -> int:
        return sum(len(e) for e in self.dictionaries.values())


def parse_entries(text: str, fmt: str, where: str) -> list[tuple[int, str, str]]:
    """DeepL's entries: TSV (``source<TAB>target`` a line) or CSV (``source,target`` with
    optional language columns). Empty lines are skipped; anything else that is not one
    source and one target is a `GlossaryError` 400 naming the line."""
    rows: list[tuple[int, str, str]] = []
    if fmt == "tsv":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) != 2:
                raise GlossaryError(
                    400,
                    f"{where}: line {number}: expected a source and a target separated by one tab, "
                    f"found {len(cells) - 1} tabs",
                )
            rows.append((number, cells[0], cells[1]))
    elif fmt == "csv":
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            for cells in reader:
                if not cells or all(not c.strip() for c in cells):
                    continue
                if len(cells) not in (2, 4):
                    raise GlossaryError(
                        400,
                        f"{where}: line {reader.line_num}: expected source,target "
                        f"(and source and target language), found {len(cells)} fields",
                    )
                rows.append((reader.line_num, cells[0], cells[1]))
        except csv.Error as exc:
            raise GlossaryError(400, f"{where}: line {reader.line_num}: malformed CSV ({exc})") from None
    else:
        raise GlossaryError(400, f"Value for 'entries_format' not supported: {fmt[:20]!r} (tsv or csv)")
    for number, source, target in rows:
        if len(source) > MAX_FIELD or len(target) > MAX_FIELD:
            raise GlossaryError(400, f"{where}: line {number}: a term is longer than {MAX_FIELD} characters")
    try:
        terms = terms_from_pairs(rows, where)  # tarjama's rules: letters to match, one target a source
    except TarjamaError as exc:
        raise GlossaryError(400, str(exc)) from None
    by_line = {int(t.origin.rsplit(":", 1)[1]): t for t in terms}
    return [(n, s.strip(), t.strip()) for n, s, t in rows if n in by_line]


class GlossaryStore:
    def __init__(
        self,
        folder: Path | None,
        base: Glossary | None,
        source: str,
        target: str,
        max_count: int = MAX_COUNT,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self.folder = folder  # None: kept in memory only (tests, a server with no store)
        self.base = base
        self.pair: Pair = (source, target)
        self.max_count = max_count
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._memory: dict[str, Stored] = {}
        self._read: dict[str, tuple[tuple[int, int], Stored]] = {}  # id → (mtime, size), glossary
        self._enforced: dict[str, tuple[str, Glossary, Matcher]] = {}  # id → (its JSON, glossary)

    # -- storage ------------------------------------------------------------------------------
    def _path(self, gid: str) -> Path:
        assert self.folder is not None and ID.fullmatch(gid)
        return self.folder / f"{gid}.json"

    def _ids(self) -> list[str]:
        if self.folder is None:
            return list(self._memory)
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        return [n[:-5] for n in names if n.endswith(".json") and ID.fullmatch(n[:-5])]

    def get(self, gid: str) -> Stored | None:
        if not ID.fullmatch(gid):
            return None
        if self.folder is None:
            return self._memory.get(gid)
        path = self._path(gid)
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            cached = self._read.get(gid)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            stored = Stored.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self._read.pop(gid, None)
            return None
        except (OSError, ValueError, KeyError, TypeError):  # a damaged file: not a glossary
            return None
        self._read[gid] = (stamp, stored)
        return stored

    def all(self) -> list[Stored]:
        found = (self.get(gid) for gid in self._ids())
        return sorted((g for g in found if g is not None), key=lambda g: g.created)

    def _save(self, stored: Stored) -> None:
        if stored.entry_count > self.max_entries:
            raise GlossaryError(413, f"A glossary holds at most {self.max_entries} entries")
        if self.folder is None:
            self._memory[stored.id] = stored
            return
        atomic_write_text(self._path(stored.id), stored.to_json())

    # -- what the API does ----------------------------------------------------------------------
    def create(self, name: str, dictionaries: dict[Pair, list[tuple[str, str]]]) -> Stored:
        with self._lock:
            if len(self._ids()) >= self.max_count:
                raise GlossaryError(
                    456, f"Quota exceeded: this server keeps at most {self.max_count} glossaries"
                )
            now = datetime.now(UTC)
            created = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
            stored = Stored(str(uuid.uuid4()), name, created, dictionaries)
            self._save(stored)
            return stored

    def update(
        self,
        gid: str,
        name: str | None = None,
        merge: dict[Pair, list[tuple[str, str]]] | None = None,
        replace: dict[Pair, list[tuple[str, str]]] | None = None,
        drop: Pair | None = None,
    ) -> Stored:
        with self._lock:
            stored = self.get(gid)
            if stored is None:
                raise GlossaryError(404, "Glossary not found")
            dictionaries = {k: list(v) for k, v in stored.dictionaries.items()}
            for pair, entries in (merge or {}).items():
                merged = dict(dictionaries.get(pair, []))
                merged.update(entries)
                dictionaries[pair] = list(merged.items())
            dictionaries.update(replace or {})
            if drop is not None:
                if drop not in dictionaries:
                    raise GlossaryError(404, "Dictionary not found")
                del dictionaries[drop]
            new = Stored(stored.id, name if name is not None else stored.name, stored.created, dictionaries)
            self._save(new)
            return new

    def delete(self, gid: str) -> None:
        with self._lock:
            if self.get(gid) is None:
                raise GlossaryError(404, "Glossary not found")
            self._enforced.pop(gid, None)
            if self.folder is None:
                del self._memory[gid]
                return
            try:
                self._path(gid).unlink()
            except FileNotFoundError:
                raise GlossaryError(404, "Glossary not found") from None

    def enforced(self, gid: str) -> tuple[Glossary, Matcher]:
        """The glossary a translation with ``glossary_id`` enforces: the server's, with this
        glossary's dictionary for the served pair on top (indexed once per version)."""
        stored = self.get(gid)
        if stored is None:
            raise GlossaryError(404, "Glossary not found")
        if self.pair not in stored.dictionaries:
            raise GlossaryError(
                400, f"The glossary has no {self.pair[0].upper()}→{self.pair[1].upper()} dictionary"
            )
        version = stored.to_json()
        cached = self._enforced.get(gid)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        where = f"glossary {gid}"
        rows = [(n, s, t) for n, (s, t) in enumerate(stored.dictionaries[self.pair], start=1)]
        glossary = overlay(self.base, terms_from_pairs(rows, where), where)
        matcher = Matcher(glossary)
        self._enforced[gid] = (version, glossary, matcher)
        return glossary, matcher


def glossary_v2(stored: Stored, pair: Pair) -> dict[str, Any]:
    return {
        "glossary_id": stored.id,
        "name": stored.name,
        "ready": True,
        "source_lang": pair[0],
        "target_lang": pair[1],
        "creation_time": stored.created,
        "entry_count": len(stored.dictionaries.get(pair, [])),
    }


def glossary_v3(stored: Stored) -> dict[str, Any]:
    return {
        "glossary_id": stored.id,
        "name": stored.name,
        "creation_time": stored.created,
        "dictionaries": [
            {"source_lang": s, "target_lang": t, "entry_count": len(e)}
            for (s, t), e in stored.dictionaries.items()
        ],
    }


def entries_tsv(entries: list[tuple[str, str]]) -> str:
    return "\n".join(f"{s}\t{t}" for s, t in entries)
