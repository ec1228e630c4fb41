"""The README.md model card of a fine-tuned checkpoint: what it learned from and how well it did.

Hugging Face model-card layout (YAML front matter, then Markdown) so the directory is
a normal checkpoint anywhere; the figures a reviewer asks for first (data counts, steps,
dev chrF/BLEU before and after) are in a table, the raw run in a JSON block.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tarjama.files import atomic_write_text

CARD = "README.md"


def render_model_card(
    *, base_model: str, counts: dict[str, Any], state: dict[str, Any], options: dict[str, Any], seconds: float
) -> str:
    if counts["dev_is_train"]:
        dev_note = "the training pairs (no held-out split: too little data)"
    else:
        dev_note = "the --eval set" if counts.get("dev_from_eval") else "held out"
    best = state.get("best_chrf", float("nan"))
    rows = [
        ("base model", base_model),
        ("pairs read", counts["pairs_read"]),
        ("duplicates dropped", counts["duplicates_dropped"]),
        ("training pairs", counts["train"]),
        ("dev pairs", f"{counts['dev']} ({dev_note})"),
        ("steps", state.get("step", 0)),
        ("epochs", state.get("epoch", 0)),
        ("best step", state.get("best_step", 0)),
        ("dev chrF before", f"{state.get('initial_chrf', float('nan')):.2f}"),
        ("dev chrF best", f"{max(best, 0.0):.2f}"),
        ("dev BLEU before", f"{state.get('initial_bleu', float('nan')):.2f}"),
        ("dev BLEU best", f"{state.get('best_bleu', float('nan')):.2f}"),
        ("stopped", state.get("stopped", "running")),
        ("training time (s)", f"{seconds:.0f}"),
    ]
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    run = {
        "options": options,
        "scratch_config": state.get("scratch_config"),
        "history": state.get("history", []),
    }
    base_line = "" if base_model == "from scratch" else f"base_model: {base_model}\n"
    return (
        "---\n"
        "library_name: transformers\n"
        "pipeline_tag: translation\n"
        "language:\n- ar\n- en\n"
        f"{base_line}"
        "tags:\n- marian\n- tarjama\n"
        "---\n\n"
        "# Arabic → English Marian model trained by `tarjama finetune`\n\n"
        "Trained on translator-reviewed PO entries and/or TSV sentence pairs. "
        "Dev scores are greedy-decoded corpus chrF/BLEU (sacrebleu).\n\n"
        "| | |\n|---|---|\n"
        f"{table}\n\n"
        "## Run\n\n```json\n"
        f"{json.dumps(run, indent=1, ensure_ascii=False)}\n```\n"
    )


def write_model_card(out_dir: Path, **fields: Any) -> None:
    atomic_write_text(out_dir / CARD, render_model_card(**fields))
