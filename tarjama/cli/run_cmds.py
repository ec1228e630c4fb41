"""`tarjama translate` and `tarjama batch`: thin over the run core (tarjama.run)."""

from __future__ import annotations

import os
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
from tarjama.errors import display_path
from tarjama.translate.backend import DecodeSettings


def _on_the_cluster(argv: list[str], address: str) -> list[str]:
    """This command line as the cluster runs it: the same, joined with --ray-address auto."""
    out: list[str] = []
    for k, arg in enumerate(argv):
        if arg == f"--ray-address={address}":
            out.append("--ray-address=auto")
        elif arg == address and k > 0 and argv[k - 1] == "--ray-address":
            out.append("auto")
        else:
            out.append(arg)
    return out


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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: this process; ray: articles read and sentences decoded on a Ray cluster "
    "(pip install 'tarjama[ray]'), the same catalogs.",
)
@click.option(
    "--ray-address",
    default=None,
    metavar="auto|HOST:PORT|ray://HOST:PORT",
    help="The Ray cluster to join (auto: the one this machine belongs to; HOST:PORT: its head; "
    "ray://HOST:PORT: its Ray Client server, and the whole run happens on the cluster, paths "
    "included); default: start a private one here.",
)
@click.option("--actors", default="1", show_default=True, metavar="N|MIN-MAX", help="Decoding actors (Ray).")
@click.option("--cpus-per-actor", default=1.0, show_default=True, type=click.FloatRange(0.0, min_open=True))
@click.option(
    "--gpus-per-actor",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0),
    help="GPUs per decoding actor (Ray; implies --device cuda).",
)
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
    engine: str,
    ray_address: str | None,
    actors: str,
    cpus_per_actor: float,
    gpus_per_actor: float,
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
    from tarjama.cli.interrupts import Interrupts
    from tarjama.run import Resources, RunOptions, read_manifest, run_batch

    if not inputs and not manifests:
        raise click.UsageError("give article files, directories or globs, or --manifest FILE")
    ray_engine = None
    if engine == "ray" and ray_address is not None and ray_address.startswith("ray://"):
        from tarjama.run.ray_engine import run_through_client

        args = _on_the_cluster(sys.argv[1:], ray_address)
        sys.exit(run_through_client(ray_address, args, os.getcwd(), _write(sys.stdout), _write(sys.stderr)))
    if engine == "ray":
        from tarjama.run.ray_engine import RayEngine, RayOptions, import_ray, parse_actors

        import_ray()  # without Ray: one line saying how to get it, before anything is read
        if gpus_per_actor > 0 and device == "cpu":
            device = "cuda"
        ray_engine = RayEngine(RayOptions(ray_address, parse_actors(actors), cpus_per_actor, gpus_per_actor))
    elif ray_address is not None or actors != "1" or gpus_per_actor or cpus_per_actor != 1.0:
        raise click.UsageError(
            "--ray-address, --actors, --cpus-per-actor and --gpus-per-actor need --engine ray"
        )
    listed = [p for m in manifests for p in read_manifest(m)]

    stops = Interrupts.install()  # kill (SIGTERM) ends like Ctrl-C: finished POs stay, no half-written one
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
            [*inputs, *listed],
            options,
            resources,
            progress=stops.watch(progress),
            on_warning=warn,
            fmt=chosen_format(input_format),
            engine=ray_engine,
        )
        stops.check()
    finally:
        progress.stop()
        if ray_engine is not None:
            ray_engine.close()
    for failed in report.failed:
        click.echo(f"tarjama: error: {failed.error}", err=True)
    if not quiet:
        console = Console(width=None if sys.stdout.isatty() else 120)  # logs get the whole table
        console.print(summary_table(report))
        console.print(summary_line(report))
        if ray_engine is not None:
            st = ray_engine.stats
            console.print(
                f"ray: started in {st.startup_s:.1f} s; read on {len(st.read_nodes)} node(s); "
                f"{st.batches} batches decoded on {len(st.decode_nodes)} node(s) "
                f"by {len(st.actor_pids)} actor process(es)"
            )
    if report.failed:
        sys.exit(1)
