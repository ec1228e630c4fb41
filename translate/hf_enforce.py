"""Decoding-time term enforcement for the transformers backend (v5 has no constrained beam search offline).

:class:`TermEnforcer` is a ``LogitsProcessor``. Every hypothesis (beam row) carries a small
state machine, derived from its own tokens, so beams can be reordered freely:

- **free**: the model writes what it wants, except that it may not end the sentence
  (EOS) while a required term is still owed and may not write a term again once it has
  written it as often as the source has it (no duplicates: the last token of a
  multi-word term is banned; a one-word term may only go on into a longer word, so
  "Vietnam" already written still allows "Vietnamese", once per source occurrence, so
  a model stuck on the term cannot fill the sentence with "Vietnam…" words).
- **trigger**: when the model writes the whole first word of a term it still owes
  (e.g. "Dang" of "Dang Hoang Giang"), the term has started: the enforcer commits.
- **committed**: the remaining tokens are forced. When several owed terms share what was
  written so far ("Hanoi" / "Hanoi Convention"), the model picks among their next tokens,
  and may stop after a complete one.
- **word boundary**: an occurrence counts only as a whole word. When the trigger word
  is already a complete term ("Vietnam", or "Hanoi" with "Hanoi Convention" also owed),
  the model may still glue letters on ("Vietnam" + "ese"): that was a longer word, not
  the term, which stays owed. Once the enforcer has forced anything (the rest of a
  name, or a term at the deadline), gluing is banned so the forced term stands.
- **deadline**: the sentence's token budget is known; when the tokens still owed fill
  every remaining slot, the next owed term (source order) is started by force. This is
  what makes enforcement a guarantee rather than luck, even with a random-weight model.

Terms are the canonical target-side tokenisation of each approved English form; counts
are per source occurrence, so every term appears exactly once per occurrence. A term with
alternative approved forms ("Saudi Arabia|Saudi") has a spelling for each: whichever the
model writes triggers and pays for it, and the deadline forces the first. The final
word is :func:`tarjama.glossary.check_hypothesis` on the decoded text (the post-check).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from transformers import LogitsProcessor, PreTrainedTokenizerBase

from tarjama.glossary.check import OPENERS, Required, renderings

WORD_START = "▁"  # SentencePiece's word-boundary mark
UNK = "<unk>"


@dataclass(frozen=True)
class TermPlan:
    """What one sentence owes. A *term* is a distinct required term (its approved renderings);
    a *spelling* is one token sequence that writes it (each rendering as approved, capitalised
    when it opens with a lowercase letter, so "Signing ceremony" at a sentence start counts and
    is not written twice, and each of those right after an opening bracket or quote). A
    spelling two terms share is listed for each (whichever is owed takes it).
    """

    terms: tuple[tuple[int, ...], ...]  # token ids per spelling
    owner: tuple[int, ...]  # spelling -> term
    canon: tuple[int, ...]  # term -> its approved spelling (what the deadline writes)
    counts: tuple[int, ...]  # required occurrences per term
    order: tuple[int, ...]  # term per source occurrence, in source order (deadline order)
    first_word: tuple[int, ...]  # tokens in each spelling's first word (trigger length)
    # Lookups so a decoding step only looks at the spellings the last token can concern:
    by_trigger: dict[int, tuple[int, ...]] = field(
        default_factory=dict, compare=False
    )  # first word's last token
    by_before_last: dict[int | None, tuple[int, ...]] = field(default_factory=dict, compare=False)  # toks[-2]

    @property
    def needed(self) -> int:
        return sum(len(self.terms[self.canon[o]]) * c for o, c in enumerate(self.counts))


def make_plan(
    required: Sequence[Required], encode: Callable[[str], Sequence[int]], piece_of: Callable[[int], str]
) -> TermPlan:
    """``encode(text) -> ids`` without specials; ``piece_of(id) -> str`` for word boundaries."""
    slots = [renderings(r) for r in required]
    distinct = list(dict.fromkeys(slots))
    terms: list[tuple[int, ...]] = []
    owner: list[int] = []
    canon: list[int] = []
    # a spelling two terms share (an alternative of one, the rendering of another) is listed
    # once per term: whichever of them is still owed takes it
    mine: set[tuple[tuple[int, ...], int]] = set()
    for o, approved in enumerate(distinct):
        forced = tuple(encode(approved[0]))
        spellings = []
        for target in approved:
            spellings.append(target)
            if target[:1].islower():
                spellings.append(target[0].upper() + target[1:])
        for text in spellings:
            plain = tuple(encode(text))
            found = [plain]
            # After an opening bracket or quote the first word is a different token sequence
            # ("(Hanoi" is "▁(" + "Hanoi", not "▁(" + "▁Hanoi"): without these spellings a term
            # written in brackets goes unseen, stays owed, and the model is kept from ending.
            for opener in OPENERS:
                glued = tuple(encode(opener + text))
                if glued[-len(plain) :] != plain and not any(piece_of(t) == UNK for t in glued):
                    found.append(glued)
            for toks in found:
                if toks and (toks, o) not in mine:
                    mine.add((toks, o))
                    terms.append(toks)
                    owner.append(o)
        # what the deadline writes: the first rendering's own spelling
        canon.append(next(k for k, toks in enumerate(terms) if toks == forced and owner[k] == o))
    first_word = []
    for toks in terms:
        n = 1
        while n < len(toks) and not piece_of(toks[n]).startswith(WORD_START):
            n += 1
        first_word.append(n)
    by_trigger: defaultdict[int, list[int]] = defaultdict(list)
    by_before_last: defaultdict[int | None, list[int]] = defaultdict(list)
    for k, toks in enumerate(terms):
        by_trigger[toks[first_word[k] - 1]].append(k)
        by_before_last[toks[-2] if len(toks) > 1 else None].append(k)
    return TermPlan(
        tuple(terms),
        tuple(owner),
        tuple(canon),
        tuple(slots.count(t) for t in distinct),
        tuple(distinct.index(t) for t in slots),
        tuple(first_word),
        {t: tuple(ks) for t, ks in by_trigger.items()},
        {t: tuple(ks) for t, ks in by_before_last.items()},
    )


@dataclass
class _State:
    owed: tuple[int, ...]  # remaining count per term (not per spelling)
    spare: tuple[int, ...]  # longer words an exhausted term may still start, per term (one per occurrence)
    span: tuple[int, ...] = ()  # tokens of the committed term so far
    cands: frozenset[int] = frozenset()  # terms consistent with span (committed mode)
    just_done: bool = False  # a term ended on the previous token: no glued letters now
    forced: bool = False  # the committed span was started by the deadline, not the model
    must_glue: bool = False  # an exhausted one-word term was written: only a longer word may follow
    done: bool = False  # EOS seen
    # decisions taken at this step, needed to read the next token correctly:
    stop_now: bool = False  # the committed span ends here (deadline)
    deadline_pick: int | None = None  # the next token starts this term by force


class TermEnforcer(LogitsProcessor):
    def __init__(
        self,
        plans: Sequence[TermPlan | None],
        budgets: Sequence[int],
        num_beams: int,
        eos_token_id: int,
        pad_token_id: int,
        continuation_ids: Sequence[int],
        prompt_len: int = 1,
    ) -> None:
        self.plans = list(plans)
        self.budgets = list(budgets)
        self.num_beams = num_beams
        self.eos = eos_token_id
        self.pad = pad_token_id
        self._continuation_list = sorted(set(continuation_ids))
        self.continuation = torch.tensor(self._continuation_list, dtype=torch.long)
        self._continuation_set = frozenset(continuation_ids)
        self.prompt_len = prompt_len
        self._states: dict[tuple[int, tuple[int, ...]], _State] = {}

    # --- state machine ---------------------------------------------------------------

    @staticmethod
    def _finish(s: _State, plan: TermPlan) -> _State:
        """Close the committed span as its shortest complete candidate."""
        owed = list(s.owed)
        complete = [k for k in s.cands if len(plan.terms[k]) == len(s.span)]
        if complete:
            owed[plan.owner[min(complete)]] -= 1
        return _State(owed=tuple(owed), spare=s.spare, just_done=True)

    @staticmethod
    def _escapable(s: _State, plan: TermPlan) -> bool:
        """The model's own trigger word is a whole term and nothing was forced: it may still grow
        into a longer word. Not once the rest of a name must be forced: with a forced token the
        model dislikes ahead, beam search would take glued letters as a way round the term."""
        return (
            not s.forced
            and all(len(s.span) == plan.first_word[k] for k in s.cands)
            and any(len(plan.terms[k]) == len(s.span) for k in s.cands)
        )

    @staticmethod
    def _close_if_final(s: _State, plan: TermPlan) -> _State:
        """A committed span that is complete and cannot grow into another candidate ends now,
        unless it is still escapable: then the next token says whether it was a whole word."""
        if all(len(plan.terms[k]) == len(s.span) for k in s.cands) and not TermEnforcer._escapable(s, plan):
            return TermEnforcer._finish(s, plan)
        return s

    def _step(self, s: _State, tok: int, seq: tuple[int, ...], plan: TermPlan) -> _State:
        """The state after appending ``tok`` (``seq``, the generated tokens, already ends with it)."""
        if s.done or tok in (self.eos, self.pad):
            return _State(owed=s.owed, spare=s.spare, done=True)
        pick = s.deadline_pick
        if s.cands:  # committed
            n = len(s.span)
            nxt = frozenset(k for k in s.cands if len(plan.terms[k]) > n and plan.terms[k][n] == tok)
            if nxt and not s.stop_now:
                grown = _State(owed=s.owed, spare=s.spare, span=(*s.span, tok), cands=nxt, forced=s.forced)
                return self._close_if_final(grown, plan)
            if tok in self._continuation_set and self._escapable(s, plan):
                return _State(owed=s.owed, spare=s.spare)  # a longer word ("Vietnam|ese"): not an occurrence
            s = self._finish(s, plan)  # the model (or the deadline) stopped after a complete candidate
        if pick is not None and tok == plan.terms[pick][0]:
            started = _State(owed=s.owed, spare=s.spare, span=(tok,), cands=frozenset({pick}), forced=True)
            return self._close_if_final(started, plan)
        # trigger: the whole first word of an owed term was just written
        concerned = plan.by_trigger.get(tok, ())
        hits = [
            k
            for k in concerned
            if s.owed[plan.owner[k]] > 0
            and len(seq) >= plan.first_word[k]
            and seq[-plan.first_word[k] :] == plan.terms[k][: plan.first_word[k]]
        ]
        if hits:
            w = max(plan.first_word[k] for k in hits)
            cands = frozenset(k for k in hits if plan.first_word[k] == w)
            return self._close_if_final(_State(owed=s.owed, spare=s.spare, span=seq[-w:], cands=cands), plan)
        for k in concerned:
            o, toks = plan.owner[k], plan.terms[k]
            if s.owed[o] == 0 and plan.first_word[k] == len(toks) and seq[-len(toks) :] == toks:
                spare = tuple(n - (i == o) for i, n in enumerate(s.spare))
                return _State(owed=s.owed, spare=spare, must_glue=True)
        return _State(owed=s.owed, spare=s.spare)

    def _replay(self, seq: tuple[int, ...], plan: TermPlan, budget: int) -> _State:
        """State of a sequence not seen at the previous step (first step, or a cache miss)."""
        s = _State(owed=plan.counts, spare=plan.counts)
        for i in range(len(seq)):
            self._decide(s, seq[:i], plan, budget - 1 - i)
            s = self._step(s, seq[i], seq[: i + 1], plan)
        return s

    # --- decisions -------------------------------------------------------------------

    @staticmethod
    def _needed(s: _State, plan: TermPlan) -> int:
        need = sum(len(plan.terms[plan.canon[o]]) * c for o, c in enumerate(s.owed))
        if s.cands:
            shortest = min(len(plan.terms[k]) for k in s.cands)
            need = max(need - len(s.span), shortest - len(s.span))
        return need

    def _decide(
        self, s: _State, seq: tuple[int, ...], plan: TermPlan, slots: int
    ) -> tuple[list[int] | None, list[int], bool, bool]:
        """(allowed ids or None, banned ids, ban_eos, ban_glue); records deadline decisions on ``s``."""
        s.stop_now, s.deadline_pick = False, None
        cur = s
        if s.cands:
            n = len(s.span)
            nexts = sorted({plan.terms[k][n] for k in s.cands if len(plan.terms[k]) > n})
            complete = any(len(plan.terms[k]) == n for k in s.cands)
            tight = self._needed(s, plan) >= slots
            escapable = self._escapable(s, plan)
            if not complete:
                if tight:  # no room to explore: follow the shortest candidate
                    k = min(s.cands, key=lambda c: (len(plan.terms[c]), c))
                    return [plan.terms[k][n]], [], True, False
                return nexts, [], True, False
            if not tight:  # continue into a longer candidate, or stop here (gluing letters only if escapable)
                others = {
                    t[n]
                    for j, t in enumerate(plan.terms)
                    if j not in s.cands and len(t) > n and t[:n] == s.span
                }
                glue = not escapable and not any(t in self._continuation_set for t in nexts)
                return None, sorted(others - set(nexts)), sum(s.owed) > 1, glue
            s.stop_now = True  # tight: end the term here and start the next owed one
            cur = self._finish(s, plan)
        owed_total = sum(cur.owed)
        if cur.must_glue and slots > 1:
            return self._continuation_list, [], True, False
        if owed_total and self._needed(cur, plan) >= slots:
            k = plan.canon[next(o for o in plan.order if cur.owed[o] > 0)]
            s.deadline_pick = k
            return [plan.terms[k][0]], [], True, False
        banned = []
        concerned = plan.by_before_last.get(None, ()) + (plan.by_before_last.get(seq[-1], ()) if seq else ())
        for k in concerned:
            toks = plan.terms[k]
            # an exhausted multi-word term may not be completed again (no duplicates); a one-word
            # term may, but only as the start of a longer word (must_glue, next step)
            if plan.first_word[k] == len(toks) and cur.spare[plan.owner[k]] > 0 and slots > 2:
                continue
            if cur.owed[plan.owner[k]] == 0 and (len(toks) == 1 or seq[-(len(toks) - 1) :] == toks[:-1]):
                banned.append(toks[-1])
        if banned:  # ...unless that token completes the first word of a term still owed
            triggers = {
                toks[plan.first_word[k] - 1]
                for k, toks in enumerate(plan.terms)
                if cur.owed[plan.owner[k]] > 0
                and (
                    plan.first_word[k] == 1
                    or seq[-(plan.first_word[k] - 1) :] == toks[: plan.first_word[k] - 1]
                )
            }
            banned = [b for b in banned if b not in triggers]
        return None, banned, owed_total > 0, cur.just_done

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        rows = input_ids.tolist()
        generated = input_ids.shape[1] - self.prompt_len
        states: dict[tuple[int, tuple[int, ...]], _State] = {}  # (sentence, tokens) -> state
        forced: list[tuple[int, list[int]]] = []
        bans: list[tuple[int, int]] = []
        no_eos: list[int] = []
        no_glue: list[int] = []
        p = self.prompt_len
        for r, row in enumerate(rows):
            b = r // self.num_beams
            plan = self.plans[b]
            if plan is None:
                continue
            seq = tuple(row)
            budget = self.budgets[b]
            s = states.get((b, seq))
            if s is None:
                parent = self._states.get((b, seq[:-1])) if generated else None
                if parent is not None:
                    s = self._step(parent, seq[-1], seq[p:], plan)
                else:
                    s = self._replay(seq[p:], plan, budget)
                states[(b, seq)] = s
            if s.done:
                continue
            allowed, banned, ban_eos, ban_glue = self._decide(s, seq[p:], plan, budget - 1 - generated)
            if allowed is not None:
                forced.append((r, allowed))
                continue
            bans += [(r, b) for b in banned]
            if ban_eos:
                no_eos.append(r)
            if ban_glue:
                no_glue.append(r)
        self._states = states
        neg = float("-inf")
        dev = scores.device
        if no_glue and len(self.continuation):
            cont = self._continuation_on(dev, scores.shape[1])
            scores[torch.tensor(no_glue, device=dev).unsqueeze(1), cont.unsqueeze(0)] = neg
        if no_eos:
            scores[torch.tensor(no_eos, device=dev), self.eos] = neg
        if bans:
            ban_rows, ban_tokens = zip(*bans, strict=True)
            scores[torch.tensor(ban_rows, device=dev), torch.tensor(ban_tokens, device=dev)] = neg
        if forced:
            # A forced step costs the hypothesis nothing (its best option scores 0, the log of 1):
            # charged at the model's own odds, a name the model spells differently ("Jiang")
            # makes every beam that starts it fall behind, and beam search learns to dodge the
            # term until the deadline forces it at the end of the sentence.
            r_idx = torch.tensor([r for r, allowed in forced for _ in allowed], device=dev)
            t_idx = torch.tensor([t for _, allowed in forced for t in allowed], device=dev)
            keep = scores[r_idx, t_idx]
            keep = torch.where(torch.isfinite(keep), keep, torch.full_like(keep, -1e4))
            best = torch.full((scores.shape[0],), neg, device=dev, dtype=keep.dtype)
            best = best.scatter_reduce(0, r_idx, keep, reduce="amax")
            scores[torch.tensor([r for r, _ in forced], device=dev)] = neg
            scores[r_idx, t_idx] = keep - best[r_idx]
        return scores

    def _continuation_on(self, device: torch.device, vocab: int) -> torch.Tensor:
        key = (str(device), vocab)
        if getattr(self, "_cont_key", None) != key:
            cont = self.continuation.to(device)
            self._cont, self._cont_key = cont[cont < vocab], key
        return self._cont


def continuation_ids(pieces: Sequence[str], special_ids: Sequence[int] = ()) -> list[int]:
    """Pieces that continue a word (no ▁, starting with a letter or digit): banned right after a term."""
    special = set(special_ids)
    return [
        i
        for i, p in enumerate(pieces)
        if i not in special and p and not p.startswith(WORD_START) and p[0].isalnum()
    ]


TERM_SLACK = 8  # tokens of room the model keeps for its own words in a term-heavy sentence


class TargetVocab:
    """The target side of a Marian tokenizer as the enforcer needs it (built once per backend)."""

    def __init__(self, tokenizer: PreTrainedTokenizerBase) -> None:
        self.tokenizer = tokenizer
        pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
        self.pieces = [p or "" for p in pieces]
        self.continuation = continuation_ids(self.pieces, tokenizer.all_special_ids)
        self._cache: dict[str, tuple[int, ...]] = {}

    def encode(self, target: str) -> tuple[int, ...]:
        ids = self._cache.get(target)
        if ids is None:
            ids = tuple(self.tokenizer(text_target=target, add_special_tokens=False)["input_ids"])
            self._cache[target] = ids
        return ids

    def plan(self, required: Sequence[Required]) -> TermPlan | None:
        if not required:
            return None
        return make_plan(
            list(required), self.encode, lambda i: self.pieces[i] if i < len(self.pieces) else ""
        )


def term_budget(budget: int, plan: TermPlan | None, hard_cap: int) -> int:
    """A sentence's output budget, grown (up to the model's hard cap) so its required terms fit."""
    if plan is None:
        return budget
    return max(budget, min(hard_cap, plan.needed + 1 + TERM_SLACK))


class BannedRenderings(LogitsProcessor):
    """Forbidden renderings of a sentence's glossary terms ("Hanoi Agreement"), never written.

    transformers' own ``NoBadWordsLogitsProcessor`` bans the same sequences in every row of a
    batch; a rendering is forbidden only in sentences whose source holds its term, so the
    bans here are per sentence. The last token of a banned sequence is blocked whenever the
    hypothesis ends with the rest of it.
    """

    def __init__(
        self, bans: Sequence[Sequence[tuple[int, ...]]], num_beams: int, prompt_len: int = 1
    ) -> None:
        self.bans = [[seq for seq in row if seq] for row in bans]
        self.num_beams = num_beams
        self.prompt_len = prompt_len  # the decoder start token

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        for row in range(input_ids.shape[0]):
            seqs = self.bans[row // self.num_beams]
            if not seqs:
                continue
            written = input_ids[row, self.prompt_len :].tolist()
            for seq in seqs:
                head = list(seq[:-1])
                if not head or written[len(written) - len(head) :] == head:
                    scores[row, seq[-1]] = float("-inf")
        return scores
