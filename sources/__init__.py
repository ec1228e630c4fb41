"""The first stage: article files in, `Document`s out (decoded, checked, segmented).

`read(path)` picks a reader by the file's format; every later stage sees only a
`Document`, so a new input format is one reader module and one registry line here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tarjama.errors import InputError, display_path
from tarjama.sources.document import Document
from tarjama.sources.html import read_html
from tarjama.sources.markdown import read_markdown
from tarjama.sources.segment import TRANSLATABLE, Kind, Sentence
from tarjama.sources.text import read_text

Reader = Callable[[Path], Document]

# format name → (reader, file name endings it claims).
READERS: dict[str, tuple[Reader, tuple[str, ...]]] = {
    "text": (read_text, (".txt",)),
    "markdown": (read_markdown, (".md", ".markdown")),
    "html": (read_html, (".html", ".htm", ".xhtml")),
}

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|div|p|h[1-6])\b",
    re.I | re.S,
)
# YAML front matter: a ``---`` line first, then a YAML key (``title:``) or the closing line.
_FRONT_MATTER = re.compile(
    rb"^(?:\xef\xbb\xbf)?---[ \t]*\r?\n(?:[A-Za-z_][\w-]*[ \t]*:|(?:---|\.\.\.)[ \t]*(?:\r?\n|$))"
)


def format_for(path: Path) -> str:
    """The format a file is read as: by its ending; a file whose ending says nothing (a CMS
    export named ``article.dat``, a file without one) by its first bytes (an HTML start, or
    Markdown's YAML front matter); else plain text."""
    name = path.name.lower()
    for fmt, (_, endings) in READERS.items():
        if name.endswith(endings):
            return fmt
    try:
        with path.open("rb") as fh:
            head = fh.read(4096) if path.is_file() else b""
    except OSError:
        return "text"  # the reader says what is wrong with the file
    if _HTML_START.match(head):
        return "html"
    return "markdown" if _FRONT_MATTER.match(head) else "text"


def article_suffixes() -> tuple[str, ...]:
    """Every file ending some reader claims (what `tarjama batch` looks for in a directory)."""
    return tuple(dict.fromkeys(e for _, endings in READERS.values() for e in endings))


def read(path: str | Path, fmt: str | None = None) -> Document:
    """Read, check and segment one article; bad input raises InputError naming the file."""
    path = Path(path)
    if display_path(path) != str(path):
        # the catalog is named after the article and records its name and path (header,
        # occurrences), in UTF-8: a name that is not UTF-8 could not be written back as it is
        raise InputError("the file name is not valid UTF-8; rename the file", path=path)
    fmt = fmt or format_for(path)
    if fmt not in READERS:
        raise InputError(f"unknown input format {fmt!r} (choose from {', '.join(READERS)})", path=path)
    return READERS[fmt][0](path)


__all__ = ["READERS", "TRANSLATABLE", "Document", "Kind", "Sentence", "article_suffixes", "read"]
