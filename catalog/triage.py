"""What to review first (`tarjama review`): the unreviewed translations of catalogs, highest
risk first, each with its reasons (catalog.risk.entry_risk)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import language_of
from tarjama.catalog.risk import catalog_ratio, entry_risk
from tarjama.catalog.status import find_catalogs
from tarjama.errors import TarjamaError


@dataclass(frozen=True)
class ReviewItem:
    catalog: str
    line: int
    msgid: str
    msgstr: str
    risk: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "reasons": list(self.reasons)}


@dataclass
class Queue:
    items: list[ReviewItem]
    errors: list[str]  # catalogs that could not be read (file and line)


def unreviewed(path: Path) -> list[ReviewItem]:
    """The catalog's unreviewed translations (fuzzy, msgstr filled, not a copy of the source)."""
    po = load_po(path)
    language, ratio = language_of(po), catalog_ratio(po)
    out = []
    for e in po:
        if (note := entry_risk(e, language, ratio)) is not None:
            out.append(ReviewItem(str(path), e.linenum or 0, e.msgid, e.msgstr, note.risk, note.reasons))
    return out


def review_queue(paths: Iterable[Path], top: int | None = None) -> Queue:
    """Every unreviewed translation under ``paths``, highest risk first (ties: catalog order)."""
    queue = Queue([], [])
    for path in find_catalogs(paths):
        try:
            queue.items += unreviewed(path)
        except TarjamaError as exc:
            queue.errors.append(str(exc))
    queue.items.sort(key=lambda item: -item.risk)
    if top is not None:
        queue.items = queue.items[:top]
    return queue
