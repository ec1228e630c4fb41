"""`tarjama segment`: the sentences every other command works on."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("segment")
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help='One JSON object a line: {"n", "start", "end", "kind", "text"}.'
)
def segment_cmd(article: Path, as_json: bool) -> None:
    """The sentences of ARTICLE, one a line (offsets are characters into the decoded file)."""
    import json

    from tarjama.sources import read

    for s in read(article).sentences:
        if as_json:
            record = {"n": s.n, "start": s.start, "end": s.end, "kind": str(s.kind), "text": s.text}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(s.text)
