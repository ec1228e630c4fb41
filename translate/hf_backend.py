"""MarianMT through Hugging Face transformers: loaded once, batched by length, no autograd."""

from __future__ import annotations

from collections.abc import Sequence

from tarjama.errors import ModelNotAvailable, TarjamaError
from tarjama.translate.backend import DecodeSettings, length_sorted_batches
from tarjama.translate.model_source import ModelSource

MAX_OUTPUT_TOKENS = 512


def output_budget(source_tokens: int, model_max: int) -> int:
    """News sentences rarely grow more than 2x from Arabic to English; this bounds runaway decoding."""
    return max(8, min(model_max, 2 * source_tokens + 10))


class TransformersBackend:
    name = "transformers"

    def __init__(self, source: ModelSource, settings: DecodeSettings | None = None) -> None:
        import torch
        import transformers
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        settings = settings or DecodeSettings()
        if settings.device.startswith("cuda") and not torch.cuda.is_available():
            raise TarjamaError("--device cuda was asked for but no CUDA device is available")
        self.source = source
        self.settings = settings
        self._torch = torch
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(source.path)
            model = AutoModelForSeq2SeqLM.from_pretrained(source.path)
        except (OSError, ValueError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelNotAvailable(f"cannot load the model: {first}", path=source.path) from None
        self.model = model.to(settings.device).eval()
        gen_max = getattr(model.generation_config, "max_length", None) or MAX_OUTPUT_TOKENS
        positions = getattr(model.config, "max_position_embeddings", None) or MAX_OUTPUT_TOKENS
        self.model_max = min(int(gen_max), int(positions), MAX_OUTPUT_TOKENS)
        # the hard limit (position embeddings) a sentence's budget may grow to for required terms
        self.hard_max = min(int(positions) - 1, MAX_OUTPUT_TOKENS)
        self._target_vocab = None

    def encode(self, sentences: Sequence[str]) -> list[list[int]]:
        return self.tokenizer(list(sentences), truncation=True, max_length=self.model_max)["input_ids"]

    def translate(self, sentences: Sequence[str], terms: Sequence[Sequence[str]] | None = None) -> list[str]:
        if not sentences:
            return []
        ids = self.encode(sentences)
        terms = terms or [()] * len(ids)
        out: list[str] = [""] * len(ids)
        for batch in length_sorted_batches([len(x) for x in ids], self.settings.batch_size):
            texts = self._generate([ids[i] for i in batch], [terms[i] for i in batch])
            for i, text in zip(batch, texts, strict=True):
                out[i] = text
        return out

    def _generate(self, batch_ids: list[list[int]], batch_terms: Sequence[Sequence[str]] = ()) -> list[str]:
        torch = self._torch
        from transformers import LogitsProcessorList

        from tarjama.translate.length_limit import PerSentenceLengthLimit

        enc = self.tokenizer.pad({"input_ids": batch_ids}, return_tensors="pt")
        enc = {k: v.to(self.settings.device) for k, v in enc.items()}
        budgets = [output_budget(len(x), self.model_max) for x in batch_ids]
        processors = []
        if any(batch_terms):  # glossary: decoding-time enforcement (tarjama.glossary.enforce)
            from tarjama.glossary.enforce import TargetVocab, TermEnforcer, term_budget

            if self._target_vocab is None:
                self._target_vocab = TargetVocab(self.tokenizer)
            plans = [self._target_vocab.plan(t) for t in batch_terms]
            budgets = [term_budget(b, p, self.hard_max) for b, p in zip(budgets, plans, strict=True)]
            processors.append(
                TermEnforcer(
                    plans,
                    budgets,
                    self.settings.beam,
                    self.model.config.eos_token_id,
                    self.model.config.pad_token_id,
                    self._target_vocab.continuation,
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
        return [t.strip() for t in self.tokenizer.batch_decode(generated, skip_special_tokens=True)]
