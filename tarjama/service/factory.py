"""A `Service` from plain settings: what `tarjama serve` and each extra worker process build."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from tarjama.catalog.memory import TranslationMemory, load_memory
from tarjama.run.articles import load_glossary
from tarjama.run.core import Model, OnWarning, RunOptions, ignore_warning
from tarjama.service.app import Service, ServiceConfig, create_app
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import check_compute_type, open_backend
from tarjama.translate.model_source import resolve_model

SETTINGS_ENV = "TARJAMA_SERVE_SETTINGS"


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
        max_batch=settings["max_batch"],
        max_wait_ms=settings["max_wait_ms"],
        max_queue=settings["max_queue"],
        suggestions=Path(settings["suggestions"]) if settings["suggestions"] else None,
        label=f"model {model.source.model_id} @ {model.source.revision}, {decode.backend}, "
        f"{'glossary' if glossary is not None else 'no glossary'}, {len(memory)} memory entries",
    )
    return Service(config, model, options, glossary, memory)


def app_from_env() -> FastAPI:
    """The app of one worker process of ``tarjama serve --workers N``."""
    return create_app(build_service(json.loads(os.environ[SETTINGS_ENV])))
