"""`tarjama export` and `tarjama status`: what the catalogs hold."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarjama.cli.options import DEFAULT_OUT, cli_glossary, glossary_options


@click.command("export")
@click.argument("catalog", type=click.Path(path_type=Path))
@click.option(
    "--include-fuzzy", is_flag=True, help="Fill unreviewed (fuzzy) sentences with their machine translation."
)
@click.option(
    "--sentences", is_flag=True, help="One sentence per line (the layout of reference translations)."
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout.")
def export_cmd(catalog: Path, include_fuzzy: bool, sentences: bool, output: Path | None) -> None:
    """The English article from CATALOG's reviewed entries, in the article's order and paragraphs.

    Unreviewed sentences stay in Arabic unless --include-fuzzy is given; the count goes to stderr.
    """
    from tarjama.catalog.export import Layout, export_catalog
    from tarjama.catalog.po_file import load_po
    from tarjama.files import atomic_write_text

    layout = Layout.SENTENCES if sentences else Layout.PARAGRAPHS
    result = export_catalog(load_po(catalog), include_fuzzy=include_fuzzy, layout=layout)
    if output is None:
        click.echo(result.text, nl=False)
    else:
        atomic_write_text(output, result.text)
    click.echo(f"{catalog}: {result.summary()}", err=True)


@click.command("status")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@glossary_options
def status_cmd(
    paths: tuple[Path, ...], as_json: bool, glossary_files: tuple[Path, ...], no_glossary: bool
) -> None:
    """Review progress per PO file under PATHS (files or folders; default: locales) and in total.

    Translated entries are checked again, so work a translator's edit undid shows: a glossary
    term (the shipped glossary unless --glossary/--no-glossary), a number or a placeholder
    of the source missing from the msgstr.
    """
    import json

    from rich.console import Console
    from rich.table import Column, Table

    from tarjama.catalog.status import COLUMNS, status

    report = status(list(paths) or [DEFAULT_OUT], cli_glossary(glossary_files, no_glossary))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        # a path is read whole: the count columns give way
        table = Table(Column("catalog", no_wrap=True), *(c.replace("_", " ") for c in COLUMNS))
        for path, counts in report.files.items():
            table.add_row(path, *(str(getattr(counts, c)) for c in COLUMNS))
        table.add_row("total", *(str(getattr(report.total, c)) for c in COLUMNS), style="bold")
        Console(width=250).print(table)
    copies = report.total.source_copies
    if copies:
        click.echo(
            f"{copies} {'entry holds' if copies == 1 else 'entries hold'} a copy of the source "
            "(msgstr = the Arabic, as msginit or an editor's 'copy source' leaves it): counted as "
            "untranslated, never used as translation memory",
            err=True,
        )
    for problem in report.errors:
        click.echo(f"tarjama: error: {problem}", err=True)
    if report.errors:
        sys.exit(1)
