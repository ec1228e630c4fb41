"""A `Service` from plain settings: what `tarjama serve` and each extra worker process build."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from tarjama.catalog.memory import TranslationMemory, load_memory
from tarjama.errors import InputError
from tarjama.run.articles import load_glossary
from tarjama.run.core import Model, OnWarning, RunOptions, ignore_warning
from tarjama.service.app import Service, ServiceConfig, create_app
from tarjama.translate.backend import DecodeSettings
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


def build_service(settings: dict[str, Any], on_warning: OnWarning = ignore_warning) -> Service:
    decode = DecodeSettings(
        beam=settings["beam"],
        device=settings["device"],
        backend=settings["backend"],
        compute_type=settings["compute_type"],
        batch_size=settings["max_batch"],
    )
    check_compute_type(decode)
    model = Model(resolve_model(settings["model"]), decode, open_backend)
    glossary = load_glossary(
        [Path(g) for g in settings["glossaries"]] if settings["glossaries"] else None,
        settings["use_glossary"],
        on_warning,
    )
    memory = TranslationMemory()
    if settings["memory_dir"] is not None:
        memory = load_memory(Path(settings["memory_dir"]), settings["lang"])
        for problem in memory.skipped:
            on_warning(f"translation memory skips {problem}")
    options = RunOptions(out_dir=Path("."), lang=settings["lang"], settings=decode, atoms_in_place=True)
    keys = settings["api_keys"]
    config = ServiceConfig(
        lang=settings["lang"],
        api_keys=frozenset(keys) if keys is not None else None,
        char_limit=settings["char_limit"],
        body_limit=settings["body_limit"],
        read_timeout=settings["read_timeout"],
        max_batch=settings["max_batch"],
        max_wait_ms=settings["max_wait_ms"],
        max_queue=settings["max_queue"],
        suggestions=Path(settings["suggestions"]) if settings["suggestions"] else None,
        lock_timeout=settings["lock_timeout"],
        label=f"model {model.source.model_id} @ {model.source.revision}, {decode.backend}, "
        f"{'glossary' if glossary is not None else 'no glossary'}, "
        + (f"{len(memory)} memory entries" if settings["memory_dir"] is not None else "no memory"),
    )
    return Service(config, model, options, glossary, memory)


def app_from_env() -> FastAPI:
    """The app of one worker process of ``tarjama serve --workers N``."""
    return create_app(build_service(json.loads(os.environ[SETTINGS_ENV])))
