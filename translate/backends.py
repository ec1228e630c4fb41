"""The backend registry: which engines exist, what their compute types mean, and how to open one.

Importing this module imports no engine (neither torch nor ctranslate2): an engine's module
is imported only by :func:`open_backend`, so the CLI can offer the choices, and ``batch``
can compare PO headers, without loading anything.

To add a backend: write ``translate/<name>_backend.py`` with a :class:`BaseBackend` subclass
(see ``translate/backend.py``), and add one :class:`BackendSpec` line to ``_REGISTRY`` below.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tarjama.errors import TarjamaError
from tarjama.translate.backend import Backend, CpuLayout, DecodeSettings
from tarjama.translate.model_source import ModelSource

# What --compute-type says when it leaves the choice to the backend.
DEFAULT_COMPUTE = ("default", "auto", "")


@dataclass(frozen=True)
class BackendSpec:
    """One engine: where its class is, and its compute types (checked before anything loads)."""

    name: str
    loader: str  # "module:Class", imported by open_backend only
    compute_types: tuple[str, ...]  # what --compute-type may name for this engine
    default_cpu: str  # what "default" means on CPU ...
    default_accelerated: str  # ... and on any other device (it goes into the PO header)

    def default_compute(self, device: str) -> str:
        return self.default_cpu if device == "cpu" else self.default_accelerated


_REGISTRY: tuple[BackendSpec, ...] = (
    BackendSpec(
        "transformers", "tarjama.translate.hf_backend:TransformersBackend", ("float32",), "float32", "float32"
    ),
    BackendSpec(
        "ct2",
        "tarjama.translate.ct2_backend:CTranslate2Backend",
        # CTranslate2 also checks at load time what the device supports (ct2_convert.resolve_compute_type)
        ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"),
        "int8",
        "int8_float16",
    ),
)

SPECS: dict[str, BackendSpec] = {spec.name: spec for spec in _REGISTRY}
BACKENDS: tuple[str, ...] = tuple(SPECS)


def _merged(orders: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Every item once, each sequence's order kept: an item new to the result goes right after
    the item that precedes it in its own sequence (first: at the front)."""
    out: list[str] = []
    for order in orders:
        for k, item in enumerate(order):
            if item not in out:
                out.insert(out.index(order[k - 1]) + 1 if k else 0, item)
    return tuple(out)


# The --compute-type choices: "default", then every type some backend allows.
COMPUTE_TYPES: tuple[str, ...] = ("default", *_merged(spec.compute_types for spec in _REGISTRY))


def backend_spec(name: str) -> BackendSpec:
    """The registry entry for ``name``; an unknown name is a one-line error naming the choices."""
    spec = SPECS.get(name)
    if spec is None:
        raise TarjamaError(f"unknown backend {name!r} (choose from {', '.join(BACKENDS)})")
    return spec


def effective_compute_type(settings: DecodeSettings) -> str:
    """What "default" means, without loading anything (it goes into the PO header)."""
    if settings.compute_type not in DEFAULT_COMPUTE:
        return settings.compute_type
    return backend_spec(settings.backend).default_compute(settings.device)


def check_compute_type(settings: DecodeSettings) -> None:
    """A compute type the chosen backend cannot run at all is refused before anything loads."""
    spec = backend_spec(settings.backend)
    wanted = settings.compute_type
    if wanted in DEFAULT_COMPUTE or wanted in spec.compute_types:
        return
    others = [s.name for s in _REGISTRY if wanted in s.compute_types]
    if not others:
        raise TarjamaError(f"unknown --compute-type {wanted!r} (choose from {', '.join(COMPUTE_TYPES)})")
    raise TarjamaError(
        f"--compute-type {wanted} needs --backend {' or '.join(others)} "
        f"({spec.name} runs {', '.join(spec.compute_types)})"
    )


def open_backend(
    source: ModelSource, settings: DecodeSettings, layout: CpuLayout | None = None, decoding: bool = True
) -> Backend:
    """Load the model once with the backend ``settings.backend`` names (heavy imports happen here).

    ``layout``: the CPUs it decodes with (default: every core of this process,
    ``translate.backend.local_layout``); ``decoding`` False: tokenizer and vocabulary only, for
    a driver that plans batches other processes decode.
    """
    spec = backend_spec(settings.backend)
    check_compute_type(settings)
    module, _, cls = spec.loader.partition(":")
    # an engine that never runs distributed may keep the two-argument constructor
    extra = {k: v for k, v in (("layout", layout), ("decoding", decoding)) if v is not None and v is not True}
    return getattr(importlib.import_module(module), cls)(source, settings, **extra)
