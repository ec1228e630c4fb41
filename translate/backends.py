"""Choose a backend by name; the pipeline only ever sees the `Backend` interface."""

from __future__ import annotations

from tarjama.errors import TarjamaError
from tarjama.translate.backend import Backend, DecodeSettings
from tarjama.translate.model_source import ModelSource

BACKENDS = ("transformers", "ct2")


def effective_compute_type(settings: DecodeSettings) -> str:
    """What "default" means, without loading anything (it goes into the PO header)."""
    if settings.compute_type not in ("default", "auto", ""):
        return settings.compute_type
    if settings.backend == "ct2":
        return "int8" if settings.device == "cpu" else "int8_float16"
    return "float32"


def open_backend(source: ModelSource, settings: DecodeSettings) -> Backend:
    """Load the model once with the backend ``settings.backend`` names (heavy imports happen here)."""
    if settings.backend == "ct2":
        from tarjama.translate.ct2_backend import CTranslate2Backend

        return CTranslate2Backend(source, settings)
    if settings.backend == "transformers":
        if settings.compute_type not in ("default", "auto", "float32"):
            raise TarjamaError(
                f"--compute-type {settings.compute_type} needs --backend ct2 (transformers runs float32)"
            )
        from tarjama.translate.hf_backend import TransformersBackend

        return TransformersBackend(source, settings)
    raise TarjamaError(f"unknown backend {settings.backend!r} (choose from {', '.join(BACKENDS)})")
