"""What a translated entry lost on the way: markup, numbers and placeholders of its source
(`tarjama status`, `tarjama check`).

The numbers check follows Translate Toolkit's `pofilter` `numbers` check (digit runs compared
between source and translation), after Arabic-Indic ٠–٩ and Persian ۰–۹ digits are mapped to
ASCII, so "٢٠٢٥" in the Arabic and "2025" in the English are one number. Separators inside a
number (1,000 / 1.000 / ١٬٠٠٠ / 3٫5) are left out of the comparison: styles differ between the
languages, the digits do not. Only what the source has and the translation lacks is reported,
since an English translation may well write a number the Arabic spelt out ("الثمانين" → "80th").

Placeholders: printf-style (``%s``, ``%(name)d``, ``%1$s``) and brace (``{name}``, ``{0}``)
formats, compared as multisets: an article rarely has any, a template always must keep them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib

from tarjama.catalog.notes import CatalogHeader
from tarjama.sources import FORMATS, format_for
from tarjama.sources.html import VOID_ELEMENTS

_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c\u00a0\u202f]\d+)*")
_PLACEHOLDER = re.compile(
    r"%(?:\d+\$|\([^)\s]+\))?[-+#0]*(?:\d+|\*)?(?:\.\d+)?[sdifuxXeEgGcr]|\{[\w.\[\]]*\}"
)


def numbers(text: str) -> Counter[str]:
    """Digit runs of ``text`` (separators inside a number dropped), Arabic-Indic digits as ASCII."""
    ascii_digits = text.translate(_DIGITS)
    return Counter(re.sub(r"\D", "", m.group()) for m in _NUMBER.finditer(ascii_digits))


def lost_numbers(source: str, translation: str) -> list[str]:
    """Numbers of the source the translation does not have (as often as the source has them)."""
    missing = numbers(source) - numbers(translation)
    return sorted(missing.elements())


def placeholders(text: str) -> Counter[str]:
    return Counter(m.group() for m in _PLACEHOLDER.finditer(text))


def lost_placeholders(source: str, translation: str) -> list[str]:
    return sorted((placeholders(source) - placeholders(translation)).elements())


_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>")
_MD_LINK = re.compile(r"\]\(([^)\s]*)")


def markup_problem(source: str, translation: str) -> str | None:
    """What is wrong with a translation's markup against its source's, as Weblate's "XML markup"
    check sees it: the same tags (as often), properly paired; and every Markdown link target."""
    src, out = _tags(source), _tags(translation)
    if src or out:
        missing = Counter(src) - Counter(out)
        extra = Counter(out) - Counter(src)
        if missing or extra:
            parts = []
            if missing:
                parts.append("lacks " + " ".join(f"<{t}>" for t in sorted(missing.elements())))
            if extra:
                parts.append("adds " + " ".join(f"<{t}>" for t in sorted(extra.elements())))
            return "markup: " + ", ".join(parts)
        if (bad := _unpaired(out)) is not None:
            return f"markup: <{bad}> is not paired as in the source"
    lost = Counter(_MD_LINK.findall(source)) - Counter(_MD_LINK.findall(translation))
    if lost:
        return "markup: lacks the link to " + ", ".join(sorted(lost))
    return None


def _tags(text: str) -> list[str]:
    return [
        f"{m.group(1)}{m.group(2).lower()}"
        for m in _TAG.finditer(text)
        if not (m.group(1) == "" and (m.group(3) or m.group(2).lower() in VOID_ELEMENTS))
    ]


def _unpaired(tags: list[str]) -> str | None:
    stack: list[str] = []
    for t in tags:
        if not t.startswith("/"):
            stack.append(t)
        elif not stack or stack.pop() != t[1:]:
            return t
    return stack[-1] if stack else None


def catalog_format(po: polib.POFile) -> str:
    """The format of the article a catalog was made from (a registered format's name), by the
    file name its header or its first occurrence records."""
    names = [CatalogHeader.from_metadata(po.metadata).source_file]
    names += [re.split(r":(?=/|id\()", file, maxsplit=1)[0] for e in po for file, _ in e.occurrences]
    name = next(filter(None, names), "")
    return format_for(Path(name)) if name else "text"


def entry_problems(msgid: str, msgstr: str, fmt: str = "text") -> list[str]:
    """Everything a translated entry lost or broke: markup, numbers, placeholders; and, for an
    article whose format sanitises translations (``fmt``: HTML, Markdown), what export could not
    put into the page as written."""
    problems = []
    if (markup := markup_problem(msgid, msgstr)) is not None:
        problems.append(markup)
    if numbers_lost := lost_numbers(msgid, msgstr):
        problems.append("numbers: lacks " + ", ".join(numbers_lost))
    if placeholders_lost := lost_placeholders(msgid, msgstr):
        problems.append("placeholders: lacks " + ", ".join(placeholders_lost))
    problems.extend(f"export: {note}" for note in FORMATS[fmt].sanitiser.alone(msgstr, msgid).notes)
    return problems
