"""What a translated entry lost on the way: numbers and placeholders of its source (`tarjama status`).

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
