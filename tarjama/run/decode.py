"""Translate: the texts a run needs, pooled in length-sorted token-budget batches, and the
``Decoder`` seam that runs them.

The run plans every batch (texts deduplicated, a text longer than the model's input split,
its glossary terms and banned renderings); a decoder only runs ``Backend.translate`` on each
and hands the outputs back, in any order. Each finished text is joined from its parts and
post-checked here, once, whichever article needs it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from tarjama.glossary import Required
from tarjama.run.work import WorkTable
from tarjama.translate.backend import Backend, Scored
from tarjama.translate.long_sentences import split_for_mt


@dataclass(frozen=True)
class DecodeBatch:
    """One batch the model decodes: texts sorted by length, their source tokens, and per text the
    glossary terms it must carry and the renderings it must not (None: no glossary)."""

    texts: list[str]
    lengths: list[int]
    terms: list[list[Required]] | None = None  # a string, or a term's alternatives (first forced)
    banned: list[list[str]] | None = None


# (wave, batch within the wave, outputs in the batch's order, seconds it took); an output is
# Scored where the decoder kept the model's confidence (locally), a plain text otherwise
Decoded = tuple[int, int, Sequence[str | Scored], float]


class Decoder(Protocol):
    """Where a run's batches are decoded. The run core plans them (dedup, long sentences split,
    length-sorted token-budget batches, glossary terms); a decoder only runs
    ``Backend.translate(texts, terms, banned)`` on each batch, unchanged, and reports it."""

    def decode(self, backend: Backend, waves: Iterator[list[DecodeBatch]]) -> Iterator[Decoded]:
        """Every batch of every wave, as each finishes (any order). ``waves`` is lazy: the run
        plans a wave when the decoder asks for it."""
        ...


class LocalDecoder:
    """Decodes in this process with the run's own backend: wave after wave, batch after batch."""

    def decode(self, backend: Backend, waves: Iterable[list[DecodeBatch]]) -> Iterator[Decoded]:
        for w, batches in enumerate(waves):
            for k, batch in enumerate(batches):
                t0 = time.perf_counter()
                outputs = backend.translate_scored(batch.texts, terms=batch.terms, banned=batch.banned)
                yield w, k, outputs, time.perf_counter() - t0


def token_budget_batches(lengths: Sequence[int], max_tokens: int, max_sentences: int) -> list[list[int]]:
    """Indices sorted by length, cut so each batch's padded size (count x longest) fits ``max_tokens``.

    A sentence longer than the budget still gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= max_sentences or (len(current) + 1) * lengths[i] > max_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


OnBatch = Callable[[list[str], list[str], list[int], float], None]


def pool_batches(
    backend: Backend, texts: Sequence[str], max_batch_tokens: int = 2048
) -> list[tuple[list[str], list[int]]]:
    """Dedup, sort by length, cut by token budget: each batch's texts and their source lengths."""
    unique = list(dict.fromkeys(texts))
    lengths = [len(ids) for ids in backend.encode(unique)]
    return [
        ([unique[i] for i in batch], [lengths[i] for i in batch])
        for batch in token_budget_batches(lengths, max_batch_tokens, backend.settings.batch_size)
    ]


def translate_pool(
    backend: Backend,
    texts: Sequence[str],
    max_batch_tokens: int = 2048,
    on_batch: OnBatch | None = None,
    decoder: Decoder | None = None,
) -> list[str]:
    """Dedup, sort by length, batch by token budget, translate: how the run core feeds a backend.

    ``on_batch(texts, outputs, source_lengths, seconds)`` sees each batch as it finishes;
    ``decoder``: where the batches are decoded (default: here, with ``backend``). The
    throughput benchmark measures exactly this function.
    """
    batches = [
        DecodeBatch(chunk, lengths) for chunk, lengths in pool_batches(backend, texts, max_batch_tokens)
    ]
    done: dict[str, str] = {}
    for _, k, outputs, seconds in (decoder or LocalDecoder()).decode(backend, iter([batches])):
        batch = batches[k]
        plain = [o.text if isinstance(o, Scored) else o for o in outputs]
        if on_batch is not None:
            on_batch(batch.texts, plain, batch.lengths, seconds)
        done.update(zip(batch.texts, plain, strict=True))
    return [done[t] for t in texts]


def split_long(table: WorkTable, backend: Backend, texts: list[str]) -> dict[str, list[str]]:
    """Each text as the model reads it: whole, or in parts when it is longer than the model's
    input (truncating would drop source text without a word); a part's glossary terms are its own."""
    limit = backend.max_source_tokens
    counts = backend.token_counts(texts)
    pieces: dict[str, list[str]] = {}
    for text, count in zip(texts, counts, strict=True):
        if count <= limit:
            pieces[text] = [text]
            continue
        whole = table.text(text)
        protected = [(m.start, m.end) for m in whole.matches]
        spans = split_for_mt(text, lambda s: backend.token_counts([s])[0], limit, protected)
        parts = [p for p in (text[a:b].strip() for a, b in spans) if p]
        pieces[text], whole.parts = parts, len(parts)
        for part in parts:
            table.find_terms(table.text(part))
    return pieces


def least_confident(parts: Sequence[Scored]) -> tuple[float | None, float | None]:
    """A text translated in parts is as sure as its least sure part (unknown if any part is)."""
    confidence = [p.confidence for p in parts]
    gaps = [p.gap for p in parts if p.gap is not None]
    known = None if None in confidence else min(c for c in confidence if c is not None)
    return known, min(gaps) if gaps else None


TimeTo = Callable[[str, float], None]  # (text, seconds of a batch that went to it)


class WavePool:
    """One wave's decoding: each text as the model reads it (whole, or in parts), the parts in
    token-budget batches with their glossary terms, and the parts done."""

    def __init__(self, table: WorkTable, backend: Backend, texts: list[str], max_batch_tokens: int) -> None:
        self.table = table
        self.pieces = split_long(table, backend, texts)
        self.part_of: dict[str, list[str]] = {}
        for text, parts in self.pieces.items():
            for part in parts:
                self.part_of.setdefault(part, []).append(text)
        self.done_parts: dict[str, Scored] = {}
        self.batches: list[DecodeBatch] = []
        for chunk, lengths in pool_batches(backend, list(self.part_of), max_batch_tokens):
            reads = [table.text(t) for t in chunk]
            self.batches.append(
                DecodeBatch(chunk, lengths, [t.required() for t in reads], [t.banned() for t in reads])
            )

    def done(
        self, k: int, outputs: Sequence[str | Scored], seconds: float, time_to: TimeTo | None
    ) -> list[str]:
        """Batch ``k``'s outputs in; the texts now complete (joined, post-checked, scored) out."""
        batch = self.batches[k]
        total = sum(batch.lengths) or 1
        finished: list[str] = []
        for part, out, n in zip(batch.texts, outputs, batch.lengths, strict=True):
            self.done_parts[part] = out if isinstance(out, Scored) else Scored(out)
            if time_to is not None:
                time_to(self.part_of[part][0], seconds * n / total)
            for text in self.part_of[part]:
                read = self.table.texts[text]
                if read.output is None and all(p in self.done_parts for p in self.pieces[text]):
                    parts = [self.done_parts[p] for p in self.pieces[text]]
                    read.output = " ".join(p.text for p in parts)
                    read.post_check(read.output)
                    read.confidence, read.gap = least_confident(parts)
                    finished.append(text)
        return finished


def decode_waves(
    table: WorkTable,
    backend_of: Callable[[], Backend],
    decoder: Decoder,
    max_batch_tokens: int,
    waves: Iterator[list[str]],
    on_done: Callable[[list[str]], None],
    time_to: TimeTo | None = None,
) -> None:
    """Decode each wave's texts in token-budget batches, with the glossary enforced; each
    finished text is post-checked and handed to ``on_done`` batch by batch. The backend is
    opened (the model loaded) at the first text, not before."""
    first = next(waves, None)
    if first is None:
        return
    backend = backend_of()
    pools: list[WavePool] = []

    def batches() -> Iterator[list[DecodeBatch]]:  # a wave is planned when the decoder asks for it
        for texts in itertools.chain([first], waves):
            pools.append(WavePool(table, backend, texts, max_batch_tokens))
            yield pools[-1].batches

    for w, k, outputs, seconds in decoder.decode(backend, batches()):
        on_done(pools[w].done(k, outputs, seconds, time_to))
