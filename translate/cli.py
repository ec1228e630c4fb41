"""The `tarjama` command. Each subcommand is a thin wrapper over a library function."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tarjama import __version__
from tarjama.errors import TarjamaError
from tarjama.training.cli import finetune_cmd
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.model_source import DEFAULT_MODEL

DEFAULT_OUT = Path("locales")


class TarjamaGroup(click.Group):
    """Turns TarjamaError into one line on stderr and its exit code; never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except TarjamaError as exc:
            click.echo(f"tarjama: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("tarjama: interrupted; finished files are complete", err=True)
            sys.exit(130)


@click.group(cls=TarjamaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tarjama")
def main() -> None:
    """Translate Arabic news articles into reviewable gettext PO files."""


def glossary_options(f):
    """--glossary FILE (repeatable; later files override earlier ones) and --no-glossary."""
    f = click.option(
        "--no-glossary", is_flag=True, help="Use no glossary at all (not even the shipped default)."
    )(f)
    return click.option(
        "--glossary",
        "glossary_files",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Glossary file, CSV or TBX (repeatable; later files win). Default: the shipped ar-en.csv.",
    )(f)


def review_options(f):
    """Translation memory, fuzzy offers and locking (names match RunOptions fields)."""
    options = [
        click.option(
            "--memory",
            "memory_dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Translation memory: reviewed entries of every PO under DIR. Default: <out>/<lang>.",
        ),
        click.option(
            "--no-memory",
            "use_memory",
            is_flag=True,
            flag_value=False,
            default=True,
            help="Do not use a translation memory.",
        ),
        click.option(
            "--fuzzy-threshold",
            type=click.FloatRange(0, 1),
            default=0.75,
            show_default=True,
            help="Least similarity (0-1) for a memory match to be offered as a fuzzy translation.",
        ),
        click.option(
            "--retranslate-changed",
            is_flag=True,
            help="Machine-translate changed sentences instead of offering their previous reviewed "
            "translation (or a fuzzy memory match) as a fuzzy starting point; old reviews stay obsolete.",
        ),
        click.option(
            "--lock-timeout",
            type=click.FloatRange(0),
            default=30.0,
            show_default=True,
            help="Seconds to wait for another tarjama process writing the same PO file.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


COMPUTE_TYPES = (
    "default",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)


def backend_options(f):
    """--backend transformers|ct2 and --compute-type (CTranslate2 weights/arithmetic; int8 on CPU)."""
    f = click.option(
        "--compute-type",
        type=click.Choice(COMPUTE_TYPES),
        default="default",
        show_default=True,
        help="CTranslate2 compute type (default: int8 on CPU); transformers runs float32.",
    )(f)
    return click.option(
        "--backend",
        type=click.Choice(["transformers", "ct2"]),
        default="transformers",
        show_default=True,
        help="transformers, or ct2: CTranslate2 (the model is converted once into ~/.cache/tarjama).",
    )(f)


def model_options(f):
    """--model, --out, --lang and --beam, shared by translate and batch."""
    options = [
        click.option(
            "--model", default=DEFAULT_MODEL, show_default=True, help="Hub id or local model directory."
        ),
        click.option(
            "--out",
            "out_dir",
            default=DEFAULT_OUT,
            show_default=True,
            type=click.Path(path_type=Path),
            help="Root of the PO tree (<out>/<lang>/LC_MESSAGES/<article>.po).",
        ),
        click.option("--lang", default="en", show_default=True, help="Target language code."),
        click.option("--beam", default=4, show_default=True, type=click.IntRange(1, 64)),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def warn(message: str) -> None:
    click.echo(f"tarjama: warning: {message}", err=True)


def term_summary(correct: int, required: int) -> str:
    if not required:
        return ""
    return f"; glossary terms {correct}/{required} ({correct / required:.1%} term accuracy)"


@main.command("translate")
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@model_options
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1, 4096))
@click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda"]))
@backend_options
@glossary_options
@review_options
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
    **review: Any,
) -> None:
    """Translate ARTICLES (UTF-8 Arabic text) into PO files for review."""
    from tarjama.translate.pipeline import RunOptions, translate_articles

    options = RunOptions(
        model=model,
        out_dir=out_dir,
        lang=lang,
        settings=DecodeSettings(
            beam=beam, batch_size=batch_size, device=device, backend=backend, compute_type=compute_type
        ),
        glossaries=glossary_files or None,
        use_glossary=not no_glossary,
        **review,
    )
    for r in translate_articles(list(articles), options, on_warning=warn):
        state = "written" if r.written else "unchanged"
        click.echo(
            f"{r.po_path}: {state} ({r.sentences} sentences, {r.machine_translated} machine-translated, "
            f"{r.reviewed_kept} reviewed kept)" + term_summary(r.terms_correct, r.terms_required)
        )


@main.command("batch")
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
@click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda"]))
@backend_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
@glossary_options
@review_options
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
    **review: Any,
) -> None:
    """Translate many articles (files, directories, globs) with one model load; resumable.

    Articles whose PO already records the same source and settings are skipped; a bad article
    is reported and skipped (exit 1 at the end); Ctrl-C or kill keeps every finished PO.
    """
    import signal

    from rich.console import Console

    from tarjama.translate.batch import BatchOptions, run_batch
    from tarjama.translate.batch_view import RichProgress, summary_line, summary_table

    def on_term(signum, frame):  # kill (SIGTERM) ends like Ctrl-C: finished POs stay, no half-written one
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    options = BatchOptions(
        model=model,
        out_dir=out_dir,
        lang=lang,
        settings=DecodeSettings(
            beam=beam, batch_size=batch_size, device=device, backend=backend, compute_type=compute_type
        ),
        glossaries=glossary_files or None,
        use_glossary=not no_glossary,
        max_batch_tokens=max_batch_tokens,
        wave_sentences=wave_sentences,
        **review,
    )
    progress = RichProgress(Console(stderr=True), enabled=not quiet)
    try:
        report = run_batch(inputs, options, progress=progress, on_warning=warn)
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


@main.group("glossary")
def glossary_group() -> None:
    """Inspect glossary matches and check translated catalogs for missing terms."""


def _cli_glossary(glossary_files: tuple[Path, ...], no_glossary: bool):
    from tarjama.translate.pipeline import RunOptions, load_run_glossary

    options = RunOptions(
        model="", out_dir=Path(), glossaries=glossary_files or None, use_glossary=not no_glossary
    )
    return load_run_glossary(options, warn)


@glossary_group.command("show")
@click.argument("article", type=click.Path(path_type=Path))
@glossary_options
def glossary_show(article: Path, glossary_files: tuple[Path, ...], no_glossary: bool) -> None:
    """Every glossary match in ARTICLE: sentence, offsets (in the sentence and the file), surface, target."""
    from tarjama.glossary import Matcher
    from tarjama.translate.article import read_article
    from tarjama.translate.segment import segment

    glossary = _cli_glossary(glossary_files, no_glossary)
    if glossary is None:
        return
    matcher = Matcher(glossary)
    sentences = segment(read_article(article).text)
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
    """Report entries whose translation lacks a required term; exit 1 if there is any."""
    from tarjama.evaluation.term_accuracy import check_catalogs

    problems = check_catalogs(list(catalogs), _cli_glossary(glossary_files, no_glossary))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"tarjama: {len(problems)} missing glossary terms", err=True)
        sys.exit(1)
    click.echo(f"{len(catalogs)} catalog(s): no missing glossary terms", err=True)


@main.command("segment")
@click.argument("article", type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help='One JSON object a line: {"n", "start", "end", "kind", "text"}.'
)
def segment_cmd(article: Path, as_json: bool) -> None:
    """The sentences of ARTICLE, one a line (offsets are characters into the decoded file)."""
    import json

    from tarjama.translate.article import read_article
    from tarjama.translate.segment import segment

    for s in segment(read_article(article).text):
        if as_json:
            record = {"n": s.n, "start": s.start, "end": s.end, "kind": str(s.kind), "text": s.text}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(s.text)


@main.command("export")
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


@main.command("status")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """Review progress per PO file under PATHS (files or folders; default: locales) and in total."""
    import json

    from rich.console import Console
    from rich.table import Table

    from tarjama.catalog.status import COLUMNS, status

    report = status(list(paths) or [DEFAULT_OUT])
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        table = Table("catalog", *(c.replace("_", " ") for c in COLUMNS))
        for path, counts in report.files.items():
            table.add_row(path, *(str(getattr(counts, c)) for c in COLUMNS))
        table.add_row("total", *(str(getattr(report.total, c)) for c in COLUMNS), style="bold")
        Console(width=200).print(table)
    for problem in report.errors:
        click.echo(f"tarjama: error: {problem}", err=True)
    if report.errors:
        sys.exit(1)


def _term_sources(source_file: Path | None) -> list[str] | None:
    """--source: a gold TSV (its arabic column) or an article, segmented as the pipeline does."""
    if source_file is None:
        return None
    if source_file.suffix == ".tsv":
        from tarjama.evaluation.hypotheses import read_gold_sources

        return read_gold_sources(source_file)
    from tarjama.translate.systems import source_sentences

    return source_sentences([source_file])


@main.command("score")
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
    """Score HYP (PO, text file or directory of them) against REF: BLEU, chrF++, TER, term accuracy."""
    import json

    from rich.console import Console

    from tarjama.evaluation.hypotheses import read_reference, read_segments
    from tarjama.evaluation.scoring import score_segments
    from tarjama.evaluation.terminal import score_notes, score_table

    ref = read_reference(reference)
    sources = _term_sources(source_file)
    glossary = _cli_glossary(glossary_files, no_glossary)
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


@main.command("compare")
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
@click.option("--device", default="cpu", show_default=True, type=click.Choice(["cpu", "cuda"]))
@glossary_options
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
) -> None:
    """Compare systems on REF with paired significance tests; write a report for QA.

    Model systems translate ARTICLES (same segmentation and glossary for all); hypothesis
    systems are read as `tarjama score` reads them.
    """
    import tempfile

    from rich.console import Console

    from tarjama.evaluation.compare import System, compare
    from tarjama.evaluation.hypotheses import Segments, read_reference, read_segments
    from tarjama.evaluation.report import write_report
    from tarjama.evaluation.terminal import comparison_table
    from tarjama.files import check_writable_dir
    from tarjama.translate.systems import parse_system, source_sentences, translate_system

    specs = [parse_system(s) for s in system_specs]
    if len(specs) < 2:
        raise TarjamaError("compare needs at least two --system (the first is the baseline)")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise TarjamaError(f"--system names must be unique (got {', '.join(names)})")
    models = [s.name for s in specs if s.is_model]
    if models and not articles:
        raise TarjamaError(f"model system(s) {', '.join(models)} need ARTICLE arguments to translate")
    ref = read_reference(reference)
    sources = source_sentences(articles) if articles else None
    glossary = _cli_glossary(glossary_files, no_glossary)
    check_writable_dir(out_dir)
    settings = DecodeSettings(beam=beam, batch_size=batch_size, device=device)
    systems = []
    with tempfile.TemporaryDirectory(prefix="tarjama-compare-") as work:
        for i, spec in enumerate(specs):
            if not spec.is_model:
                systems.append(System(spec.name, read_segments(Path(spec.source)), spec.source))
                continue
            click.echo(f"{spec.name}: translating {len(articles)} article(s) with {spec.source}", err=True)
            run = translate_system(
                spec.source,
                articles,
                Path(work) / str(i),
                settings,
                glossaries=glossary_files or None,
                use_glossary=not no_glossary,
            )
            hyps = Segments(spec.source)
            for po in run.po_files:
                hyps.extend(read_segments(po))
            systems.append(System(spec.name, hyps, spec.source, run.sentences_per_second, run.seconds))
    comparison = compare(systems, ref, sources, glossary, disagreements)
    Console(width=200).print(comparison_table(comparison))
    for path in write_report(comparison, out_dir):
        click.echo(str(path))


main.add_command(finetune_cmd)  # tarjama.training: learn from reviewed PO entries
