"""The decoder's confidence in its output, on both backends (issue 28 section 1)."""

from __future__ import annotations

import math
from pathlib import Path

from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.model_source import resolve_model

from .conftest import EXAMPLE


def test_both_backends_measure_the_same_confidence(tiny_model: Path) -> None:
    """Log-probability per output token: CTranslate2's beam score and the transformers model's
    own teacher-forced score agree where both write the same output; an n-best list gives a gap."""
    source = resolve_model(str(tiny_model))
    texts = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()][:6]
    hf = open_backend(source, DecodeSettings(backend="transformers", beam=2)).translate_scored(texts)
    ct2_backend = open_backend(source, DecodeSettings(backend="ct2", beam=2, compute_type="float32"))
    ct2 = ct2_backend.translate_scored(texts)
    same = [(a, b) for a, b in zip(hf, ct2, strict=True) if a.text == b.text]
    assert same
    for a, b in same:
        assert a.confidence is not None and b.confidence is not None
        assert a.confidence < 0 and b.confidence < 0
        assert abs(a.confidence - b.confidence) < 0.1, (a, b)
    owed = ct2_backend.translate_scored(texts[:2], terms=[["Hanoi"], ["Hanoi"]])
    assert all(o.gap is not None and math.isfinite(o.gap) for o in owed)


def test_the_pool_the_throughput_benchmark_measures_answers_in_order(tiny_model: Path) -> None:
    from tarjama.run import translate_pool

    backend = open_backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", beam=2))
    texts = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()][:5]
    texts = [*texts, texts[0]]  # a repeat is decoded once
    seen: list[list[str]] = []
    pooled = translate_pool(backend, texts, on_batch=lambda src, out, n, s: seen.append(out))
    assert pooled == backend.translate(texts)
    assert all(isinstance(o, str) for batch in seen for o in batch)
