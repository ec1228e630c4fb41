"""What counts as a translator's work in a catalog: one definition for the merge, the memory,
`status` and `export`.

An msgstr is a translation only when it is not a copy of its source. `msginit` and some
editors' "copy source" fill msgstr with the Arabic msgid; counted as reviewed, such an
entry went into the translation memory and filled other articles with Arabic, and `export`
wrote Arabic as the English article. So a copy — the msgid itself, or text that is mostly
Arabic script in a catalog whose language is not written in it — is untranslated.

Entries with a ``msgctxt`` tarjama did not write (tarjama writes none) are a translator's own
variants of a sentence ("headline"): kept untouched, never the article's entry, never memory.
"""

from __future__ import annotations

import re
import unicodedata

import polib

_SUBTAG_END = re.compile(r"[-_.@]")
# Languages written in Arabic script: in their catalogs Arabic letters are target text.
ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "ckb", "ku", "ug", "sd", "ks", "bal", "azb", "prs"})


def _arabic_share(text: str) -> float:
    """Arabic-script letters among all letters (0 when there are none)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    arabic = sum(1 for c in letters if "ARABIC" in unicodedata.name(c, ""))
    return arabic / len(letters)


def _same_text(a: str, b: str) -> bool:
    return bool(a.strip()) and " ".join(a.split()) == " ".join(b.split())


def primary_language(tag: str | None) -> str:
    """A language tag's primary subtag, the one unit languages are compared in (PO headers,
    ``--lang``, TMX ``xml:lang``, gettext folders): ``ar-SA``, ``AR_eg``, ``ar`` → ``ar``; a
    POSIX locale's codeset and modifier go too (``sr_RS.UTF-8@latin`` → ``sr``)."""
    return _SUBTAG_END.split((tag or "").strip(), maxsplit=1)[0].lower()


def copies_source(msgid: str, msgstr: str, language: str | None = None) -> bool:
    """Whether a non-empty msgstr is a copy of its source rather than a translation."""
    if not msgstr.strip():
        return False
    if _same_text(msgstr, msgid):
        return True
    return primary_language(language) not in ARABIC_SCRIPT and _arabic_share(msgstr) > 0.5


def language_of(po: polib.POFile | None) -> str | None:
    return po.metadata.get("Language") if po is not None else None


def is_copy(entry: polib.POEntry, language: str | None = None) -> bool:
    """A copy of the source in place of a translation. A fuzzy entry is judged by the msgid rule
    alone: its msgstr is a model's output or an offer, shown for review whatever its script (a
    model trained on too little writes the source's script, and that is what the reviewer must see)."""
    if "fuzzy" in entry.flags:
        return _same_text(entry.msgstr, entry.msgid)
    return copies_source(entry.msgid, entry.msgstr, language)


def holds_translation(entry: polib.POEntry, language: str | None = None) -> bool:
    return bool(entry.msgstr.strip()) and not is_copy(entry, language)


def is_article_entry(entry: polib.POEntry) -> bool:
    """An entry for one of the article's sentences (tarjama's): no msgctxt."""
    # types-polib declares msgctxt a str; polib leaves it None on an entry without one
    context: str | None = entry.msgctxt
    return context is None


def vouched(entry: polib.POEntry, language: str | None = None) -> bool:
    """A translator has vouched for it: not fuzzy, a real translation (active or obsolete)."""
    return "fuzzy" not in entry.flags and holds_translation(entry, language)


def is_reviewed(entry: polib.POEntry, language: str | None = None) -> bool:
    """Vouched for and active."""
    return not entry.obsolete and vouched(entry, language)
