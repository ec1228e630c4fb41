"""`tarjama serve`: the LibreTranslate-compatible service (FastAPI on uvicorn)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarjama.cli.options import DEFAULT_OUT, backend_options, device_option, glossary_options, warn
from tarjama.translate.model_source import DEFAULT_MODEL


@click.command("serve")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Hub id or local model directory.")
@backend_options
@device_option
@glossary_options
@click.option(
    "--memory",
    "memory_dir",
    type=click.Path(path_type=Path),
    help="Translation memory: reviewed entries of the target language's POs (and TMX) under DIR. "
    "Default: locales/<lang>, when it exists.",
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
    type=click.Path(path_type=Path),
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
    "--timeout-read",
    default=20.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds a client has to send a request's line and headers (from connecting, or from its "
    "previous answer), and as long again for its body (then 408 and the connection is closed), or "
    "to read answers it lets back up.",
)
@click.option(
    "--timeout-keep-alive",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds an idle connection is kept open for the client's next request.",
)
@click.option(
    "--max-connections",
    default=256,
    show_default=True,
    type=click.IntRange(1),
    help="Open connections (per worker) past which a request gets 503 with Retry-After.",
)
@click.option(
    "--header-limit",
    default=16_384,
    show_default=True,
    type=click.IntRange(1024),
    help="Bytes of a request's line and headers past which it gets 431.",
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
    type=click.Path(path_type=Path),
    help="Enable POST /suggest: corrections go to this PO, fuzzy, for a translator to accept.",
)
@click.option(
    "--lock-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds /suggest waits for another process writing the suggestions PO (then 503).",
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
    memory_dir: Path | None,
    no_memory: bool,
    lang: str,
    beam: int,
    host: str,
    port: int,
    api_keys: Path | None,
    char_limit: int,
    body_limit: int,
    timeout_read: float,
    timeout_keep_alive: float,
    max_connections: int,
    header_limit: int,
    max_batch: int,
    max_wait_ms: float,
    max_queue: int,
    suggestions: Path | None,
    lock_timeout: float,
    workers: int,
) -> None:
    """Serve tarjama's MT, glossary and memory on LibreTranslate's API (Weblate, libretranslatepy).

    The model is loaded once at start; the process says when it is ready. SIGTERM stops
    accepting, answers the requests in flight and exits 0.
    """
    import json
    import os

    from tarjama.catalog.memory import check_memory_dir
    from tarjama.files import check_can_write
    from tarjama.service.app import create_app
    from tarjama.service.factory import SETTINGS_ENV, build_service, read_api_keys
    from tarjama.service.server import Limits, bind, serve

    keys = read_api_keys(api_keys) if api_keys is not None else None
    if no_memory:
        memory_dir = None
    elif memory_dir is None:  # the target language's memory, as translate's <out>/<lang>
        default = DEFAULT_OUT / lang
        memory_dir = default if default.is_dir() else None
    else:
        check_memory_dir(memory_dir)
    if suggestions is not None:
        check_can_write(suggestions, what="suggestions file")
    settings = {
        "model": model,
        "backend": backend,
        "compute_type": compute_type,
        "device": device,
        "glossaries": [str(g) for g in glossary_files] or None,
        "use_glossary": not no_glossary,
        "memory_dir": str(memory_dir) if memory_dir is not None else None,
        "lang": lang,
        "beam": beam,
        "api_keys": sorted(keys) if keys is not None else None,
        "char_limit": char_limit,
        "body_limit": body_limit,
        "read_timeout": timeout_read,
        "max_batch": max_batch,
        "max_wait_ms": max_wait_ms,
        "max_queue": max_queue,
        "suggestions": str(suggestions) if suggestions is not None else None,
        "lock_timeout": lock_timeout,
    }
    limits = Limits(
        read_timeout=timeout_read,
        keep_alive=timeout_keep_alive,
        max_connections=max_connections,
        header_limit=header_limit,
    )
    # bound before anything loads: a taken port is one line; "ready" once listening
    sockets = bind(host, port)
    service = build_service(settings, on_warning=warn)  # a bad model or glossary fails here, in one line
    bound = sockets[0].getsockname()[1]
    click.echo(f"tarjama serve: loading {service.config.label} on http://{host}:{bound}", err=True)
    if workers > 1:
        os.environ[SETTINGS_ENV] = json.dumps(settings)
        serve("tarjama.service.factory:app_from_env", sockets, limits, workers)
    else:
        # loaded before the server starts: a library that sets signal handlers while loading
        # (torch, CTranslate2) must not replace the ones that make SIGTERM drain the server
        service.model.backend()
        serve(create_app(service), sockets, limits)
    sys.exit(0)
