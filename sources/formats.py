"""The input formats, in one registry: everything tarjama needs to read an article in a format and
to write its translation back.

A :class:`Format` names its reader, the file name endings it claims and how to recognise it by
content, how the words of a translation are written in it (its escapes, around inline markup
put back), its :class:`Sanitiser` (what a translator's msgstr may bring into a document of the
format), and whether `tarjama export` rebuilds the article in it. ``sources.read``, the stem of
a catalog's name, `tarjama batch`'s directory scan, markup placement, export and `tarjama check`
all ask this registry; none of them names a format. The built-in formats are registered in
``sources/__init__.py``, one line each; a new one is one module and one :func:`register` line.

This module is the bottom of the sources stage (the readers, markup and the sanitisers import
it), so it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tarjama.sources.document import Document
    from tarjama.sources.segment import Sentence

# The language tag an article's name may carry before its ending (``story.ar.html``): it is not
# part of the name its catalog gets (``story.po``).
SOURCE_TAG = ".ar"
DEFAULT = "text"  # what a file is read as when neither its ending nor its content says


@dataclass(frozen=True)
class Cleaned:
    """A msgstr as it goes into the page, and what did not go in as the translator wrote it."""

    text: str
    notes: tuple[str, ...] = ()


class Sanitiser:
    """How the translations of one document go into it (``source`` is the document's text).

    This base is plain text: a msgstr is words and goes in as written. A format whose documents
    have structure a msgstr could break (markup, a column separator) subclasses it: what does not
    fit goes in as text or is removed, and is named in ``Cleaned.notes`` (export prints them,
    ``tarjama check`` lists them), never dropped silently.
    """

    def __init__(self, source: str) -> None:
        self.source = source

    def fragment(self, msgstr: str, sentence: Sentence) -> Cleaned:
        """``msgstr`` as it goes in place of ``sentence``'s source range (a rebuilt document)."""
        return Cleaned(msgstr)

    def text(self, msgstr: str, sentence: Sentence) -> Cleaned:
        """The words a reader sees of ``msgstr`` in place of ``sentence`` (a text export)."""
        return Cleaned(msgstr)

    @classmethod
    def alone(cls, msgstr: str, msgid: str) -> Cleaned:
        """``msgstr`` sanitised out of any document, against its msgid (what ``tarjama check`` asks)."""
        return Cleaned(msgstr)


# (document text, sentences left in Arabic, where translated sentences start, the document's
# language marks, the edits so far: appended to) → the ranges whose language marks stay Arabic.
KeepArabic = Callable[
    [str, list["Sentence"], list[int], Sequence[tuple[int, int, str]], list[tuple[int, int, str]]],
    list[tuple[int, int]],
]


@dataclass(frozen=True)
class Format:
    """One input format, as every stage needs it."""

    name: str  # Document.format, --input-format, export --format
    read: Callable[[Path], Document]  # decode, check, segment; bad input raises InputError naming the file
    endings: tuple[str, ...]  # file name endings it claims, lower case (".html")
    sniff: Callable[[bytes], bool] | None = None  # a name that says nothing: do the first bytes say this?
    sanitiser: type[Sanitiser] = Sanitiser  # what a msgstr may bring into a document of this format
    escape: Callable[[str], str] = str  # a translation's words as the format writes them (markup put back)
    unescape: Callable[[str], str] = str  # a fragment's words, the format's escapes undone
    # `tarjama export` writes the article back in this format: its source, each sentence's range
    # replaced by its sanitised translation (sources.render). Otherwise export writes text from
    # the catalog's occurrences, and needs no source.
    rebuilds: bool = False
    keep_arabic: KeepArabic | None = None  # marks what stays Arabic on a page that turns English


_REGISTRY: dict[str, Format] = {}
FORMATS: Mapping[str, Format] = MappingProxyType(_REGISTRY)  # by name, in registration order


def register(fmt: Format) -> Format:
    """Add a format after those registered so far; its name and its endings must be new."""
    if fmt.name in _REGISTRY:
        raise ValueError(f"format {fmt.name!r} is already registered")
    for other in _REGISTRY.values():
        if shared := set(fmt.endings) & set(other.endings):
            raise ValueError(
                f"format {fmt.name!r} claims {', '.join(sorted(shared))}, as {other.name!r} does"
            )
    if any(e != e.lower() or not e.startswith(".") for e in fmt.endings):
        raise ValueError(f"format {fmt.name!r}: endings are lower case and start with a dot")
    _REGISTRY[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    del _REGISTRY[name]


@contextmanager
def registered(fmt: Format) -> Iterator[Format]:
    """The format registered for the duration of a block (tests, experiments)."""
    register(fmt)
    try:
        yield fmt
    finally:
        unregister(fmt.name)


def get(name: str) -> Format:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no format {name!r} is registered (have: {', '.join(_REGISTRY)})") from None


def by_name(file_name: str) -> Format | None:
    """The format whose ending the file name has (the longest that fits), case aside."""
    name = file_name.lower()
    found = [(len(e), f) for f in _REGISTRY.values() for e in f.endings if name.endswith(e)]
    return max(found, key=lambda x: x[0])[1] if found else None


def by_content(head: bytes) -> Format | None:
    """The first format (in registration order) that recognises these first bytes of a file."""
    return next((f for f in _REGISTRY.values() if f.sniff is not None and f.sniff(head)), None)


def endings() -> tuple[str, ...]:
    """Every ending some format claims (what `tarjama batch` looks for in a directory)."""
    return tuple(dict.fromkeys(e for f in _REGISTRY.values() for e in f.endings))


def stem(file_name: str) -> str | None:
    """An article's name without its format's ending and the source language tag before it
    (``story.ar.html`` → ``story``); None when no ending fits (with something left before it)."""
    for ending in sorted(endings(), key=len, reverse=True):
        if file_name.endswith(ending) and len(file_name) > len(ending):
            base = file_name[: -len(ending)]
            tagged = base.endswith(SOURCE_TAG) and len(base) > len(SOURCE_TAG)
            return base[: -len(SOURCE_TAG)] if tagged else base
    return None
