"""MarianMT through CTranslate2: the checkpoint is converted once (CTranslate2's own converter) and cached.

The cache is keyed by model id, revision and stored weight type, so a new hub revision
or an edited local checkpoint is converted again and an unchanged one never is. Source
text is tokenised with the checkpoint's own SentencePiece models (the same pieces
MarianTokenizer produces), so translating needs neither torch nor transformers.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tarjama.errors import ModelNotAvailable, TarjamaError
from tarjama.translate.backend import DecodeSettings, length_sorted_batches
from tarjama.translate.model_source import ModelSource

MAX_OUTPUT_TOKENS = 512
EOS = "</s>"
UNK = "<unk>"
CT2_FILES = ("model.bin", "config.json", "shared_vocabulary.json")

# What each compute type stores on disk: quantised weights are stored quantised (a smaller file,
# lower peak memory while loading); float16/bfloat16 keep their own precision.
_STORED = {
    "int8": "int8",
    "int8_float32": "int8",
    "int8_float16": "int8",
    "int8_bfloat16": "int8",
    "int16": "int16",
    "float16": "float16",
    "bfloat16": "bfloat16",
    "float32": "float32",
}


def cache_root() -> Path:
    """``$TARJAMA_CACHE``, else ``$XDG_CACHE_HOME/tarjama``, else ``~/.cache/tarjama``."""
    if env := os.environ.get("TARJAMA_CACHE", "").strip():
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "tarjama"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "--", text).strip("-.") or "model"


def converted_dir(source: ModelSource, stored: str) -> Path:
    """Where the conversion of this exact checkpoint version lives: ct2/<model>/<revision>/<weights>."""
    return cache_root() / "ct2" / _slug(source.model_id) / _slug(source.revision) / stored


def resolve_compute_type(compute_type: str, device: str) -> str:
    import ctranslate2

    if compute_type in ("default", "auto", ""):
        compute_type = "int8" if device == "cpu" else "int8_float16"
    supported = ctranslate2.get_supported_compute_types(device)
    if compute_type not in _STORED or compute_type not in supported:
        raise TarjamaError(
            f"--compute-type {compute_type} is not supported by CTranslate2 on {device} "
            f"(supported here: {', '.join(sorted(supported))})"
        )
    return compute_type


def ensure_converted(source: ModelSource, stored: str) -> Path:
    """Convert once into the cache; concurrent runs wait on a lock, and a crash leaves no partial model."""
    from filelock import FileLock

    target = converted_dir(source, stored)
    if all((target / f).is_file() for f in CT2_FILES):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TarjamaError(
            f"cannot create the CTranslate2 cache ({exc.strerror})", path=target.parent
        ) from None
    with FileLock(str(target) + ".lock"):
        if all((target / f).is_file() for f in CT2_FILES):
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{stored}.", dir=target.parent))
        try:
            _convert(source, tmp, stored)
            if target.exists():  # an incomplete leftover from an older tarjama
                shutil.rmtree(target)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(tmp)
    return target


def _convert(source: ModelSource, out: Path, stored: str) -> None:
    import transformers
    from ctranslate2.converters import TransformersConverter

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    try:
        TransformersConverter(str(source.path)).convert(
            str(out), quantization=None if stored == "float32" else stored, force=True
        )
    except (OSError, ValueError, KeyError, NotImplementedError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelNotAvailable(f"CTranslate2 cannot convert this model: {first}", path=source.path) from None


def model_max_length(path: Path) -> int:
    """The same cap the transformers backend uses: generation max_length, positions, 512."""

    config, gen = _read_json(path / "config.json"), _read_json(path / "generation_config.json")
    gen_max = gen.get("max_length") or config.get("max_length") or MAX_OUTPUT_TOKENS
    positions = config.get("max_position_embeddings") or MAX_OUTPUT_TOKENS
    return min(int(gen_max), int(positions), MAX_OUTPUT_TOKENS)


def output_budget(source_tokens: int, model_max: int) -> int:
    """Identical to the transformers backend's budget, so both stop runaway output at the same length."""
    return max(8, min(model_max, 2 * source_tokens + 10))


class CTranslate2Backend:
    name = "ct2"

    def __init__(self, source: ModelSource, settings: DecodeSettings | None = None) -> None:
        import ctranslate2
        import sentencepiece as spm

        settings = settings or DecodeSettings(backend="ct2")
        if settings.device.startswith("cuda") and ctranslate2.get_cuda_device_count() == 0:
            raise TarjamaError("--device cuda was asked for but no CUDA device is available")
        self.source = source
        self.settings = settings
        self.compute_type = resolve_compute_type(settings.compute_type, settings.device)
        self.model_dir = ensure_converted(source, _STORED[self.compute_type])
        self.model_max = model_max_length(source.path)
        gen = _read_json(source.path / "generation_config.json")
        self.min_length = int(gen.get("min_new_tokens") or 0)
        self._src = spm.SentencePieceProcessor(model_file=str(source.path / "source.spm"))
        self._tgt = spm.SentencePieceProcessor(model_file=str(source.path / "target.spm"))
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        try:
            self.translator = ctranslate2.Translator(
                str(self.model_dir),
                device=settings.device,
                compute_type=self.compute_type,
                intra_threads=threads if settings.device == "cpu" else 0,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelNotAvailable(
                f"CTranslate2 cannot load the converted model: {exc}", path=self.model_dir
            ) from None

    def encode(self, sentences: Sequence[str]) -> list[list[str]]:
        """Pieces as MarianTokenizer makes them: source SentencePiece, truncated, then </s>."""
        keep = self.model_max - 1
        return [[*pieces[:keep], EOS] for pieces in self._src.encode(list(sentences), out_type=str)]

    def decode(self, tokens: Sequence[str]) -> str:
        return self._tgt.decode_pieces([t for t in tokens if t not in (EOS, UNK)]).strip()

    def translate(self, sentences: Sequence[str]) -> list[str]:
        if not sentences:
            return []
        tokens = self.encode(sentences)
        out: list[str] = [""] * len(tokens)
        for batch in length_sorted_batches([len(t) for t in tokens], self.settings.batch_size):
            for i, hyp in zip(batch, self._decode([tokens[i] for i in batch]), strict=True):
                out[i] = self.decode(hyp)
        return out

    def _decode(self, batch: list[list[str]]) -> list[list[str]]:
        """One call per batch up to its longest budget; a sentence that ran past its own is redone alone.

        CTranslate2 takes one length limit per call; redoing the (rare, runaway) overlong
        ones keeps every sentence within the same budget the transformers backend gives it.
        """
        budgets = [output_budget(len(t), self.model_max) for t in batch]
        hyps = self._run(batch, max(budgets) - 1)
        for i, budget in enumerate(budgets):
            if len(hyps[i]) >= budget:  # EOS counts against the budget in the transformers backend
                hyps[i] = self._run([batch[i]], budget - 1)[0]
        return hyps

    def _run(self, batch: list[list[str]], max_length: int) -> list[list[str]]:
        results = self.translator.translate_batch(
            batch,
            beam_size=self.settings.beam,
            max_decoding_length=max_length,
            min_decoding_length=min(self.min_length, max_length),
            max_input_length=0,
        )
        return [r.hypotheses[0] for r in results]


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
