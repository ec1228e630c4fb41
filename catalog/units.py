"""What the pipeline hands the catalog stage, and the extracted-comment conventions tarjama owns.

Extracted comments (``#.``) that start with one of these prefixes are tarjama's and
are refreshed on every run; translator comments (``#``) and everything else are the
translator's and are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

KIND = "kind: "
MT = "mt: "
GLOSSARY = "glossary: "
GLOSSARY_MISSING = "glossary-missing: "
GLOSSARY_FORBIDDEN = "glossary-forbidden: "  # a forbidden rendering stands in the machine translation
GLOSSARY_AMBIGUOUS = "glossary-ambiguous: "  # a spelling several glossary names reach equally: not enforced
MEMORY = "memory: "
FIXED = "fixed: "
SPLIT = "split for MT: "  # a sentence longer than the model's input, translated in parts and rejoined
MARKUP = "markup: "  # an inline element (a link, emphasis) the run could not place in the translation
OWN_PREFIXES = (
    KIND,
    MT,
    GLOSSARY,
    GLOSSARY_MISSING,
    GLOSSARY_FORBIDDEN,
    GLOSSARY_AMBIGUOUS,
    MEMORY,
    FIXED,
    SPLIT,
    MARKUP,
)


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
    """tarjama's lines of an extracted comment, each whole again if an editor wrapped it."""
    return [line for own, line in read_comment(comment) if own]


def foreign_comments(comment: str | None, own_now: Sequence[str]) -> list[str]:
    """Extracted-comment lines that are not tarjama's (another tool's or a translator's)."""
    return [line for own, line in read_comment(comment, own_now) if not own]


def read_comment(comment: str | None, own_now: Sequence[str] = ()) -> list[tuple[bool, str]]:
    """An extracted comment as (tarjama's?, line) pairs, tarjama's wrapped lines joined again.

    An editor that wraps long ``#.`` lines (polib does, at 78 columns; others elsewhere)
    splits one of tarjama's lines into an own line and continuation lines with no prefix.
    Taken for foreign, each continuation stayed while the refreshed own line was written
    again, so orphans piled up run after run. A continuation is recognised when the own line
    joined with the lines after it is one of this run's own lines (``own_now``, compared
    without whitespace, so the wrap width does not matter), or when the own line is cut
    short by its own format and the join completes it (``_COMPLETE``). A line that does
    neither is kept as it is: a translator's or tool's note is never dropped.
    """
    lines = (comment or "").splitlines()
    wanted = {_squashed(c) for c in own_now}
    out: list[tuple[bool, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not is_own_comment(line):
            out.append((False, line))
            i += 1
            continue
        whole, end = line, i + 1
        joined, j = line, i + 1
        while j < len(lines) and not is_own_comment(lines[j]):
            joined = _unwrap(joined, lines[j])
            j += 1
            if _squashed(joined) in wanted or (not _complete(line) and _complete(joined)):
                whole, end = joined, j
                break
        out.append((True, whole))
        i = end
    return out


def _squashed(text: str) -> str:
    return "".join(text.split())


def _unwrap(head: str, tail: str) -> str:
    """Undo one wrap as textwrap (polib) makes it: at a space, or after a hyphen."""
    return head + tail if head.endswith("-") else f"{head} {tail}"


# Own lines whose end is known, so a wrapped one that this run does not write again (the
# ``mt:`` line of an entry a translator has since reviewed, a memory line carried over) is
# still recognised whole.
_COMPLETE = {
    MT: re.compile(r"^mt: .+ @ \S+$"),
    MEMORY: re.compile(r"^memory: .+, .+\.(?i:po|tmx)$"),  # a desk's file may be NAME.TMX
    GLOSSARY_MISSING: re.compile(r"^glossary-missing: '.*'( x\d+)?$"),
    GLOSSARY_FORBIDDEN: re.compile(r"^glossary-forbidden: '.*'( x\d+)?$"),
    MARKUP: re.compile(r"^markup: .* could not be placed$"),
}


def _complete(line: str) -> bool:
    pattern = next((p for prefix, p in _COMPLETE.items() if line.startswith(prefix)), None)
    return pattern is None or bool(pattern.match(line))


def kind_of(comment: str | None) -> str:
    """The sentence kind recorded in an entry's extracted comments ('body' when absent)."""
    for line in (comment or "").splitlines():
        if line.startswith(KIND):
            return line[len(KIND) :].split()[0]
    return "body"
