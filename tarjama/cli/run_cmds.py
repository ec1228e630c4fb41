"""`tarjama translate` and `tarjama batch`: thin over the run core (tarjama.run)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tarjama.cli.options import (
    backend_options,
    chosen_format,
    device_option,
    glossary_options,
    input_format_option,
    model_options,
    review_options,
    warn,
)
from tarjama.translate.backend import DecodeSettings


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
    **review: Any,
) -> None:
    """Translate ARTICLES (UTF-8 Arabic text, HTML or Markdown) into PO files for review."""
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
    for r in translate_articles(list(articles), options, resources, on_warning=warn, fmt=fmt):
        split = f", {r.split} split for MT" if r.split else ""
        click.echo(
            f"{r.po_path}: {r.status} ({r.sentences} sentences, {r.machine_translated} machine-translated, "
            f"{r.from_memory} from memory, {r.reviewed_kept} reviewed kept{split})"
            + term_summary(r.terms_correct, r.terms_required)
        )


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
@glossary_options
@review_options
@input_format_option
def batch_cmd(
    inputs: tuple[str, ...],
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
    glossary_files: tuple[Path, ...],
    no_glossary: bool,
    input_format: str,
    **review: Any,
) -> None:
    """Translate many articles (files, directories, globs) with one model load; resumable.

    Articles whose PO already records the same source and settings are skipped; a bad article
    is reported and skipped (exit 1 at the end); Ctrl-C or kill keeps every finished PO.
    """
    import signal

    from rich.console import Console

    from tarjama.cli.batch_view import RichProgress, summary_line, summary_table
    from tarjama.run import Resources, RunOptions, run_batch

    def on_term(signum, frame):  # kill (SIGTERM) ends like Ctrl-C: finished POs stay, no half-written one
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
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
    progress = RichProgress(Console(stderr=True), enabled=not quiet)
    try:
        report = run_batch(
            inputs, options, resources, progress=progress, on_warning=warn, fmt=chosen_format(input_format)
        )
    finally:
        progress.stop()
    for failed in report.failed:
        click.echo(f"tarjama: error: {failed.error}", err=True)
    if not quiet:
        console = Console(width=None if sys.stdout.isatty() else 120)  # logs get the whole table
        console.print(summary_table(report))
        console.print(summary_line(report))
    if report.failed:
        sys.exit(1)
