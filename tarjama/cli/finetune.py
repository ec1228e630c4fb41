"""`tarjama finetune`: reviewed PO entries / TSV pairs in, a loadable Marian checkpoint out.

The training options and their progress bar (loss, dev chrF); the loop itself is
``tarjama.training``, which knows nothing of click.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tarjama.cli.options import device_option
from tarjama.errors import TarjamaError


class _Progress:
    """A rich progress bar showing the loss and the last/best dev chrF."""

    def __init__(self, total: int | None) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("finetune"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            transient=False,
        )
        self.task = self.bar.add_task("train", total=total, info="")
        self.chrf = "dev chrF -"

    def __call__(self, event: dict[str, Any]) -> None:
        if "chrf" in event:
            self.chrf = f"dev chrF {event['chrf']:.1f} (best {event['best']:.1f})"
        self.bar.update(self.task, completed=event["step"], info=f"loss {event['loss']:.3f}  {self.chrf}")


@click.command("finetune")
@click.option("--model", "model", help="Hub id or local checkpoint to fine-tune (its tokenizer is kept).")
@click.option(
    "--data",
    "data",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="Reviewed PO file or TSV (source<TAB>target, or the 5-column gold layout); repeatable.",
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Checkpoint directory."
)
@click.option("--epochs", default=20, show_default=True, type=click.IntRange(1))
@click.option("--lr", default=5e-5, show_default=True, type=click.FloatRange(0, min_open=True))
@click.option("--max-steps", default=None, type=click.IntRange(1), help="Stop after this many steps in all.")
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1))
@click.option("--warmup-steps", default=0, show_default=True, type=click.IntRange(0))
@click.option(
    "--eval-every", default=50, show_default=True, type=click.IntRange(1), help="Steps between dev scores."
)
@click.option(
    "--patience", default=5, show_default=True, type=click.IntRange(1), help="Evaluations without gain."
)
@click.option(
    "--eval",
    "eval_data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Dev set (PO/TSV) for early stopping instead of a held-out split of --data.",
)
@click.option("--dev-fraction", default=0.1, show_default=True, type=click.FloatRange(0, 0.5))
@click.option(
    "--from-scratch",
    "scratch",
    default=None,
    help="Train a new Marian from random weights: 'tiny' or a JSON file of ScratchConfig fields.",
)
@device_option
@click.option("--threads", default=None, type=click.IntRange(1), help="CPU threads for torch.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def finetune_cmd(
    model: str | None,
    data: tuple[Path, ...],
    out_dir: Path,
    epochs: int,
    lr: float,
    max_steps: int | None,
    batch_size: int,
    warmup_steps: int,
    eval_every: int,
    patience: int,
    eval_data: tuple[Path, ...],
    dev_fraction: float,
    scratch: str | None,
    device: str,
    threads: int | None,
    seed: int,
    quiet: bool,
) -> None:
    """Train on reviewed translations; OUT holds the best checkpoint by dev chrF.

    Re-running with the same OUT resumes an interrupted run (Ctrl-C saves one).
    """
    from tarjama.files import check_not_input
    from tarjama.training.checkpoint import has_state
    from tarjama.training.data import load_dataset
    from tarjama.training.train import TrainOptions, load_scratch_config, train
    from tarjama.translate.model_source import resolve_model

    # everything that can be wrong with the inputs fails here, before any model is loaded
    if out_dir.exists() and not out_dir.is_dir():
        raise TarjamaError("is a file, not a checkpoint directory: give --out a folder", path=out_dir)
    inputs = [("--data", d) for d in data] + [("--eval", e) for e in eval_data]
    check_not_input(out_dir, inputs, force=None)
    dataset = load_dataset(list(data), dev_fraction=dev_fraction, seed=seed, eval_data=list(eval_data))
    resuming = has_state(out_dir)
    scratch_cfg = load_scratch_config(scratch) if scratch and not resuming else None
    source = None
    if not resuming:
        if model and scratch:
            raise TarjamaError("give either --model (fine-tune) or --from-scratch (new model), not both")
        if not model and not scratch:
            raise TarjamaError("give --model ID_OR_DIR to fine-tune, or --from-scratch CONFIG")
        if model:
            source = resolve_model(model)
        if out_dir.exists() and any(out_dir.iterdir()):
            raise TarjamaError("output directory is not empty and holds no run to resume", path=out_dir)
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise TarjamaError("--device cuda was asked for but no CUDA device is available")
    counts = dataset.counts()
    dev_note = " (= training pairs)" if dataset.dev_is_train else ""
    click.echo(
        f"{'resuming' if resuming else 'training'}: {counts['train']} training pairs, "
        f"{counts['dev']} dev pairs{dev_note}, {counts['duplicates_dropped']} duplicates dropped",
        err=True,
    )
    options = TrainOptions(
        epochs=epochs,
        lr=lr,
        max_steps=max_steps,
        batch_size=batch_size,
        warmup_steps=warmup_steps,
        eval_every=eval_every,
        patience=patience,
        device=device,
        seed=seed,
        threads=threads,
    )
    total = max_steps or epochs * -(-len(dataset.train) // batch_size)
    bar = None if quiet else _Progress(total)
    if bar is not None:
        bar.bar.start()
    try:
        result = train(
            dataset,
            out_dir,
            options,
            model_dir=source.path if source else None,
            model_id=model or "",
            from_scratch=scratch_cfg,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.bar.stop()
    click.echo(
        f"{result.stopped} after {result.steps} steps: dev chrF {result.initial_chrf:.1f} -> "
        f"{result.best_chrf:.1f}, BLEU {result.initial_bleu:.1f} -> {result.best_bleu:.1f}"
    )
    click.echo(str(out_dir))
    if result.stopped == "interrupted":
        click.echo(f"interrupted: {out_dir} holds the best checkpoint so far; re-run to resume", err=True)
        sys.exit(130)
