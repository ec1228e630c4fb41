"""A document with its translations in place: the one splicer every format's export goes through.

`tarjama export` (``catalog.export.rebuild_document``, which chooses each sentence's msgstr)
and the service write documents through :func:`render`. What differs between formats is asked
of the registry (``sources.formats``): the format's sanitiser, and its ``keep_arabic``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from tarjama.sources import formats
from tarjama.sources.segment import Sentence


def render(
    text: str,
    sentences: Sequence[Sentence],
    translation: Callable[[Sentence], str | None],
    fmt: str,
    language_marks: Sequence[tuple[int, int, str]] = (),
    language: str = "en",
    report: Callable[[Sentence, Sequence[str]], None] | None = None,
) -> str:
    """A document of format ``fmt`` with each sentence's translation in place of its source range:
    every byte outside those ranges is the source's, except the language and direction the
    page declares (``lang="ar"`` → ``language``, ``dir="rtl"`` → ``ltr``) once something is
    translated, where the format's ``keep_arabic`` marks what stays Arabic (HTML: an element
    whose text all stays Arabic keeps (or gets) ``lang="ar" dir="rtl"``, an Arabic sentence
    among translated ones is isolated in a ``<span>`` that says so). A translation goes in
    sanitised for its place (the format's ``Sanitiser``), so it cannot bring structure the
    source did not have there; ``report`` hears what did not go in as written. ``None`` leaves
    the source as it is."""
    form = formats.get(fmt)
    sanitiser = form.sanitiser(text)
    edits: list[tuple[int, int, str]] = []
    left: list[Sentence] = []  # sentences that stay Arabic
    translated: list[int] = []  # where translated sentences (not attribute values) start
    for s in sentences:
        new = translation(s)
        if new is None:
            left.append(s)
            continue
        cleaned = sanitiser.fragment(new, s)
        notes = list(cleaned.notes)
        empty = not cleaned.text.strip()  # nothing writable left: an empty item or cell changes the page
        if empty:
            notes.append("nothing left to write: the source is kept")
        if notes and report is not None:
            report(s, notes)
        if empty:
            left.append(s)
            continue
        edits.append((s.start, s.end, cleaned.text))
        if "/@" not in s.path:
            translated.append(s.start)
    if edits and not is_right_to_left(language):  # a page with no sentence translated stays Arabic
        arabic: list[tuple[int, int]] = []  # ranges (start tags, elements) that stay Arabic
        if form.keep_arabic is not None and language_marks and left:
            arabic = form.keep_arabic(text, left, translated, language_marks, edits)
        for start, end, name in language_marks:
            k = bisect_right(arabic, (start, len(text) + 1)) - 1
            if k >= 0 and arabic[k][0] <= start < arabic[k][1]:
                continue
            value = text[start:end].strip().lower()
            if name == "dir" and value == "rtl":
                edits.append((start, end, "ltr"))
            elif name != "dir" and (value == "ar" or value.startswith("ar-")):
                edits.append((start, end, language))
    return splice(text, edits)


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each [start, end) replaced; the ranges never overlap."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits):
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def is_right_to_left(language: str) -> bool:
    return language.split("_")[0].split("-")[0] in {"ar", "he", "fa", "ur", "ps", "yi", "ckb", "sd", "ug"}
