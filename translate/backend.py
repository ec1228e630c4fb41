"""The one interface every MT engine implements, and the base the engines share.

The pipeline only ever sees :class:`Backend`. :class:`BaseBackend` holds what every engine
must do the same way so that their outputs and errors agree: the model's length limits,
the per-sentence output budget, length-sorted batching, the CUDA check and the wording of
a model that cannot be loaded. An engine adds loading, tokenising and decoding.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

from tarjama.errors import ModelNotAvailable, TarjamaError
from tarjama.glossary.check import Required, renderings
from tarjama.translate.model_source import ModelSource
from tarjama.translate.stand_in import plan_stand_ins, restore

# No Marian model tarjama runs reads or writes more tokens than this.
MAX_OUTPUT_TOKENS = 512


@dataclass(frozen=True)
class Scored:
    """A translation and what the decoder thought of it (issue 28: review triage).

    ``confidence``: the chosen hypothesis's log-probability per output token (EOS included),
    as the model scores it: ``exp(confidence)`` is the geometric mean of its token
    probabilities. ``gap``: that score minus the next-best hypothesis's, where the decode
    already returned several (an n-best list asked for glossary terms); None otherwise, and
    both None where the engine gives no scores (a distributed worker).
    """

    text: str
    confidence: float | None = None
    gap: float | None = None


@dataclass(frozen=True)
class DecodeSettings:
    """Settings that change the output; recorded in the PO header so re-runs can tell."""

    beam: int = 4
    batch_size: int = 16
    device: str = "cpu"
    backend: str = "transformers"  # a name in translate.backends.BACKENDS
    compute_type: str = "default"  # what "default" means and what is allowed: translate.backends


@dataclass(frozen=True)
class CpuLayout:
    """How an engine spreads a batch over the CPUs it is given (``open_backend(..., layout=...)``).

    ``threads``: the CPU threads it decodes with. ``parts``: how many pieces each batch is cut
    into, decoded side by side (CTranslate2: one per worker). The pieces change the output: a
    CTranslate2 call shares one decoding length limit and one set of padded matrices between its
    sentences, so the same sentence can come out differently in another piece (on the
    opus-mt-shaped model, 2 of 200 sentences: ``benchmarks/engines.py --sensitivity``). The local engine cuts a batch into one piece per
    core (:func:`local_layout`); a distributed engine keeps that number, whatever CPUs a worker
    has, so its catalogs are the ones the local engine writes.
    """

    threads: int
    parts: int


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def local_layout() -> CpuLayout:
    """Every core this process may use, one batch piece per core."""
    cores = usable_cores()
    return CpuLayout(threads=cores, parts=cores)


class Backend(Protocol):
    name: str
    source: ModelSource
    settings: DecodeSettings
    max_source_tokens: int  # the most source tokens (EOS included) the model reads; more are cut

    def translate_scored(
        self,
        sentences: Sequence[str],
        terms: Sequence[Sequence[Required]] | None = None,
        banned: Sequence[Sequence[str]] | None = None,
    ) -> list[Scored]:
        """:meth:`translate`, each output with the decoder's confidence (:class:`Scored`)."""
        ...

    def translate(
        self,
        sentences: Sequence[str],
        terms: Sequence[Sequence[Required]] | None = None,
        banned: Sequence[Sequence[str]] | None = None,
    ) -> list[str]:
        """Translate sentences, returning outputs in the same order.

        ``terms[i]``: the approved English terms sentence ``i`` must contain, one per source
        occurrence (``tarjama.glossary.required_targets``): a string, or a term's alternative
        approved forms (a tuple, the first forced); a backend enforces them as best it can,
        keeping an alternative the model wrote, and the pipeline post-checks with
        ``tarjama.glossary.check_hypothesis``.
        ``banned[i]``: renderings sentence ``i`` must not contain (a glossary's forbidden
        translations of its terms, ``tarjama.glossary.forbidden_renderings``); a backend bans
        every spelling of them (``tarjama.glossary.spellings``) while decoding.
        A term the target vocabulary cannot spell is decoded as its stand-in and written back
        exactly (:meth:`stand_ins`).
        """
        ...

    def spells(self, text: str) -> bool:
        """Whether the target vocabulary writes ``text`` exactly."""
        ...

    def stand_ins(self, targets: Iterable[str]) -> dict[str, str]:
        """Which approved forms this model cannot spell, and the stand-in it decodes for each
        ('' where it has none: such a term cannot be guaranteed)."""
        ...

    def encode(self, sentences: Sequence[str]) -> Sequence[Sequence[object]]:
        """Source tokens per sentence (ids or pieces), as the model sees them (truncated to
        ``max_source_tokens``); batching uses the lengths."""
        ...

    def token_counts(self, sentences: Sequence[str]) -> list[int]:
        """Source tokens per sentence, EOS included, before truncation: a sentence with more
        than ``max_source_tokens`` would lose its end and must be split first."""
        ...


def _stood_in(term: Required, stand: dict[str, str]) -> Required:
    """A required term with each rendering the model cannot spell replaced by its stand-in."""
    if isinstance(term, str):
        return stand.get(term, term)
    return tuple(stand.get(t, t) for t in term)


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped so each batch holds sentences of similar length: less padding, same results."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def output_budget(source_tokens: int, model_max: int) -> int:
    """The most tokens a sentence's translation may take, EOS included.

    News sentences rarely grow more than 2x from Arabic to English; this bounds runaway
    decoding. Every backend uses this one budget, so all stop at the same length.
    """
    return max(8, min(model_max, 2 * source_tokens + 10))


def model_limits(gen_max: int | None, positions: int | None) -> tuple[int, int]:
    """(model_max, hard_max) from a checkpoint's generation ``max_length`` and its
    ``max_position_embeddings`` (either may be unknown: then MAX_OUTPUT_TOKENS).

    ``model_max`` caps the usual output budget; ``hard_max`` (the
    position embeddings, one kept for EOS) is how far a sentence's budget may grow to make
    room for required glossary terms.
    """
    gen_max = int(gen_max or MAX_OUTPUT_TOKENS)
    positions = int(positions or MAX_OUTPUT_TOKENS)
    return min(gen_max, positions, MAX_OUTPUT_TOKENS), min(positions - 1, MAX_OUTPUT_TOKENS)


def checkpoint_limits(path: Path) -> tuple[int | None, int | None]:
    """(generation max_length, max_position_embeddings) read from a checkpoint's JSON files,
    for engines that do not load it with transformers."""
    config, gen = read_json(path / "config.json"), read_json(path / "generation_config.json")
    return gen.get("max_length") or config.get("max_length"), config.get("max_position_embeddings")


def read_json(path: Path) -> dict:
    """A JSON object from ``path``, or ``{}`` when the file is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def first_line(exc: BaseException) -> str:
    """An exception as one line (the CLI prints errors on one line), or its type when it says nothing."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def checkpoint_errors() -> tuple[type[Exception], ...]:
    """What reading a checkpoint raises when its files are missing, damaged or cut short
    (safetensors' own error is no OSError), so every engine turns them into one line."""
    from safetensors import SafetensorError

    return (OSError, ValueError, KeyError, SafetensorError)


def cannot_load(problem: str, exc: BaseException, path: str | Path) -> ModelNotAvailable:
    """The error for a model an engine cannot read: ``<path>: <problem>: <first line of exc>``."""
    return ModelNotAvailable(f"{problem}: {first_line(exc)}", path=path)


# One sentence's source tokens as an engine encodes them (ids for transformers, pieces for
# CTranslate2), and what its _start hands its _finish (the texts, for a synchronous engine).
Tokens = TypeVar("Tokens", bound=Sequence[object])
Started = TypeVar("Started")


class BaseBackend(Generic[Tokens, Started]):
    """What every engine shares. A subclass sets ``name``, and in ``__init__``:

    1. calls ``super().__init__(source, settings, layout, decoding)`` (stores them, checks the
       device with :meth:`cuda_available`);
    2. loads its model, raising :func:`cannot_load` when it cannot (with ``decoding`` False, only
       what ``encode``, ``token_counts`` and ``spells`` need);
    3. calls :meth:`set_limits` with the checkpoint's generation max_length and positions.

    It implements :meth:`encode`, :meth:`token_counts` and :meth:`_start` (and :meth:`_finish`
    if it decodes asynchronously); :meth:`translate` does the batching.
    """

    name: ClassVar[str] = ""
    model_max: int = MAX_OUTPUT_TOKENS
    hard_max: int = MAX_OUTPUT_TOKENS - 1
    source_max: int = MAX_OUTPUT_TOKENS

    def __init__(
        self,
        source: ModelSource,
        settings: DecodeSettings,
        layout: CpuLayout | None = None,
        decoding: bool = True,
    ) -> None:
        self.source = source
        self.settings = settings
        self.layout = layout or local_layout()
        # False: opened to count tokens and check spellings only (a distributed run's driver,
        # which plans batches while its workers decode): no weights, no device
        self.decoding = decoding
        self._spelled: dict[str, bool] = {}  # text → whether the target vocabulary writes it
        if decoding and settings.device.startswith("cuda") and not self.cuda_available():
            raise TarjamaError("--device cuda was asked for but no CUDA device is available")

    # --- what an engine provides ------------------------------------------------------

    def cuda_available(self) -> bool:
        """Whether this engine sees a CUDA device (only asked when --device cuda is given)."""
        return False

    def encode(self, sentences: Sequence[str]) -> list[Tokens]:
        raise NotImplementedError

    def token_counts(self, sentences: Sequence[str]) -> list[int]:
        raise NotImplementedError

    def spells(self, text: str) -> bool:
        """Whether the target vocabulary writes ``text`` exactly (no ``<unk>``, no letter changed).
        An engine with an open vocabulary (byte fallback, a remote service) keeps this default."""
        return True

    def _start(
        self, tokens: list[Tokens], terms: list[Sequence[Required]], banned: list[Sequence[str]]
    ) -> Started:
        """Begin translating one batch (encoded sentences, their required terms, the renderings
        each must not contain). A synchronous
        engine returns the texts; an asynchronous one returns whatever :meth:`_finish` needs."""
        raise NotImplementedError

    def _finish(self, started: Started) -> Sequence[str | Scored]:
        """The texts of a batch :meth:`_start` began (after any glossary repair), scored
        where the engine scores them."""
        return started  # type: ignore[return-value]  # a synchronous engine's _start gave the texts

    # --- shared ------------------------------------------------------------------------

    def set_limits(self, gen_max: int | None, positions: int | None) -> None:
        self.model_max, self.hard_max = model_limits(gen_max, positions)
        # what the encoder can read is set by its position embeddings, not by the generation
        # max_length (an output cap: a checkpoint may set it far below its positions)
        self.source_max = min(int(positions or MAX_OUTPUT_TOKENS), MAX_OUTPUT_TOKENS)

    @property
    def max_source_tokens(self) -> int:
        """The most source tokens, EOS included, the model reads: ``encode`` truncates to this,
        and the run core splits a longer sentence before it gets there."""
        return self.source_max

    @property
    def decode_batch_size(self) -> int:
        """Sentences per batch handed to :meth:`_start`."""
        return self.settings.batch_size

    def batch_cut(self, sentences: int) -> int:
        """Sentences per batch when one call translates ``sentences``: at most
        ``decode_batch_size``; an engine whose workers decode batches side by side cuts a smaller
        call so that every worker gets a share."""
        return self.decode_batch_size

    def output_budget(self, source_tokens: int) -> int:
        return output_budget(source_tokens, self.model_max)

    def stand_ins(self, targets: Iterable[str]) -> dict[str, str]:
        """The approved forms among ``targets`` this model cannot spell → the stand-in decoded in
        their place ('' where none is usable; :mod:`tarjama.translate.stand_in`)."""
        known = self._spelled

        def spells(text: str) -> bool:
            if text not in known:
                known[text] = self.spells(text)
            return known[text]

        return plan_stand_ins(targets, spells)

    def translate(
        self,
        sentences: Sequence[str],
        terms: Sequence[Sequence[Required]] | None = None,
        banned: Sequence[Sequence[str]] | None = None,
    ) -> list[str]:
        return [s.text for s in self.translate_scored(sentences, terms, banned)]

    def translate_scored(
        self,
        sentences: Sequence[str],
        terms: Sequence[Sequence[Required]] | None = None,
        banned: Sequence[Sequence[str]] | None = None,
    ) -> list[Scored]:
        """:meth:`translate`, each output with the decoder's confidence in it. Encode, batch by
        length, and decode; every batch is started before any is finished, so an engine with
        parallel workers keeps them all busy."""
        if not sentences:
            return []
        if not self.decoding:
            raise RuntimeError(f"this {self.name} backend was opened to count tokens only")
        tokens = self.encode(sentences)
        owed: Sequence[Sequence[Required]] = terms or [()] * len(tokens)
        every = {t for row in owed for r in row for t in renderings(r)}
        stand = {t: s for t, s in self.stand_ins(every).items() if s}
        if stand:  # the model decodes what it can spell; the approved form is written back below
            owed = [[_stood_in(r, stand) for r in row] for row in owed]
        bans: Sequence[Sequence[str]] = banned or [()] * len(tokens)
        started = [
            (
                batch,
                self._start([tokens[i] for i in batch], [owed[i] for i in batch], [bans[i] for i in batch]),
            )
            for batch in length_sorted_batches([len(t) for t in tokens], self.batch_cut(len(tokens)))
        ]
        out: list[Scored] = [Scored("")] * len(tokens)
        for batch, handle in started:
            for i, done in zip(batch, self._finish(handle), strict=True):
                scored = done if isinstance(done, Scored) else Scored(done)
                if stand and terms:
                    scored = Scored(restore(scored.text, terms[i], stand), scored.confidence, scored.gap)
                out[i] = scored
        return out
