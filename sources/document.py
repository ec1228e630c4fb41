"""What the sources stage hands on: an article's text, its sentences and what identifies it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tarjama.sources.segment import TRANSLATABLE, Sentence

STEM_SUFFIXES = (
    ".ar.txt",
    ".txt",
    ".ar.html",
    ".ar.htm",
    ".html",
    ".htm",
    ".xhtml",
    ".ar.md",
    ".md",
    ".markdown",
)


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
        """The article's name without its endings: its catalog is ``<stem>.po``."""
        name = self.path.name
        for suffix in STEM_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return self.path.stem

    def translatable(self) -> list[str]:
        """Distinct sentences that go to translation (not rule-rendered lines), in document order."""
        return list(dict.fromkeys(s.text for s in self.sentences if s.kind in TRANSLATABLE))
