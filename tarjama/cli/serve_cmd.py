"""`tarjama serve`: the LibreTranslate-compatible service (FastAPI on uvicorn)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarjama.cli.options import backend_options, device_option, glossary_options, warn
from tarjama.translate.model_source import DEFAULT_MODEL


@click.command("serve")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Hub id or local model directory.")
@backend_options
@device_option
@glossary_options
@click.option(
    "--memory",
    "memory_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("locales/en"),
    show_default=True,
    help="Translation memory: reviewed entries of every PO (and TMX) under DIR.",
)
@click.option("--no-memory", "no_memory", is_flag=True, help="Serve without a translation memory.")
@click.option("--lang", default="en", show_default=True, help="Target language code.")
@click.option("--beam", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Listen here (loopback unless told otherwise)."
)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--api-keys",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file of accepted API keys, one a line (# comments); requests without one get 403.",
)
@click.option(
    "--char-limit",
    default=5000,
    show_default=True,
    type=click.IntRange(0),
    help="Characters of q per request (0: none).",
)
@click.option(
    "--body-limit",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(1),
    help="Bytes of a request body.",
)
@click.option(
    "--max-batch", default=32, show_default=True, type=click.IntRange(1), help="Sentences decoded together."
)
@click.option(
    "--max-wait-ms",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0),
    help="How long a request waits for others to batch with.",
)
@click.option(
    "--max-queue",
    default=1024,
    show_default=True,
    type=click.IntRange(1),
    help="Sentences waiting before requests get 429.",
)
@click.option(
    "--suggestions",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Enable POST /suggest: corrections go to this PO, fuzzy, for a translator to accept.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Processes (each loads the model).",
)
def serve_cmd(
    model: str,
    backend: str,
    compute_type: str,
    device: str,
    glossary_files: tuple[Path, ...],
    no_glossary: bool,
    memory_dir: Path,
    no_memory: bool,
    lang: str,
    beam: int,
    host: str,
    port: int,
    api_keys: Path | None,
    char_limit: int,
    body_limit: int,
    max_batch: int,
    max_wait_ms: float,
    max_queue: int,
    suggestions: Path | None,
    workers: int,
) -> None:
    """Serve tarjama's MT, glossary and memory on LibreTranslate's API (Weblate, libretranslatepy).

    The model is loaded once at start; the process says when it is ready. SIGTERM stops
    accepting, answers the requests in flight and exits 0.
    """
    import os

    import uvicorn

    from tarjama.errors import InputError
    from tarjama.files import check_can_write

    keys = None
    if api_keys is not None:
        try:
            lines = api_keys.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the API keys ({exc})", path=api_keys) from None
        keys = frozenset(k.strip() for k in lines if k.strip() and not k.lstrip().startswith("#"))
        if not keys:
            raise InputError("no API key in the file", path=api_keys)
    if suggestions is not None:
        check_can_write(suggestions, what="suggestions file")
    settings = {
        "model": model,
        "backend": backend,
        "compute_type": compute_type,
        "device": device,
        "glossaries": [str(g) for g in glossary_files] or None,
        "use_glossary": not no_glossary,
        "memory_dir": None if no_memory else str(memory_dir),
        "lang": lang,
        "beam": beam,
        "api_keys": sorted(keys) if keys is not None else None,
        "char_limit": char_limit,
        "body_limit": body_limit,
        "max_batch": max_batch,
        "max_wait_ms": max_wait_ms,
        "max_queue": max_queue,
        "suggestions": str(suggestions) if suggestions is not None else None,
    }
    from tarjama.service.app import create_app, serve
    from tarjama.service.factory import SETTINGS_ENV, build_service

    service = build_service(settings, on_warning=warn)  # a bad model or glossary fails here, in one line
    click.echo(f"tarjama serve: loading {service.config.label} on http://{host}:{port}", err=True)
    if workers > 1:
        import json

        os.environ[SETTINGS_ENV] = json.dumps(settings)
        uvicorn.run(
            "tarjama.service.factory:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            timeout_graceful_shutdown=30,
        )
    else:
        # loaded before the server starts: a library that sets signal handlers while loading
        # (torch, CTranslate2) must not replace the ones that make SIGTERM drain the server
        service.model.backend()
        serve(create_app(service), host, port)
    sys.exit(0)
