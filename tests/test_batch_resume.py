"""A real `tarjama batch` process killed mid-batch: finished POs are complete, none half-written, re-run resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from .test_batch import po_of, write_articles

ARTICLES = 8


@pytest.fixture(autouse=True)
def _cache_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path_factory.getbasetemp() / "resume-cache"))


def start(model: Path, inputs: Path, out: Path) -> subprocess.Popen[str]:
    # one article per wave, so articles are finished (and saved) one after the other
    cmd = [sys.executable, "-m", "tarjama", "batch", str(inputs), "--model", str(model), "--out", str(out)]
    cmd += ["--backend", "ct2", "--beam", "2", "--wave-sentences", "1", "--batch-size", "2"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def kill_after_new_po(proc: subprocess.Popen[str], folder: Path, have: int, sig: int) -> None:
    """Wait until the run has saved at least one more PO than ``have``, then send ``sig``."""
    deadline = time.monotonic() + 120
    while len(list(folder.glob("*.po"))) <= have:
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        assert time.monotonic() < deadline, "no PO appeared"
        time.sleep(0.005)
    proc.send_signal(sig)


def assert_complete(po_path: Path, article: Path) -> None:
    po = polib.pofile(str(po_path))  # parses: not truncated
    assert po.metadata["X-Tarjama-Source-File"] == article.name
    assert len(po) == 6 and all(e.msgstr and "fuzzy" in e.flags for e in po)
    assert po_path.read_text(encoding="utf-8").endswith("\n")


# Real batch processes (a torch import each), killed and restarted: the slow lane's. The fast lane
# runs batch's waves and their saves in-process (test_batch) and an interrupted run that resumes
# (test_finetune's Ctrl-C).
@pytest.mark.slow
def test_killed_batch_keeps_finished_catalogs_and_resumes(tiny_model: Path, tmp_path: Path) -> None:
    arts = write_articles(tmp_path / "in", ARTICLES)
    out = tmp_path / "out"
    folder = out / "en" / "LC_MESSAGES"

    # 1. kill (SIGTERM) mid-batch: it ends like Ctrl-C, one line, exit 130
    proc = start(tiny_model, tmp_path / "in", out)
    kill_after_new_po(proc, folder, 0, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "tarjama: interrupted; finished files are complete"
    assert "Traceback" not in err
    done = sorted(folder.glob("*.po"))
    assert 0 < len(done) < ARTICLES

    # 2. kill -9 mid-batch: no handler runs at all; what is on disk is still whole
    proc = start(tiny_model, tmp_path / "in", out)
    kill_after_new_po(proc, folder, len(done), signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    finished = {p.name: p.read_bytes() for p in folder.glob("*.po")}
    assert len(done) < len(finished) < ARTICLES
    for art in arts:
        if po_of(out, art).exists():
            assert_complete(po_of(out, art), art)
    # at most a hidden temp file of the one write SIGKILL cut short, never a partial .po
    leftovers = [p for p in folder.iterdir() if p.suffix != ".po"]
    assert all(p.name.startswith(".") and p.name.endswith(".tmp") for p in leftovers), leftovers

    # 3. re-run: finished articles are skipped untouched, the rest are translated
    proc = start(tiny_model, tmp_path / "in", out)
    stdout, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert stdout.count("unchanged") == len(finished)
    assert stdout.count("written") == ARTICLES - len(finished)
    for name, data in finished.items():
        assert (folder / name).read_bytes() == data
    for art in arts:
        assert_complete(po_of(out, art), art)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_python_swallowed_still_stops_the_run_at_its_next_step() -> None:
    """A signal that lands in a ``__del__`` (filelock's finaliser) is printed as "Exception ignored"
    and lost; the handler remembers it, so the next progress step raises it again."""
    from tarjama.run import NoProgress
    from tarjama.run.interrupts import Interrupts

    stops = Interrupts()

    class Finaliser:
        def __del__(self) -> None:
            stops._handle(signal.SIGTERM, None)  # as if the signal arrived while this ran

    Finaliser()  # collected at once: Python ignores the KeyboardInterrupt raised in __del__
    progress = stops.watch(NoProgress())
    with pytest.raises(KeyboardInterrupt):
        progress.advance(articles=1)
    with pytest.raises(KeyboardInterrupt):
        stops.check()


def test_the_swallowed_interrupt_prints_no_traceback_and_other_errors_still_do() -> None:
    """While held, the "Exception ignored" report of the handler's own interrupt is silent (a clean
    CI run printed a traceback on stderr for a SIGTERM that landed in a weakref callback); any
    other unraisable error still reaches the hook that was in place, which comes back after."""
    import sys

    from tarjama.run.interrupts import Interrupts

    seen: list[type[BaseException]] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(type(u.exc_value))
    try:
        with Interrupts() as stops:

            class Finaliser:
                def __del__(self) -> None:
                    stops._handle(signal.SIGTERM, None)

            class Broken:
                def __del__(self) -> None:
                    raise ValueError("a real bug in a finaliser")

            Finaliser()
            Broken()
        assert seen == [ValueError]
        assert stops.signalled == signal.SIGTERM
    finally:
        hook, sys.unraisablehook = sys.unraisablehook, previous
    assert hook is not stops._unraisable_hook  # put back on the way out
