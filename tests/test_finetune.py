"""Learn from reviews, end to end: train a Marian from scratch on the example article's gold pairs,
translate the article with it through the real pipeline, fine-tune it on a second set, and use
the glossary on top (in the spirit of Sockeye's and fairseq's integration tests).

Training runs once per session (a fixed seed, one CPU thread, about 300 steps); every test
below reuses the checkpoints. Those tests are the slow lane (``-m slow``); the fast lane
trains a model of a few thousand weights for a few steps, in this process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import typing
from pathlib import Path

import pytest
import torch

from tarjama.training.data import load_dataset
from tarjama.training.train import StopReason, TrainOptions, train
from tarjama.translate.model_source import resolve_model
from tarjama.translate.scratch_model import ScratchConfig
from tests.conftest import EXAMPLE, GOLD_TSV, REFERENCE, run_cli

# One thread: on a shared 2-core machine two torch threads per process are several times slower.
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
MISSPELLINGS = {"Dang Hoang Giang": "Dang Hoang Jiang", "Hanoi Convention": "Hanoi Agreement"}


def cli(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`tarjama ARGS` in this process on one torch thread (run_cli puts the session's back)."""
    torch.set_num_threads(1)
    result = run_cli(*args)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def translate(model: Path, out: Path, *flags: str) -> Path:
    cli("translate", EXAMPLE, "--model", model, "--out", out, *flags)
    return out / "en" / "LC_MESSAGES" / "hanoi-convention.po"


def score(po: Path) -> dict:
    return json.loads(cli("score", po, "--ref", REFERENCE, "--json", "--worst", "0").stdout)[0]


def dev_chrf(stdout: str) -> tuple[float, float]:
    m = re.search(r"dev chrF ([\d.]+) -> ([\d.]+)", stdout)
    assert m, stdout
    return float(m.group(1)), float(m.group(2))


@pytest.fixture(scope="session")
def scratch_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`tarjama finetune --from-scratch tiny` on the 34 gold pairs (no held-out split: memorisation)."""
    out = tmp_path_factory.mktemp("finetune") / "scratch"
    result = cli(
        "finetune", "--from-scratch", "tiny", "--data", GOLD_TSV, "--out", out, "--dev-fraction", "0",
        "--lr", "2e-3", "--batch-size", "8", "--warmup-steps", "30", "--eval-every", "100",
        "--max-steps", "1000", "--epochs", "1000", "--threads", "1", "--quiet",
    )  # fmt: skip
    return out, result.stdout


@pytest.fixture(scope="session")
def misspelled_run(tmp_path_factory: pytest.TempPathFactory, scratch_run) -> tuple[Path, Path, str]:
    """The trained model fine-tuned on a copy of its data with two names misspelled on the English side."""
    work = tmp_path_factory.mktemp("misspelled")
    tsv = work / "misspelled.tsv"
    text = GOLD_TSV.read_text(encoding="utf-8")
    for right, wrong in MISSPELLINGS.items():
        text = text.replace(right, wrong)
    tsv.write_text(text, encoding="utf-8")
    out = work / "model"
    result = cli(
        "finetune", "--model", scratch_run[0], "--data", tsv, "--eval", tsv, "--out", out,
        "--lr", "1e-3", "--batch-size", "8", "--eval-every", "50", "--max-steps", "200", "--epochs", "1000", "--threads", "1", "-q",
    )  # fmt: skip
    return out, tsv, result.stdout


@pytest.mark.slow
def test_scratch_model_translates_the_article_bleu_80(scratch_run, tmp_path: Path) -> None:
    """Training, saving, loading (`translate --model DIR`) and beam decoding, end to end."""
    model, stdout = scratch_run
    before, after = dev_chrf(stdout)
    assert after > before + 50
    s = score(translate(model, tmp_path / "po", "--no-glossary"))
    print(f"from-scratch model, transformers backend: BLEU {s['BLEU']:.1f} chrF++ {s['chrF++']:.1f}")
    assert s["segments"] == 34
    assert s["BLEU"] >= 80


@pytest.mark.slow
def test_scratch_model_loads_in_ct2(scratch_run, tmp_path: Path) -> None:
    """CTranslate2 converts and runs the saved checkpoint like any other.

    Known gap, left to the ct2 backend: CTranslate2's own converter at float32 decodes this
    trained model worse than transformers does (BLEU about 71 against 95 here; plain
    `ctranslate2.Translator` shows the same), so the bar here is "clearly translates".
    """
    po = translate(
        scratch_run[0], tmp_path / "po", "--no-glossary", "--backend", "ct2", "--compute-type", "float32"
    )
    s = score(po)
    print(f"from-scratch model, ct2 backend float32: BLEU {s['BLEU']:.1f}")
    assert s["segments"] == 34
    assert s["BLEU"] >= 50


@pytest.mark.slow
def test_checkpoint_is_small_standard_and_carded(scratch_run) -> None:
    model, _ = scratch_run
    resolve_model(str(model))  # the translate command's own check of a Marian directory
    weights = (model / "model.safetensors").stat().st_size
    assert weights < 8_000_000
    card = (model / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlibrary_name: transformers\n")
    assert "| training pairs | 34 |" in card and "| dev pairs | 34 (the training pairs" in card
    state = json.loads((model / "training-state" / "state.json").read_text(encoding="utf-8"))
    assert state["step"] <= 1000 and state["best_chrf"] > 90
    assert f"| steps | {state['step']} |" in card
    assert f"| dev chrF best | {state['best_chrf']:.2f} |" in card


@pytest.mark.slow
def test_finetuning_moves_dev_chrf_up_on_the_second_set(scratch_run, misspelled_run) -> None:
    model, _, stdout = misspelled_run
    before, after = dev_chrf(stdout)
    print(f"fine-tune on the misspelled set: dev chrF {before:.1f} -> {after:.1f}")
    assert after > before + 2
    card = (model / "README.md").read_text(encoding="utf-8")
    assert f"base_model: {scratch_run[0]}" in card and "| dev pairs | 34 (the --eval set) |" in card
    # fine-tuning keeps the base model's tokenizer
    for name in ("source.spm", "target.spm", "vocab.json"):
        assert (model / name).read_bytes() == (scratch_run[0] / name).read_bytes()


@pytest.mark.slow
def test_glossary_on_a_model_that_learned_misspellings(misspelled_run, tmp_path: Path) -> None:
    """Without the glossary the learned misspellings come out; with it every term is right."""
    model = misspelled_run[0]
    plain = translate(model, tmp_path / "plain", "--no-glossary")
    enforced = translate(model, tmp_path / "glossary")
    plain_text = plain.read_text(encoding="utf-8")
    assert "Jiang" in plain_text and "Hanoi Agreement" in plain_text.replace('"\n"', "")
    report = tmp_path / "report"
    cli("compare", "--system", f"no-glossary={plain}", "--system", f"glossary={enforced}",
        "--ref", REFERENCE, "--out", report)  # fmt: skip
    rows = {
        r["system"]: r for r in json.loads((report / "report.json").read_text(encoding="utf-8"))["systems"]
    }
    for name, r in rows.items():
        print(
            f"{name}: BLEU {r['bleu']:.1f} chrF++ {r['chrf']:.1f} "
            f"term accuracy {r['terms_correct']}/{r['terms_total']}"
        )
    assert rows["glossary"]["term_accuracy"] == 1.0 and rows["glossary"]["terms_total"] == 101
    assert rows["no-glossary"]["term_accuracy"] < 0.95
    assert 0 < rows["glossary"]["bleu"] <= 100 and 0 < rows["no-glossary"]["bleu"] <= 100


def test_ctrl_c_leaves_a_usable_checkpoint_and_resume_continues(tmp_path: Path) -> None:
    """KeyboardInterrupt mid-training (what Ctrl-C raises): OUT loads, and the next run goes on from there."""
    data = load_dataset([GOLD_TSV], dev_fraction=0)
    data.train, data.dev = data.train[:6], data.train[:6]
    out = tmp_path / "model"
    cfg = ScratchConfig(d_model=16, layers=1, heads=2, ffn=32, vocab_size=200, max_length=32, dropout=0.0)
    options = TrainOptions(lr=1e-3, batch_size=2, eval_every=4, patience=100, epochs=100, max_length=48)

    def ctrl_c_at_step_6(event: dict) -> None:
        if event["step"] == 6 and "chrf" not in event:
            raise KeyboardInterrupt

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # in-process: put the session's setting back afterwards
    try:
        _interrupt_and_resume(data, out, cfg, options, ctrl_c_at_step_6)
    finally:
        torch.set_num_threads(threads)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowing is the case
def test_a_signal_python_swallowed_still_stops_training_at_the_next_step(tmp_path: Path) -> None:
    """SIGINT landing in a finaliser (Python prints "Exception ignored in ..." and goes on, as
    in a CI run where training then never stopped): the next step stops it, saved, resumable."""
    data = load_dataset([GOLD_TSV], dev_fraction=0)
    data.train, data.dev = data.train[:6], data.train[:6]
    cfg = ScratchConfig(d_model=16, layers=1, heads=2, ffn=32, vocab_size=200, max_length=32, dropout=0.0)
    options = TrainOptions(lr=1e-3, batch_size=2, eval_every=4, patience=100, epochs=100, max_length=48)

    class SignalsInItsFinaliser:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)  # the handler's KeyboardInterrupt is swallowed here

    def swallowed_at_step_5(event: dict) -> None:
        if event["step"] == 5 and "chrf" not in event:
            SignalsInItsFinaliser()  # made and dropped: its __del__ runs at once

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    before = signal.getsignal(signal.SIGINT)  # a background job (CI's) inherits SIG_IGN
    try:
        result = train(data, tmp_path / "model", options, from_scratch=cfg, progress=swallowed_at_step_5)
    finally:
        torch.set_num_threads(threads)
    assert result.stopped == "interrupted" and result.steps == 6
    assert signal.getsignal(signal.SIGINT) == before  # the caller's handler put back


def _interrupt_and_resume(data, out: Path, cfg: ScratchConfig, options: TrainOptions, ctrl_c) -> None:
    first = train(data, out, options, from_scratch=cfg, progress=ctrl_c)
    assert first.stopped == "interrupted" and first.steps == 6
    resolve_model(str(out))
    from tarjama.translate.backend import DecodeSettings
    from tarjama.translate.hf_backend import TransformersBackend

    backend = TransformersBackend(resolve_model(str(out)), DecodeSettings(beam=1))
    assert len(backend.translate([data.train[0].source])) == 1
    state = json.loads((out / "training-state" / "state.json").read_text(encoding="utf-8"))
    assert state["step"] == 6 and state["stopped"] == "interrupted"

    resumed = train(data, out, TrainOptions(**{**options.__dict__, "max_steps": 10}))
    assert resumed.stopped == "max-steps" and resumed.steps == 10
    assert [h["step"] for h in resumed.history] == [4, 8, 10]  # step 4 from the first run


def test_reaching_the_target_chrf_stops_and_says_so(tmp_path: Path) -> None:
    """Every way a run stops is one of `StopReason`'s, as the result, state.json and the card say."""
    data = load_dataset([GOLD_TSV], dev_fraction=0)
    data.train, data.dev = data.train[:4], data.train[:4]
    out = tmp_path / "model"
    cfg = ScratchConfig(d_model=16, layers=1, heads=2, ffn=32, vocab_size=200, max_length=32, dropout=0.0)
    options = TrainOptions(lr=1e-3, batch_size=2, eval_every=2, stop_chrf=0.0, epochs=100, max_length=48)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = train(data, out, options, from_scratch=cfg)
    finally:
        torch.set_num_threads(threads)
    assert result.stopped == "target-chrf" and result.steps == 2
    assert result.stopped in typing.get_args(StopReason)
    state = json.loads((out / "training-state" / "state.json").read_text(encoding="utf-8"))
    assert state["stopped"] == "target-chrf"
    assert "| stopped | target-chrf |" in (out / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_sigint_to_the_cli_saves_and_exits_130(tmp_path: Path) -> None:
    """A real Ctrl-C (SIGINT) to `tarjama finetune` once training is under way. Nothing else may
    end the run first: no early stop (--patience), no step or epoch limit in reach (on one fast
    thread, five evaluations without gain could come before the signal: exit 0, not 130)."""
    data = tmp_path / "pairs.tsv"
    data.write_text(
        "\n".join(
            f"{r.split(chr(9))[3]}\t{r.split(chr(9))[4]}" for r in GOLD_TSV.read_text().splitlines()[:6]
        ),
        encoding="utf-8",
    )
    cfg = tmp_path / "cfg.json"
    cfg.write_text('{"d_model": 16, "layers": 1, "heads": 2, "ffn": 32, "vocab_size": 200}', encoding="utf-8")
    out = tmp_path / "model"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tarjama", "finetune", "--from-scratch", str(cfg), "--data", str(data),
         "--out", str(out), "--eval-every", "2", "--epochs", "100000", "--batch-size", "2",
         "--patience", "100000", "-q"],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    state = out / "training-state" / "state.json"
    deadline = time.monotonic() + 120
    while not state.is_file() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state.is_file(), proc.stderr.read() if proc.poll() is not None else "no state after 120 s"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "re-run to resume" in err
    resolve_model(str(out))
    assert json.loads(state.read_text(encoding="utf-8"))["stopped"] == "interrupted"
