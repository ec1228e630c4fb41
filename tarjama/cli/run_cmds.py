"""`tarjama translate` and `tarjama batch`: thin over the run core (tarjama.run)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from tarjama.cli.options import (
    ENGINE_OPTIONS,
    backend_options,
    chosen_format,
    device_option,
    engine_options,
    glossary_options,
    input_format_option,
    model_options,
    progress_option,
    review_options,
    warn,
)
from tarjama.errors import display_path
from tarjama.translate.backend import DecodeSettings


def _write(stream: Any) -> Any:
    """What writes a relayed line to ``stream`` at once (a line of progress is no use later)."""

    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


def split_review(review: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """--memory/--no-memory open a resource; the other review options shape the run."""
    resources = {k: review.pop(k) for k in ("memory_dir", "use_memory")}
    return resources, review


def term_summary(correct: int, required: int) -> str:
    if not required:
        return ""
    return f"; glossary terms {correct}/{required} ({correct / required:.1%} term accuracy)"


@click.command("translate")
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@model_options
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1, 4096))
@device_option
@backend_options
@glossary_options
@review_options
@input_format_option
@progress_option
def translate_cmd(
    articles: tuple[Path, ...],
    model: str,
    out_dir: Path,
    lang: str,
    beam: int,
    batch_size: int,
    device: str,
    backend: str,
    compute_type: str,
    glossary_files: tuple[Path, ...],
    no_glossary: bool,
    input_format: str,
    progress: str,
    **review: Any,
) -> None:
    """Translate ARTICLES (UTF-8 Arabic text, HTML or Markdown) into PO files for review."""
    from rich.console import Console

    from tarjama.cli.batch_view import RichProgress
    from tarjama.run import Resources, RunOptions, translate_articles

    memory, run = split_review(review)
    options = RunOptions(
        out_dir=out_dir,
        lang=lang,
        settings=DecodeSettings(
            beam=beam, batch_size=batch_size, device=device, backend=backend, compute_type=compute_type
        ),
        **run,
    )
    resources = Resources(model, glossary_files or None, not no_glossary, **memory)
    fmt = chosen_format(input_format)
    view = RichProgress(Console(stderr=True), mode=progress)
    try:
        reports = translate_articles(
            list(articles), options, resources, on_warning=warn, fmt=fmt, progress=view
        )
    finally:
        view.stop()
    for r in reports:
        split = f", {r.split} split for MT" if r.split else ""
        click.echo(
            f"{display_path(r.po_path or r.article)}: {r.status} ({r.sentences} sentences, {r.machine_translated} machine-translated, "
            f"{r.from_memory} from memory, {r.reviewed_kept} reviewed kept{split})"
            + term_summary(r.terms_correct, r.terms_required)
        )


@click.command("batch")
@click.argument("inputs", nargs=-1)
@click.option(
    "--manifest",
    "manifests",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file listing article paths, one per row: JSON Lines, or Parquet with a 'path' column "
    "(relative paths: from the manifest's folder).",
)
@model_options
@click.option(
    "--batch-size",
    default=32,
    show_default=True,
    type=click.IntRange(1, 4096),
    help="Most sentences per batch.",
)
@click.option(
    "--max-batch-tokens",
    default=2048,
    show_default=True,
    type=click.IntRange(1),
    help="Most padded source tokens per batch.",
)
@click.option(
    "--wave-sentences",
    default=512,
    show_default=True,
    type=click.IntRange(1),
    help="Distinct sentences pooled before their articles are written (what an interrupted run keeps).",
)
@device_option
@backend_options
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary table (--progress none).")
@progress_option
@engine_options
@glossary_options
@review_options
@input_format_option
def batch_cmd(
    inputs: tuple[str, ...],
    manifests: tuple[Path, ...],
    model: str,
    out_dir: Path,
    lang: str,
    beam: int,
    batch_size: int,
    max_batch_tokens: int,
    wave_sentences: int,
    device: str,
    backend: str,
    compute_type: str,
    quiet: bool,
    progress: str,
    engine: str,
    glossary_files: tuple[Path, ...],
    no_glossary: bool,
    input_format: str,
    **review: Any,
) -> None:
    """Translate many articles (files, directories, globs, --manifest) with one model load; resumable.

    Articles whose PO already records the same source and settings are skipped; a bad article
    is reported and skipped (exit 1 at the end); Ctrl-C or kill keeps every finished PO.
    --engine ray spreads reading and decoding over a Ray cluster and writes the same catalogs.
    """
    from rich.console import Console

    from tarjama.cli.batch_view import RichProgress, summary_line, summary_table
    from tarjama.run import Resources, RunOptions
    from tarjama.run.batch import batch
    from tarjama.run.engines import relay_elsewhere

    if not inputs and not manifests:
        raise click.UsageError("give article files, directories or globs, or --manifest FILE")
    given = click.get_current_context().meta.get(ENGINE_OPTIONS, {})
    status = relay_elsewhere(engine, given, sys.argv[1:], os.getcwd(), _write(sys.stdout), _write(sys.stderr))
    if status is not None:  # the whole command ran elsewhere (Ray through ray://)
        sys.exit(status)
    memory, run = split_review(review)
    options = RunOptions(
        out_dir=out_dir,
        lang=lang,
        settings=DecodeSettings(
            beam=beam, batch_size=batch_size, device=device, backend=backend, compute_type=compute_type
        ),
        max_batch_tokens=max_batch_tokens,
        wave_sentences=wave_sentences,
        skip_unchanged=True,
        **run,
    )
    resources = Resources(model, glossary_files or None, not no_glossary, **memory)
    view = RichProgress(Console(stderr=True), mode="none" if quiet else progress)
    try:
        result = batch(
            inputs,
            options,
            resources,
            engine=engine,
            engine_options=given,
            manifests=manifests,
            progress=view,
            on_warning=warn,
            fmt=chosen_format(input_format),
        )
    finally:
        view.stop()
    report = result.report
    for failed in report.failed:
        click.echo(f"tarjama: error: {failed.error}", err=True)
    if not quiet:
        console = Console(width=None if sys.stdout.isatty() else 120)  # logs get the whole table
        console.print(summary_table(report))
        console.print(summary_line(report))
        if result.where is not None:
            console.print(result.where)
    if report.failed:
        sys.exit(1)
