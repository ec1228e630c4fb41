"""The engine registry (`tarjama.run.engines`): an engine is one module and one registry line.

A test-only engine registered from here runs `run_batch` and writes the local engine's
catalogs; every engine's options are checked (by the registry: which engine takes which
option; by the engine: their values) before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarjama.errors import TarjamaError
from tarjama.run import LocalDecoder, LocalEngine, run_batch
from tarjama.run.engines import EngineOption, EngineSpec, open_engine, register_engine, unregister_engine

from .conftest import run_cli
from .test_batch import options, write_articles


def catalogs(out: Path) -> dict[str, bytes]:
    """Every PO under ``out`` with its two dates blanked (the only lines allowed to differ)."""
    dates = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"\\]*\\n"$', re.M)
    return {
        p.relative_to(out).as_posix(): dates.sub(rb'"\1: -\\n"', p.read_bytes())
        for p in sorted(out.rglob("*.po"))
    }


class ReversingEngine(LocalEngine):
    """Local work, with the batches of each wave handed back last first (a decoder may answer
    in any order), counting what went through it. Its one option, ``order``, it checks itself."""

    def __init__(self, order: str) -> None:
        if order not in ("forward", "reverse"):
            raise TarjamaError(f"--order {order!r}: give forward or reverse")
        self.order = order
        self.read_paths: list[Path] = []
        self.batches = 0
        self.closed = False

    def read(self, paths, fmt):
        self.read_paths.extend(paths)
        return super().read(paths, fmt)

    def decoder(self, model, opener):
        engine = self

        class Reversing:
            def decode(self, backend, waves) -> Iterator:
                for w, wave in enumerate(waves):
                    done = [(w, *rest) for _, *rest in LocalDecoder().decode(backend, [wave])]
                    engine.batches += len(done)
                    yield from reversed(done) if engine.order == "reverse" else done

        return Reversing()

    def summary(self) -> str:
        return f"reversing: {self.batches} batches"

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def reversing() -> Iterator[str]:
    # the one line an engine needs, here registered by the test instead of in _REGISTRY
    register_engine(
        EngineSpec(
            "reversing",
            "tests.test_engines:ReversingEngine",
            "test only",
            (EngineOption("order", "reverse", "batches last first, or not"),),
        )
    )
    yield "reversing"
    unregister_engine("reversing")


def test_a_registered_engine_runs_the_batch_and_writes_the_local_catalogs(
    reversing: str, tiny_model: Path, tmp_path: Path
) -> None:
    arts = write_articles(tmp_path / "in", 3)
    engine = open_engine(reversing)  # its option's default
    assert isinstance(engine, ReversingEngine) and engine.order == "reverse"
    opts, res = options(tiny_model, tmp_path / "out", batch=2, wave_sentences=8)
    report = run_batch([tmp_path / "in"], opts, res, engine=engine)
    assert not report.failed and [a.status for a in report.articles] == ["written"] * 3
    assert engine.read_paths == arts and engine.batches > 3
    local = run_batch([tmp_path / "in"], *options(tiny_model, tmp_path / "local", batch=2, wave_sentences=8))
    assert not local.failed
    assert catalogs(tmp_path / "out") == catalogs(tmp_path / "local") and len(catalogs(tmp_path / "out")) == 3
    assert engine.summary() == f"reversing: {engine.batches} batches"


def test_engine_options_are_checked_by_the_registry_and_by_the_engine(reversing: str) -> None:
    assert open_engine(reversing, {"order": "forward"}).order == "forward"
    with pytest.raises(TarjamaError, match=r"^--order 'sideways': give forward or reverse$"):
        open_engine(reversing, {"order": "sideways"})
    # an option of another engine is refused, naming the engine that takes it
    with pytest.raises(TarjamaError, match=r"^--order needs --engine reversing \(not local\)$"):
        open_engine("local", {"order": "forward"})
    with pytest.raises(TarjamaError, match=r"^--actors and --order need --engine ray or reversing"):
        open_engine("local", {"order": "forward", "actors": "2"})
    with pytest.raises(TarjamaError, match=r"^no engine takes --colour$"):
        open_engine(reversing, {"colour": "blue"})
    with pytest.raises(TarjamaError, match=r"^unknown engine 'nope' \(choose from local, ray, reversing\)$"):
        open_engine("nope")
    with pytest.raises(ValueError, match="registered already"):
        register_engine(EngineSpec("local", "tarjama.run.articles:LocalEngine", "again"))


def test_a_ray_option_without_the_ray_engine_is_one_line(tmp_path: Path) -> None:
    """It used to be click's usage error from an ``if`` in the command; now the registry's line,
    before any article is read or model looked for."""
    res = run_cli("batch", tmp_path / "none.ar.txt", "--model", tmp_path / "no-model", "--actors", "2")
    assert res.returncode == 1
    assert res.stderr.splitlines() == ["tarjama: error: --actors needs --engine ray (not local)"]


def test_the_ray_engine_checks_its_own_options_before_anything_starts() -> None:
    pytest.importorskip("ray")
    from tarjama.translate.backend import DecodeSettings

    engine = open_engine("ray", {"actors": "1-3", "gpus-per-actor": "0.5"})
    try:
        assert engine.options.actors == (1, 3) and engine.options.gpus_per_actor == 0.5
        assert engine.configure(DecodeSettings()).device == "cuda"  # GPU actors decode on cuda
        assert engine._ray is None  # nothing started
    finally:
        engine.close()
    for given, problem in (
        ({"actors": "0"}, "--actors '0': need 1 ≤ MIN ≤ MAX"),
        ({"cpus-per-actor": "0"}, "--cpus-per-actor '0': give a number, more than 0 (e.g. 1 or 0.5)"),
        ({"gpus-per-actor": "inf"}, "--gpus-per-actor 'inf': give a number, 0 or more (e.g. 1 or 0.5)"),
    ):
        with pytest.raises(TarjamaError) as caught:
            open_engine("ray", given)
        assert str(caught.value) == problem


def test_batch_opens_the_engine_by_name_closes_it_and_puts_the_signal_handlers_back(
    reversing: str, tiny_model: Path, tmp_path: Path
) -> None:
    """`run.batch.batch` is `tarjama batch` without the command line: a Python caller names the
    engine and its options as the command does, in the main thread or any other."""
    import signal
    import threading

    from tarjama.run.batch import batch

    write_articles(tmp_path / "in", 2)
    opened: list[ReversingEngine] = []
    original = ReversingEngine.__init__

    def remember(self: ReversingEngine, order: str) -> None:
        original(self, order)
        opened.append(self)

    before = signal.getsignal(signal.SIGTERM)
    mp = pytest.MonkeyPatch()
    mp.setattr(ReversingEngine, "__init__", remember)
    try:
        opts, res = options(tiny_model, tmp_path / "out", batch=2, wave_sentences=8)
        result = batch([tmp_path / "in"], opts, res, engine=reversing, engine_options={"order": "forward"})
        assert [a.status for a in result.report.articles] == ["written"] * 2
        assert opened[0].order == "forward" and opened[0].closed
        assert result.where == f"reversing: {opened[0].batches} batches"
        assert signal.getsignal(signal.SIGTERM) is before  # the caller's handler, back
        # in another thread (a service's worker) no handler can be set; the run goes on
        results = []
        worker = threading.Thread(
            target=lambda: results.append(batch([tmp_path / "in"], opts, res, engine=reversing))
        )
        worker.start()
        worker.join(timeout=600)
        assert [a.status for a in results[0].report.articles] == ["unchanged"] * 2 and opened[1].closed
    finally:
        mp.undo()
    with pytest.raises(TarjamaError, match=r"^--order needs --engine reversing \(not local\)$"):
        batch([tmp_path / "in"], opts, res, engine_options={"order": "forward"})
    with pytest.raises(TarjamaError, match=r"^give article files, directories or globs, or --manifest FILE$"):
        batch([], opts, res)
