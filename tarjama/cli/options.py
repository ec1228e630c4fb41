"""Options shared by several commands, declared once; names match the library's option fields."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tarjama.glossary import Glossary
from tarjama.run import load_glossary
from tarjama.run.articles import DEFAULT_OUT
from tarjama.translate.backends import BACKENDS, COMPUTE_TYPES
from tarjama.translate.model_source import DEFAULT_MODEL

# a command's function, as each option decorator takes and returns it
F = TypeVar("F", bound=Callable[..., Any])


def input_format_option(f: F) -> F:
    """--format: how articles are read (default: by file ending, else by content)."""
    from tarjama.sources import READERS

    return click.option(
        "--format",
        "input_format",
        type=click.Choice(["auto", *READERS]),
        default="auto",
        show_default=True,
        help="Read the articles as this format instead of guessing it from their names and content.",
    )(f)


def chosen_format(input_format: str) -> str | None:
    return None if input_format == "auto" else input_format


def glossary_options(f: F) -> F:
    """--glossary FILE (repeatable; later files override earlier ones) and --no-glossary."""
    f = click.option(
        "--no-glossary", is_flag=True, help="Use no glossary at all (not even the shipped default)."
    )(f)
    return click.option(
        "--glossary",
        "glossary_files",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Glossary file, CSV or TBX (repeatable; later files win). Default: the shipped ar-en.csv.",
    )(f)


def memory_options(default: str = "<out>/<lang>") -> Callable[[F], F]:
    """--memory DIR and --no-memory; ``default``: where the memory is when --memory is not given
    (translate and batch: the output tree's language folder; serve: locales/<lang>)."""

    def decorate(f: F) -> F:
        f = click.option(
            "--no-memory",
            "use_memory",
            is_flag=True,
            flag_value=False,
            default=True,
            help="Do not use a translation memory.",
        )(f)
        return click.option(
            "--memory",
            "memory_dir",
            type=click.Path(path_type=Path),  # a file is refused by the library, in one line
            help="Translation memory: the reviewed entries of the POs and the units of the TMX files "
            f"under DIR in the target language (others are reported and left out). Default: {default}, "
            "when it exists.",
        )(f)

    return decorate


def review_options(f: F) -> F:
    """Translation memory, fuzzy offers, locking and --force (read-only catalogs)."""
    options = [
        memory_options(),
        click.option(
            "--fuzzy-threshold",
            type=click.FloatRange(0, 1),
            default=0.75,
            show_default=True,
            help="Least similarity (0-1) for a memory match to be offered as a fuzzy translation.",
        ),
        click.option(
            "--retranslate-changed",
            is_flag=True,
            help="Machine-translate changed sentences instead of offering their previous reviewed "
            "translation (or a fuzzy memory match) as a fuzzy starting point; old reviews stay obsolete.",
        ),
        click.option(
            "--lock-timeout",
            type=click.FloatRange(0),
            default=30.0,
            show_default=True,
            help="Seconds to wait for another tarjama process writing the same PO file.",
        ),
        click.option(
            "--force",
            is_flag=True,
            help="Write catalogs even where their permission bits say read-only (the mode is kept).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def backend_options(f: F) -> F:
    """--backend transformers|ct2 and --compute-type (CTranslate2 weights/arithmetic; int8 on CPU)."""
    f = click.option(
        "--compute-type",
        type=click.Choice(COMPUTE_TYPES),
        default="default",
        show_default=True,
        help="CTranslate2 compute type (default: int8 on CPU); transformers runs float32.",
    )(f)
    return click.option(
        "--backend",
        type=click.Choice(list(BACKENDS)),
        default="transformers",
        show_default=True,
        help="transformers, or ct2: CTranslate2 (the model is converted once into ~/.cache/tarjama).",
    )(f)


def device_option(f: F) -> F:
    """--device cpu|cuda (a missing CUDA device is refused before anything loads)."""
    return click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda"]))(f)


def model_option(f: F) -> F:
    """--model: a hub id or a local checkpoint (the same default everywhere)."""
    return click.option(
        "--model", default=DEFAULT_MODEL, show_default=True, help="Hub id or local model directory."
    )(f)


def lang_option(f: F) -> F:
    """--lang: the target language (its memory and catalogs are <out>/<lang>)."""
    return click.option("--lang", default="en", show_default=True, help="Target language code.")(f)


def beam_option(f: F) -> F:
    return click.option("--beam", default=4, show_default=True, type=click.IntRange(1, 64))(f)


def model_options(f: F) -> F:
    """--model, --out, --lang and --beam, shared by translate and batch."""
    options = [
        model_option,
        click.option(
            "--out",
            "out_dir",
            default=DEFAULT_OUT,
            show_default=True,
            type=click.Path(path_type=Path),
            help="Root of the PO tree (<out>/<lang>/LC_MESSAGES/<article>.po).",
        ),
        lang_option,
        beam_option,
    ]
    for option in reversed(options):
        f = option(f)
    return f


def progress_option(f: F) -> F:
    """--progress auto|bar|lines|none (batch_view.progress_mode says what auto means)."""
    from tarjama.cli.batch_view import PROGRESS_MODES

    return click.option(
        "--progress",
        type=click.Choice(PROGRESS_MODES),
        default="auto",
        show_default=True,
        help="bar: a live bar; lines: a plain line every 10 s (for logs); auto: the bar on a "
        "terminal, elsewhere a line every 10 s once a run has lasted 10 s (from the start with "
        "TARJAMA_PROGRESS=lines).",
    )(f)


def engine_options(f: F) -> F:
    """--engine NAME and every option a registered engine takes (run.engines), each checked by
    the library; the options the user gave are in ``ctx.meta[ENGINE_OPTIONS]``."""
    from tarjama.run.engines import engine_names, engine_options, engine_spec

    def given(name: str) -> Callable[[click.Context, click.Parameter, str | None], None]:
        def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
            if value is not None:
                ctx.meta.setdefault(ENGINE_OPTIONS, {})[name] = value

        return remember

    for option in reversed(engine_options()):
        owners = [n for n in engine_names() if option in engine_spec(n).options]
        default = f" [default: {option.default}]" if option.default is not None else ""
        f = click.option(
            option.flag,
            default=None,
            metavar=option.metavar,
            expose_value=False,
            callback=given(option.name),
            help=f"{option.help} (--engine {' or '.join(owners)}){default}",
        )(f)
    choices = "; ".join(f"{n}: {engine_spec(n).help}" for n in engine_names())
    return click.option(
        "--engine",
        type=click.Choice(engine_names()),
        default="local",
        show_default=True,
        help=f"Where articles are read and sentences decoded ({choices}).",
    )(f)


ENGINE_OPTIONS = "tarjama.engine_options"


def warn(message: str) -> None:
    click.echo(f"tarjama: warning: {message}", err=True)


def cli_glossary(glossary_files: tuple[Path, ...], no_glossary: bool) -> Glossary | None:
    """The glossary that --glossary/--no-glossary select (the shipped default when neither is given)."""
    return load_glossary(glossary_files or None, not no_glossary, warn)
