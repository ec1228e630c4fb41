"""`tarjama segment`: the sentences every other command works on."""

from __future__ import annotations

from pathlib import Path

import click

from tarjama.cli.options import chosen_format, input_format_option


@click.command("segment")
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='One JSON object a line: {"n", "start", "end", "kind", "text", "where", "plain"}.',
)
@input_format_option
def segment_cmd(article: Path, as_json: bool, input_format: str) -> None:
    """The sentences of ARTICLE, one a line (offsets are characters into the decoded file).

    For HTML and Markdown a sentence is its msgid (inline markup kept); with --json, "where"
    is its element path and "plain" what the model reads.
    """
    import json

    from tarjama.sources import read

    for s in read(article, chosen_format(input_format)).sentences:
        if as_json:
            record = {"n": s.n, "start": s.start, "end": s.end, "kind": str(s.kind), "text": s.text}
            record.update({"where": s.locator, "plain": s.mt_text})
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(s.text)
