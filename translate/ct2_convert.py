"""CTranslate2 conversion and its cache: a checkpoint is converted once (CTranslate2's own converter).

The cache is keyed by model id, revision and stored weight type, so a new hub revision
or an edited local checkpoint is converted again and an unchanged one never is.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.translate.backend import cannot_load, checkpoint_errors
from tarjama.translate.model_source import ModelSource

CT2_FILES = ("model.bin", "config.json", "shared_vocabulary.json")

# What each compute type stores on disk: quantised weights are stored quantised (a smaller file,
# lower peak memory while loading); float16/bfloat16 keep their own precision.
STORED_WEIGHTS = {
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


# Bumped whenever tarjama changes how a checkpoint is converted, so older conversions are redone.
CONVERSION_FORMAT = "v2"


def converted_dir(source: ModelSource, stored: str) -> Path:
    """Where this checkpoint version's conversion lives: ct2/<model>/<revision>/<weights>-<format>."""
    return (
        cache_root()
        / "ct2"
        / _slug(source.model_id)
        / _slug(source.revision)
        / f"{stored}-{CONVERSION_FORMAT}"
    )


def resolve_compute_type(compute_type: str, device: str) -> str:
    """``compute_type`` (already resolved from "default": ``backends.effective_compute_type``)
    if CTranslate2 can run it on ``device`` here, else a one-line error."""
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types(device)
    if compute_type not in STORED_WEIGHTS or compute_type not in supported:
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
    refused: tuple[type[Exception], ...] = (*checkpoint_errors(), NotImplementedError)
    try:
        with _pad_start_folded():
            TransformersConverter(str(source.path)).convert(
                str(out), quantization=None if stored == "float32" else stored, force=True
            )
    except refused as exc:
        raise cannot_load("CTranslate2 cannot convert this model", exc, source.path) from None


@contextlib.contextmanager
def _pad_start_folded() -> Iterator[None]:
    """Convert Marian checkpoints whose <pad> embedding is not zero without changing what they say.

    transformers starts the decoder from the <pad> embedding; CTranslate2's Marian loader
    starts it from a zero vector, which is only the same model when that row is zero (true
    of the original OPUS-MT conversions). Fine-tuning with tied embeddings moves the row
    (the output layer trains it), and such a model then decodes differently in CTranslate2:
    BLEU 71 instead of 95 on the model `tarjama finetune` trains on the example. Step 0 is
    the only place that embedding enters, so adding it (scaled, as transformers scales
    token embeddings) to the decoder's position-0 encoding makes both engines compute the
    same first input. CTranslate2 has no option for this, hence the loader override.
    """
    import ctranslate2.converters.transformers as ct2_transformers
    import torch

    class FoldedStartLoader(ct2_transformers.MarianMTLoader):
        def set_decoder(self, spec: Any, decoder: Any) -> None:  # CTranslate2's spec, a MarianDecoder
            super().set_decoder(spec, decoder)
            start = decoder.embed_tokens.weight[decoder.padding_idx].detach() * decoder.embed_scale
            if torch.count_nonzero(start):
                encodings = torch.as_tensor(spec.position_encodings.encodings).clone()
                encodings[0] += start.to(encodings.dtype)
                spec.position_encodings.encodings = encodings

    loaders = ct2_transformers._MODEL_LOADERS
    previous = loaders.get("MarianConfig")
    loaders["MarianConfig"] = FoldedStartLoader()
    try:
        yield
    finally:
        loaders["MarianConfig"] = previous
