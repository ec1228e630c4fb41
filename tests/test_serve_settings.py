"""`tarjama serve`'s options are translate's where they mean the same (one declaration), and
what serve runs with is one typed value, handed to worker processes whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from tarjama.cli.run_cmds import batch_cmd, translate_cmd
from tarjama.cli.serve_cmd import serve_cmd
from tarjama.service.factory import serve_settings
from tarjama.service.settings import ServeSettings

SHARED = ("model", "lang", "beam", "backend", "compute_type", "device", "glossary_files", "no_glossary")


def params(command) -> dict:
    return {p.name: p for p in command.params}


@pytest.mark.parametrize("other", [translate_cmd, batch_cmd], ids=["translate", "batch"])
def test_serve_declares_the_shared_options_as_translate_and_batch_do(other) -> None:
    mine, theirs = params(serve_cmd), params(other)
    for name in (*SHARED, "memory_dir", "use_memory"):
        a, b = mine[name], theirs[name]
        assert (a.opts, a.default, a.type.__class__, a.is_flag) == (
            b.opts,
            b.default,
            b.type.__class__,
            b.is_flag,
        )
        if name != "memory_dir":
            assert a.help == b.help, name
    # the memory's default is the target language's folder in both; only where that is differs
    assert mine["memory_dir"].help.replace("locales/<lang>", "<out>/<lang>") == theirs["memory_dir"].help


def test_settings_go_to_a_worker_whole_and_typed() -> None:
    chosen = ServeSettings(
        model="m",
        glossaries=(Path("a.csv"), Path("b.tbx")),
        api_keys=frozenset({"k1", "k2"}),
        memory_dir=Path("locales/fr"),
        lang="fr",
        suggestions=Path("s.po"),
        keep_alive=2.5,
        workers=3,
    )
    assert ServeSettings.from_json(chosen.to_json()) == chosen
    wrong = json.loads(chosen.to_json()) | {"beam": "wide"}
    with pytest.raises(ValidationError):
        ServeSettings.from_json(json.dumps(wrong))
    assert chosen.limits().keep_alive == 2.5 and chosen.decode().batch_size == chosen.max_batch


def test_the_default_memory_follows_lang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locales" / "en").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert serve_settings(lang="en").memory_dir == Path("locales/en")
    assert serve_settings(lang="fr").memory_dir is None  # never the English memory for French
    assert serve_settings(lang="en", use_memory=False).memory_dir is None
    (tmp_path / "desk").mkdir()
    assert serve_settings(lang="fr", memory_dir=tmp_path / "desk").memory_dir == tmp_path / "desk"
