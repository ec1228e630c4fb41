"""`tarjama export` and `tarjama status`: what the catalogs hold."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarjama.catalog.export import export_formats
from tarjama.cli.options import DEFAULT_OUT, cli_glossary, glossary_options
from tarjama.errors import display_path


@click.command("export")
@click.argument("catalog", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(export_formats()),
    help="What to write: the article's own format rebuilt with the translations in place (html, "
    "markdown), or text. Default: the format of the article the catalog was made from.",
)
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    help="The article the catalog was made from, when it is not where the catalog records it.",
)
@click.option(
    "--include-fuzzy", is_flag=True, help="Fill unreviewed (fuzzy) sentences with their machine translation."
)
@click.option(
    "--sentences", is_flag=True, help="Text: one sentence per line (the layout of reference translations)."
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout.")
@click.option(
    "--tmx",
    "as_tmx",
    is_flag=True,
    help="Write the reviewed entries as a TMX 1.4 translation memory instead; CATALOG may be a folder.",
)
@click.option(
    "--force", is_flag=True, help="Write -o even where it is the article or the catalog this export reads."
)
def export_cmd(
    catalog: Path,
    fmt: str | None,
    source: Path | None,
    include_fuzzy: bool,
    sentences: bool,
    output: Path | None,
    as_tmx: bool = False,
    force: bool = False,
) -> None:
    """The English article from CATALOG's reviewed entries, in the article's order and layout.

    An HTML or Markdown article comes back as the same document, every byte outside the
    translated sentences as the source has it. Unreviewed sentences stay in Arabic unless
    --include-fuzzy is given; the count goes to stderr.
    """
    if as_tmx:  # a translation memory, not the article: tarjama/cli/memory_cmds.py
        from tarjama.cli.memory_cmds import export_tmx

        export_tmx(
            catalog,
            output,
            force,
            format=fmt,
            source=source,
            include_fuzzy=include_fuzzy,
            sentences=sentences,
        )
        return
    from tarjama.catalog.export import export_article

    result = export_article(
        catalog,
        fmt=fmt,
        source=source,
        include_fuzzy=include_fuzzy,
        sentences=sentences,
        output=output,
        force=force,
    )
    for warning in result.warnings:
        click.echo(f"tarjama: warning: {warning}", err=True)
    if output is None:
        click.echo(result.text, nl=False)
    for line, note in result.notes:  # what of a translation did not go into the page as written
        where = display_path(catalog) if line is None else f"{display_path(catalog)}:{line}"
        click.echo(f"tarjama: warning: {where}: {note}", err=True)
    click.echo(f"{display_path(catalog)}: {result.summary()}", err=True)


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
            table.add_row(display_path(path), *(str(getattr(counts, c)) for c in COLUMNS))
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


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_cmd(paths: tuple[Path, ...]) -> None:
    """List translated entries whose markup, numbers or placeholders do not match their source.

    Tags must be the source's, as often and paired as in the source (Weblate's "XML markup"
    check); Markdown links keep their targets. PATHS are PO files or folders (default: locales).
    Exits 1 when anything is found. Glossary terms: `tarjama glossary check`.
    """
    from tarjama.catalog.checks import catalog_format, entry_problems
    from tarjama.catalog.po_file import load_po
    from tarjama.catalog.review import holds_translation, language_of
    from tarjama.catalog.status import find_catalogs

    found = 0
    catalogs = find_catalogs(list(paths) or [DEFAULT_OUT])
    for path in catalogs:
        po = load_po(path)
        language, fmt = language_of(po), catalog_format(po)
        for entry in po:
            if entry.obsolete or not holds_translation(entry, language):
                continue
            for problem in entry_problems(entry.msgid, entry.msgstr, fmt):
                found += 1
                click.echo(f"{display_path(path)}:{entry.linenum}: {problem}")
    if found:
        click.echo(f"tarjama: {found} problems in {len(catalogs)} catalog(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(catalogs)} catalog(s): markup, numbers and placeholders match their sources", err=True)


@click.command("review")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--top", type=click.IntRange(min=1), help="Only the N riskiest entries.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list, riskiest first.")
def review_cmd(paths: tuple[Path, ...], top: int | None, as_json: bool) -> None:
    """List the unreviewed translations under PATHS (PO files or folders; default: locales),
    highest risk first, with the reasons (each entry's `#. risk:` note; see docs/risk.md).

    An entry without a readable risk note is rated from its checks alone, and says so.
    """
    import json

    from rich.console import Console
    from rich.table import Table

    from tarjama.catalog.triage import review_queue

    queue = review_queue(list(paths) or [DEFAULT_OUT], top)
    if as_json:
        click.echo(json.dumps([item.as_dict() for item in queue.items], ensure_ascii=False, indent=2))
    else:
        table = Table("risk", "entry", "source", "translation", "reasons", show_lines=True)
        for item in queue.items:
            table.add_row(
                f"{item.risk:.2f}",
                f"{display_path(Path(item.catalog))}:{item.line}",
                item.msgid,
                item.msgstr,
                "\n".join(item.reasons),
            )
        Console(width=200).print(table)
        click.echo(f"{len(queue.items)} unreviewed entries", err=True)
    for problem in queue.errors:
        click.echo(f"tarjama: error: {problem}", err=True)
    if queue.errors:
        sys.exit(1)
