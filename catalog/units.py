"""What the pipeline hands the catalog stage, and the extracted-comment conventions tarjama owns.

Extracted comments (``#.``) that start with one of these prefixes are tarjama's and
are refreshed on every run; translator comments (``#``) and everything else are the
translator's and are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KIND = "kind: "
MT = "mt: "
GLOSSARY = "glossary: "
GLOSSARY_MISSING = "glossary-missing: "
GLOSSARY_FORBIDDEN = "glossary-forbidden: "  # a forbidden rendering stands in the machine translation
MEMORY = "memory: "
FIXED = "fixed: "
SPLIT = "split for MT: "  # a sentence longer than the model's input, translated in parts and rejoined
OWN_PREFIXES = (KIND, MT, GLOSSARY, GLOSSARY_MISSING, GLOSSARY_FORBIDDEN, MEMORY, FIXED, SPLIT)


@dataclass
class Unit:
    """One sentence as it should appear in the catalog after this run."""

    msgid: str
    msgstr: str
    occurrences: list[tuple[str, str]]
    comments: list[str] = field(default_factory=list)
    fuzzy: bool = True
    # The source a fuzzy starting point was translated from (rendered as ``#| msgid``, as msgmerge does).
    previous_msgid: str | None = None


def is_own_comment(line: str) -> bool:
    return line.startswith(OWN_PREFIXES)


def own_comments(comment: str | None) -> list[str]:
    return [c for c in (comment or "").splitlines() if is_own_comment(c)]


def kind_of(comment: str | None) -> str:
    """The sentence kind recorded in an entry's extracted comments ('body' when absent)."""
    for line in (comment or "").splitlines():
        if line.startswith(KIND):
            return line[len(KIND) :].split()[0]
    return "body"
