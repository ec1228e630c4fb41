"""MarianMT through Hugging Face transformers: loaded once, batched by length, no autograd.

Glossary terms are enforced while decoding by :mod:`tarjama.translate.hf_enforce` (a
``LogitsProcessor``); per-sentence output budgets by :mod:`tarjama.translate.length_limit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tarjama.glossary.check import Required
from tarjama.translate.backend import (
    BaseBackend,
    CpuLayout,
    DecodeSettings,
    Scored,
    cannot_load,
    checkpoint_errors,
    checkpoint_limits,
)
from tarjama.translate.model_source import ModelSource

if TYPE_CHECKING:  # loaded on first use: only glossary runs need it
    from tarjama.translate.hf_enforce import TargetVocab


class TransformersBackend(BaseBackend[list[int], list[Scored]]):
    name = "transformers"

    def __init__(
        self,
        source: ModelSource,
        settings: DecodeSettings | None = None,
        layout: CpuLayout | None = None,
        decoding: bool = True,
    ) -> None:
        import torch
        import transformers
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        self._torch = torch
        self._target_vocab: TargetVocab | None = None
        super().__init__(source, settings or DecodeSettings(), layout, decoding)
        if layout is not None and self.settings.device == "cpu":
            torch.set_num_threads(layout.threads)  # a worker given some CPUs of a shared machine
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(source.path)
            if not decoding:  # tokens and spellings only: the limits from the JSON files, no weights
                self.set_limits(*checkpoint_limits(source.path))
                return
            model = AutoModelForSeq2SeqLM.from_pretrained(source.path)
        except checkpoint_errors() as exc:
            raise cannot_load("cannot load the model", exc, source.path) from None
        self.model = model.to(self.settings.device).eval()
        self.set_limits(
            getattr(model.generation_config, "max_length", None),
            getattr(model.config, "max_position_embeddings", None),
        )

    def _vocab(self) -> TargetVocab:
        """The target side as the glossary processors need it, built on first use."""
        if self._target_vocab is None:
            from tarjama.translate.hf_enforce import TargetVocab

            self._target_vocab = TargetVocab(self.tokenizer)
        return self._target_vocab

    def cuda_available(self) -> bool:
        return bool(self._torch.cuda.is_available())

    def encode(self, sentences: Sequence[str]) -> list[list[int]]:
        return self.tokenizer(list(sentences), truncation=True, max_length=self.max_source_tokens)[
            "input_ids"
        ]

    def token_counts(self, sentences: Sequence[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer(list(sentences), truncation=False)["input_ids"]]

    def spells(self, text: str) -> bool:
        ids = self._vocab().encode(text)
        if not ids or self.tokenizer.unk_token_id in ids:
            return False
        decoded = self.tokenizer.decode(list(ids), skip_special_tokens=True)
        return isinstance(decoded, str) and decoded.strip() == text.strip()

    def _start(
        self, tokens: list[list[int]], terms: list[Sequence[Required]], banned: list[Sequence[str]]
    ) -> list[Scored]:
        return self._generate(tokens, terms, banned)

    def _generate(
        self,
        batch_ids: list[list[int]],
        batch_terms: Sequence[Sequence[Required]] = (),
        batch_banned: Sequence[Sequence[str]] = (),
    ) -> list[Scored]:
        torch = self._torch
        from transformers import LogitsProcessor, LogitsProcessorList

        from tarjama.translate.length_limit import PerSentenceLengthLimit

        padded = self.tokenizer.pad({"input_ids": batch_ids}, return_tensors="pt")
        enc = {k: v.to(self.settings.device) for k, v in padded.items()}
        budgets = [self.output_budget(len(x)) for x in batch_ids]
        processors: list[LogitsProcessor] = []
        if any(batch_banned):  # glossary: forbidden renderings, before the enforcer may force a term
            from tarjama.glossary.check import spellings
            from tarjama.translate.hf_enforce import BannedRenderings

            vocab = self._vocab()
            bans = [[vocab.encode(v) for r in row for v in spellings(r)] for row in batch_banned]
            processors.append(BannedRenderings(bans, self.settings.beam))
        if any(batch_terms):  # glossary: decoding-time enforcement (tarjama.translate.hf_enforce)
            from tarjama.translate.hf_enforce import TermEnforcer, term_budget

            plans = [self._vocab().plan(t) for t in batch_terms]
            budgets = [term_budget(b, p, self.hard_max) for b, p in zip(budgets, plans, strict=True)]
            processors.append(
                TermEnforcer(
                    plans,
                    budgets,
                    self.settings.beam,
                    self.model.config.eos_token_id,
                    self.model.config.pad_token_id,
                    self._vocab().continuation,
                )
            )
        limit = PerSentenceLengthLimit(budgets, self.settings.beam, self.model.config.eos_token_id)
        with torch.inference_mode():
            generated = self.model.generate(
                **enc,
                num_beams=self.settings.beam,
                max_new_tokens=max(budgets),
                logits_processor=LogitsProcessorList([*processors, limit]),
            )
            confidence = self._confidence(enc, generated)
        texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [Scored(t.strip(), c) for t, c in zip(texts, confidence, strict=True)]

    def _confidence(self, enc: Mapping[str, Any], generated: Any) -> list[float]:  # torch tensors
        """Per output, the model's log-probability per token of what it wrote (EOS included),
        in one teacher-forced pass: what a forced glossary term cost shows, and no per-step
        scores are kept while decoding (``output_scores`` holds a vocabulary-wide row per beam
        and step). The beam's second hypothesis is not returned here, so no gap."""
        torch = self._torch
        pad = self.model.config.pad_token_id
        labels = generated[:, 1:]
        logits = self.model(**enc, decoder_input_ids=generated[:, :-1]).logits
        logp = torch.log_softmax(logits.float(), dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
        mask = (labels != pad).float()
        return ((logp * mask).sum(-1) / mask.sum(-1).clamp(min=1)).tolist()
