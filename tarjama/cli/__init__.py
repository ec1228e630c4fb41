"""The `tarjama` command: one module per command group, each thin over a library function.

Only this package imports click; the stages and the run core never do (lint-imports checks it).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from tarjama import __version__
from tarjama.cli.catalog_cmds import check_cmd, export_cmd, review_cmd, status_cmd
from tarjama.cli.evaluation_cmds import compare_cmd, score_cmd
from tarjama.cli.finetune import finetune_cmd
from tarjama.cli.glossary_cmds import glossary_group
from tarjama.cli.memory_cmds import memory_group
from tarjama.cli.run_cmds import batch_cmd, translate_cmd
from tarjama.cli.serve_cmd import serve_cmd
from tarjama.cli.sources_cmds import segment_cmd
from tarjama.errors import TarjamaError


class TarjamaGroup(click.Group):
    """Turns TarjamaError into one line on stderr and its exit code; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        _never_fail_to_print()
        try:
            return super().invoke(ctx)
        except TarjamaError as exc:
            click.echo(f"tarjama: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("tarjama: interrupted; finished files are complete", err=True)
            sys.exit(130)


def _never_fail_to_print() -> None:
    """A file name that is not UTF-8 reaches the output as lone surrogates (os.fsdecode); where
    stdout is strict (a UTF-8 locale), printing one would end the command with a traceback.
    tarjama shows such names escaped (errors.display_path); anything still holding one is
    printed with a backslash escape instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


@click.group(cls=TarjamaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tarjama")
def main() -> None:
    """Translate Arabic news articles into reviewable gettext PO files."""


for command in (
    translate_cmd,
    batch_cmd,
    glossary_group,
    segment_cmd,
    export_cmd,
    memory_group,
    status_cmd,
    review_cmd,
    check_cmd,
    serve_cmd,
    score_cmd,
    compare_cmd,
    finetune_cmd,
):
    main.add_command(command)
