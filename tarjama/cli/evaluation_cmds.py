"""`tarjama score` and `tarjama compare`."""

from __future__ import annotations

from pathlib import Path

import click

from tarjama.cli.options import (
    chosen_format,
    cli_glossary,
    device_option,
    glossary_options,
    input_format_option,
)
from tarjama.errors import TarjamaError
from tarjama.translate.backend import DecodeSettings


def _term_sources(source_file: Path | None) -> list[str] | None:
    """--source: a gold TSV (its arabic column) or an article, segmented as the pipeline does."""
    if source_file is None:
        return None
    if source_file.suffix == ".tsv":
        from tarjama.evaluation.hypotheses import read_gold_sources

        return read_gold_sources(source_file)
    from tarjama.run.systems import source_sentences
    from tarjama.sources import read

    return source_sentences([read(source_file)])


@click.command("score")
@click.argument("hypotheses", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--ref",
    "reference",
    required=True,
    type=click.Path(path_type=Path),
    help="Reference: text file (one sentence per line, aligned with the gold segmentation) or a PO.",
)
@click.option(
    "--source",
    "source_file",
    type=click.Path(path_type=Path),
    help="Arabic sources for term accuracy when HYP and REF are text: the article or a gold TSV.",
)
@click.option("--reviewed-only", is_flag=True, help="Score only reviewed PO entries (leave fuzzy ones out).")
@click.option("--document", is_flag=True, help="Score whole documents (when the segmentations differ).")
@click.option(
    "--realign",
    is_flag=True,
    help="When the segmentations differ, regroup segments by their Arabic sources (needs a PO "
    "hypothesis, and a PO reference or --source).",
)
@click.option(
    "--worst", default=5, show_default=True, type=click.IntRange(0), help="List the N worst sentences."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@glossary_options
def score_cmd(
    hypotheses: tuple[Path, ...],
    reference: Path,
    source_file: Path | None,
    reviewed_only: bool,
    document: bool,
    realign: bool,
    worst: int,
    as_json: bool,
    glossary_files: tuple[Path, ...],
    no_glossary: bool,
) -> None:
    """Score HYP (PO, text file or directory of them) against REF: every registered metric (BLEU,
    chrF++, TER) and term accuracy."""
    import json

    from rich.console import Console

    from tarjama.evaluation.hypotheses import read_reference, read_segments
    from tarjama.evaluation.scoring import score_segments
    from tarjama.evaluation.terminal import score_notes, score_table

    ref = read_reference(reference)
    sources = _term_sources(source_file)
    glossary = cli_glossary(glossary_files, no_glossary)
    results = [
        score_segments(
            read_segments(h),
            ref,
            sources,
            glossary,
            reviewed_only=reviewed_only,
            document=document,
            realign=realign,
        )
        for h in hypotheses
    ]
    if as_json:
        click.echo(json.dumps([r.as_dict(worst) for r in results], ensure_ascii=False, indent=2))
        return
    Console(width=200).print(score_table(results))
    for line in score_notes(results, worst):
        click.echo(line)


@click.command("compare")
@click.argument("articles", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--system",
    "system_specs",
    multiple=True,
    required=True,
    help="NAME=SOURCE: a model (hub id or directory) to translate ARTICLES with, or hypothesis "
    "files (PO, text, directory). Repeat; the first system is the baseline.",
)
@click.option(
    "--ref", "reference", required=True, type=click.Path(path_type=Path), help="Reference (text or PO)."
)
@click.option(
    "--out",
    "out_dir",
    default=Path("compare-report"),
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Where report.md, report.json, scores.csv, scores.png and report.html go.",
)
@click.option(
    "--disagreements",
    default=5,
    show_default=True,
    type=click.IntRange(0),
    help="Sentences to show side by side.",
)
@click.option("--beam", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1, 4096))
@device_option
@glossary_options
@input_format_option
def compare_cmd(
    articles: tuple[Path, ...],
    system_specs: tuple[str, ...],
    reference: Path,
    out_dir: Path,
    disagreements: int,
    beam: int,
    batch_size: int,
    device: str,
    glossary_files: tuple[Path, ...],
    no_glossary: bool,
    input_format: str,
) -> None:
    """Compare systems on REF with paired significance tests; write a report for QA.

    Model systems translate ARTICLES (same segmentation and glossary for all); hypothesis
    systems are read as `tarjama score` reads them.
    """
    import tempfile

    from rich.console import Console

    from tarjama.cli.batch_view import RichProgress
    from tarjama.evaluation.compare import System, compare
    from tarjama.evaluation.hypotheses import Segments, read_reference, read_segments
    from tarjama.evaluation.report import FILES as REPORT_FILES
    from tarjama.evaluation.report_files import write_report
    from tarjama.evaluation.terminal import comparison_table
    from tarjama.files import check_can_write, check_not_input
    from tarjama.run.systems import parse_system, resolve_systems, source_sentences, translate_system
    from tarjama.sources import read

    specs = [parse_system(s) for s in system_specs]
    if len(specs) < 2:
        raise TarjamaError("compare needs at least two --system (the first is the baseline)")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise TarjamaError(f"--system names must be unique (got {', '.join(names)})")
    models = [s.name for s in specs if s.is_model]
    if models and not articles:
        raise TarjamaError(f"model system(s) {', '.join(models)} need ARTICLE arguments to translate")
    # everything that can be wrong is found before the first system is translated
    documents = [read(a, chosen_format(input_format)) for a in articles]
    sources = source_sentences(documents) if documents else None
    ref = read_reference(reference)
    resolved = resolve_systems(specs)
    files = {s.name: read_segments(Path(s.source)) for s in specs if not s.is_model}
    glossary = cli_glossary(glossary_files, no_glossary)
    check_can_write(out_dir / "report.json")
    inputs = [("an article", a) for a in articles] + [("the reference", reference)]
    inputs += [(f"--system {s.name}", Path(s.source)) for s in specs if not s.is_model]
    for name in REPORT_FILES:
        check_not_input(out_dir / name, inputs, force=None)
    settings = DecodeSettings(beam=beam, batch_size=batch_size, device=device)
    systems = []
    with tempfile.TemporaryDirectory(prefix="tarjama-compare-") as work:
        for i, spec in enumerate(specs):
            if not spec.is_model:
                systems.append(System(spec.name, files[spec.name], spec.source))
                continue
            click.echo(f"{spec.name}: translating {len(documents)} article(s) with {spec.source}", err=True)
            progress = RichProgress(Console(stderr=True), enabled=True, label=spec.name)
            try:
                run = translate_system(
                    resolved[spec.name], documents, Path(work) / str(i), settings, glossary, progress=progress
                )
            finally:
                progress.stop()
            hyps = Segments(spec.source)
            for po in run.po_files:
                hyps.extend(read_segments(po))
            systems.append(System(spec.name, hyps, spec.source, run.sentences_per_second, run.seconds))
    comparison = compare(systems, ref, sources, glossary, disagreements)
    Console(width=200).print(comparison_table(comparison))
    for path in write_report(comparison, out_dir):
        click.echo(str(path))
