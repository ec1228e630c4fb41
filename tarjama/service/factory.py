"""`tarjama serve` as a library: its settings checked, a `Service` built from them, the server run."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from tarjama.catalog.memory import TranslationMemory, check_memory_dir, load_memory
from tarjama.errors import InputError
from tarjama.files import check_can_write
from tarjama.run.articles import DEFAULT_OUT, load_glossary
from tarjama.run.core import Model, OnWarning, RunOptions, ignore_warning
from tarjama.service.app import Service, ServiceConfig, create_app
from tarjama.service.server import bind, serve
from tarjama.service.settings import ServeSettings
from tarjama.translate.backends import check_compute_type, open_backend
from tarjama.translate.model_source import resolve_model

SETTINGS_ENV = "TARJAMA_SERVE_SETTINGS"
KEY_FILE_LIMIT = 1_000_000  # bytes: a key file is a few lines


def read_api_keys(path: Path) -> frozenset[str]:
    """The keys of an API key file, one a line (``#`` comments), refused as ssh refuses an
    ``authorized_keys`` anyone else could change: a file or folder writable by group or others,
    or owned by another user, lets them add a key of their own. The file is opened first and
    the opened file checked, so it cannot be swapped between the check and the read; opened
    without blocking, so a pipe is refused instead of waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read the API keys ({exc.strerror})", path=path) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise InputError("the API key file is not a regular file", path=path)
    with os.fdopen(fd, "rb") as fh:
        _check_owner_and_mode(st, path, "the API key file")
        folder = os.stat(os.path.dirname(os.path.realpath(path)))
        if not folder.st_mode & stat.S_ISVTX:  # in a sticky folder (/tmp) nobody else can replace it
            _check_owner_and_mode(folder, path, "the API key file's folder")
        if st.st_size > KEY_FILE_LIMIT:
            raise InputError(f"the API key file is larger than {KEY_FILE_LIMIT} bytes", path=path)
        raw = fh.read(KEY_FILE_LIMIT + 1)
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"the API key file is not UTF-8 text (byte {exc.start})", path=path) from None
    keys = set()
    for number, line in enumerate(lines, start=1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        if any(c.isspace() or not c.isprintable() for c in key):
            raise InputError(f"line {number}: an API key is one word of printable characters", path=path)
        keys.add(key)
    if not keys:
        raise InputError("no API key in the file", path=path)
    return frozenset(keys)


def _check_owner_and_mode(st: os.stat_result, path: Path, what: str) -> None:
    if st.st_mode & 0o022:
        raise InputError(
            f"{what} is writable by {'others' if st.st_mode & 0o002 else 'its group'} "
            f"(mode {stat.S_IMODE(st.st_mode):04o}), so anyone could add a key; chmod go-w it",
            path=path,
        )
    if st.st_uid not in (os.getuid(), 0):
        raise InputError(f"{what} belongs to another user (uid {st.st_uid})", path=path)


def serve_settings(
    *,
    api_key_file: Path | None = None,
    memory_dir: Path | None = None,
    use_memory: bool = True,
    lang: str = "en",
    suggestions: Path | None = None,
    glossary_store: Path | None = None,
    **fields: Any,
) -> ServeSettings:
    """`tarjama serve`'s options as `ServeSettings`, every file they name checked first, before
    a port is bound or a model loaded: the key file read (`read_api_keys`), a --memory folder
    that must exist, the suggestions file writable. Without --memory the memory is the target
    language's, ``locales/<lang>`` as `translate` writes it, when that folder exists (never
    another language's: French requests must not get the English memory). Uploaded glossaries
    are kept in ``locales/.glossaries`` unless ``glossary_store`` says where."""
    keys = read_api_keys(api_key_file) if api_key_file is not None else None
    if not use_memory:
        memory = None
    elif memory_dir is None:
        default = DEFAULT_OUT / lang
        memory = default if default.is_dir() else None
    else:
        check_memory_dir(memory_dir)
        memory = memory_dir
    if suggestions is not None:
        check_can_write(suggestions, what="suggestions file")
    store = glossary_store or DEFAULT_OUT / ".glossaries"  # beside the catalogs, as the memory
    return ServeSettings(
        api_keys=keys, memory_dir=memory, lang=lang, suggestions=suggestions, glossary_store=store, **fields
    )


def build_service(settings: ServeSettings, on_warning: OnWarning = ignore_warning) -> Service:
    """The model found (not loaded), the glossary and the memory read: a bad one fails here."""
    decode = settings.decode()
    check_compute_type(decode)
    model = Model(resolve_model(settings.model), decode, open_backend)
    glossary = load_glossary(settings.glossaries, settings.use_glossary, on_warning)
    memory = TranslationMemory()
    if settings.memory_dir is not None:
        memory = load_memory(settings.memory_dir, settings.lang)
        for problem in memory.skipped:
            on_warning(f"translation memory skips {problem}")
    options = RunOptions(out_dir=Path("."), lang=settings.lang, settings=decode, atoms_in_place=True)
    # every ServiceConfig field is a ServeSettings field of the same name (the label aside)
    shared = {f.name: getattr(settings, f.name) for f in fields(ServiceConfig) if f.name != "label"}
    label = (
        f"model {model.source.model_id} @ {model.source.revision}, {decode.backend}, "
        f"{'glossary' if glossary is not None else 'no glossary'}, "
        + (f"{len(memory)} memory entries" if settings.memory_dir is not None else "no memory")
    )
    config = ServiceConfig(**shared, label=label)
    return Service(config, model, options, glossary, memory)


def run_service(
    settings: ServeSettings, on_warning: OnWarning = ignore_warning, say: Callable[[str], None] = print
) -> None:
    """Bind, load, serve until SIGTERM or Ctrl-C, then drain and return.

    The port is bound before anything loads (a taken port is one line); ``say`` gets the line
    naming what loads where, and the ready line follows once the socket listens.
    """
    sockets = bind(settings.host, settings.port)
    service = build_service(settings, on_warning)  # a bad model or glossary fails here, in one line
    bound = sockets[0].getsockname()[1]
    say(f"tarjama serve: loading {service.config.label} on http://{settings.host}:{bound}")
    if settings.workers > 1:
        os.environ[SETTINGS_ENV] = settings.to_json()
        serve(
            "tarjama.service.factory:app_from_env",
            sockets,
            settings.limits(),
            settings.workers,
            settings.access_log,
        )
    else:
        # loaded before the server starts: a library that sets signal handlers while loading
        # (torch, CTranslate2) must not replace the ones that make SIGTERM drain the server
        service.model.backend()
        serve(create_app(service), sockets, settings.limits(), access_log=settings.access_log)


def app_from_env() -> FastAPI:
    """The app of one worker process of ``tarjama serve --workers N``."""
    return create_app(build_service(ServeSettings.from_json(os.environ[SETTINGS_ENV])))
