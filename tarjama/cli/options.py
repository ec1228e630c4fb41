"""Options shared by several commands, declared once; names match the library's option fields."""

from __future__ import annotations

from pathlib import Path

import click

from tarjama.glossary import Glossary
from tarjama.run import load_glossary
from tarjama.translate.backends import BACKENDS, COMPUTE_TYPES
from tarjama.translate.model_source import DEFAULT_MODEL

DEFAULT_OUT = Path("locales")


def input_format_option(f):
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


def glossary_options(f):
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


def review_options(f):
    """Translation memory, fuzzy offers, locking and --force (read-only catalogs)."""
    options = [
        click.option(
            "--memory",
            "memory_dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Translation memory: the reviewed entries of the POs and the units of the TMX files "
            "under DIR in the target language (others are reported and left out). Default: <out>/<lang>.",
        ),
        click.option(
            "--no-memory",
            "use_memory",
            is_flag=True,
            flag_value=False,
            default=True,
            help="Do not use a translation memory.",
        ),
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


def backend_options(f):
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


def device_option(f):
    """--device cpu|cuda (a missing CUDA device is refused before anything loads)."""
    return click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda"]))(f)


def model_options(f):
    """--model, --out, --lang and --beam, shared by translate and batch."""
    options = [
        click.option(
            "--model", default=DEFAULT_MODEL, show_default=True, help="Hub id or local model directory."
        ),
        click.option(
            "--out",
            "out_dir",
            default=DEFAULT_OUT,
            show_default=True,
            type=click.Path(path_type=Path),
            help="Root of the PO tree (<out>/<lang>/LC_MESSAGES/<article>.po).",
        ),
        click.option("--lang", default="en", show_default=True, help="Target language code."),
        click.option("--beam", default=4, show_default=True, type=click.IntRange(1, 64)),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def warn(message: str) -> None:
    click.echo(f"tarjama: warning: {message}", err=True)


def cli_glossary(glossary_files: tuple[Path, ...], no_glossary: bool) -> Glossary | None:
    """The glossary that --glossary/--no-glossary select (the shipped default when neither is given)."""
    return load_glossary(glossary_files or None, not no_glossary, warn)
