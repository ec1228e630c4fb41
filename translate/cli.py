"""The `tarjama` command. Each subcommand is a thin wrapper over a library function."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarjama import __version__
from tarjama.errors import TarjamaError
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.model_source import DEFAULT_MODEL

DEFAULT_OUT = Path("locales")


class TarjamaGroup(click.Group):
    """Turns TarjamaError into one line on stderr and its exit code; never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except TarjamaError as exc:
            click.echo(f"tarjama: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("tarjama: interrupted; finished files are complete", err=True)
            sys.exit(130)


@click.group(cls=TarjamaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tarjama")
def main() -> None:
    """Translate Arabic news articles into reviewable gettext PO files."""


@main.command("translate")
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Hub id or local model directory.")
@click.option(
    "--out",
    "out_dir",
    default=DEFAULT_OUT,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Root of the PO tree (<out>/<lang>/LC_MESSAGES/<article>.po).",
)
@click.option("--lang", default="en", show_default=True, help="Target language code.")
@click.option("--beam", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1, 4096))
@click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda"]))
def translate_cmd(
    articles: tuple[Path, ...], model: str, out_dir: Path, lang: str, beam: int, batch_size: int, device: str
) -> None:
    """Translate ARTICLES (UTF-8 Arabic text) into PO files for review."""
    from tarjama.translate.pipeline import RunOptions, translate_articles

    options = RunOptions(
        model=model,
        out_dir=out_dir,
        lang=lang,
        settings=DecodeSettings(beam=beam, batch_size=batch_size, device=device),
    )
    for r in translate_articles(list(articles), options):
        state = "written" if r.written else "unchanged"
        click.echo(
            f"{r.po_path}: {state} ({r.sentences} sentences, {r.machine_translated} machine-translated, "
            f"{r.reviewed_kept} reviewed kept)"
        )
