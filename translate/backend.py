"""The one interface every MT engine implements; the pipeline never knows which one runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tarjama.translate.model_source import ModelSource


@dataclass(frozen=True)
class DecodeSettings:
    """Settings that change the output; recorded in the PO header so re-runs can tell."""

    beam: int = 4
    batch_size: int = 16
    device: str = "cpu"
    backend: str = "transformers"  # "transformers" | "ct2" (see translate.backends)
    compute_type: str = "default"  # ct2: int8 on CPU; transformers: float32 only


class Backend(Protocol):
    name: str
    source: ModelSource
    settings: DecodeSettings

    def translate(self, sentences: Sequence[str], terms: Sequence[Sequence[str]] | None = None) -> list[str]:
        """Translate sentences, returning outputs in the same order.

        ``terms[i]``: the approved English terms sentence ``i`` must contain, one per source
        occurrence (``tarjama.glossary.required_targets``); a backend enforces them as best it
        can, and the pipeline post-checks with ``tarjama.glossary.check_hypothesis``.
        """
        ...

    def encode(self, sentences: Sequence[str]) -> Sequence[Sequence[object]]:
        """Source tokens per sentence (ids or pieces), as the model sees them; batching uses the lengths."""
        ...


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped so each batch holds sentences of similar length: less padding, same results."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
