"""Page furniture that is rendered by rule, not by the model: source lines and comment counters.

A model would paraphrase "المصدر: URL" or mangle the URL; a rule gets it right every time.
"""

from __future__ import annotations

import re

_SOURCE = re.compile(r"^\s*(?:المصدر|مصدر الخبر)\s*:\s*(?P<rest>.*?)\s*$")
_COMMENTS = re.compile(r"^\s*(?:تعليق|تعليقات|التعليقات)\s*\(\s*(?P<n>[\d٠-٩]+)\s*\)\s*$")
_EASTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")

LABELS = {"en": {"source": "Source", "comments": "Comment"}}


def fixed_translation(text: str, lang: str = "en") -> str:
    """The rule-based rendering of a non-translatable line, or '' when no rule applies."""
    labels = LABELS.get(lang)
    if labels is None:
        return ""
    if m := _SOURCE.match(text):
        return f"{labels['source']}: {m.group('rest')}"
    if m := _COMMENTS.match(text):
        return f"{labels['comments']} ({m.group('n').translate(_EASTERN)})"
    return ""
