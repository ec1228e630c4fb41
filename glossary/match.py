"""Find glossary terms in Arabic text as it is written (folded, variant- and clitic-aware).

Rules: whole words only (a term never matches inside a longer word); proclitics only on a
term's first word (see :mod:`tarjama.glossary.variants`); longest match first, then
leftmost; matches never overlap, so a term inside a longer matched term (هانوي inside
اتفاقية هانوي) is not reported on its own.

Names (person, place, organization, event, or the ``variants`` flag) also match their
transliteration family (:mod:`tarjama.glossary.families`: جوجل/غوغل/قوقل, ترامب/ترمب,
هوشي منه/هو تشي منه), as a second tier: on one span an exact match beats a family match;
a span that the family of two names with different targets reaches equally is reported
in :attr:`Scan.ambiguous` and matched to neither.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tarjama.glossary.families import (
    NOT_NAMES,
    FamilyTerm,
    family_terms,
    family_text,
    name_kind,
    place_adjective,
    text_skeleton,
    uses_families,
)
from tarjama.glossary.forms import (
    ANYWHERE,
    LATIN_OF_NAME,
    abbreviation_at,
    abbreviation_parts,
    body_short_forms,
    compass_forms,
    conjoined,
    connector_forms,
    english_article,
    generation_forms,
    generic_synonyms,
    given_name_forms,
    has_month,
    inside_longer,
    latin_abbreviation_at,
    latin_letters,
    month_keys,
    month_units,
    nisba_keys,
    plural_case_forms,
    refused_here,
    unjoined,
)
from tarjama.glossary.fullnames import FullName, find_full_names, full_name, spaced
from tarjama.glossary.known_names import (
    article_word,
    confirmed,
    different_name,
    english_key,
    first_words,
    known_names,
    latin_keys,
    word_reading,
)
from tarjama.glossary.normalize import Folded, Seats, Word, fold, normalize, seats, seats_clash, words
from tarjama.glossary.terms import Glossary, Term
from tarjama.glossary.translit import (
    TranslitIndex,
    TranslitTerm,
    coarse,
    far_word,
    gazetteer_spelling,
    pattern_changed,
    translit_term,
)
from tarjama.glossary.variants import canonical, stems


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the original text; text[start:end] == surface
    end: int
    surface: str  # as written, clitics included (e.g. "لاتفاقية هانوي")
    clitics: str  # the proclitic letters in front of the term ("ل"), '' for none
    term: Term
    family: bool = False  # matched as a spelling of the name's transliteration family
    # an adjective (nisba) form of a place whose row gives renderings after the place's own
    # (المصرية for مصر,Egypt|Egyptian): those are what it asks for
    adjective: bool = False
    # a person's full name, with a name of the chain more or less than the row writes
    # (glossary/fullnames.py): its own English, the row's among them
    renderings: tuple[str, ...] = ()

    @property
    def approved(self) -> tuple[str, ...]:
        """The renderings this occurrence accepts, the one forced first."""
        if self.renderings:
            return self.renderings
        return self.term.others if self.adjective else self.term.approved

    @property
    def target(self) -> str:
        return self.approved[0]


@dataclass(frozen=True)
class Ambiguity:
    """A span that the transliteration families of several names reach equally: not matched."""

    start: int  # offsets in the original text; text[start:end] == surface
    end: int
    surface: str
    clitics: str
    terms: tuple[Term, ...]  # one per distinct target, in glossary order

    @property
    def targets(self) -> list[str]:
        return [t.target for t in self.terms]


@dataclass(frozen=True)
class Scan:
    matches: list[Match]  # what find() returns
    ambiguous: list[Ambiguity]  # in text order


# candidate tiers: on one span, the term as written beats its adjective, which beats a family
# spelling; a spelling only the English accepts (glossary/translit.py) is matched last, on words
# no other tier took
EXACT, ADJECTIVE, FAMILY, TRANSLIT = 0, 1, 2, 3
# a person's name as written with a gap of given names in it, or one left out (glossary/fullnames.py)
FULL = 4


class Matcher:
    """A glossary indexed by the canonical key of each term's first word, and its names by
    their family skeleton (with every skeleton prefix, so a text window stops growing as
    soon as no name can start with it)."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        # terms by their first word, each with its key less the marks that join words (unjoined)
        self._by_first: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        self._family: dict[str, list[FamilyTerm]] = {}
        # names whose English joins two parts with "and", with the و of a word written or not, and
        # names with a generic word that papers write with another (بنك/مصرف), an English "The"'s
        # article, ابن for بن, a given name's other form (Slavic, or an English short form),
        # "Jr." as الابن or جونيور, a plural in its other case, a body without its head noun, a
        # compass point before or after a place: forms.conjoined, generic_synonyms,
        # english_article, connector_forms, given_name_forms, generation_forms,
        # plural_case_forms, body_short_forms, compass_forms, each with where it is refused
        # (forms.refused_here)
        self._other_forms: dict[str, list[tuple[tuple[str, ...], Term, int]]] = {}
        self._prefixes: set[str] = set()
        self._family_words = 0
        self._translit = TranslitIndex()
        # place rows by their English's key, for the gazetteer's other names of a place
        # (translit.gazetteer_spelling), and their most words
        self._places: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        self._place_words = 0
        # months in any calendar and abbreviations however dotted (glossary/forms.py)
        self._by_month_first: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        self._abbreviations: dict[str, list[tuple[str, Term]]] = {}
        self._abbreviation_ids: set[int] = set()
        # abbreviations whose English is their Latin letters, by its first: the letters' Arabic names
        self._latin: dict[str, list[tuple[str, Term]]] = {}
        # adjective (nisba) forms of places whose rows give an adjective: folded form → (term, tier)
        self._adjectives: dict[str, list[tuple[Term, int]]] = {}
        # per term with a hamza written on an alef: each word's seats (آ vs أ/إ, normalize.seats)
        self._seats: dict[int, list[Seats]] = {}
        # person rows of several words by their first word, for their full names
        self._full: dict[str, list[FullName]] = {}
        for term in glossary.terms:
            entry = full_name(term)
            if entry is not None:
                self._full.setdefault(entry.key[0], []).append(entry)
            key = term.key
            if key:
                written = tuple(key[k] for k in unjoined(words(fold(term.source))))
                self._by_first.setdefault(key[0], []).append((written, term))
                if uses_families(term):
                    kind = name_kind(term.type)
                    for other in (
                        *conjoined(written, term.target),
                        *generic_synonyms(written),
                        *english_article(written, term.target, kind),
                        *connector_forms(written),
                        *given_name_forms(written, kind),
                        *generation_forms(written, kind),
                        *plural_case_forms(written, term.target, kind),
                    ):
                        self._other_forms.setdefault(other[0], []).append((other, term, ANYWHERE))
                    for other, guard in (
                        *body_short_forms(written, kind),
                        *compass_forms(written, term.target, kind),
                    ):
                        self._other_forms.setdefault(other[0], []).append((other, term, guard))
            if any(ch in "آأإ" for ch in term.source):
                folded = normalize(term.source)
                toks = words(folded.text)
                self._seats[id(term)] = [
                    seats(term.source, folded, toks[k].start, toks[k].end) for k in unjoined(toks)
                ]
            if term.others and name_kind(term.type) == "place":
                for form, also_place in nisba_keys(term.source).items():
                    if canonical(form) != key[0]:  # السعودية is the place as written: all its renderings
                        self._adjectives.setdefault(canonical(form), []).append(
                            (term, EXACT if also_place else ADJECTIVE)
                        )
            toks = words(fold(term.source))
            if has_month(toks):
                lenient = name_kind(term.type) in (None, "event")
                for mkey in month_keys(toks, list(key), lenient, term.target):
                    if mkey != key:
                        self._by_month_first.setdefault(mkey[0], []).append((mkey, term))
            parts = abbreviation_parts(term.source)
            if parts is not None:
                letters = "".join(parts)
                self._abbreviations.setdefault(letters[0], []).append((letters, term))
                self._abbreviation_ids.add(id(term))
                latin = latin_letters(term.target)
                if latin is not None:
                    self._latin.setdefault(latin[0], []).append((latin, term))
            # an abbreviation's letters are no transliterated name: it gets its forms, not a family
            fams = family_terms(term) if parts is None else []
            for fam in fams:
                for k in fam.keys:
                    self._family.setdefault(k, []).append(fam)
                    self._prefixes.update(k[:n] for n in range(len(k) + 1))
                self._family_words = max(self._family_words, fam.words)
            if parts is None and uses_families(term) and not has_month(toks):
                self._add_translit(term, toks, fams)
        for bucket in self._by_first.values():
            bucket.sort(key=lambda t: -len(t[0]))
        for forms in self._other_forms.values():
            forms.sort(key=lambda t: -len(t[0]))

    def _as_written(self, stem: str) -> Iterator[tuple[tuple[str, ...], Term, int, int]]:
        """The terms whose key starts with ``stem``, as written (EXACT), then in another form
        (FAMILY: the forms of ``_other_forms``), each with where it is refused
        (forms.refused_here)."""
        for key, term in self._by_first.get(stem, ()):
            yield key, term, EXACT, ANYWHERE
        for key, term, guard in self._other_forms.get(stem, ()):
            yield key, term, FAMILY, guard

    def _add_translit(self, term: Term, toks: Sequence[Word], fams: Sequence[FamilyTerm]) -> None:
        if not toks or not all(t.text.isalpha() for t in toks):
            return
        arabic = tuple(canonical(t.text) for t in toks)
        english = fams[0].english if fams else (term.target.lower(),) * len(arabic)
        entry = translit_term(term, arabic, term.target, name_kind(term.type), english)
        if entry is not None:
            self._translit.add(entry)
        if name_kind(term.type) == "place" and term.variants is not False:
            self._places.setdefault(english_key(term.target), []).append((arabic, term))
            self._place_words = max(self._place_words, len(arabic))

    def _gazetteer_candidates(
        self, toks: Sequence[Word], keys: Sequence[str], i: int, clitics: str, stem: str
    ) -> list[tuple[int, int, int, str, Term]]:
        """Windows from token ``i`` that the gazetteer lists under a place row's English and that
        the row takes (translit.gazetteer_spelling): the list is asked by Arabic spelling, as
        written, so no index of it by Latin name is built."""
        out: list[tuple[int, int, int, str, Term]] = []
        if stem not in first_words():
            return out
        names = known_names()
        for j in range(i + 1, min(len(toks), i + self._place_words) + 1):
            window = (stem, *keys[i + 1 : j])
            spelling = " ".join(window)
            if spelling not in names:
                continue
            for key in latin_keys(spelling) or ():
                for arabic, term in self._places.get(key, ()):
                    if gazetteer_spelling(arabic, window) and not place_adjective(window, arabic, term):
                        out.append((i, j, FAMILY, clitics, term))
        return out

    def find(self, text: str) -> list[Match]:
        """All term occurrences in ``text``, in text order (ambiguous names left out)."""
        return self.scan(text).matches

    def scan(self, text: str) -> Scan:
        """Matches and ambiguities in ``text``, each in text order."""
        folded = normalize(text)
        toks = words(folded.text)
        keys = [canonical(w.text) for w in toks]
        # (first token, end token, tier, clitics, term)
        candidates: list[tuple[int, int, int, str, Term]] = []
        full: dict[tuple[int, int, int], tuple[str, ...]] = {}  # (i, j, id(term)) -> its renderings
        has_seats = any(ch in "آأإ" for ch in text)
        # terms as written are compared on the tokens less the dots and hyphens that join words
        view = unjoined(toks) if "." in folded.text or "-" in folded.text else list(range(len(toks)))
        vtoks = [toks[k] for k in view]
        kept = set(view)
        # a name may stand beside a hyphen (محادثات واشنطن-طهران), not inside a run of letters
        joining_dots = {k for k, t in enumerate(toks) if k not in kept and t.text == "."}
        vkeys = [keys[k] for k in view]
        for p, i in enumerate(view):
            tok = toks[i]
            for clitics, stem in _readings(tok.text):
                for key, term, tier, guard in self._as_written(stem):
                    q = p + len(key)
                    if q <= len(vkeys) and tuple(vkeys[p + 1 : q]) == key[1:]:
                        if guard and refused_here(
                            guard, vkeys[p - 1] if p else None, vkeys[q] if q < len(vkeys) else None, clitics
                        ):
                            continue  # الأمن الوطني الفلسطيني, شمال كوريا الجنوبية
                        j = view[q - 1] + 1
                        if id(term) in self._abbreviation_ids and inside_longer(toks, i, j):
                            continue
                        if i - 1 in joining_dots or j in joining_dots:
                            continue  # inside a longer dotted run of letters (بي.إن.بي in إن.بي.إن.بي)
                        if has_seats and self._hamza_differs(text, folded, vtoks, p, term):
                            continue
                        if clitics and len(key) == 1 and self._other_whole(keys[i], stem, term):
                            continue  # بكين is Beijing, not ب + كين Kane
                        candidates.append((i, j, tier, clitics, term))
                for entry in self._full.get(stem, ()):
                    for j, renderings in find_full_names(entry, keys, i):
                        if spaced(text, folded, toks, i, j):
                            candidates.append((i, j, FULL, clitics, entry.term))
                            full[(i, j, id(entry.term))] = renderings
                for term, tier in self._adjectives.get(stem, ()):
                    candidates.append((i, i + 1, tier, clitics, term))
                if self._places and not (clitics and word_reading(keys[i], stem)):
                    # فاتن "Faten" is no ف + اتن (Athens in Persian): the clitics rule holds here too
                    candidates.extend(self._gazetteer_candidates(toks, keys, i, clitics, stem))
        if self._by_month_first and has_month(toks):
            units = month_units(toks, keys)
            ukeys = [u.key for u in units]
            for u, unit in enumerate(units):
                for clitics, stem in _readings(unit.key):
                    for mkey, term in self._by_month_first.get(stem, ()):
                        v = u + len(mkey)
                        if v <= len(units) and tuple(ukeys[u + 1 : v]) == mkey[1:]:
                            candidates.append((unit.first, units[v - 1].last, EXACT, clitics, term))
        if self._abbreviations:
            for i, tok in enumerate(toks):
                for letters, term in self._abbreviations.get(tok.text[0], ()):
                    stop = abbreviation_at(toks, i, letters)
                    if stop is not None:
                        candidates.append((i, stop, EXACT, "", term))
                for first in LATIN_OF_NAME.get(tok.text, "") if self._latin else "":
                    for latin, term in self._latin.get(first, ()):
                        stop = latin_abbreviation_at(toks, i, latin)
                        if stop is not None:
                            candidates.append((i, stop, EXACT, "", term))
        if self._family:
            candidates.extend(self._family_candidates(text, folded))
        # longest (in tokens, then characters) first, then leftmost; exact before family;
        # bare readings before clitic ones
        candidates.sort(
            key=lambda c: (-(c[1] - c[0]), -(toks[c[1] - 1].end - toks[c[0]].start), c[0], c[2], len(c[3]))
        )
        taken = [False] * len(toks)
        chosen: list[tuple[int, int, str, tuple[Term, ...], int]] = []
        n = 0
        while n < len(candidates):
            i, j, tier, clitics, term = candidates[n]
            group = [candidates[n]]
            n += 1
            while n < len(candidates) and candidates[n][:3] == (i, j, tier):
                group.append(candidates[n])
                n += 1
            if any(taken[i:j]):
                continue
            taken[i:j] = [True] * (j - i)
            if tier != FAMILY:
                chosen.append((i, j, clitics, (term,), tier))
                continue
            chosen.append((i, j, *_fewest_clitics([(c[3], c[4]) for c in group]), tier))
        if self._translit:
            chosen.extend(self._translit_chosen(toks, taken))
        chosen.sort(key=lambda c: c[0])
        matches: list[Match] = []
        ambiguous: list[Ambiguity] = []
        for i, j, clitics, terms, tier in chosen:
            start, end = folded.span(toks[i].start, toks[j - 1].end)
            while end < len(text) and not fold(text[end]):  # trailing tashkeel belongs to the word
                end += 1
            if len(terms) > 1:
                ambiguous.append(Ambiguity(start, end, text[start:end], clitics, terms))
            else:
                renderings = full.get((i, j, id(terms[0])), ()) if tier == FULL else ()
                matches.append(
                    Match(
                        start,
                        end,
                        text[start:end],
                        clitics,
                        terms[0],
                        tier >= FAMILY,
                        tier == ADJECTIVE,
                        renderings,
                    )
                )
        return Scan(matches, ambiguous)

    @staticmethod
    def _other_whole(whole: str, stem: str, term: Term) -> bool:
        """Whether a name of one word read as clitics and the name is, as the whole word, a known
        other name (بكين Beijing is not ب + كين Kane, فلورنس Florence not ف + لورنس Lawrence,
        باريس Paris not ب + إيريس) or a common word whose stem is none (بنوك "banks" is not ب +
        نوك Nuuk): the last tier's guards, for a name as written and its family.
        A name of several words is sure of itself (لحسن نصر الله is ل + Hassan Nasrallah, though
        لحسن alone is also the name Lahcen)."""
        return uses_families(term) and (
            word_reading(whole, stem) or different_name((whole,), (stem,), (term.target,))
        )

    def _hamza_differs(self, text: str, folded: Folded, toks: Sequence[Word], i: int, term: Term) -> bool:
        """Whether the text writes a hamza on an alef as آ where the term writes أ/إ (or the other
        way round), in any of the term's words (:func:`tarjama.glossary.normalize.seats_clash`)."""
        mine = self._seats.get(id(term))
        if mine is None:
            return False
        for w, theirs in enumerate(mine):
            tok = toks[i + w]
            if seats_clash(seats(text, folded, tok.start, tok.end), theirs):
                return True
        return False

    def _family_candidates(self, text: str, folded: Folded) -> list[tuple[int, int, int, str, Term]]:
        """Windows of 1 … n+1 whole words (first word with its clitics) whose skeleton is in
        a name's family; a window grows only while its settled skeleton is a name's prefix."""
        ftoks = words(family_text(text, folded))  # the folded text's offsets (گ kept apart from ك)
        seated = any(ch in "آأإ" for ch in text)
        wordlike = [t.text[0].isalnum() for t in ftoks]
        canon = [canonical(t.text) for t in ftoks]
        out: list[tuple[int, int, int, str, Term]] = []
        limit = self._family_words + 1
        for i, tok in enumerate(ftoks):
            if not wordlike[i]:
                continue
            for clitics, stem in stems(tok.text):
                if stem in NOT_NAMES:
                    continue
                window = [stem]
                for j in range(i + 1, min(len(ftoks), i + limit) + 1):
                    if j > i + 1:
                        if not wordlike[j - 1]:
                            break
                        window.append(canon[j - 1])
                    sk = text_skeleton(tuple(window))
                    for fam in self._family.get(sk.key, ()):
                        if (
                            j - i <= fam.words + 1
                            and fam.accepts(sk)
                            and not different_name(window, fam.arabic, fam.english)
                            and not place_adjective(window, fam.arabic, fam.term)
                            and not pattern_changed(window, fam.arabic, fam.english)
                            and not (
                                clitics
                                and (
                                    word_reading(canon[i], stem)
                                    or (j - i == 1 and self._other_whole(canon[i], stem, fam.term))
                                )
                            )
                            and not (
                                (article_word(window, fam.arabic) or far_word(window, fam.arabic))
                                and not confirmed(window, fam.arabic, fam.english)
                            )
                            and not (
                                seated
                                and j - i == fam.words
                                and self._hamza_differs(text, folded, ftoks, i, fam.term)
                            )
                        ):
                            out.append((i, j, FAMILY, clitics, fam.term))
                    # the window's last two letters may yet become a gap (a lone vowel letter,
                    # or a pair of them) once the next word is joined on
                    if sk.key[:-2] not in self._prefixes:
                        break
        return out

    def _translit_chosen(
        self, toks: Sequence[Word], taken: list[bool]
    ) -> list[tuple[int, int, str, tuple[Term, ...], int]]:
        """Spans of words no other tier took that a name's English accepts (glossary/translit.py):
        windows of 1 … n+1 whole words, the first with its clitics, longest first; a span two
        names with different targets accept equally is reported with both (an ambiguity)."""
        found: list[tuple[int, int, str, TranslitTerm]] = []
        canon = [canonical(t.text) for t in toks]
        for i, tok in enumerate(toks):
            if taken[i] or not tok.text.isalpha():
                continue
            for clitics, stem in stems(tok.text):
                whole = canon[i] if clitics else ""
                window = [stem]
                key = coarse(window)
                for j in range(i + 1, min(len(toks), i + self._translit.words + 1) + 1):
                    if j > i + 1:
                        if taken[j - 1] or not toks[j - 1].text.isalpha():
                            break
                        window.append(canon[j - 1])
                        key += coarse(window[-1:])
                    if len(key) > self._translit.longest:
                        break
                    for entry in self._translit.lookup(key):
                        if entry.accepts(window, whole):
                            found.append((i, j, clitics, entry))
        # longest first, then leftmost; bare readings before clitic ones
        found.sort(key=lambda c: (-(c[1] - c[0]), c[0], len(c[2])))
        out: list[tuple[int, int, str, tuple[Term, ...], int]] = []
        n = 0
        while n < len(found):
            i, j, clitics, _ = found[n]
            group = [found[n]]
            n += 1
            while n < len(found) and found[n][:2] == (i, j):
                group.append(found[n])
                n += 1
            if any(taken[i:j]):
                continue
            taken[i:j] = [True] * (j - i)
            out.append((i, j, *_fewest_clitics([(c[2], c[3].term) for c in group]), TRANSLIT))
        return out


def _fewest_clitics(readings: Sequence[tuple[str, Term]]) -> tuple[str, tuple[Term, ...]]:
    """Of the (clitics, term) readings of one span, the fewest clitics and, read so, one term per
    distinct target (several: the span is ambiguous)."""
    fewest = min(len(c) for c, _ in readings)
    by_target: dict[str, Term] = {}
    for clitics, term in readings:
        if len(clitics) == fewest:
            by_target.setdefault(term.target, term)
    return next(c for c, _ in readings if len(c) == fewest), tuple(by_target.values())


def _readings(word: str) -> list[tuple[str, str]]:
    """The (clitics, stem) readings of a text word; a one-character word (a digit: "5 أبريل")
    is its own only reading, which :func:`stems` leaves out (no clitic word is that short)."""
    return list(stems(word)) or [("", canonical(word))]
