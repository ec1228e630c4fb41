"""`tarjama batch` as one library call: the engine opened by name with its options, kill and
Ctrl-C turned into a clean stop, the engine closed, and what to say at the end.

The command only parses options and prints; a Python caller (a scheduler, the service) calls
`batch` the same way and gets the same catalogs, the same checks and the same one-line errors:

    result = batch(["incoming/"], RunOptions(out_dir=Path("locales")), Resources(model),
                   engine="ray", engine_options={"actors": "2-4"})
    for failed in result.report.failed: ...

Running the whole command somewhere else (Ray through a ``ray://`` address re-runs the command
line on the cluster) is `run.engines.relay_elsewhere`, which needs the command line and so is
the command's to call first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from tarjama.errors import TarjamaError
from tarjama.run.articles import Opener, Resources, run_batch
from tarjama.run.engines import open_engine
from tarjama.run.interrupts import Interrupts
from tarjama.run.options import NoProgress, OnWarning, Progress, RunOptions, ignore_warning
from tarjama.run.work import RunReport
from tarjama.translate.backends import open_backend


@dataclass(frozen=True)
class BatchResult:
    report: RunReport
    where: str | None = None  # the engine's line on where the work ran (Ray: nodes, actors)


def batch(
    inputs: Iterable[str | Path],
    options: RunOptions,
    resources: Resources,
    *,
    engine: str = "local",
    engine_options: Mapping[str, str] | None = None,
    manifests: Sequence[Path] = (),
    progress: Progress | None = None,
    on_warning: OnWarning = ignore_warning,
    fmt: str | None = None,
    opener: Opener = open_backend,
) -> BatchResult:
    """`run_batch` on the engine ``engine`` (`run.engines`), with its options as text.

    Nothing to translate, an unknown engine or a misplaced or bad engine option is a one-line
    `TarjamaError` before anything is read. While it runs, SIGTERM ends it like Ctrl-C (in the
    main thread; `run.interrupts`): KeyboardInterrupt at the next step, every catalog already
    written complete; the engine is closed either way.
    """
    inputs = list(inputs)
    if not inputs and not manifests:
        raise TarjamaError("give article files, directories or globs, or --manifest FILE")
    with Interrupts() as stops, closing(open_engine(engine, engine_options)) as chosen:
        report = run_batch(
            inputs,
            options,
            resources,
            opener,
            progress=stops.watch(progress or NoProgress()),
            on_warning=on_warning,
            fmt=fmt,
            engine=chosen,
            manifests=manifests,
        )
        stops.check()
        return BatchResult(report, chosen.summary())
