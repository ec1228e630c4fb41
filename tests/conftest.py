"""Shared fixtures: the example article and a tiny real Marian model built from it (no hub, no
mocks); the CLI run as a user runs it; one real Chromium for the page tests; the test lanes."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from filelock import FileLock

from tarjama.translate.scratch_model import ScratchConfig, build_scratch_model

if TYPE_CHECKING:
    from .weblate_machinery import Harness

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


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The folder every process of this run shares: under pytest-xdist (the fast lane runs on
    every core, `pytest_xdist_auto_num_workers`) the workers' temp folders' parent; None when the
    run is this one process."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return None
    return tmp_path_factory.getbasetemp().parent


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """A folder ``build`` fills, built once per test run: under pytest-xdist the first worker to
    ask builds it while the others wait on a lock, then all read the same files (a tiny model
    costs seconds of CPU per build). It appears whole or not at all (built aside, then renamed);
    tests only read it."""
    root = run_root(tmp_path_factory)
    if root is None:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    folder = root / name
    with FileLock(str(root / f"{name}.lock")):
        if not folder.exists():
            part = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
            build(part)
            os.replace(part, folder)
    return folder


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Conversions made by tests go to a temp cache, never the user's ~/.cache/tarjama; one per
    run, so that xdist's workers convert the shared tiny model once (the cache takes a lock per
    conversion, `translate/ct2_convert.py`)."""
    root = run_root(tmp_path_factory)
    cache = tmp_path_factory.mktemp("tarjama-cache") if root is None else root / "tarjama-cache"
    cache.mkdir(exist_ok=True)
    os.environ["TARJAMA_CACHE"] = str(cache)


@pytest.fixture(scope="session")
def gold() -> list[dict[str, str]]:
    return read_gold()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, gold) -> Path:
    """A random-weight MarianMTModel (d_model 32) with SentencePiece trained on the example, in
    opus-mt layout; built once per run (`built_once`)."""
    return built_once(
        tmp_path_factory,
        "tiny-marian",
        lambda out: build_scratch_model(
            out, [g["arabic"] for g in gold], [g["english"] for g in gold], ScratchConfig(max_length=48)
        ),
    )


@pytest.fixture(scope="session")
def second_model(tmp_path_factory: pytest.TempPathFactory, gold) -> Path:
    """Another tiny model (different seed), so that two systems really differ (`tarjama compare`'s
    tests and its report page's)."""
    return built_once(
        tmp_path_factory,
        "tiny-marian-2",
        lambda out: build_scratch_model(
            out,
            [g["arabic"] for g in gold],
            [g["english"] for g in gold],
            ScratchConfig(max_length=24, seed=1),
        ),
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
    """Run `tarjama ARGS` as a user would and return its exit code, stdout and stderr.

    In this process, through click's CliRunner: the same command, streams and exit code as
    ``python -m tarjama``, without importing torch and transformers again for each of the
    suite's ~140 commands (seconds each). An exception escaping the command is what Python
    would print, a traceback on stderr and exit 1. What a command changes in the process
    (the working folder, the environment, signal handlers, torch's threads) is put back.
    With ``timeout`` (a command that could hang: the test fails instead of hanging) it runs
    in a process of its own (`run_cli_process`), which a timeout can stop.
    """
    if timeout is not None:
        return run_cli_process(*args, cwd=cwd, timeout=timeout)
    from tarjama.cli import main

    argv = [str(a) for a in args]
    with _process_state_kept(cwd):
        result = CliRunner().invoke(main, argv, prog_name="python -m tarjama", catch_exceptions=True)
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exc = result.exception
        stderr += "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        code = 1
    return subprocess.CompletedProcess(["tarjama", *argv], code, result.stdout, stderr)


@contextlib.contextmanager
def _process_state_kept(cwd: Path | None) -> Iterator[None]:
    import torch  # the commands import it anyway; its thread count is process state

    environ = dict(os.environ)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    threads = torch.get_num_threads()
    here = os.getcwd()
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(here)
        for key in set(os.environ) - set(environ):
            del os.environ[key]
        for key, value in environ.items():
            if os.environ.get(key) != value:
                os.environ[key] = value
        for signum, handler in handlers.items():
            if handler is not None:  # None: set outside Python, cannot be put back from here
                signal.signal(signum, handler)
        torch.set_num_threads(threads)


def run_cli_process(
    *args: str | Path, cwd: Path | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `tarjama` entry point in a process of its own, as a user would
    (``timeout``: a command that would hang fails the test instead of hanging it)."""
    return subprocess.run(
        [sys.executable, "-m", "tarjama", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=False,
    )


# --- the browser: skipped where it is missing, a failure in CI ---------------------------------

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for all the session's page tests (tests/browser.py).

    Where no Chromium can be started (a fresh machine: `apt-get install chromium`, or
    `python -m playwright install chromium`) the page tests are skipped with the reason; in CI
    (``CI`` set, as `.ci/run` sets it) that skip is a failure (`pytest_runtest_makereport`)."""
    from .browser import Harness, find_chromium

    executable, why = find_chromium()
    if executable is None:
        pytest.skip(f"no Chromium for the page tests: {why}")
    harness = Harness(executable)
    try:
        harness.start()
    except Exception as exc:  # a browser that is there but cannot start (missing libraries)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        pytest.skip(f"Chromium at {executable} does not start: {first}")
    try:
        yield harness
    finally:
        harness.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """In CI every test runs: a page test skipped for want of a browser fails the build."""
    report = yield
    if IN_CI and report.skipped and "browser" in getattr(item, "fixturenames", ()):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI runs the page tests, but this one was skipped: {reason}"
    return report


# --- `tarjama serve` ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def desk_server(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path):
    """One `tarjama serve` on 127.0.0.1 as a desk runs it (a memory, an API key, suggestions, the
    limits test_serve.py checks), for the tests that need *a* server, not a process of their own:
    those of startup, signals, options and the key file start their own (tests/test_serve*.py).
    A test reads its counters before and after (`Server.health`), never their absolute values."""
    from .test_serve import KEY, Server, write_memory

    tmp = tmp_path_factory.mktemp("desk-serve")
    keys = tmp / "keys.txt"
    keys.write_text(f"# the desk's keys\n{KEY}\n", encoding="utf-8")
    memory = write_memory(tmp / "memory" / "en")
    srv = Server(
        tmp,
        tiny_model,
        "--memory",
        str(memory),
        "--api-keys",
        str(keys),
        "--char-limit",
        "3000",
        "--body-limit",
        "20000",
        "--suggestions",
        str(tmp / "suggestions.po"),
        "--max-wait-ms",
        "20",
    )
    srv.memory = memory
    srv.suggestions = tmp / "suggestions.po"
    yield srv
    assert srv.stop() == 0


# --- Weblate's machinery classes (tests/weblate_machinery.py) -------------------------------


@pytest.fixture(scope="session")
def weblate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """One Weblate harness process for the session's scenarios (test_weblate_harness.py's against
    the recorder, test_weblate_serve.py's against `tarjama serve`): Django and Weblate's imports
    cost a second of CPU each time a process starts; every scenario starts from fresh caches."""
    from .weblate_machinery import Harness

    harness = Harness(tmp_path_factory.mktemp("weblate-harness"))
    yield harness
    harness.close()


# --- the lanes: `pytest -m "not slow"` (fast) and `pytest` (everything; CI) -----------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A soak runs for its set time: slow by definition, whichever file it is in."""
    for item in items:
        if item.get_closest_marker("soak") is not None:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which starts the workers
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The fast lane, run whole (`pytest -m "not slow"`, no file, test or -k named), runs on every core:
    a pytest-xdist worker per CPU this process may use (the tests run torch on one thread each,
    `tests/__init__.py`), each test module whole on one worker (its module fixtures built once).
    Anything else runs in this one process: a worker costs a collection of its own (seconds:
    torch and transformers imported again) that a few chosen tests never win back, and the slow
    lane holds what wants the machine to itself (a Ray cluster, servers under timed hostile
    clients, a soak that measures memory). ``-n`` chooses for itself (``-n 0``: one process);
    without pytest-xdist (the `test` extra installs it) everything runs in this process."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return
    if config.option.numprocesses is not None or config.option.dist != "no":
        return  # asked for on the command line
    named = config.args_source is pytest.Config.ArgsSource.ARGS or bool(config.option.keyword)
    fast_lane = " ".join((config.option.markexpr or "").split()) == "not slow"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if fast_lane and not named and cpus > 1 and not config.option.collectonly:
        config.option.numprocesses = cpus
        config.option.dist = "loadscope"
