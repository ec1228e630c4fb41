"""How far review has got: counts per PO file and in total, for people (`tarjama status`) and scripts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import polib

from tarjama.catalog.checks import lost_numbers, lost_placeholders, markup_problem
from tarjama.catalog.notes import GlossaryMissing, MemoryExact, notes
from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import holds_translation, is_copy, is_reviewed, language_of
from tarjama.catalog.risk import catalog_ratio, entry_risk
from tarjama.errors import InputError, TarjamaError
from tarjama.glossary import Glossary, Matcher, check_hypothesis, required_targets

RISK_HIGH, RISK_LOW = 0.5, 0.2  # the bands of `status`'s risk columns


@dataclass
class Counts:
    entries: int = 0  # active entries (obsolete ones not included)
    reviewed: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    from_memory: int = 0  # filled from an exact translation-memory match
    glossary_misses: int = 0  # translated entries lacking a required glossary term (marked, or found now)
    numbers_lost: int = 0  # translated entries without a number their source has
    placeholders_lost: int = 0  # translated entries without a placeholder (%s, {name}) their source has
    markup_broken: int = 0  # translated entries whose tags or links do not match their source's
    source_copies: int = 0  # msgstr is a copy of the Arabic (msginit, "copy source"): untranslated
    # unreviewed translations by risk (catalog.risk): more likely than not to need an edit,
    # between, and under 1 in 5
    risk_high: int = 0
    risk_medium: int = 0
    risk_low: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def count(po: polib.POFile, matcher: Matcher | None = None) -> Counts:
    """Counts of one catalog; with ``matcher`` every translated entry is checked against the
    glossary again, so a term a translator's edit lost shows as work still to do."""
    c = Counts()
    language, ratio = language_of(po), catalog_ratio(po)
    for entry in po:
        if entry.obsolete:
            c.obsolete += 1
            continue
        c.entries += 1
        fuzzy = "fuzzy" in entry.flags
        copy = is_copy(entry, language)
        c.reviewed += is_reviewed(entry, language)
        c.fuzzy += fuzzy
        c.untranslated += not fuzzy and (not entry.msgstr.strip() or copy)
        c.source_copies += copy
        said = notes(entry.comment)
        c.from_memory += not fuzzy and any(isinstance(n, MemoryExact) for n in said)
        translated = holds_translation(entry, language)
        marked = any(isinstance(n, GlossaryMissing) for n in said)
        if translated and matcher is not None and not marked:
            needed = required_targets(matcher.find(entry.msgid))
            marked = bool(needed) and bool(check_hypothesis(needed, entry.msgstr).missing)
        c.glossary_misses += marked
        c.numbers_lost += translated and bool(lost_numbers(entry.msgid, entry.msgstr))
        c.placeholders_lost += translated and bool(lost_placeholders(entry.msgid, entry.msgstr))
        c.markup_broken += translated and markup_problem(entry.msgid, entry.msgstr) is not None
        if (risk := entry_risk(entry, language, ratio)) is not None:
            band = "high" if risk.risk >= RISK_HIGH else "low" if risk.risk < RISK_LOW else "medium"
            setattr(c, f"risk_{band}", getattr(c, f"risk_{band}") + 1)
    return c


def find_catalogs(paths: Iterable[Path]) -> list[Path]:
    """PO files named directly, and every ``*.po`` under named folders (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.rglob("*.po"))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError("no such file or directory", path=path)
    return list(dict.fromkeys(found))


@dataclass
class Report:
    files: dict[str, Counts]
    errors: list[str]  # catalogs that could not be read (file and line), not counted

    @property
    def total(self) -> Counts:
        total = Counts()
        for c in self.files.values():
            total.add(c)
        return total

    def as_dict(self) -> dict[str, object]:
        return {
            "files": [{"path": p, **asdict(c)} for p, c in self.files.items()],
            "total": {"files": len(self.files), **asdict(self.total)},
            "errors": self.errors,
        }


def status(paths: Iterable[Path], glossary: Glossary | None = None) -> Report:
    report = Report({}, [])
    matcher = Matcher(glossary) if glossary is not None else None
    for path in find_catalogs(paths):
        try:
            report.files[str(path)] = count(load_po(path), matcher)
        except TarjamaError as exc:
            report.errors.append(str(exc))
    return report


COLUMNS = [f.name for f in fields(Counts)]
