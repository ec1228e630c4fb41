"""Approved forms a model's vocabulary cannot spell: decode a stand-in it can, then write the exact form.

A SentencePiece vocabulary without byte fallback turns a letter it never saw into
``<unk>``: opus-mt-ar-en has no Vietnamese diacritics, so forcing the pieces of "Đặng
Hoàng Giang" writes "ng Hoàng Giang", and a model whose vocabulary lacks a capital writes
"UNSCO" for "UNESCO". The backends therefore enforce a *stand-in* — the same name with
each letter the vocabulary lacks replaced by its base letter ("Dang Hoang Giang"), its other
case ("Nguyen khanh"), or, when neither is spellable, left out — and the exact approved
string is put back in the output text where the stand-in stands. The model sees a name it
can write; the reader gets the approved form, byte for byte.

A stand-in must not be another approved form of the glossary: the restore step could not
tell them apart. Such a term keeps its own pieces (and the post-check marks a loss).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence

from tarjama.glossary.check import Required, find_targets, renderings

# Letters with no Unicode decomposition to a base letter (NFKD leaves them whole).
_BASE = {
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "ı": "i",
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "ħ": "h",
    "Ħ": "H",
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "Th",
    "ŋ": "ng",
    "Ŋ": "Ng",
}


def base_letters(ch: str) -> str:
    """The letter(s) under a character's diacritics: "ặ" → "a", "Đ" → "D", "ß" → "ss"."""
    if ch in _BASE:
        return _BASE[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def make_stand_in(target: str, spells: Callable[[str], bool]) -> str:
    """A spelling of ``target`` that ``spells`` accepts, '' when none is found.

    Only the characters the vocabulary lacks change; each tries its base letters, then the
    other case of the character and of its base, and is dropped when nothing is spellable.
    """
    out: list[str] = []
    for ch in target:
        if ch.isspace() or spells(ch):
            out.append(ch)
            continue
        base = base_letters(ch)
        for alt in (base, ch.swapcase(), base.swapcase()):
            if alt and alt != ch and spells(alt):
                out.append(alt)
                break
    candidate = " ".join("".join(out).split())
    return candidate if candidate and candidate != target and spells(candidate) else ""


def plan_stand_ins(targets: Iterable[str], spells: Callable[[str], bool]) -> dict[str, str]:
    """Every target the vocabulary cannot spell → its stand-in ('' where there is none usable)."""
    targets = list(dict.fromkeys(targets))
    plan = {t: make_stand_in(t, spells) for t in targets if not spells(t)}
    approved: dict[str, set[str]] = {}
    for t in targets:
        approved.setdefault(t.casefold(), set()).add(t)
    for target, stand in plan.items():
        if approved.get(stand.casefold(), {target}) - {target}:  # would read back as that other term
            plan[target] = ""
    return plan


def restore(text: str, required: Sequence[Required], stand_ins: Mapping[str, str]) -> str:
    """Put the approved forms back where their stand-ins stand in a sentence's output.

    The occurrences are found as the post-check finds terms (whole words, longest first,
    no overlaps), among all the sentence's required targets, so a stand-in inside a longer
    term is left alone. Every occurrence of a stand-in is restored, the model's own ones
    too ("Dang Hoang Giang" is the name written without its marks): a stand-in written
    more often than the term is owed shows as a duplicate of the approved form. Two terms
    sharing one stand-in get their exact forms in source order. A term's alternative forms
    are each restored from their own stand-in.
    """
    every = [t for r in required for t in renderings(r)]
    owed: dict[str, list[str]] = {}
    for t in every:
        if stand_ins.get(t):
            owed.setdefault(stand_ins[t], []).append(t)
    if not owed:
        return text
    searched = [stand_ins.get(t) or t for t in every]
    parts, last = [], 0
    for start, end, found in find_targets(text, searched):
        queue = owed.get(found)
        if not queue:
            continue
        parts += [text[last:start], queue.pop(0) if len(queue) > 1 else queue[0]]
        last = end
    return "".join([*parts, text[last:]])
