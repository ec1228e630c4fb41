"""`tarjama batch --engine ray`: the run core with articles read and sentences decoded on a Ray cluster.

The run core stays the one path from documents to catalogs (docs/architecture.md): this
module only supplies `run.articles.run_batch` with an engine that

1. reads, checks and segments the articles in Ray Data tasks (a bad article comes back as
   its failed report, as locally);
2. lets the driver's `Run` plan as it always does: skip catalogs whose header records this
   source and these settings, look up reviews and the translation memory (one snapshot, in
   the driver), keep MT an earlier run left, and pool every sentence still needing the model
   across all articles (a byline repeated in 10,000 articles is decoded once), split the
   long ones and cut length-sorted token-budget batches with their glossary terms, wave by
   wave: the same batches the local engine decodes;
3. decodes those batches in an actor pool (`Dataset.map_batches` with a callable class, one
   loaded model per actor, on the CPUs or GPUs each actor is given), streaming: the results
   come back as they finish, Ray Data's streaming executor bounding what is in flight;
4. hands each result to the run core, which post-checks it and writes every catalog as soon
   as its last sentence is done, through the one writer (atomic, locked), as locally.

Same batches, same backend call, same post-check, same writer: the catalogs are the local
engine's, byte for byte but for the header's dates. One thing is kept on purpose: a
CTranslate2 batch's output depends on how many pieces it is cut into
(`translate.backend.CpuLayout`), so every actor cuts it as the local engine does on the
driver's machine, whatever CPUs the actor has.

A killed actor is restarted by Ray and its batch retried (Ray Data's defaults for actor
pools: unlimited restarts and task retries). A killed driver leaves every catalog it wrote
complete (each is written atomically the moment its sentences are done; waves bound what is
lost); the next run skips those and does the rest.

Ray is an optional dependency (``pip install 'tarjama[ray]'``): nothing here imports it until
the engine starts.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import pickle
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tarjama.errors import TarjamaError
from tarjama.run.articles import Opener, read_or_report
from tarjama.run.core import ArticleReport, DecodeBatch, Decoded, Model
from tarjama.sources import Document
from tarjama.translate.backend import Backend, CpuLayout, DecodeSettings, Scored, usable_cores
from tarjama.translate.backends import open_backend
from tarjama.translate.model_source import ModelSource

RAY_MISSING = "--engine ray needs Ray, which is not installed: pip install 'tarjama[ray]'"
# what an actor needs from the driver's environment to find the same model files
_PASSED_ENV = ("TARJAMA_CACHE", "HF_HUB_OFFLINE", "HF_HOME", "HF_HUB_CACHE", "TRANSFORMERS_OFFLINE")
_MAX_BLOCKS = 10_000  # one decode batch per block (spread over the actors), up to this many


def import_ray() -> Any:
    """Ray and Ray Data, or the one-line error that says how to get them."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise TarjamaError(RAY_MISSING) from None
    return ray


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide: ``address`` None starts a private Ray on this machine for the run (or
    uses the one this process is already connected to); "auto" joins the cluster this machine
    is part of (``ray start``, or RAY_ADDRESS); "HOST:PORT" a cluster's head (GCS). A Ray Client
    address (ray://) is refused here: Ray Data cannot run through it (see `run_through_client`)."""

    address: str | None = None
    actors: tuple[int, int] = (1, 1)  # the decoding pool: least and most actors (autoscaled between)
    cpus_per_actor: float = 1.0
    gpus_per_actor: float = 0.0
    # pieces a CTranslate2 batch is cut into; None: what the local engine uses on this machine
    parts: int | None = None


def ray_options(
    ray_address: str | None = None, actors: str = "1", cpus_per_actor: str = "1", gpus_per_actor: str = "0"
) -> RayOptions:
    """The engine's options (`run.engines` gives them as the command line wrote them), checked."""
    return RayOptions(
        address=ray_address or None,
        actors=parse_actors(actors),
        cpus_per_actor=_amount("--cpus-per-actor", cpus_per_actor, above_zero=True),
        gpus_per_actor=_amount("--gpus-per-actor", gpus_per_actor, above_zero=False),
    )


def _amount(flag: str, text: str, above_zero: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (above_zero and value == 0):
        least = "more than 0" if above_zero else "0 or more"
        raise TarjamaError(f"{flag} {text!r}: give a number, {least} (e.g. 1 or 0.5)")
    return value


def open_ray_engine(**options: str) -> RayEngine:
    """`run.engines`' factory for ``--engine ray``: without Ray, the one line that says how to
    get it, before anything is read; nothing starts until the run reads its first article."""
    checked = ray_options(**options)
    import_ray()
    return RayEngine(checked)


def relay_through_client(
    argv: Sequence[str], cwd: str, out: Callable[[str], Any], err: Callable[[str], Any], **options: str
) -> int | None:
    """`run.engines`' relay: with a Ray Client address the whole command runs on the cluster
    (`run_through_client`), joined there with ``--ray-address auto``; else None (run here)."""
    address = ray_options(**options).address
    if address is None or not address.startswith("ray://"):
        return None
    return run_through_client(address, _on_the_cluster(list(argv), address), cwd, out, err)


def _on_the_cluster(argv: list[str], address: str) -> list[str]:
    """This command line as the cluster runs it: the same, joined with --ray-address auto."""
    out: list[str] = []
    for k, arg in enumerate(argv):
        if arg == f"--ray-address={address}":
            out.append("--ray-address=auto")
        elif arg == address and k > 0 and argv[k - 1] == "--ray-address":
            out.append("auto")
        else:
            out.append(arg)
    return out


def parse_actors(text: str) -> tuple[int, int]:
    """``N`` or ``MIN-MAX`` (at least 1, MIN ≤ MAX)."""
    lo, sep, hi = text.partition("-")
    try:
        pair = (int(lo), int(hi) if sep else int(lo))
    except ValueError:
        raise TarjamaError(f"--actors {text!r}: give N or MIN-MAX, e.g. 2 or 1-4") from None
    if pair[0] < 1 or pair[1] < pair[0]:
        raise TarjamaError(f"--actors {text!r}: need 1 ≤ MIN ≤ MAX")
    return pair


@dataclass
class RayStats:
    """What the engine saw: start-up time and where its work ran (nodes, actor processes)."""

    startup_s: float = 0.0
    read_nodes: set[str] = field(default_factory=set)
    decode_nodes: set[str] = field(default_factory=set)
    actor_pids: set[tuple[str, int]] = field(default_factory=set)  # (node, pid) of every actor that answered
    batches: int = 0


MIN_ACTORS_WAIT_S = 600


class RayEngine:
    """The `run.articles.Engine` for Ray: reads in tasks, decodes in an actor pool."""

    def __init__(self, options: RayOptions | None = None) -> None:
        self.options = options or RayOptions()
        self.stats = RayStats()
        self._ray: Any = None
        self._started_here = False

    def start(self) -> None:
        """Connect (once): join ``address``, or start a local Ray unless this process already has one."""
        if self._ray is not None:
            return
        ray = import_ray()
        address = self.options.address or ""
        if address.startswith("ray://"):
            # measured with Ray 2.60: Ray Data's streaming executor needs the driver's own core
            # worker, which a Ray Client connection does not have ('Worker' object has no
            # attribute 'core_worker'), so the run would fail at its first stage
            raise TarjamaError(
                f"--ray-address {address}: Ray Data does not run through Ray Client; run the command "
                "on the cluster (run_through_client, which `tarjama batch` uses for ray:// addresses)"
            )
        t0 = time.perf_counter()
        if not ray.is_initialized():
            # tarjama reports progress and errors itself; Ray's own notices would garble its output
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            kwargs["logging_level"] = logging.ERROR
            # no address: a private Ray for this run, never one that happens to run on this machine
            kwargs["address"] = self.options.address or "local"
            try:
                with _core_logs_quiet():
                    ray.init(**kwargs)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = self.options.address or "a local Ray"
                raise TarjamaError(f"cannot start or join Ray ({where}): {_first_line(exc)}") from None
            self._started_here = True
        from ray.data import DataContext

        context = DataContext.get_current()
        context.enable_progress_bars = False  # the run core reports progress, as locally
        context.print_on_execution_start = False
        # Decoding starts once the pool's --actors minimum is up, so the first batches are spread
        # over all of them instead of queueing on whichever actor loaded its model first (on a
        # busy machine the second actor of two got no batch at all); a cluster that cannot start
        # them in this time says so in one line instead of waiting forever.
        context.wait_for_min_actors_s = MIN_ACTORS_WAIT_S
        # Ray Data logs a failed stage's whole traceback; the run says it in one line
        logging.getLogger("ray.data").setLevel(logging.CRITICAL)
        self._ray = ray
        self.stats.startup_s = time.perf_counter() - t0

    def close(self) -> None:
        """Stop the local Ray this engine started (a joined cluster is left running)."""
        if self._ray is not None and self._started_here:
            self._ray.shutdown()
        self._ray = None

    # --- run.articles.Engine ------------------------------------------------------------

    def configure(self, settings: DecodeSettings) -> DecodeSettings:
        """GPU actors decode on cuda (the catalogs record the compute type that implies)."""
        if self.options.gpus_per_actor > 0 and settings.device == "cpu":
            return replace(settings, device="cuda")
        return settings

    def summary(self) -> str | None:
        st = self.stats
        return (
            f"ray: started in {st.startup_s:.1f} s; read on {len(st.read_nodes)} node(s); "
            f"{st.batches} batches decoded on {len(st.decode_nodes)} node(s) "
            f"by {len(st.actor_pids)} actor process(es)"
        )

    def opener(self, opener: Opener) -> Opener:
        """The driver counts tokens, splits and checks spellings: tokenizer and vocabulary only."""

        def tokens_only(source: ModelSource, settings: DecodeSettings) -> Backend:
            return open_backend(source, settings, decoding=False)

        return tokens_only

    def read(self, paths: Sequence[Path], fmt: str | None) -> list[Document | ArticleReport]:
        """Stage 1: read, check and segment each article in a Ray task; results in input order."""
        if not paths:
            return []
        self.start()
        ray = self._ray
        # bytes: a name that is not UTF-8 reaches the reader, which refuses it in one line, where
        # a str holding its escape would stop Arrow (and so the whole stage)
        rows = [{"i": i, "path": os.fsencode(p)} for i, p in enumerate(paths)]
        ds = ray.data.from_items(rows, override_num_blocks=min(len(rows), _MAX_BLOCKS))
        out: list[Document | ArticleReport | None] = [None] * len(rows)
        try:
            for row in ds.map(_read_row, fn_kwargs={"fmt": fmt}).iter_rows():
                out[int(row["i"])] = pickle.loads(row["item"])
                self.stats.read_nodes.add(str(row["node"]))
        except Exception as exc:  # not a bad article (that is a report): the stage itself failed
            raise TarjamaError(f"ray: reading failed: {_cause(exc)}") from exc
        return [item for item in out if item is not None]

    def decoder(self, model: Model, opener: Opener) -> RayDecoder:
        self.start()
        return RayDecoder(self, model.source, model.settings)


class RayDecoder:
    """Stage 4: every wave's batches through one actor pool, results as they finish."""

    def __init__(self, engine: RayEngine, source: ModelSource, settings: DecodeSettings) -> None:
        self.engine = engine
        self.source = source
        opts = engine.options
        self.settings = settings
        if opts.gpus_per_actor > 0 and settings.device == "cpu":
            raise TarjamaError("--gpus-per-actor needs --device cuda (the catalogs record the compute type)")
        self.parts = opts.parts or usable_cores()

    def decode(self, backend: Backend, waves: Iterator[list[DecodeBatch]]) -> Iterator[Decoded]:
        ray = self.engine._ray
        opts, stats = self.engine.options, self.engine.stats
        rows = [
            {"wave": w, "k": k, "batch": json.dumps([b.texts, b.terms, b.banned], ensure_ascii=False)}
            for w, batches in enumerate(waves)  # every wave planned now: one pool, loaded once
            for k, b in enumerate(batches)
        ]
        if not rows:
            return
        env = {k: os.environ[k] for k in _PASSED_ENV if k in os.environ}
        ds = ray.data.from_items(rows, override_num_blocks=min(len(rows), _MAX_BLOCKS))
        lo, hi = opts.actors
        pool = ray.data.ActorPoolStrategy(min_size=lo, max_size=hi)
        decoded = ds.map_batches(
            _Translate,
            fn_constructor_kwargs={
                "source": self.source,
                "settings": self.settings,
                "parts": self.parts,
                "env": env,
            },
            batch_size=1,  # one planned batch per call: the backend sees it as the local engine does
            compute=pool,
            num_cpus=opts.cpus_per_actor,
            num_gpus=opts.gpus_per_actor or None,
        )
        seen: set[tuple[int, int]] = set()
        try:
            for row in decoded.iter_rows():
                key = (int(row["wave"]), int(row["k"]))
                if key in seen:  # a retried task's output, should Ray deliver it twice
                    continue
                if row["error"]:
                    raise TarjamaError(str(row["error"]))
                seen.add(key)
                stats.batches += 1
                stats.decode_nodes.add(str(row["node"]))
                stats.actor_pids.add((str(row["node"]), int(row["pid"])))
                scored = [Scored(*out) for out in json.loads(row["outputs"])]
                yield *key, scored, float(row["seconds"])
        except TarjamaError:
            raise
        except Exception as exc:  # a failure inside the pool arrives wrapped by Ray
            raise TarjamaError(f"ray: decoding failed: {_cause(exc)}") from exc


@contextlib.contextmanager
def _core_logs_quiet() -> Iterator[None]:
    """Keep Ray's C++ core off the user's terminal. The driver's core worker writes its ERROR
    lines to stderr whatever ``logging_level`` and ``log_to_driver`` say, and Ray 2.60 writes
    one on every run with an actor pool: Ray Data itself puts the pool's constructor arguments
    in the object store and lets its actors restart (so that a killed actor is replaced), which
    core_worker.cc reports ("constructor arguments in the object store and max_restarts > 0",
    ray-project/ray#53727). RAY_BACKEND_LOG_LEVEL=fatal, read when the core worker starts (in
    ``ray.init``), silences that; the line saying the level was set, printed then, goes to
    /dev/null with the rest of ``ray.init``'s stderr (a failure comes back as its exception).
    A RAY_BACKEND_LOG_LEVEL the user set is theirs: nothing is hidden then. The processes of a
    private Ray started here inherit the level (their log files keep fatal errors only)."""
    if os.environ.get("RAY_BACKEND_LOG_LEVEL"):
        yield
        return
    os.environ["RAY_BACKEND_LOG_LEVEL"] = "fatal"
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        del os.environ["RAY_BACKEND_LOG_LEVEL"]


def run_through_client(
    address: str, args: Sequence[str], cwd: str, out: Callable[[str], Any], err: Callable[[str], Any]
) -> int:
    """``tarjama ARGS`` run on the cluster behind a Ray Client address (``ray://HOST:PORT``), as
    ``ray job submit`` runs a command: a task starts it there as a process of its own, a driver
    joined to the cluster (Ray Data cannot run through Ray Client itself: in Ray 2.60 its
    streaming executor needs the driver's core worker, which a client has not). Paths in
    ``args`` and ``cwd`` are the cluster's (a shared file system). What the command writes comes
    back line by line as it runs (its progress as lines: TARJAMA_PROGRESS), to ``out`` and
    ``err``; returns its exit status."""
    ray = import_ray()
    for attempt in range(3):
        try:
            with warnings.catch_warnings():  # its "connection timed out" warning: said in our line
                warnings.simplefilter("ignore")
                ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
            break
        except (ConnectionError, RuntimeError, ValueError) as exc:
            # the head answered but its per-client server was slow to start (a busy head): again
            if "Initialization failure from server" in str(exc) and attempt < 2:
                time.sleep(2.0)
                continue
            raise TarjamaError(f"--ray-address {address}: cannot connect: {_first_line(exc)}") from None
    try:
        from ray.util.queue import Queue

        lines = Queue()
        env = {k: os.environ[k] for k in _PASSED_ENV if k in os.environ}
        task = ray.remote(num_cpus=0, max_retries=0)(_cluster_driver)
        done = task.remote(list(args), cwd, env, lines)
        while not ray.wait([done], timeout=0.5)[0]:
            _relay(lines, out, err)
        status = ray.get(done)
        _relay(lines, out, err)  # what came after the last look
        return status
    except Exception as exc:  # the task itself (not the command) failed: its own line
        raise TarjamaError(f"--ray-address {address}: the run on the cluster failed: {_cause(exc)}") from None
    finally:
        ray.shutdown()


def _relay(lines: Any, out: Callable[[str], Any], err: Callable[[str], Any]) -> None:
    n = lines.qsize()
    for stream, line in lines.get_nowait_batch(n) if n else ():
        (out if stream == "out" else err)(line)


def _cluster_driver(args: list[str], cwd: str, env: dict[str, str], lines: Any) -> int:
    import subprocess
    import sys
    import threading

    import ray

    if not os.path.isdir(cwd):
        lines.put(
            ("err", f"tarjama: error: {cwd}: no such directory on the cluster node that runs the command\n")
        )
        return 2
    # the command joins this cluster as its own driver (RAY_ADDRESS: what --ray-address auto reads)
    full_env = {
        **os.environ,
        "TARJAMA_PROGRESS": "lines",
        **env,
        "RAY_ADDRESS": ray.get_runtime_context().gcs_address,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "tarjama", *args],
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def relay(stream: Any, name: str) -> None:
        for line in stream:
            lines.put((name, line))

    pumps = [
        threading.Thread(target=relay, args=(proc.stdout, "out")),
        threading.Thread(target=relay, args=(proc.stderr, "err")),
    ]
    for pump in pumps:
        pump.start()
    status = proc.wait()
    for pump in pumps:
        pump.join()
    return status


def _read_row(row: dict[str, Any], fmt: str | None) -> dict[str, Any]:
    import ray

    item = read_or_report(Path(os.fsdecode(row["path"])), fmt)
    return {"i": row["i"], "item": pickle.dumps(item), "node": ray.get_runtime_context().get_node_id()}


class _Translate:
    """One actor of the decoding pool: one model, loaded once, on the CPUs (or GPUs) Ray gave it.

    A model this worker cannot load, or a batch it cannot decode, is answered with an error row
    rather than raised: the driver stops the run with that one line (as the local engine would),
    and Ray does not restart an actor that would fail the same way forever."""

    def __init__(
        self, source: ModelSource, settings: DecodeSettings, parts: int, env: dict[str, str]
    ) -> None:
        import ray

        os.environ.update(env)
        context = ray.get_runtime_context()
        cpus = context.get_assigned_resources().get("CPU", 1)
        self.node = context.get_node_id()
        self.backend: Backend | None = None
        self.error = ""
        try:
            self.backend = open_backend(
                source, settings, layout=CpuLayout(threads=max(1, int(cpus)), parts=parts)
            )
        except TarjamaError as exc:
            self.error = str(exc)
        except Exception as exc:  # what the local engine would show as a traceback: one line here
            self.error = f"{source.path}: cannot load the model on a Ray worker: {_first_line(exc)}"

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {
            k: [] for k in ("wave", "k", "outputs", "seconds", "node", "pid", "error")
        }
        for wave, k, payload in zip(rows["wave"], rows["k"], rows["batch"], strict=True):
            texts, terms, banned = json.loads(payload)
            t0 = time.perf_counter()
            outputs: list[list[Any]] = []
            error = self.error
            if self.backend is not None:
                try:
                    decoded = self.backend.translate_scored(texts, terms=terms, banned=banned)
                    outputs = [[o.text, o.confidence, o.gap] for o in decoded]
                except TarjamaError as exc:
                    error = str(exc)
                except Exception as exc:
                    error = (
                        f"decoding a batch failed on a Ray worker: {type(exc).__name__}: {_first_line(exc)}"
                    )
            out["seconds"].append(time.perf_counter() - t0)
            out["wave"].append(int(wave))
            out["k"].append(int(k))
            out["outputs"].append(json.dumps(outputs, ensure_ascii=False))
            out["node"].append(self.node)
            out["pid"].append(os.getpid())
            out["error"].append(error)
        return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _cause(exc: BaseException) -> str:
    """The error's own line out of Ray's wrapping (its text ends with the worker's traceback)."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("File ", "Traceback", "^", "~"))]
    return lines[-1] if lines else type(exc).__name__
