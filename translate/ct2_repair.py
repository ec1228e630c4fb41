"""Glossary enforcement on CTranslate2: the n-best pick, then repair rounds over the model's own output.

CTranslate2 has no logits hook, so a required term is enforced after decoding: first the
best hypothesis of the n-best list that has every term (any approved alternative of a term
counts); else, one missing term per round, its first (forced) rendering
the term is put in place of the model's own rendering of it ("Dang Hoang Jiang"), or,
where there is none, inserted where the model scores it best and the rest decoded again
from that ``target_prefix`` (``docs/glossary.md``). :class:`TermRepair` does both for the
CTranslate2 backend; :func:`repair_spans` decides where a term may go.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from tarjama.glossary.check import OPENERS, Required, check_hypothesis, renderings

WORD_START = "\u2581"  # SentencePiece's word-boundary mark
# Glossary repair (see repair_spans): a run of words at least this similar to a missing term
# (rapidfuzz ratio, 0-100) is taken for the model's own spelling of it: misspelt names score
# 88-94 ("Jiang"/"Giang", "Tha"/"The"), unrelated words of the same length under 60.
SPELLING_SIMILARITY = 70
SPELLING_CANDIDATES = 2  # best-matching runs (not overlapping) tried, each replaced by the term
PUNCTUATION = ".,;:!?\"'()[]«»“”‘’"
MAX_INSERT_SPOTS = 16  # places tried when nothing in the output looks like the term
TERM_SLACK = 8  # extra output tokens a forced term may need


@dataclass
class _Repair:
    """A sentence whose glossary terms the n-best list did not satisfy, and its current best output."""

    k: int
    src: list[str]
    budget: int
    required: list[Required]
    hyp: list[str]
    ban: list[list[str]] = field(default_factory=list)  # target pieces decoding must not write

    def missing_term(self, text: str) -> str | None:
        """The forced rendering of the first term (source order) the text misses."""
        missing = check_hypothesis(self.required, text).missing
        return next((f for f in self.forced if f in missing), None)

    @property
    def forced(self) -> list[str]:
        """Each required occurrence's forced (first) rendering, in source order."""
        return [renderings(t)[0] for t in self.required]

    def keep(self, term: str) -> list[str]:
        """The other terms' forced renderings, which a repair of ``term`` leaves whole (one
        inside ``term`` may be replaced with it: "Hanoi" in "Hanoi Convention")."""
        return [f for f in self.forced if f != term]

    @property
    def alternatives(self) -> list[str]:
        """Every alternative rendering of the sentence's terms: one the model wrote is never
        replaced by a forced term, even one it stands inside ("Saudi" in "Saudi Arabia")."""
        return list(dict.fromkeys(a for t in self.required for a in renderings(t)[1:]))


class TermRepair:
    """Picks, per sentence of a batch, the output that best carries its required terms.

    ``translator``: the ``ctranslate2.Translator``; ``target``: the target SentencePiece model;
    ``decode``: pieces -> text as the backend writes it; ``hard_max``: the position limit an
    output must stay under; ``per_worker``: sentences per scoring batch; ``parts``: how many
    pieces a call is cut into (the backend's ``CpuLayout.parts``: the output depends on it). ``term_stats``
    counts sentences met by the n-best list, repaired, and still missing a term.
    """

    def __init__(
        self,
        translator: Any,  # ctranslate2.Translator (untyped)
        target: Any,  # sentencepiece.SentencePieceProcessor
        decode: Callable[[Sequence[str]], str],
        beam: int,
        hard_max: int,
        per_worker: int,
        parts: int = 1,
    ) -> None:
        self.translator = translator
        self.parts = parts
        self._tgt = target
        self.decode = decode
        self.beam = beam
        self.hard_max = hard_max
        self.per_worker = per_worker
        self.term_stats: Counter[str] = Counter()  # n_best / repaired / unresolved sentences
        # repaired sentences settled by the one-pass splice / left to the rounds
        self.repair_stats: Counter[str] = Counter()

    def choose(
        self,
        batch: list[list[str]],
        owed: list[list[Required]],
        budgets: list[int],
        results: list[list[list[str]]],
        bans: Sequence[list[list[str]]] = (),
    ) -> list[list[str]]:
        """Per sentence, the pieces to output: its best hypothesis, unless it owes terms that
        the n-best list (step 1), the one-pass splice (step 2) or the repair rounds (step 3)
        can supply."""
        chosen = [hyps[0] for hyps in results]
        repair = [
            _Repair(k, batch[k], budgets[k], owed[k], hyps[0], list(bans[k]) if bans else [])
            for k, hyps in enumerate(results)
            if owed[k] and not self._pick_n_best(owed[k], hyps, chosen, k)
        ]
        left = self._splice_all(repair)
        self.repair_stats += Counter(one_pass=len(repair) - len(left), fallback=len(left))
        for _ in range(max((len(r.required) for r in left), default=0)):
            todo = [r for r in left if r.missing_term(self.decode(r.hyp))]
            if not todo:
                break
            self._repair_round(todo)
        for r in repair:
            chosen[r.k] = r.hyp
            ok = not r.missing_term(self.decode(r.hyp))
            self.term_stats["repaired" if ok else "unresolved"] += 1
        return chosen

    def _splice_all(self, repair: list[_Repair]) -> list[_Repair]:
        """Glossary step 2: every missing term of every sentence put in at once, then what follows
        the last one inserted decoded again, all sentences in one call per set of bans. Returns
        the sentences it could not settle, each left at the output the rounds should start from.
        """
        spliced = [self._splice(r) for r in repair]
        # a prefix comes only with a candidate (_splice gives None, [] when none fits)
        jobs = [(n, cand, prefix) for n, (cand, prefix) in enumerate(spliced) if cand is not None and prefix]
        decoded = self._continue(
            [repair[n] for n, _, _ in jobs],
            [prefix for _, _, prefix in jobs],
            [len(cand) for _, cand, _ in jobs],
        )
        options: list[list[list[str]]] = [[cand] if cand else [] for cand, _ in spliced]
        for (n, _, _), hyp in zip(jobs, decoded, strict=True):
            if hyp is not None:
                options[n].insert(0, hyp)  # the model's own continuation first
        left = []
        for r, opts in zip(repair, options, strict=True):
            before = check_hypothesis(r.required, self.decode(r.hyp))
            allowed = sum(before.duplicated.values())  # the model's own, no repair takes them out
            fit = None
            for cand in opts:
                check = check_hypothesis(r.required, self.decode(cand))
                if not check.missing and sum(check.duplicated.values()) <= allowed:
                    fit = cand
                    break
            if fit is not None:
                r.hyp = fit
            else:
                # the rounds go on from the splice when it only left terms out, else start over
                usable = [c for c in opts if not check_hypothesis(r.required, self.decode(c)).duplicated]
                if usable and not before.duplicated:
                    r.hyp = usable[0]
                left.append(r)
        return left

    def _splice(self, r: _Repair) -> tuple[list[str] | None, list[str]]:
        """One sentence's output with every missing term in: (candidate or None when it would not
        fit the positions, the ``target_prefix`` to decode the rest from, or [] when nothing
        follows an inserted term).

        A term the model wrote otherwise (``rendering_spans``) takes that rendering's place;
        the others are inserted. Terms come in source order, so the i-th of n is taken to sit
        at the i-th share of the sentence and goes before the first word that far into the
        output (a monotone alignment: never before a term put in ahead of it).
        """
        hyp = r.hyp
        check = check_hypothesis(r.required, self.decode(hyp))
        owed = dict(check.missing)
        # which occurrences are owed: the last ones of each term, in source order
        slots: list[tuple[int, str]] = []
        forced = r.forced
        for i in range(len(forced) - 1, -1, -1):
            t = forced[i]
            if owed.get(t, 0) > 0:
                owed[t] -= 1
                slots.append((i, t))
        slots.reverse()
        edits: list[tuple[int, int, int, str]] = []  # (start, end, source-order index, term)
        taken: list[tuple[int, int]] = []
        inserts: list[tuple[int, str]] = []
        for t in dict.fromkeys(t for _, t in slots):
            mine = [i for i, u in slots if u == t]
            keep = r.keep(t)
            spans = [
                (a, b)
                for a, b in rendering_spans(hyp, t, self.decode, keep, r.alternatives)
                if all(b <= sa or sb <= a for sa, sb in taken)
            ][: len(mine)]
            for i, (a, b) in zip(mine, sorted(spans), strict=False):
                edits.append((a, b, i, t))
                taken.append((a, b))
            inserts += [(i, t) for i in mine[len(spans) :]]
        if inserts:
            total = max(1, len(r.required))
            spot = 0
            for i, t in sorted(inserts):
                spots = [
                    a
                    for a in insertion_spots(hyp, t, self.decode, r.keep(t), r.alternatives)
                    if a >= spot and not any(ta < a < tb for ta, tb in taken)
                ] or [len(hyp)]
                share = (i + 0.5) / total * len(hyp)
                spot = next((a for a in spots if a >= share), spots[-1])
                edits.append((spot, spot, i, t))
        out: list[str] = []
        pos, last_insert, last_end = 0, -1, 0
        for a, b, _, t in sorted(edits):
            out += hyp[pos:a]
            out += self._after_opener(out[-1] if out else "", self._tgt.encode(t, out_type=str))
            pos = max(pos, b if b > a else a)
            last_end = len(out)
            if a == b:
                last_insert = len(out)
        out += hyp[pos:]
        if len(out) >= self.hard_max:  # no room for EOS within the positions
            return None, []
        # inserted, not at the very end: the rest is decoded again from the term and the word
        # that stood there (so no letters get glued onto it), where the model's own rendering
        # of the term may stand (a replaced rendering leaves nothing to drop)
        prefix = out[: max(last_insert, last_end) + 1] if 0 <= last_insert < len(out) else []
        return out, prefix

    def _continue(
        self, todo: list[_Repair], prefixes: list[list[str]], lengths: list[int]
    ) -> list[list[str] | None]:
        """Each sentence decoded on from its ``target_prefix``: one asynchronous call per set of
        forbidden renderings (CTranslate2 suppresses them for a whole call) and length limit
        (a call's limit is shared, and a sentence's output must not depend on which others
        share its batch: ``translate`` and ``batch`` group sentences differently), split over
        the workers; None where the output would not fit the positions."""
        out: list[list[str] | None] = [None] * len(todo)
        groups: dict[tuple, list[int]] = {}
        for j, r in enumerate(todo):
            limit = min(self.hard_max - 1, max(r.budget - 1, lengths[j] + TERM_SLACK))
            groups.setdefault((limit, tuple(map(tuple, r.ban))), []).append(j)
        pending: list[tuple[int, Any]] = []  # (sentence, CTranslate2 asynchronous result)
        workers = max(1, self.parts)
        for (limit, ban), members in groups.items():
            extra = {"suppress_sequences": list(map(list, ban))} if ban else {}
            handles = self.translator.translate_batch(
                [todo[j].src for j in members],
                target_prefix=[prefixes[j] for j in members],
                beam_size=self.beam,
                max_decoding_length=limit,
                max_input_length=0,
                max_batch_size=max(1, -(-len(members) // workers)),
                asynchronous=True,
                **extra,
            )
            pending += zip(members, handles, strict=True)
        for j, handle in pending:
            hyp = list(handle.result().hypotheses[0])
            if len(hyp) < self.hard_max:
                out[j] = hyp
        return out

    def _pick_n_best(self, required: list[Required], hyps: list[list[str]], chosen: list, k: int) -> bool:
        """Glossary step 1: the best hypothesis of the n-best list whose post-check passes."""
        for hyp in hyps:
            if check_hypothesis(required, self.decode(hyp)).ok:
                chosen[k] = hyp
                self.term_stats["n_best"] += 1
                return True
        return False

    def _repair_round(self, todo: list[_Repair]) -> None:
        """Glossary step 2, one missing term per sentence; all sentences share each model call.

        a. Put the term where ``repair_spans`` says (over a misspelt rendering of it, or at a
           word start) and let the model score each candidate: the best wins (no decoding).
        b. Where the term was inserted, force the output up to that place, the term and the
           word that stood there (so no letters get glued onto the term) as a ``target_prefix``
           and decode the rest, so the model can drop its own rendering that may follow.
        The candidate with the fewest missing and duplicated terms, then the best mean
        log-probability, becomes the sentence's output.
        """
        wanted = [r.missing_term(self.decode(r.hyp)) or "" for r in todo]
        terms = [self._tgt.encode(t, out_type=str) for t in wanted]
        inserted: list[list[list[str]]] = []
        # per sentence: candidate -> where an inserted term ends (None: it replaced a rendering)
        term_end: list[dict[tuple[str, ...], int | None]] = []
        for r, text, term in zip(todo, wanted, terms, strict=True):
            ends: dict[tuple[str, ...], int | None] = {}
            for a, b in repair_spans(r.hyp, text, self.decode, r.keep(text), r.alternatives):
                placed = self._after_opener(r.hyp[a - 1] if a else "", term)
                joined = (*r.hyp[:a], *placed, *r.hyp[b:])
                if len(joined) < self.hard_max:  # scoring needs room for EOS within the positions
                    ends.setdefault(joined, a + len(placed) if a == b else None)
            inserted.append([list(c) for c in ends])
            term_end.append(ends)
        best = self._best_candidates(todo, inserted)
        sources, prefixes, owners, limit = [], [], [], 0
        for n, r in enumerate(todo):
            cand = best.get(n)
            if cand is None:
                continue
            end = term_end[n][tuple(cand)]
            # inserted, not at the very end: re-decode what follows, where the model's own
            # rendering of the term may stand (a replaced rendering leaves nothing to drop)
            if end is not None and end < len(cand):
                sources.append(r.src)
                prefixes.append(cand[: end + 1])
                owners.append(n)
                limit = max(limit, min(self.hard_max - 1, max(r.budget - 1, len(cand) + TERM_SLACK)))
        decoded: list[list[list[str]]] = [
            [c] if (c := best.get(n)) is not None else [] for n in range(len(todo))
        ]
        # one call per set of forbidden renderings (CTranslate2 suppresses them for a whole call)
        groups: dict[tuple, list[int]] = {}
        for j, n in enumerate(owners):
            groups.setdefault(tuple(map(tuple, todo[n].ban)), []).append(j)
        for ban, members in groups.items():
            extra = {"suppress_sequences": list(map(list, ban))} if ban else {}
            results = self.translator.translate_batch(
                [sources[j] for j in members],
                target_prefix=[prefixes[j] for j in members],
                beam_size=self.beam,
                max_decoding_length=limit,
                max_input_length=0,
                **extra,
            )
            for j, res in zip(members, results, strict=True):
                if len(res.hypotheses[0]) < self.hard_max:
                    decoded[owners[j]].append(res.hypotheses[0])
        for n, cand in self._best_candidates(todo, decoded).items():
            todo[n].hyp = cand

    def _after_opener(self, previous: str, term: list[str]) -> list[str]:
        """The term's pieces glued to an opening bracket or quote before it, as SentencePiece
        writes "(Hanoi" ("▁(", "Hanoi"), when the vocabulary has the unmarked piece."""
        mark = previous.removeprefix(WORD_START)
        if not (mark and all(c in OPENERS for c in mark) and term and term[0].startswith(WORD_START)):
            return term
        glued = term[0].removeprefix(WORD_START)
        if not glued or self._tgt.piece_to_id(glued) == self._tgt.unk_id():
            return term
        return [glued, *term[1:]]

    def _best_candidates(
        self, todo: list[_Repair], candidates: list[list[list[str]]]
    ) -> dict[int, list[str]]:
        """Per sentence: fewest missing + duplicated terms, then best mean log-probability (one score call)."""
        flat = [(n, c) for n, cands in enumerate(candidates) for c in cands]
        if not flat:
            return {}
        # in batches, as decoding is: one batch of hundreds of long candidates is several
        # times slower (padding) and leaves all but one worker idle
        pending = self.translator.score_batch(
            [todo[n].src for n, _ in flat],
            [c for _, c in flat],
            max_batch_size=self.per_worker,
            max_input_length=0,
            asynchronous=True,
        )
        scores = [p.result() for p in pending]
        best: dict[int, tuple[tuple[int, float], list[str]]] = {}
        for (n, cand), score in zip(flat, scores, strict=True):
            check = check_hypothesis(todo[n].required, self.decode(cand))
            logp = score.log_probs
            key = (
                sum(check.missing.values()) + sum(check.duplicated.values()),
                -sum(logp) / max(1, len(logp)),
            )
            if n not in best or key < best[n][0]:
                best[n] = (key, cand)
        return {n: cand for n, (_, cand) in best.items()}


def repair_spans(
    hyp: Sequence[str],
    term: str,
    decode: Callable[[Sequence[str]], str],
    keep: Sequence[str] = (),
    whole: Sequence[str] = (),
) -> list[tuple[int, int]]:
    """Where a missing term may go in ``hyp``: (start, end) piece spans that the term replaces.

    A model that misses a term has usually written it otherwise ("Dang Hoang Jiang" for
    "Dang Hoang Giang", "Hanoi Agreement" for "Hanoi Convention"): the runs of whole words most
    like the term (``rendering_spans``) are replaced by it. When nothing looks like the term, it
    may go before any word or at the end, at most MAX_INSERT_SPOTS places spread over the
    output, since each candidate costs a full scoring pass.
    """
    spans = rendering_spans(hyp, term, decode, keep, whole)
    if spans:
        return spans
    spots = insertion_spots(hyp, term, decode, keep, whole)
    if len(spots) > MAX_INSERT_SPOTS:
        spots = _spread(spots, MAX_INSERT_SPOTS)
    return [(i, i) for i in spots]


def _word_bounds(hyp: Sequence[str]) -> list[int]:
    """Piece indices where a word starts, and the end."""
    starts = [i for i, piece in enumerate(hyp) if piece.startswith(WORD_START)] or [0]
    return [*starts, len(hyp)]


def _kept_spans(
    hyp: Sequence[str],
    term: str,
    decode: Callable[[Sequence[str]], str],
    keep: Sequence[str],
    whole: Sequence[str] = (),
) -> list[tuple[int, int]]:
    """Piece spans no repair of ``term`` may break: the sentence's other terms (``keep``), the
    occurrences of ``term`` already written (owed twice, written once: that one stays whole)
    and approved alternatives the model wrote (``whole``: "Saudi" for "Saudi Arabia|Saudi" is
    never made "Saudi Arabia", even inside it). A kept term inside the missing one ("Hanoi"
    in "Hanoi Convention") survives a replacement."""
    bounds, words = _words(hyp, decode)
    protect = [*(k for k in keep if k not in term), term, *(w for w in whole if w != term)]
    # the words joined once; each occurrence of a kept term maps back to the words it covers
    text = " ".join(words)
    word_at = [w for w, word in enumerate(words) for _ in range(len(word) + 1)]
    out = []
    for k in dict.fromkeys(protect):
        n = len(k.split())
        start = text.find(k)
        while start >= 0 and k:
            first = word_at[start]
            last = max(first + n, word_at[min(start + len(k), len(text)) - 1] + 1)
            for w in range(max(0, last - n), min(first, len(words) - n) + 1):
                out.append((bounds[w], bounds[w + n]))  # every n-word run holding it, as before
            start = text.find(k, start + 1)
    return out


_WORDS_CACHE: dict[tuple[Callable, tuple[str, ...]], tuple[list[int], list[str]]] = {}


def _words(hyp: Sequence[str], decode: Callable[[Sequence[str]], str]) -> tuple[list[int], list[str]]:
    """Word bounds and each word's text: a run of words reads as its words joined by spaces,
    without decoding every run again (the repair looks at thousands of runs per batch). The
    last few outputs are remembered: each missing term of a sentence looks at the same one."""
    key = (decode, tuple(hyp))  # the callable itself: an id could be reused by another backend
    hit = _WORDS_CACHE.get(key)
    if hit is None:
        bounds = _word_bounds(hyp)
        hit = bounds, [decode(hyp[a:b]) for a, b in itertools.pairwise(bounds)]
        if len(_WORDS_CACHE) > 256:
            _WORDS_CACHE.clear()
        _WORDS_CACHE[key] = hit
    return hit


def _breaks(kept: Sequence[tuple[int, int]], a: int, b: int) -> bool:
    if a == b:  # an insertion breaks a term it lands inside
        return any(ka < a < kb for ka, kb in kept)
    return any(a < kb and ka < b for ka, kb in kept)


def rendering_spans(
    hyp: Sequence[str],
    term: str,
    decode: Callable[[Sequence[str]], str],
    keep: Sequence[str] = (),
    whole: Sequence[str] = (),
) -> list[tuple[int, int]]:
    """The model's own renderings of a missing term in ``hyp``, likeliest first: runs of whole
    words most like it (``_likeness`` >= SPELLING_SIMILARITY), at most SPELLING_CANDIDATES, not
    overlapping, brackets and quotes around them left out. A run holding one of the sentence's
    other terms (``keep``: "United Nations Convention against Cybercrime" looks like "United
    Nations Convention against Transnational Organized Crime") is never one."""
    bounds, words = _words(hyp, decode)
    kept = _kept_spans(hyp, term, decode, keep, whole)
    width = len(term.split())
    found: list[tuple[float, int, int]] = []
    for n in {max(1, width - 1), width, width + 1}:
        for w in range(len(bounds) - n):
            a, b = bounds[w], bounds[w + n]
            similarity = _likeness(" ".join(words[w : w + n]), term)
            if similarity >= SPELLING_SIMILARITY and not _breaks(kept, a, b):
                found.append((similarity, a, b))
    spans: list[tuple[int, int]] = []
    for _, a, b in sorted(found, key=lambda f: -f[0]):  # the likeliest renderings, not overlapping
        if len(spans) < SPELLING_CANDIDATES and all(b <= sa or sb <= a for sa, sb in spans):
            while b - 1 > a and not hyp[b - 1].strip(WORD_START + PUNCTUATION):
                b -= 1  # "Agreement" ")" ".": the closing marks stay
            while a + 1 < b and not hyp[a].strip(WORD_START + PUNCTUATION):
                a += 1  # "(" "Hanoi": so does the opening one
            spans.append((a, b))
    return spans


def insertion_spots(
    hyp: Sequence[str],
    term: str,
    decode: Callable[[Sequence[str]], str],
    keep: Sequence[str] = (),
    whole: Sequence[str] = (),
) -> list[int]:
    """Every place a term may be inserted: before a word or at the end, never inside a kept term."""
    kept = _kept_spans(hyp, term, decode, keep, whole)
    return [i for i in _word_bounds(hyp) if not _breaks(kept, i, i)]


def _likeness(text: str, term: str) -> float:
    """How much ``text`` looks like ``term`` written otherwise (0-100): character similarity, or,
    for a name of several words, the share of its words found in place ("Hanoi Agreement" is a
    rendering of "Hanoi Convention", though only 58% alike by characters)."""
    # below the cutoff the exact figure does not matter: rapidfuzz stops early and says 0
    similarity = fuzz.ratio(text.lower(), term.lower(), score_cutoff=SPELLING_SIMILARITY)
    theirs = term.lower().split()
    if len(theirs) < 2 or similarity >= SPELLING_SIMILARITY:
        return similarity
    core = text.strip(PUNCTUATION + " ")
    mine = core.lower().split()
    # in place: "Hanoi (Hanoi" shares a word with "Hanoi Convention" but is two things
    if len(mine) == len(theirs) and not any(c in PUNCTUATION for c in core):
        same = sum(x == y for x, y in zip(mine, theirs, strict=True))
        if 2 * same >= len(theirs):
            similarity = max(similarity, SPELLING_SIMILARITY)
    return similarity


def _spread(items: list[int], k: int) -> list[int]:
    """``k`` items evenly spaced over ``items``, first and last included."""
    return [items[round(j * (len(items) - 1) / (k - 1))] for j in range(k)]
