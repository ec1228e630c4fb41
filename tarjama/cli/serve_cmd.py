"""`tarjama serve`: the LibreTranslate-compatible service (FastAPI on uvicorn)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tarjama.cli.options import (
    backend_options,
    beam_option,
    device_option,
    glossary_options,
    lang_option,
    memory_options,
    model_option,
    warn,
)


@click.command("serve")
@model_option
@backend_options
@device_option
@glossary_options
@memory_options(default="locales/<lang>")
@lang_option
@beam_option
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
    "--glossary-store",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the glossaries clients upload through DeepL's API (Weblate's project "
    "glossaries), one file each. Default: locales/.glossaries (made at the first upload).",
)
@click.option(
    "--access-log",
    is_flag=True,
    help="A line on stderr for each answer: time, client, method, route, status, milliseconds "
    "(never a request's text or query string).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Processes (each loads the model).",
)
def serve_cmd(
    glossary_files: tuple[Path, ...],
    no_glossary: bool,
    memory_dir: Path | None,
    use_memory: bool,
    api_keys: Path | None,
    timeout_read: float,
    timeout_keep_alive: float,
    **settings: Any,
) -> None:
    """Serve tarjama's MT, glossary and memory on LibreTranslate's API (Weblate, libretranslatepy).

    The model is loaded once at start; the process says when it is ready. SIGTERM stops
    accepting, answers the requests in flight and exits 0.
    """
    from tarjama.service.factory import run_service, serve_settings

    chosen = serve_settings(
        api_key_file=api_keys,
        memory_dir=memory_dir,
        use_memory=use_memory,
        glossaries=glossary_files or None,
        use_glossary=not no_glossary,
        read_timeout=timeout_read,
        keep_alive=timeout_keep_alive,
        **settings,
    )
    run_service(chosen, on_warning=warn, say=lambda line: click.echo(line, err=True))
    sys.exit(0)
