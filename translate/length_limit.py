"""Per-sentence output budgets inside one batched `generate` call.

`generate` takes one `max_new_tokens` for the whole batch, which would make a sentence's
output depend on which other sentences share its batch. This processor ends each
hypothesis at its own sentence's budget, so results are the same at any batch size.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import LogitsProcessor


class PerSentenceLengthLimit(LogitsProcessor):
    def __init__(
        self, budgets: Sequence[int], num_beams: int, eos_token_id: int, prompt_len: int = 1
    ) -> None:
        self.budgets = torch.tensor(list(budgets), dtype=torch.long)
        self.num_beams = num_beams
        self.eos = eos_token_id
        self.prompt_len = prompt_len  # the decoder start token

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        generated = input_ids.shape[1] - self.prompt_len
        rows = torch.arange(input_ids.shape[0]) // self.num_beams
        # the last allowed step must emit EOS
        done = (self.budgets.to(rows.device)[rows] - 1) <= generated
        if bool(done.any()):
            scores[done] = float("-inf")
            scores[done, self.eos] = 0.0
        return scores
