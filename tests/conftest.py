"""Shared fixtures: the example article and a tiny real Marian model built from it (no hub, no mocks)."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tarjama.translate.scratch_model import ScratchConfig, build_scratch_model

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hanoi-convention.ar.txt"
GOLD_TSV = ROOT / "examples" / "hanoi-convention.gold.tsv"
REFERENCE = ROOT / "evaluation" / "references" / "hanoi-convention.en.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach for the hub


def read_gold(path: Path = GOLD_TSV) -> list[dict[str, str]]:
    cols = ["n", "paragraph", "kind", "arabic", "english"]
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            dict(zip(cols, row, strict=True))
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Conversions made by tests go to a temp cache, never the user's ~/.cache/tarjama."""
    os.environ["TARJAMA_CACHE"] = str(tmp_path_factory.mktemp("tarjama-cache"))


@pytest.fixture(scope="session")
def gold() -> list[dict[str, str]]:
    return read_gold()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, gold) -> Path:
    """A random-weight MarianMTModel (d_model 32) with SentencePiece trained on the example, in opus-mt layout."""
    out = tmp_path_factory.mktemp("tiny-marian")
    return build_scratch_model(
        out, [g["arabic"] for g in gold], [g["english"] for g in gold], ScratchConfig(max_length=48)
    )


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """A private copy of the example article (tests may edit it)."""
    dst = tmp_path / "hanoi-convention.ar.txt"
    shutil.copyfile(EXAMPLE, dst)
    return dst


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Off a terminal, --progress auto prints a heartbeat line once a run has lasted 10 s; on a loaded
# machine a tiny run can, so the CLI tests' stderr would depend on the load. They run with auto
# silent; the tests of progress itself set TARJAMA_PROGRESS or --progress explicitly.
os.environ.setdefault("TARJAMA_PROGRESS", "none")


def run_cli(
    *args: str | Path, cwd: Path | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `tarjama` entry point as a user would (``timeout``: a command that
    would hang fails the test instead of hanging it)."""
    return subprocess.run(
        [sys.executable, "-m", "tarjama", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=False,
    )


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for all the session's page tests (tests/browser.py); it fails, not
    skips, where /usr/bin/chromium is missing."""
    from .browser import Harness

    with Harness() as harness:
        yield harness
