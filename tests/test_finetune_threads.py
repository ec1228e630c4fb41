"""`tarjama finetune` picks its torch CPU threads from the model's size: a small model trains on
one thread (README's from-scratch run: 408 s on torch's two threads, 68 s on one), a large one
keeps torch's own setting; --threads still decides when given."""

from __future__ import annotations

import re
from pathlib import Path

import torch

from tarjama.training.train import SMALL_MODEL_PARAMETERS, cpu_threads

from .conftest import GOLD_TSV, run_cli


def test_small_models_get_one_thread_large_ones_keep_torchs(tiny_model: Path) -> None:
    from transformers import AutoModelForSeq2SeqLM

    small = AutoModelForSeq2SeqLM.from_pretrained(tiny_model)
    large = torch.nn.Linear(5000, 5000)  # 25 M parameters
    assert sum(p.numel() for p in large.parameters()) > SMALL_MODEL_PARAMETERS
    assert cpu_threads(small) == 1
    assert cpu_threads(large) is None  # torch's own: one thread per core
    assert cpu_threads(small, requested=3) == 3 and cpu_threads(large, requested=2) == 2


def test_the_cli_trains_a_small_model_on_one_thread_without_being_told(tmp_path: Path) -> None:
    """The model card records the threads the run used (torch's default here would be every core)."""
    data = tmp_path / "pairs.tsv"
    rows = GOLD_TSV.read_text(encoding="utf-8").splitlines()[:6]
    data.write_text("\n".join("\t".join(r.split("\t")[3:5]) for r in rows), encoding="utf-8")
    cfg = tmp_path / "cfg.json"
    cfg.write_text('{"d_model": 16, "layers": 1, "heads": 2, "ffn": 32, "vocab_size": 200}', encoding="utf-8")
    out = tmp_path / "model"
    # in this process (no second torch import): run_cli puts torch's thread count back afterwards
    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # what torch gives a 2-core machine: the run must not keep it
    try:
        res = run_cli(
            "finetune", "--from-scratch", cfg, "--data", data, "--out", out,
            "--max-steps", "2", "--eval-every", "2", "--batch-size", "2", "-q",
        )  # fmt: skip
    finally:
        torch.set_num_threads(threads)
    assert res.returncode == 0, res.stderr
    card = (out / "README.md").read_text(encoding="utf-8")
    assert re.search(r'"threads": 1\b', card), card
