"""The engine registry: where `batch` reads articles and decodes sentences, and with what options.

An engine (`run.articles.Engine`) decides only where the work happens; the run core plans,
looks up, post-checks and writes the same way for every engine, so the catalogs are the same.
Importing this module imports no engine: an engine's module is imported only by
:func:`open_engine` (or :func:`relay_elsewhere`), so the CLI can offer the choices and their
options, and refuse a misplaced option, without Ray installed.

Each engine declares the options it takes (`EngineOption`: a name, its default and help, as
text: the command line gives text) and checks their values itself, in its factory. An option
given to an engine that does not take it is refused here, naming the engine that does.

To add an engine: write ``tarjama/run/<name>_engine.py`` with a factory that takes the
engine's options as keyword arguments (text, ``-`` in a name as ``_``), checks them (one-line
`TarjamaError`) and returns an `Engine`; add one `EngineSpec` line to ``_REGISTRY`` below.
`tarjama batch --engine` and the option flags come from the registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tarjama.errors import TarjamaError, listed
from tarjama.run.articles import Engine


@dataclass(frozen=True)
class EngineOption:
    """One option an engine takes: ``--<name> VALUE`` on the command line."""

    name: str  # "actors" → --actors; the factory's keyword is the name with "-" as "_"
    default: str | None  # what the factory gets when the option is not given (None: not set)
    help: str
    metavar: str = "TEXT"

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    @property
    def keyword(self) -> str:
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class EngineSpec:
    """One engine: where its factory is, what it is for, and the options it takes."""

    name: str
    loader: str  # "module:factory", imported by open_engine only; factory(**options) -> Engine
    help: str
    options: tuple[EngineOption, ...] = ()
    # "module:function" that may run the whole command somewhere else instead of here
    # (function(argv, cwd, out, err, **options) -> exit status, or None to run it here)
    relay: str | None = None


_RAY_OPTIONS = (
    EngineOption(
        "ray-address",
        None,
        "The Ray cluster to join (auto: the one this machine belongs to; HOST:PORT: its head; "
        "ray://HOST:PORT: its Ray Client server, and the whole run happens on the cluster, paths "
        "included); default: start a private one here.",
        "auto|HOST:PORT|ray://HOST:PORT",
    ),
    EngineOption("actors", "1", "Decoding actors, autoscaled between MIN and MAX.", "N|MIN-MAX"),
    EngineOption("cpus-per-actor", "1", "CPUs per decoding actor (more than 0).", "N"),
    EngineOption("gpus-per-actor", "0", "GPUs per decoding actor (implies --device cuda).", "N"),
)

_REGISTRY: list[EngineSpec] = [
    EngineSpec("local", "tarjama.run.articles:LocalEngine", "this process"),
    EngineSpec(
        "ray",
        "tarjama.run.ray_engine:open_ray_engine",
        "articles read and sentences decoded on a Ray cluster (pip install 'tarjama[ray]'), the same catalogs",
        _RAY_OPTIONS,
        relay="tarjama.run.ray_engine:relay_through_client",
    ),
]


def register_engine(spec: EngineSpec) -> None:
    """Add an engine (a plug-in's, a test's); its name must be new."""
    if any(s.name == spec.name for s in _REGISTRY):
        raise ValueError(f"an engine named {spec.name!r} is registered already")
    _REGISTRY.append(spec)


def unregister_engine(name: str) -> None:
    _REGISTRY[:] = [s for s in _REGISTRY if s.name != name]


def engine_names() -> tuple[str, ...]:
    return tuple(s.name for s in _REGISTRY)


def engine_options() -> tuple[EngineOption, ...]:
    """Every option some engine takes, once (two engines may share one), in registry order."""
    seen: dict[str, EngineOption] = {}
    for spec in _REGISTRY:
        for option in spec.options:
            seen.setdefault(option.name, option)
    return tuple(seen.values())


def engine_spec(name: str) -> EngineSpec:
    """The registry entry for ``name``; an unknown name is a one-line error naming the choices."""
    for spec in _REGISTRY:
        if spec.name == name:
            return spec
    raise TarjamaError(f"unknown engine {name!r} (choose from {', '.join(engine_names())})")


def engine_arguments(name: str, given: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """The factory's keyword arguments: every option of the engine, given or its default.

    An option the engine does not take is refused, naming the engines that take it (a
    --actors without --engine ray would otherwise be dropped without a word)."""
    spec = engine_spec(name)
    given = dict(given or {})
    takes = {o.name: o for o in spec.options}
    known = [o.name for o in engine_options()]  # registry order, for a stable message
    foreign = [k for k in known if k in given and k not in takes] + sorted(set(given) - set(known))
    if foreign:
        flags = [f"--{key}" for key in foreign]
        owners = sorted({s.name for s in _REGISTRY for o in s.options if o.name in foreign})
        said = listed(flags)
        if owners:
            verb = "need" if len(flags) > 1 else "needs"
            raise TarjamaError(f"{said} {verb} --engine {' or '.join(owners)} (not {name})")
        raise TarjamaError(f"no engine takes {said}")
    return {o.keyword: given.get(o.name, o.default) for o in spec.options}


def _load(target: str) -> Callable[..., Any]:
    module, _, attr = target.partition(":")
    found: Any = importlib.import_module(module)
    for part in attr.split("."):
        found = getattr(found, part)
    return found


def open_engine(name: str = "local", given: Mapping[str, str] | None = None) -> Engine:
    """The engine ``name`` with its options checked (by the registry, then by the engine).

    Nothing starts here (no cluster is joined, no model loaded); close it when done."""
    arguments = engine_arguments(name, given)
    return _load(engine_spec(name).loader)(**arguments)


def relay_elsewhere(
    name: str,
    given: Mapping[str, str] | None,
    argv: Sequence[str],
    cwd: str,
    out: Callable[[str], Any],
    err: Callable[[str], Any],
) -> int | None:
    """Where the engine runs the whole command somewhere else (Ray through a ray:// address),
    that command's exit status once it has run there, its output relayed to ``out``/``err``;
    None where the run happens in this process."""
    arguments = engine_arguments(name, given)
    spec = engine_spec(name)
    if spec.relay is None:
        return None
    return _load(spec.relay)(argv, cwd, out, err, **arguments)
