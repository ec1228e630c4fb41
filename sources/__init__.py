"""The first stage: article files in, `Document`s out (decoded, checked, segmented).

`read(path)` picks the format (``sources.formats``: by the file's ending, else by its first
bytes) and calls its reader; every later stage sees only a `Document`. The built-in formats
are registered below, one line each, in the order they are listed (``--input-format``).
"""

from __future__ import annotations

import re
from html import unescape as unescape_html  # (the name html is the html submodule here)
from pathlib import Path

from tarjama.errors import InputError, display_path
from tarjama.sources import formats
from tarjama.sources.document import Document
from tarjama.sources.formats import FORMATS, Format, register
from tarjama.sources.html import read_html
from tarjama.sources.html_direction import keep_arabic
from tarjama.sources.markdown import read_markdown
from tarjama.sources.markup import escape_html, escape_markdown, unescape_markdown
from tarjama.sources.sanitise import HtmlSanitiser, MarkdownSanitiser
from tarjama.sources.segment import TRANSLATABLE, Kind, Sentence
from tarjama.sources.text import read_text

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|div|p|h[1-6])\b",
    re.I | re.S,
)
# YAML front matter: a ``---`` line first, then a YAML key (``title:``) or the closing line.
_FRONT_MATTER = re.compile(
    rb"^(?:\xef\xbb\xbf)?---[ \t]*\r?\n(?:[A-Za-z_][\w-]*[ \t]*:|(?:---|\.\.\.)[ \t]*(?:\r?\n|$))"
)

register(Format("text", read_text, (".txt",)))
register(
    Format(
        "markdown",
        read_markdown,
        (".md", ".markdown"),
        sniff=lambda head: _FRONT_MATTER.match(head) is not None,
        sanitiser=MarkdownSanitiser,
        escape=escape_markdown,
        unescape=unescape_markdown,
        rebuilds=True,
    )
)
register(
    Format(
        "html",
        read_html,
        (".html", ".htm", ".xhtml"),
        sniff=lambda head: _HTML_START.match(head) is not None,
        sanitiser=HtmlSanitiser,
        escape=escape_html,
        unescape=unescape_html,
        rebuilds=True,
        keep_arabic=keep_arabic,
    )
)

READERS = FORMATS  # the registry by its older name (the CLI's --input-format choices)


def format_for(path: Path) -> str:
    """The format a file is read as: by its ending; a file whose ending says nothing (a CMS
    export named ``article.dat``, a file without one) by its first bytes (an HTML start, or
    Markdown's YAML front matter); else plain text."""
    found = formats.by_name(path.name)
    if found is not None:
        return found.name
    try:
        with path.open("rb") as fh:
            head = fh.read(4096) if path.is_file() else b""
    except OSError:
        return formats.DEFAULT  # the reader says what is wrong with the file
    found = formats.by_content(head)
    return found.name if found is not None else formats.DEFAULT


def article_suffixes() -> tuple[str, ...]:
    """Every file ending some format claims (what `tarjama batch` looks for in a directory)."""
    return formats.endings()


def read(path: str | Path, fmt: str | None = None) -> Document:
    """Read, check and segment one article; bad input raises InputError naming the file."""
    path = Path(path)
    if display_path(path) != str(path):
        # the catalog is named after the article and records its name and path (header,
        # occurrences), in UTF-8: a name that is not UTF-8 could not be written back as it is
        raise InputError("the file name is not valid UTF-8; rename the file", path=path)
    fmt = fmt or format_for(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r} (choose from {', '.join(FORMATS)})", path=path)
    return FORMATS[fmt].read(path)


__all__ = [
    "FORMATS",
    "READERS",
    "TRANSLATABLE",
    "Document",
    "Format",
    "Kind",
    "Sentence",
    "article_suffixes",
    "format_for",
    "read",
]
