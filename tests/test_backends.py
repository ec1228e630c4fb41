"""The backend registry and the base every backend shares (budgets, limits, token counts, batching)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tarjama.errors import TarjamaError
from tarjama.translate import backends
from tarjama.translate.backend import BaseBackend, DecodeSettings, model_limits, output_budget
from tarjama.translate.backends import BACKENDS, COMPUTE_TYPES, effective_compute_type, open_backend
from tarjama.translate.model_source import resolve_model


def test_registry_names_and_compute_types() -> None:
    assert BACKENDS == ("transformers", "ct2")
    assert COMPUTE_TYPES == (
        "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16",
        "float32",
    )  # fmt: skip


def test_importing_the_registry_loads_no_engine() -> None:
    code = (
        "import sys, tarjama.translate.backends as b; "
        "print(sorted(m for m in ('torch', 'ctranslate2', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (DecodeSettings(), "float32"),
        (DecodeSettings(compute_type="auto"), "float32"),
        (DecodeSettings(backend="ct2"), "int8"),
        (DecodeSettings(backend="ct2", device="cuda"), "int8_float16"),
        (DecodeSettings(backend="ct2", compute_type="int16"), "int16"),
        (DecodeSettings(backend="transformers", compute_type="float32"), "float32"),
    ],
)
def test_effective_compute_type_is_what_the_po_header_records(
    settings: DecodeSettings, expected: str
) -> None:
    assert effective_compute_type(settings) == expected


def test_unknown_backend_names_the_choices(tiny_model: Path) -> None:
    source = resolve_model(str(tiny_model))
    with pytest.raises(TarjamaError, match=r"unknown backend 'marian' \(choose from transformers, ct2\)"):
        open_backend(source, DecodeSettings(backend="marian"))
    with pytest.raises(TarjamaError, match="unknown backend 'marian'"):
        effective_compute_type(DecodeSettings(backend="marian"))


def test_a_compute_type_the_backend_cannot_run_is_refused_before_loading(tmp_path: Path) -> None:
    from tarjama.translate.model_source import ModelSource

    nowhere = ModelSource("x", tmp_path / "missing", "r")  # never read: refused first
    with pytest.raises(
        TarjamaError, match=r"^--compute-type int8 needs --backend ct2 \(transformers runs float32\)$"
    ):
        open_backend(nowhere, DecodeSettings(compute_type="int8"))
    with pytest.raises(TarjamaError, match="unknown --compute-type 'int3'"):
        open_backend(nowhere, DecodeSettings(backend="ct2", compute_type="int3"))


def test_limits_and_budget() -> None:
    assert model_limits(None, None) == (512, 511)
    assert model_limits(48, 64) == (48, 63)
    assert model_limits(1024, 2048) == (512, 512)
    assert [output_budget(n, 48) for n in (0, 5, 19, 30)] == [10, 20, 48, 48]


class _Echo(BaseBackend):
    """A backend in a few lines: what a new engine has to write (its registry line is in the test)."""

    name = "echo"

    def __init__(self, source, settings) -> None:
        super().__init__(source, settings)
        self.set_limits(6, 7)
        self.batches: list[list[str]] = []

    def token_counts(self, sentences: Sequence[str]) -> list[int]:
        return [len(s.split()) + 1 for s in sentences]

    def encode(self, sentences: Sequence[str]) -> list[list[str]]:
        return [[*s.split()[: self.max_source_tokens - 1], "</s>"] for s in sentences]

    def _start(self, tokens, terms, banned) -> list[str]:
        self.batches.append([" ".join(t[:-1]) for t in tokens])
        return [" ".join([*t[:-1], *owed]).upper() for t, owed in zip(tokens, terms, strict=True)]


def test_a_registered_backend_gets_batching_budgets_and_limits_from_the_base(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tarjama.translate.model_source import ModelSource

    spec = backends.BackendSpec("echo", f"{__name__}:_Echo", ("float32",), "float32", "float32")
    monkeypatch.setitem(backends.SPECS, "echo", spec)
    echo = open_backend(ModelSource("x", tmp_path, "r"), DecodeSettings(backend="echo", batch_size=2))
    assert isinstance(echo, _Echo)
    # the output cap comes from the generation max_length, what is read from the positions
    assert (echo.model_max, echo.hard_max, echo.max_source_tokens) == (6, 6, 7)
    assert echo.output_budget(1) == 8
    out = echo.translate(["a b c", "d", "e f", "g h i j k l m"], terms=[["x"], [], [], []])
    assert out == ["A B C X", "D", "E F", "G H I J K L"]  # in order; the last one truncated to 7 tokens
    assert echo.batches == [["d", "e f"], ["a b c", "g h i j k l"]]  # length-sorted
    assert echo.token_counts(["g h i j k l m"]) == [8] and echo.max_source_tokens < 8
    assert echo.translate([]) == []
    with pytest.raises(TarjamaError, match=r"^--device cuda was asked for but no CUDA device is available$"):
        _Echo(ModelSource("x", tmp_path, "r"), DecodeSettings(device="cuda"))


def test_transformers_token_counts_are_untruncated_and_match_encode(tiny_model: Path) -> None:
    hf = open_backend(resolve_model(str(tiny_model)), DecodeSettings(beam=1))
    short = ["قال الوزير إن الاتفاقية مهمة.", "هانوي"]
    assert hf.token_counts(short) == [len(ids) for ids in hf.encode(short)]
    long = " ".join(["قال الوزير إن الاتفاقية مهمة،"] * 80)
    (count,) = hf.token_counts([long])
    # the encoder reads what its 256 positions hold, though generation stops at 48 tokens
    assert count > hf.max_source_tokens == 256 > hf.model_max == 48
    assert len(hf.encode([long])[0]) == hf.max_source_tokens
