"""MarianMT through CTranslate2: decoding. The checkpoint is converted once and cached
(:mod:`tarjama.translate.ct2_convert`); glossary terms are enforced after decoding by
:mod:`tarjama.translate.ct2_repair`.

Source text is tokenised with the checkpoint's own SentencePiece models (the same pieces
MarianTokenizer produces), so translating needs neither torch nor transformers.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from tarjama.glossary.check import Required
from tarjama.translate.backend import (
    BaseBackend,
    CpuLayout,
    DecodeSettings,
    Scored,
    cannot_load,
    checkpoint_limits,
    read_json,
)
from tarjama.translate.backends import effective_compute_type
from tarjama.translate.ct2_convert import STORED_WEIGHTS, ensure_converted, resolve_compute_type
from tarjama.translate.ct2_repair import WORD_START, TermRepair
from tarjama.translate.model_source import ModelSource

EOS = "</s>"
UNK = "<unk>"


@contextlib.contextmanager
def _torch_threads_kept() -> Iterator[None]:
    """Opening a Translator sets the calling thread's OpenMP thread count to its intra_threads,
    and when torch is loaded that is torch's libgomp too: a transformers model run later in the
    same process (``tarjama compare`` with systems on both backends) would get one thread."""
    torch = sys.modules.get("torch")
    threads = torch.get_num_threads() if torch is not None else None
    try:
        yield
    finally:
        if torch is not None and threads is not None and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


# What _start hands _finish: the batch's pieces, terms owed, budgets and bans, and one
# CTranslate2 asynchronous result per sentence.
_Started = tuple[list[list[str]], list[list[Required]], list[int], list[list[list[str]]], list[Any]]


class CTranslate2Backend(BaseBackend[list[str], _Started]):
    name = "ct2"

    def __init__(
        self,
        source: ModelSource,
        settings: DecodeSettings | None = None,
        layout: CpuLayout | None = None,
        decoding: bool = True,
    ) -> None:
        import ctranslate2
        import sentencepiece as spm

        self._ct2 = ctranslate2
        super().__init__(source, settings or DecodeSettings(backend="ct2"), layout, decoding)
        settings = self.settings
        compute = effective_compute_type(settings)
        # a driver that only counts tokens may have no device of the kind its workers decode on
        self.compute_type = resolve_compute_type(compute, settings.device) if decoding else compute
        self.model_dir = ensure_converted(source, STORED_WEIGHTS[self.compute_type])
        self.set_limits(*checkpoint_limits(source.path))
        gen = read_json(source.path / "generation_config.json")
        self.min_length = int(gen.get("min_new_tokens") or 0)
        self._src = spm.SentencePieceProcessor(model_file=str(source.path / "source.spm"))
        self._tgt = spm.SentencePieceProcessor(model_file=str(source.path / "target.spm"))
        self._known: frozenset[str] | None = None  # the converted model's vocabulary, when a ban needs it
        # On CPU, each batch is cut into ``layout.parts`` pieces decoded side by side, one per
        # worker (inter_threads), every worker on one core (intra_threads 1): a Marian-sized
        # model's matrices are too small to split well (measured: docs/benchmarks.md, "Batch
        # throughput" and its "CTranslate2 settings sweep"). Locally parts = threads = cores; a
        # distributed worker keeps the driver's parts (the output depends on them) and runs
        # min(parts, its CPUs) workers, each on its share of the CPUs.
        layout = self.layout
        parts = layout.parts if settings.device == "cpu" else 1
        if settings.device == "cpu":
            inter = max(1, min(parts, layout.threads))
            intra = max(1, layout.threads // inter)
        else:
            inter, intra = 1, 0
        # batch_size counts the sentences decoded at once, as on the transformers backend, so
        # memory stays the same: each call's batch is split between the workers.
        self.parts = parts
        self.per_worker = max(1, -(-settings.batch_size // parts))
        self.term_stats: Counter[str] = Counter()
        self.repair_stats: Counter[str] = Counter()
        if not decoding:
            return
        try:
            with _torch_threads_kept():
                self.translator = ctranslate2.Translator(
                    str(self.model_dir),
                    device=settings.device,
                    compute_type=self.compute_type,
                    inter_threads=inter,
                    intra_threads=intra,
                )
        except (RuntimeError, ValueError) as exc:
            raise cannot_load("CTranslate2 cannot load the converted model", exc, self.model_dir) from None
        self.repair = TermRepair(
            self.translator, self._tgt, self.decode, settings.beam, self.hard_max, self.per_worker, parts
        )
        self.term_stats = self.repair.term_stats  # n_best / repaired / unresolved sentences
        self.repair_stats = self.repair.repair_stats  # repaired in one pass / by the rounds

    def cuda_available(self) -> bool:
        return self._ct2.get_cuda_device_count() > 0

    @property
    def decode_batch_size(self) -> int:
        return self.per_worker

    def batch_cut(self, sentences: int) -> int:
        # A call of fewer than batch_size sentences (the service's batch of 16 one-sentence
        # requests) is cut into ``parts`` too: one batch would go to one worker and leave the
        # others idle (16 sentences: 1.47 s on one core, 0.91 s cut in two; docs/benchmarks.md).
        return max(1, min(self.per_worker, -(-sentences // self.parts)))

    def encode(self, sentences: Sequence[str]) -> list[list[str]]:
        """Pieces as MarianTokenizer makes them: source SentencePiece, truncated, then </s>."""
        keep = self.max_source_tokens - 1
        return [[*pieces[:keep], EOS] for pieces in self._src.encode(list(sentences), out_type=str)]

    def token_counts(self, sentences: Sequence[str]) -> list[int]:
        return [len(ids) + 1 for ids in self._src.encode(list(sentences))]  # + </s>

    def decode(self, tokens: Sequence[str]) -> str:
        # The vocabulary is shared, so the model can emit source-side pieces (a copied name)
        # that target.spm does not know and leaves with their word mark; MarianTokenizer
        # turns those marks into spaces, and so must we to produce the same text.
        text = self._tgt.decode_pieces([t for t in tokens if t not in (EOS, UNK)])
        return text.replace(WORD_START, " ").strip()

    def spells(self, text: str) -> bool:
        pieces = self._tgt.encode(text, out_type=str)
        known = self._vocabulary()
        return bool(pieces) and all(p in known for p in pieces) and self.decode(pieces) == text.strip()

    def _start(
        self, tokens: list[list[str]], terms: list[Sequence[Required]], banned: list[Sequence[str]]
    ) -> _Started:
        """Queue one batch (every batch is queued before any is finished, so CTranslate2's
        workers decode them in parallel); sentences that owe terms ask for the n-best list.

        CTranslate2 suppresses sequences for a whole call, and a rendering is forbidden only in
        sentences whose source holds its term, so sentences with other bans are queued apart.
        """
        owed = [list(t) for t in terms]
        bans = [self.suppressed(b) for b in banned]
        budgets = [self.output_budget(len(t)) for t in tokens]
        n_best = self.settings.beam if any(owed) else 1
        pending: list[Any] = [None] * len(tokens)
        groups: dict[tuple[tuple[str, ...], ...], list[int]] = {}
        for k, ban in enumerate(bans):
            groups.setdefault(tuple(map(tuple, ban)), []).append(k)
        for key, members in groups.items():
            sub = [tokens[k] for k in members]
            limit = max(budgets[k] for k in members) - 1
            for k, handle in zip(
                members, self._submit(sub, limit, n_best, list(map(list, key))), strict=True
            ):
                pending[k] = handle
        return tokens, owed, budgets, bans, pending

    def suppressed(self, renderings: Sequence[str]) -> list[list[str]]:
        """Target pieces of every spelling of the forbidden renderings, as decoding would write
        them mid-sentence ("▁Hanoi ▁Agreement") and right after an opening bracket or quote."""
        from tarjama.glossary.check import OPENERS, spellings

        out: list[list[str]] = []
        for rendering in renderings:
            for text in spellings(rendering):
                pieces = self._tgt.encode(text, out_type=str)
                if not pieces:
                    continue
                out.append(pieces)
                glued = pieces[0].removeprefix(WORD_START)
                if glued != pieces[0]:
                    out += [[f"{WORD_START}{o}", glued, *pieces[1:]] for o in OPENERS]
        # CTranslate2 refuses a sequence with a piece its vocabulary lacks; such a spelling can
        # never be decoded anyway
        known = self._vocabulary()
        return [list(p) for p in dict.fromkeys(map(tuple, out)) if all(t in known for t in p)]

    def _vocabulary(self) -> frozenset[str]:
        if self._known is None:
            words = []
            for name in ("shared_vocabulary.json", "target_vocabulary.json"):
                try:
                    words = json.loads((self.model_dir / name).read_text(encoding="utf-8"))
                    break
                except (OSError, ValueError):
                    continue
            self._known = frozenset(w for w in words if isinstance(w, str))
        return self._known

    def _finish(self, started: _Started) -> list[Scored]:
        batch, owed, budgets, bans, pending = started
        done = [p.result() for p in pending]
        results = [[list(h) for h in r.hypotheses] for r in done]
        scores = [list(r.scores) for r in done]
        n_best = self.settings.beam if any(owed) else 1
        for k, budget in enumerate(budgets):
            # past its own budget (EOS counts, as in transformers): redone alone within it
            if len(results[k][0]) >= budget:
                (redone,) = self._submit([batch[k]], budget - 1, n_best, bans[k])
                again = redone.result()
                results[k], scores[k] = [list(h) for h in again.hypotheses], list(again.scores)
        chosen = self.repair.choose(batch, owed, budgets, results, bans)
        return self._scored(batch, chosen, results, scores, owed)

    def _scored(
        self,
        batch: list[list[str]],
        chosen: list[list[str]],
        results: list[list[list[str]]],
        scores: list[list[float]],
        owed: Sequence[Sequence[Required]],
    ) -> list[Scored]:
        """Each chosen hypothesis with its beam score (CTranslate2's is already the
        log-probability per token), and its gap to the best other hypothesis of the n-best
        list when the sentence asked for one (it owes glossary terms; a batch-mate's n-best
        list would make the gap depend on the batching). A hypothesis the glossary repair made is not in the beam: it is
        scored by the model (one call for the batch's few)."""
        found = [
            next((m for m, h in enumerate(hyps) if h == c), None)
            for hyps, c in zip(results, chosen, strict=True)
        ]
        rescore = [k for k, m in enumerate(found) if m is None]
        rescored: dict[int, float] = {}
        if rescore:
            pending = self.translator.score_batch(
                [batch[k] for k in rescore], [chosen[k] for k in rescore], max_input_length=0
            )
            for k, r in zip(rescore, pending, strict=True):
                rescored[k] = sum(r.log_probs) / max(1, len(r.log_probs))
        out = []
        for k, hyp in enumerate(chosen):
            m = found[k]
            confidence = scores[k][m] if m is not None else rescored[k]
            others = [sc for n, sc in enumerate(scores[k]) if n != m] if owed[k] else []
            gap = confidence - max(others) if others else None
            out.append(Scored(self.decode(hyp), confidence, gap))
        return out

    def _submit(
        self, batch: list[list[str]], max_length: int, n_best: int = 1, ban: list[list[str]] | None = None
    ) -> list:
        extra = {"suppress_sequences": ban} if ban else {}
        return self.translator.translate_batch(
            batch,
            beam_size=self.settings.beam,
            num_hypotheses=min(n_best, self.settings.beam),
            max_decoding_length=max_length,
            min_decoding_length=min(self.min_length, max_length),
            max_input_length=0,
            asynchronous=True,
            return_scores=True,  # the review risk's model confidence: no extra work
            **extra,
        )
