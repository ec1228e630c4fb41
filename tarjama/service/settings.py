"""What `tarjama serve` runs with, as one typed value.

`ServeSettings` is built once, in the process that was started (`factory.serve_settings`
reads the key file and resolves the memory there), and handed to every worker process of
``--workers N`` whole, as JSON in ``TARJAMA_SERVE_SETTINGS``: pydantic checks it on the way
back in, so a worker runs with exactly the types the first process had, and a field added
here reaches every worker without another line of code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter

from tarjama.service.server import Limits
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.model_source import DEFAULT_MODEL


@dataclass(frozen=True)
class ServeSettings:
    # the model and how it decodes (as `translate`'s options)
    model: str = DEFAULT_MODEL
    backend: str = "transformers"
    compute_type: str = "default"
    device: str = "cpu"
    beam: int = 4
    lang: str = "en"
    glossaries: tuple[Path, ...] | None = None  # None: the shipped default
    use_glossary: bool = True
    memory_dir: Path | None = None  # the memory's folder, resolved (None: no memory)
    # the desk's API and its bounds
    api_keys: frozenset[str] | None = None  # None: no key needed
    char_limit: int = 5000
    body_limit: int = 1_000_000
    max_batch: int = 32
    max_wait_ms: float = 5.0
    max_queue: int = 1024
    suggestions: Path | None = None
    lock_timeout: float = 10.0
    glossary_store: Path | None = None  # uploaded (DeepL) glossaries' folder; None: kept in memory
    access_log: bool = False  # uvicorn's access log (method, route, status, time; never the text)
    # what a client may hold of the server (`server.Limits`)
    read_timeout: float = 20.0
    keep_alive: float = 5.0
    max_connections: int = 256
    header_limit: int = 16_384
    # where and how many processes
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 1

    def decode(self) -> DecodeSettings:
        return DecodeSettings(
            beam=self.beam,
            device=self.device,
            backend=self.backend,
            compute_type=self.compute_type,
            batch_size=self.max_batch,
        )

    def limits(self) -> Limits:
        return Limits(
            read_timeout=self.read_timeout,
            keep_alive=self.keep_alive,
            max_connections=self.max_connections,
            header_limit=self.header_limit,
        )

    def to_json(self) -> str:
        return _adapter().dump_json(self).decode("utf-8")

    @classmethod
    def from_json(cls, text: str) -> ServeSettings:
        return _adapter().validate_json(text, strict=False)


@cache
def _adapter() -> TypeAdapter[ServeSettings]:
    return TypeAdapter(ServeSettings)
