"""`tarjama glossary show|check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarjama.cli.options import chosen_format, cli_glossary, glossary_options, input_format_option


@click.group("glossary")
def glossary_group() -> None:
    """Inspect glossary matches and check translated catalogs for missing terms."""


@glossary_group.command("show")
@click.argument("article", type=click.Path(path_type=Path))
@glossary_options
@input_format_option
def glossary_show(
    article: Path, glossary_files: tuple[Path, ...], no_glossary: bool, input_format: str
) -> None:
    """Every glossary match in ARTICLE: sentence, offsets (in the sentence and the file), surface, target.

    A spelling that the transliteration families of several names reach equally is not
    matched; it is listed with "ambiguous: " and the candidate targets in place of a target.
    """
    from tarjama.glossary import Matcher
    from tarjama.sources import read

    glossary = cli_glossary(glossary_files, no_glossary)
    if glossary is None:
        return
    matcher = Matcher(glossary)
    sentences = read(article, chosen_format(input_format)).sentences
    count = ambiguous = 0
    for s in sentences:
        scan = matcher.scan(s.mt_text)  # through inline markup: a name inside a link is still a term
        rows = [(m.start, m.end, m.surface, "|".join(m.approved)) for m in scan.matches]
        rows += [(a.start, a.end, a.surface, "ambiguous: " + " | ".join(a.targets)) for a in scan.ambiguous]
        count += len(scan.matches)
        ambiguous += len(scan.ambiguous)
        for start, end, surface, target in sorted(rows):
            # file offsets only where the sentence is its source text (not through markup)
            in_file = f"{s.start + start}-{s.start + end}" if s.markup is None else "-"
            click.echo(f"{s.n}\t{start}-{end}\t{in_file}\t{surface}\t{target}")
    found = f"{count} matches, {ambiguous} ambiguous" if ambiguous else f"{count} matches"
    click.echo(f"{article}: {found} in {len(sentences)} sentences", err=True)


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
