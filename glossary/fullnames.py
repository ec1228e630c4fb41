"""A person's full name: the father's and grandfather's names that Arab papers write between a
person's own name and family name, or leave out.

A desk glossary writes a person as the English press does, given name and family name (سلطان
الجابر Sultan Al Jaber, بولا تينوبو Bola Tinubu); an agency's first mention gives the chain of
names (nasab) between them (سلطان أحمد الجابر, بدر بن حمد البوسعيدي, بولا أحمد تينوبو), and a
glossary that writes the chain (أحمد عوض بن مبارك) meets papers that leave a name of it out
(أحمد بن مبارك). Either is the same person when:

- the glossary's words are written as it writes them, in its order, with one gap;
- the words of the gap are given names: each a known name (:func:`known_names.known_names`)
  without an article, or ``عبد`` with the name it makes (عبد الله), each perhaps after a
  connector (بن, بنت, ابن, ولد); never a word with a proclitic (``وأحمد`` is "and Ahmed": two
  people), nothing but spaces between the words;
- what follows the gap is a family name: a word with the article (الجابر), a connector and its
  name (بن بريك), or a word that is no ordinary word (تينوبو). A given name that is a word
  (صالح, علي, حسن) proves nothing: محمد حسن علي is Mohammed son of Hassan son of Ali, not
  Muhammad Ali.

The occurrence's English keeps what the source says: the glossary's English words, each where
its Arabic word is, with the gap's names in the Latin form English text uses most (the known
names' order: "Ahmed", then "Ahmad"), so "Sultan Ahmed Al Jaber" is forced and the model's
"Sultan Ahmad Al Jaber" accepted, never a middle name dropped by the enforcer; the glossary's
own English is accepted too. A row whose English words cannot be paired with its Arabic words
gets no full name.

A chain with its family at the end (تميم بن حمد آل ثاني) also matches the chain alone (تميم بن
حمد), as Gulf agencies write rulers after the first mention, unless the text goes on with a
connector or a family name (خالد بن محمد العطية is another man).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tarjama.glossary.families import name_kind
from tarjama.glossary.known_names import common_word, known_names
from tarjama.glossary.normalize import Folded, Word, fold, words
from tarjama.glossary.terms import Term
from tarjama.glossary.variants import canonical

# connectors of a chain of names (canonical) and their usual English
CONNECTORS = {"بن": "bin", "بنت": "bint", "ابن": "ibn", "ولد": "Ould"}
ABD = "عبد"
# a given name's first word that needs the next (عبد الله, أبو بكر): no name of a chain goes
# between them, and neither is left out alone
COMPOUND_HEADS = frozenset((ABD, "ابو"))
MAX_GAP = 3  # names a gap holds: a father's, a grandfather's and a great-grandfather's
MAX_DROPPED = 2
MAX_RENDERINGS = 4
_ENGLISH_ARTICLE = frozenset(
    ["al", "el", "ad", "ar", "as", "at", "az", "an", "ash", "ath", "ed", "en", "es", "et", "ez"]
)


@dataclass(frozen=True)
class FullName:
    """A person row that takes a chain of names: its canonical words and their English words."""

    term: Term
    key: tuple[str, ...]
    english: tuple[str, ...]


def full_name(term: Term) -> FullName | None:
    """The full-name entry of a person row of two words or more, None when it takes none."""
    if name_kind(term.type) != "person":
        return None
    toks = words(fold(term.source))
    if len(toks) < 2 or not all(t.text.isalpha() for t in toks):
        return None
    key = tuple(canonical(t.text) for t in toks)
    english = english_words(key, term.target)
    if english is None or key[0] in CONNECTORS:
        return None
    return FullName(term, key, english)


def english_words(arabic: Sequence[str], target: str) -> tuple[str, ...] | None:
    """The English words of each Arabic word, where they pair one to one (an English article
    word goes with the Arabic word that has the article: الجابر is "Al Jaber")."""
    tokens = target.split()
    out: list[str] = []
    t = 0
    for w, word in enumerate(arabic):
        if w and arabic[w - 1] in COMPOUND_HEADS and len(arabic) - w > len(tokens) - t:
            out.append("")  # عبد الله is "Abdalla": one English word for a compound's two
            continue
        if t >= len(tokens):
            return None
        take = 1
        if (
            tokens[t].lower() in _ENGLISH_ARTICLE
            and word.startswith("ال")
            and t + 1 < len(tokens)
            and len(tokens) - t > len(arabic) - len(out)
        ):
            take = 2
        out.append(" ".join(tokens[t : t + take]))
        t += take
    return tuple(out) if t == len(tokens) else None


def family_name(rest: Sequence[str]) -> bool:
    """Whether the words after a gap are a family name (see the module's doc)."""
    if not rest:
        return False
    if rest[0] in CONNECTORS or rest[0] == FAMILY:
        return len(rest) >= 2
    last = rest[-1]
    return (last.startswith("ال") and len(last) > 4) or not common_word(last)


def _theophoric(word: str) -> bool:
    """عبد with a name of God, written as one word or two (عبدالله, عبد العزيز): always a given
    name, listed or not."""
    return word in known_names() or (word.startswith(ABD + "ال") and len(word) >= 7)


def _given(word: str) -> bool:
    return (
        not word.startswith("ال")
        and len(word) >= 3
        and (word in known_names() or _theophoric(word))
        and word not in CONNECTORS
    )


def gap_names(keys: Sequence[str]) -> list[list[str]] | None:
    """The Latin forms of a gap's names (a connector, a name, عبد with its name), each name's most
    used first, or None when the words are not a chain of given names with known English forms."""
    units: list[tuple[str, ...]] = []
    forms: list[list[str]] = []
    k = 0
    names = 0
    while k < len(keys):
        word = keys[k]
        if word in CONNECTORS:
            if k + 1 == len(keys):
                return None  # a connector ends the gap only before the family name's (checked there)
            units.append((word,))
            forms.append([CONNECTORS[word]])
            k += 1
            continue
        if word == ABD and k + 1 < len(keys) and _theophoric(ABD + keys[k + 1]):
            units.append((word, keys[k + 1]))
            k += 2
        elif _given(word):
            units.append((word,))
            k += 1
        else:
            return None
        forms.append(_latin_forms(units[-1]))
        if not forms[-1]:
            return None  # a name no English form is known for: the occurrence's English can't be written
        names += 1
    return forms if 0 < names <= MAX_GAP else None


def _latin_forms(unit: tuple[str, ...]) -> list[str]:
    """A given name's Latin forms, the one English text uses most first (the list's order)."""
    forms = _listed("".join(unit))
    if not forms and _theophoric("".join(unit)):
        # عبد العزيز, unlisted: عبد's English with the name of God's (عزيز Aziz)
        name = "".join(unit)[len(ABD) + 2 :]
        forms = [f"Abdul {f}" for f in _listed(name)] + [f"Abdel {f}" for f in _listed(name)]
    return forms


_PLAIN = re.compile(r"[A-Za-z][A-Za-z' -]*")


def _listed(word: str) -> list[str]:
    """A listed name's plain Latin forms (not an article, not a scholar's ‘Uzayr)."""
    forms = known_names().get(word, "").split("|")
    return [f for f in forms if _PLAIN.fullmatch(f) and f.lower() not in _ENGLISH_ARTICLE]


def inserted_renderings(entry: FullName, split: int, forms: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The English renderings of the name with a gap (its names' Latin forms, :func:`gap_names`)
    after its first ``split`` words: the gap's best forms first, then each other form of one name,
    then the glossary's own English."""
    head, tail = _words(entry.english[:split]), _words(entry.english[split:])
    out: list[str] = []
    for choice in _choices(forms):
        out.append(f"{head} {' '.join(choice)} {tail}")
    return _dedupe([*out[: MAX_RENDERINGS - 1], entry.term.target])


def dropped_renderings(entry: FullName, split: int, dropped: int) -> tuple[str, ...]:
    """The English of the name with ``dropped`` of its words after the first ``split`` left out, then
    the glossary's own."""
    kept = (*entry.english[:split], *entry.english[split + dropped :])
    return _dedupe([_words(kept), entry.term.target])


def _words(english: Sequence[str]) -> str:
    return " ".join(e for e in english if e)


def _choices(forms: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Each name's first form, then each other form of one name with the others' first."""
    best = tuple(f[0] for f in forms)
    return [best, *((*best[:i], f, *best[i + 1 :]) for i, fs in enumerate(forms) for f in fs[1:])]


def _dedupe(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(re.sub(r"\s+", " ", i).strip() for i in items))


def spaced(text: str, folded: Folded, toks: Sequence[Word], i: int, j: int) -> bool:
    """Whether tokens ``i`` … ``j - 1`` of ``text`` (folded as ``folded``) stand apart by spaces
    only, as written: a line break ends a name (a heading's last word is no father's name)."""
    for k in range(i, j - 1):
        a, b = folded.origin[toks[k].end - 1] + 1, folded.origin[toks[k + 1].start]
        if text[a:b].strip(" \u00a0\u200c\u200f\u200e\u0640") != "" and not _marks(text[a:b]):
            return False
    return True


def _marks(between: str) -> bool:
    """Only tashkeel and spaces (a word's trailing marks belong to it)."""
    return all(ch == " " or not fold(ch) for ch in between)


def find_full_names(entry: FullName, keys: Sequence[str], i: int) -> list[tuple[int, tuple[str, ...]]]:
    """Full-name readings of ``entry`` starting at token ``i`` (whose stem is the entry's first
    word): (end token, renderings) for each gap of given names inserted, of the row's own given
    names left out, or of its family (آل …) left out of a chain."""
    out: list[tuple[int, tuple[str, ...]]] = []
    n = len(entry.key)
    for split in range(1, n):
        if tuple(keys[i + 1 : i + split]) != entry.key[1:split]:
            break
        if entry.key[split - 1] in COMPOUND_HEADS:
            continue
        rest = entry.key[split:]
        start = i + split
        for size in range(1, 2 * MAX_GAP + 1 if family_name(rest) else 1):
            end = start + size + len(rest)
            if end > len(keys):
                break
            if tuple(keys[start + size : end]) != rest:
                continue
            gap = gap_names(keys[start : start + size])
            if gap is not None:
                out.append((end, inserted_renderings(entry, split, gap)))
        for dropped in range(1, MAX_DROPPED + 1):
            tail = entry.key[split + dropped :]
            if not tail or not family_name(tail):
                continue
            left_out = entry.key[split : split + dropped]
            if any(not _given(w) or w in COMPOUND_HEADS for w in left_out):
                continue  # only the row's own given names: هو تشي منه is never هو منه
            end = start + len(tail)
            if end <= len(keys) and tuple(keys[start:end]) == tail:
                out.append((end, dropped_renderings(entry, split, dropped)))
    if n >= 4 and entry.key[-2] == FAMILY and any(w in CONNECTORS for w in entry.key[1:-2]):
        # the family (آل ثاني) left out of a chain: تميم بن حمد for تميم بن حمد آل ثاني, unless the
        # text goes on with another family or chain (محمد بن راشد الخالدي is another man)
        end = i + n - 2
        if tuple(keys[i + 1 : end]) == entry.key[1:-2] and not _goes_on(keys, end):
            out.append((end, _dedupe([_words(entry.english[:-2]), entry.term.target])))
    return out


FAMILY = "ال"  # آل, folded: آل ثاني, آل نهيان


def _goes_on(keys: Sequence[str], end: int) -> bool:
    """Whether the word after a name continues it: a connector, or a family or given name that is
    no common word (الخالدي, العطية go on; الرئيس, الوفد, رئيس begin the rest of the sentence)."""
    if end >= len(keys):
        return False
    word = keys[end]
    return word in CONNECTORS or (
        (word.startswith("ال") or word in known_names()) and (not common_word(word) or known_family(word))
    )


def known_family(word: str) -> bool:
    """A word with the article that the gazetteer knows as a name with an al-: a family name
    (الحربي Al-Harbi), even where the word is common too."""
    return word.startswith("ال") and any(
        f.lower().startswith(("al", "el")) for f in known_names().get(word, "").split("|")
    )
