"""Find a Marian checkpoint (local directory or Hugging Face hub id) without surprising downloads.

Loading is split from resolving so that a missing model is reported in one line
before anything heavy is imported or any output is touched.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from tarjama.errors import ModelNotAvailable

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"

# The files a MarianTokenizer checkpoint needs besides the config and the weights.
MARIAN_TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_ALLOW = ["*.json", "*.spm", "*.safetensors", "*.txt", "*.model", "*.md"]


@dataclass(frozen=True)
class ModelSource:
    """A resolved checkpoint: where its files are and what identifies this exact version."""

    model_id: str  # what the user asked for: hub id or directory
    path: Path
    revision: str  # hub commit hash, or a content hash of a local directory


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _how_to_get(model: str) -> str:
    """Advice for a hub id: fetch it where the hub is reachable, then point --model at the copy."""
    local = model.rstrip("/").rsplit("/", 1)[-1] or "model"
    return (
        f"download it on a connected machine with `hf download {model} --local-dir {local}`, "
        f"copy the directory here and pass --model ./{local}"
    )


def _what_model_takes() -> str:
    """Advice for something that is not a hub id: downloading it by that name cannot work."""
    return (
        f"--model takes a hub id (such as {DEFAULT_MODEL}) or a local checkpoint directory "
        f"(config.json, weights, {', '.join(MARIAN_TOKENIZER_FILES)})"
    )


def check_marian_dir(path: Path, model_id: str) -> None:
    if not (path / "config.json").is_file():
        raise ModelNotAvailable("not a model directory: config.json is missing", path=path)
    if not any((path / w).is_file() for w in WEIGHT_FILES):
        raise ModelNotAvailable(
            f"model weights are missing (expected {' or '.join(WEIGHT_FILES)})", path=path
        )
    missing = [f for f in MARIAN_TOKENIZER_FILES if not (path / f).is_file()]
    if missing:
        raise ModelNotAvailable(
            f"tokenizer file {', '.join(missing)} is missing; a Marian checkpoint needs "
            f"{', '.join(MARIAN_TOKENIZER_FILES)}",
            path=path,
        )
    try:
        json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelNotAvailable(f"config.json is not valid JSON ({exc})", path=path) from None


def local_revision(path: Path) -> str:
    """A cheap fingerprint of a local checkpoint: config bytes plus size and edges of each weight file."""
    h = hashlib.sha256()
    for name in ("config.json", "generation_config.json", *MARIAN_TOKENIZER_FILES):
        f = path / name
        if f.is_file():
            h.update(name.encode())
            h.update(f.read_bytes())
    for name in WEIGHT_FILES:
        f = path / name
        if f.is_file():
            size = f.stat().st_size
            h.update(f"{name}:{size}".encode())
            with f.open("rb") as fh:
                h.update(fh.read(1 << 16))
                fh.seek(max(0, size - (1 << 16)))
                h.update(fh.read(1 << 16))
    return "sha256:" + h.hexdigest()[:16]


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "/", "~")) or model.endswith("/") or model.count("/") > 1


def resolve_model(model: str) -> ModelSource:
    """A local directory is used as is; a hub id comes from the cache, downloading only when online."""
    path = Path(model).expanduser()
    if path.is_dir():
        check_marian_dir(path, model)
        return ModelSource(model_id=model, path=path, revision=local_revision(path))
    if path.exists():
        raise ModelNotAvailable(f"is a file, not a model directory; {_what_model_takes()}", path=path)
    if _looks_like_path(model):
        raise ModelNotAvailable(f"no such model directory; {_what_model_takes()}", path=path)
    return _resolve_hub(model)


def _resolve_hub(model: str) -> ModelSource:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    try:
        snapshot = Path(snapshot_download(model, allow_patterns=_ALLOW, local_files_only=hub_offline()))
    except HFValidationError:
        raise ModelNotAvailable(
            f"'{model}' is neither a local directory nor a valid hub model id; {_what_model_takes()}"
        ) from None
    except Exception as exc:  # hub errors: offline, not found, gated, network
        why = "not in the local cache and the hub is unreachable"
        name = type(exc).__name__
        if "RepositoryNotFound" in name or "404" in str(exc)[:200]:
            why = "no such model on the hub (check the id)"
        elif hub_offline():
            why = "not in the local cache (HF_HUB_OFFLINE is set)"
        raise ModelNotAvailable(f"model '{model}' is not available: {why}; {_how_to_get(model)}") from None
    check_marian_dir(snapshot, model)
    return ModelSource(model_id=model, path=snapshot, revision=snapshot.name)
