"""What the run core hands the catalog stage: one unit per sentence of an article.

The wording of tarjama's own lines in a unit's ``comments`` is `catalog.notes`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Unit:
    """One sentence as it should appear in the catalog after this run."""

    msgid: str
    msgstr: str
    occurrences: list[tuple[str, str]]
    comments: list[str] = field(default_factory=list)  # extracted-comment lines, tarjama's notes first
    fuzzy: bool = True
    # The source a fuzzy starting point was translated from (rendered as ``#| msgid``, as msgmerge does).
    previous_msgid: str | None = None
