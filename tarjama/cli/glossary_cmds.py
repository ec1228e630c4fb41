"""`tarjama glossary show|check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarjama.cli.options import cli_glossary, glossary_options


@click.group("glossary")
def glossary_group() -> None:
    """Inspect glossary matches and check translated catalogs for missing terms."""


@glossary_group.command("show")
@click.argument("article", type=click.Path(path_type=Path))
@glossary_options
def glossary_show(article: Path, glossary_files: tuple[Path, ...], no_glossary: bool) -> None:
    """Every glossary match in ARTICLE: sentence, offsets (in the sentence and the file), surface, target."""
    from tarjama.glossary import Matcher
    from tarjama.sources import read

    glossary = cli_glossary(glossary_files, no_glossary)
    if glossary is None:
        return
    matcher = Matcher(glossary)
    sentences = read(article).sentences
    count = 0
    for s in sentences:
        for m in matcher.find(s.text):
            count += 1
            click.echo(
                f"{s.n}\t{m.start}-{m.end}\t{s.start + m.start}-{s.start + m.end}\t{m.surface}\t{m.target}"
            )
    click.echo(f"{article}: {count} matches in {len(sentences)} sentences", err=True)


@glossary_group.command("check")
@click.argument("catalogs", nargs=-1, required=True, type=click.Path(path_type=Path))
@glossary_options
def glossary_check(catalogs: tuple[Path, ...], glossary_files: tuple[Path, ...], no_glossary: bool) -> None:
    """Report entries whose translation lacks a required term or holds a forbidden rendering; exit 1 if any."""
    from tarjama.evaluation.term_accuracy import check_catalogs

    problems = check_catalogs(list(catalogs), cli_glossary(glossary_files, no_glossary))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(
            f"tarjama: {len(problems)} glossary problems (missing terms, forbidden renderings)", err=True
        )
        sys.exit(1)
    click.echo(f"{len(catalogs)} catalog(s): no missing glossary terms, no forbidden renderings", err=True)
