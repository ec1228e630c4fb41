"""Where a fine-tune run keeps its files, and how it writes them without leaving a broken model.

``OUT/`` is always a standard Hugging Face checkpoint (the best one by dev chrF) that
`tarjama translate --model OUT` loads; ``OUT/training-state/`` holds the latest weights,
the optimizer and the step counter, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from tarjama.files import atomic_write_text

STATE_DIR = "training-state"
STATE_FILE = "state.json"
OPTIMIZER_FILE = "optimizer.pt"


def save_model_dir(out_dir: Path, model: Any, tokenizer: Any) -> None:
    """Write model + tokenizer next to each other, then move each file into place atomically.

    save_pretrained writes in place; going through a temporary directory on the same file
    system means Ctrl-C mid-save leaves the previous checkpoint's files, not half a file.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".save-", dir=out_dir))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        for f in sorted(tmp.iterdir()):
            if f.is_file():
                os.replace(f, out_dir / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def state_dir(out_dir: Path) -> Path:
    return out_dir / STATE_DIR


def has_state(out_dir: Path) -> bool:
    return (state_dir(out_dir) / STATE_FILE).is_file()


def save_state(out_dir: Path, model: Any, tokenizer: Any, optimizer: Any, state: dict[str, Any]) -> None:
    """The latest weights and optimizer; state.json last, so it only ever names complete files."""
    import torch

    sd = state_dir(out_dir)
    save_model_dir(sd, model, tokenizer)
    tmp = sd / (OPTIMIZER_FILE + ".tmp")
    torch.save(optimizer.state_dict(), tmp)
    os.replace(tmp, sd / OPTIMIZER_FILE)
    atomic_write_text(sd / STATE_FILE, json.dumps(state, indent=1, ensure_ascii=False) + "\n")


def load_state(out_dir: Path) -> dict[str, Any]:
    return json.loads((state_dir(out_dir) / STATE_FILE).read_text(encoding="utf-8"))
