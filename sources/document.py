"""What the sources stage hands on: an article's text, its sentences and what identifies it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tarjama.sources import formats
from tarjama.sources.segment import TRANSLATABLE, Sentence


@dataclass(frozen=True)
class Document:
    """An article as read. Offsets of every sentence index into ``text``; ``sha256`` is of the raw bytes."""

    path: Path
    text: str
    sha256: str
    sentences: tuple[Sentence, ...]
    format: str = "text"
    # Source ranges of attribute values that declare the language or direction (lang="ar",
    # dir="rtl"), which an export in the target language rewrites: (start, end, attribute).
    language_marks: tuple[tuple[int, int, str], ...] = ()

    @property
    def stem(self) -> str:
        """The article's name without its format's ending (and the ``.ar`` before it): its catalog
        is ``<stem>.po``."""
        return formats.stem(self.path.name) or self.path.stem

    def translatable(self) -> list[str]:
        """Distinct sentences that go to translation (not rule-rendered lines), in document order."""
        return list(dict.fromkeys(s.text for s in self.sentences if s.kind in TRANSLATABLE))
