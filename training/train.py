"""Fine-tune (or train from scratch) a Marian model on sentence pairs, with early stopping on dev chrF.

A plain PyTorch loop rather than Seq2SeqTrainer: the Trainer's own checkpoint layout
(checkpoint-N folders, accelerate state) is not the single loadable directory the
translate command wants, and its Ctrl-C handling would not leave one behind. The loop
is short: shuffled length-padded batches, AdamW with warmup, greedy dev decoding scored
with sacrebleu every ``eval_every`` steps, the best checkpoint saved to ``OUT/``.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from tarjama.errors import TarjamaError
from tarjama.run.interrupts import Interrupts
from tarjama.training.checkpoint import has_state, load_state, save_model_dir, save_state, state_dir
from tarjama.training.data import DataSet, Pair
from tarjama.training.model_card import write_model_card
from tarjama.translate.scratch_model import ScratchConfig, build_scratch_model


@dataclass
class TrainOptions:
    epochs: int = 20
    lr: float = 5e-5
    max_steps: int | None = None  # stops here even mid-epoch (and counts across a resume)
    batch_size: int = 16
    warmup_steps: int = 0
    eval_every: int = 50  # steps between dev evaluations (and state saves)
    patience: int = 5  # evaluations without a better dev chrF before stopping
    stop_chrf: float = 100.0  # dev chrF good enough to stop at (100: only a perfect dev set stops early)
    device: str = "cpu"
    seed: int = 0
    max_length: int = 256  # tokens per side; longer sentences are truncated for training
    threads: int | None = None  # torch CPU threads; None: chosen by the model's size (`cpu_threads`)


# Why a run stopped, as TrainResult.stopped, state.json and the model card say it: the dev set
# stopped improving (``patience``), dev chrF reached ``stop_chrf``, ``max_steps``, every epoch
# done, or Ctrl-C.
StopReason = Literal["early-stop", "target-chrf", "max-steps", "epochs", "interrupted"]


class _Stop(Exception):
    """Ends the training loop, for ``reason``."""

    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason)
        self.reason: StopReason = reason


@dataclass
class TrainResult:
    out_dir: Path
    steps: int
    epochs_done: float
    best_chrf: float
    best_bleu: float
    initial_chrf: float
    initial_bleu: float
    stopped: StopReason
    history: list[dict[str, float]] = field(default_factory=list)


ProgressFn = Callable[[dict[str, Any]], None]


def load_scratch_config(spec: str) -> ScratchConfig:
    """`tiny` (the test preset) or a JSON file of ScratchConfig fields."""
    if spec in PRESETS:
        return PRESETS[spec]
    path = Path(spec)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TarjamaError(
            f"cannot read --from-scratch config ({exc.strerror}); give a JSON file or one of: {', '.join(PRESETS)}",
            path=path,
        ) from None
    except json.JSONDecodeError as exc:
        raise TarjamaError(f"line {exc.lineno}: invalid JSON ({exc.msg})", path=path) from None
    known = set(ScratchConfig.__dataclass_fields__)
    unknown = sorted(set(raw) - known) if isinstance(raw, dict) else ["(not an object)"]
    if unknown:
        raise TarjamaError(f"unknown config keys {unknown}; known: {sorted(known)}", path=path)
    return ScratchConfig(**raw)


# Small enough to train in about a minute on two CPU cores, big enough to memorise an article.
PRESETS = {
    "tiny": ScratchConfig(
        d_model=128, layers=2, heads=4, ffn=256, vocab_size=1000, max_length=160, num_beams=4, dropout=0.0
    ),
}


# Below this many parameters a model trains faster on one CPU thread than on torch's default
# (one per core): its matrices are too small to share out, and the threads' hand-offs cost more
# than they save, the more so on a machine whose cores are busy with other work. The `tiny`
# preset (1 M parameters) took 68 s on one thread and 408 s on two for README's from-scratch
# run on a shared 2-core machine; opus-mt (77 M) keeps every core.
SMALL_MODEL_PARAMETERS = 20_000_000


def cpu_threads(model: Any, requested: int | None = None) -> int | None:
    """The torch CPU threads to train with: ``requested`` (--threads), else one for a small model;
    None: leave torch's own setting (one thread per core) to a large one."""
    if requested:
        return requested
    parameters = sum(p.numel() for p in model.parameters())
    return 1 if parameters < SMALL_MODEL_PARAMETERS else None


def _pad(rows: Sequence[list[int]], value: int) -> list[list[int]]:
    width = max(len(r) for r in rows)
    return [r + [value] * (width - len(r)) for r in rows]


class Encoded:
    """Token ids per pair, computed once; batches are padded to their own longest row."""

    def __init__(self, tokenizer: Any, pairs: Sequence[Pair], max_length: int) -> None:
        enc = tokenizer(
            [p.source for p in pairs],
            text_target=[p.target for p in pairs],
            truncation=True,
            max_length=max_length,
        )
        self.src: list[list[int]] = enc["input_ids"]
        self.tgt: list[list[int]] = enc["labels"]
        self.pad = tokenizer.pad_token_id

    def batch(self, idx: Sequence[int], device: str) -> dict[str, Any]:
        import torch

        src = _pad([self.src[i] for i in idx], self.pad)
        tgt = _pad([self.tgt[i] for i in idx], -100)  # -100: ignored by the loss
        input_ids = torch.tensor(src, device=device)
        return {
            "input_ids": input_ids,
            "attention_mask": (input_ids != self.pad).long(),
            "labels": torch.tensor(tgt, device=device),
        }


def epoch_batches(n: int, batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed * 100_003 + epoch).shuffle(order)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def decode(
    model: Any, tokenizer: Any, sources: Sequence[str], device: str, batch_size: int = 32
) -> list[str]:
    """Greedy decoding for dev scores: fast, and the ranking between checkpoints is what matters."""
    import torch

    out: list[str] = []
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(sources), batch_size):
            chunk = list(sources[i : i + batch_size])
            enc = tokenizer(chunk, return_tensors="pt", padding=True, truncation=True, max_length=256)
            enc = {k: v.to(device) for k, v in enc.items()}
            limit = int(getattr(model.config, "max_position_embeddings", 512)) - 2
            budget = min(limit, int(1.5 * enc["input_ids"].shape[1]) + 10)
            gen = model.generate(**enc, num_beams=1, do_sample=False, max_new_tokens=budget)
            out += [t.strip() for t in tokenizer.batch_decode(gen, skip_special_tokens=True)]
    if was_training:
        model.train()
    return out


def dev_scores(model: Any, tokenizer: Any, dev: Sequence[Pair], device: str) -> tuple[float, float]:
    import sacrebleu

    hyps = decode(model, tokenizer, [p.source for p in dev], device)
    refs = [[p.target for p in dev]]
    return sacrebleu.corpus_chrf(hyps, refs).score, sacrebleu.corpus_bleu(hyps, refs).score


def load_start(
    model_dir: Path, from_scratch: ScratchConfig | None, out_dir: Path, data: DataSet
) -> tuple[Any, Any]:
    """The starting model and tokenizer: a checkpoint (its tokenizer kept) or a fresh random Marian."""
    import transformers
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    if from_scratch is not None:
        # vocabularies from every pair we have (dev included: they are the domain's words)
        pairs = [*data.train, *([] if data.dev_is_train else data.dev)]
        model_dir = build_scratch_model(
            state_dir(out_dir) / "init", [p.source for p in pairs], [p.target for p in pairs], from_scratch
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForSeq2SeqLM.from_pretrained(model_dir)
    except (OSError, ValueError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TarjamaError(f"cannot load the model: {first}", path=model_dir) from None
    return model, tokenizer


def train(
    data: DataSet,
    out_dir: Path,
    options: TrainOptions,
    *,
    model_dir: Path | None = None,
    model_id: str = "",
    from_scratch: ScratchConfig | None = None,
    progress: ProgressFn | None = None,
) -> TrainResult:
    """Train until early stop / max steps / epochs / Ctrl-C; OUT/ then holds the best checkpoint.

    If OUT/ already holds a run's state, training resumes from it (same data expected).
    """
    import torch

    if options.device.startswith("cuda") and not torch.cuda.is_available():
        raise TarjamaError("--device cuda was asked for but no CUDA device is available")
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(options.seed)

    resumed = has_state(out_dir)
    state: dict[str, Any]
    if resumed:
        state = load_state(out_dir)
        model, tokenizer = load_start(state_dir(out_dir), None, out_dir, data)
    else:
        if model_dir is None and from_scratch is None:
            raise TarjamaError("give --model or --from-scratch")
        model, tokenizer = load_start(model_dir or out_dir, from_scratch, out_dir, data)
        state = {"step": 0, "epoch": 0, "batch_in_epoch": 0, "history": [], "evals_since_best": 0}
    threads = cpu_threads(model, options.threads)
    if threads is not None:
        torch.set_num_threads(threads)
    options = replace(options, threads=torch.get_num_threads())  # the model card records it
    model.to(options.device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.lr, weight_decay=0.0)
    if resumed:
        optimizer.load_state_dict(
            torch.load(state_dir(out_dir) / "optimizer.pt", map_location=options.device)
        )
    warmup = max(0, options.warmup_steps)
    for g in optimizer.param_groups:
        g.setdefault("initial_lr", options.lr)  # LambdaLR needs it to start at a step other than 0
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) if warmup else 1.0, last_epoch=state["step"] - 1
    )

    train_set = Encoded(tokenizer, data.train, options.max_length)
    if "initial_chrf" not in state:
        chrf, bleu = dev_scores(model, tokenizer, data.dev, options.device)
        state.update(initial_chrf=chrf, initial_bleu=bleu, best_chrf=chrf, best_bleu=bleu, best_step=0)
        state["base_model"] = "from scratch" if from_scratch is not None else model_id
        state["scratch_config"] = asdict(from_scratch) if from_scratch is not None else None
        if from_scratch is not None:
            # a random model is "best" only until the first evaluation; save it so OUT/ is loadable at once
            state["best_chrf"] = -1.0
    started = time.monotonic()
    stopped: StopReason = "epochs"
    steps_per_epoch = math.ceil(len(data.train) / options.batch_size)
    loss_value = float("nan")

    def evaluate() -> bool:
        """Score dev, keep the best; True when training should stop early."""
        chrf, bleu = dev_scores(model, tokenizer, data.dev, options.device)
        state["history"].append(
            {"step": state["step"], "loss": round(loss_value, 4), "chrf": chrf, "bleu": bleu}
        )
        if chrf > state["best_chrf"]:
            state.update(best_chrf=chrf, best_bleu=bleu, best_step=state["step"], evals_since_best=0)
            save_best()
        else:
            state["evals_since_best"] += 1
        save_state(out_dir, model, tokenizer, optimizer, state)
        if progress:
            progress({"step": state["step"], "loss": loss_value, "chrf": chrf, "best": state["best_chrf"]})
        return state["evals_since_best"] >= options.patience or chrf >= options.stop_chrf

    def save_best() -> None:
        save_model_dir(out_dir, model, tokenizer)
        write_card(time.monotonic() - started + state.get("seconds", 0.0))

    def write_card(seconds: float) -> None:
        write_model_card(
            out_dir,
            base_model=state["base_model"],
            counts=data.counts(),
            state=state,
            options=asdict(options),
            seconds=seconds,
        )

    if not (out_dir / "config.json").is_file():
        save_best()  # OUT/ is a loadable checkpoint from the first moment (Ctrl-C before any eval)
    # Ctrl-C or kill raise KeyboardInterrupt where the main thread is; where that is a __del__ or
    # a weakref callback Python swallows it ("Exception ignored in ...") and training would go on
    # for good: the handler remembers the signal and every step checks it (run.interrupts)
    stops = Interrupts()
    try:
        stops.__enter__()
        while state["epoch"] < options.epochs:
            batches = epoch_batches(len(data.train), options.batch_size, options.seed, state["epoch"])
            for b in range(state["batch_in_epoch"], len(batches)):
                if options.max_steps is not None and state["step"] >= options.max_steps:
                    raise _Stop("max-steps")
                loss = model(**train_set.batch(batches[b], options.device)).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                loss_value = float(loss.detach())
                state["step"] += 1
                state["batch_in_epoch"] = b + 1
                stops.check()
                if progress:
                    progress({"step": state["step"], "loss": loss_value})
                if state["step"] % options.eval_every == 0 and evaluate():
                    reached = state["history"][-1]["chrf"] >= options.stop_chrf
                    raise _Stop("target-chrf" if reached else "early-stop")
            state["epoch"] += 1
            state["batch_in_epoch"] = 0
        raise _Stop("epochs")
    except _Stop as stop:
        stopped = stop.reason
        if not state["history"] or state["history"][-1]["step"] != state["step"]:
            evaluate()
    except KeyboardInterrupt:
        stopped = "interrupted"
        # no evaluation here (the user wants out): keep the best so far, save the latest for resuming
        save_state(out_dir, model, tokenizer, optimizer, state)
    finally:
        stops.__exit__()
    state["seconds"] = time.monotonic() - started + state.get("seconds", 0.0)
    state["stopped"] = stopped
    save_state(out_dir, model, tokenizer, optimizer, state)
    write_card(state["seconds"])
    return TrainResult(
        out_dir=out_dir,
        steps=state["step"],
        epochs_done=state["epoch"] + state["batch_in_epoch"] / max(1, steps_per_epoch),
        best_chrf=state["best_chrf"],
        best_bleu=state["best_bleu"],
        initial_chrf=state["initial_chrf"],
        initial_bleu=state["initial_bleu"],
        stopped=stopped,
        history=state["history"],
    )
