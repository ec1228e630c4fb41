"""Weblate 5.14.3's own machinery classes (LibreTranslate, DeepL, tmserver) against a real
`tarjama serve` on 127.0.0.1 (the tiny model), through tests/weblate_machinery.py: the settings
validate and save, a Weblate glossary term comes out enforced, a link's placeholders come back
around the right words, and a batch of 20 passes. In CI (CI=true) .ci/run installs Weblate, and
a missing one fails instead of skipping."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import read_gold
from .test_serve import KEY, Server, write_memory
from .test_weblate_harness import harness, needs_weblate
from .weblate_machinery import Harness

pytestmark = needs_weblate
LINKED = '<a href="https://example.org/giang">Dang Hoang Giang</a>'


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path):
    tmp = tmp_path_factory.mktemp("weblate-serve")
    keys = tmp / "keys.txt"
    keys.write_text(f"{KEY}\nK3Y\n", encoding="utf-8")  # K3Y: the harness's key
    memory = write_memory(tmp / "memory" / "en")
    srv = Server(
        tmp,
        tiny_model,
        "--memory",
        str(memory),
        "--api-keys",
        str(keys),
        "--glossary-store",
        str(tmp / "glossaries"),
    )
    srv.store = tmp / "glossaries"
    yield srv
    srv.stop()


def run(weblate: Harness, engine: str, url: str, scenario: str, *extra: str) -> dict:
    out = harness(weblate, engine, url, scenario, *extra)
    assert out["saved"] is True and out["settings_errors"] == [], out
    assert "error" not in out, out
    return out


def key_in_url(srv: Server) -> str:
    return srv.url.replace("http://", f"http://desk:{KEY}@") + "/tmserver/"


@pytest.mark.parametrize("engine", ["libretranslate", "deepl", "tmserver"])
def test_settings_validate_and_save(weblate: Harness, desk: Server, engine: str) -> None:
    url = {"libretranslate": desk.url, "deepl": desk.url + "/v2/", "tmserver": key_in_url(desk)}[engine]
    run(weblate, engine, url, "validate")


@pytest.mark.parametrize("engine", ["libretranslate", "deepl"])
def test_a_link_comes_back_around_the_right_words(weblate: Harness, desk: Server, engine: str) -> None:
    url = desk.url if engine == "libretranslate" else desk.url + "/v2/"
    out = run(weblate, engine, url, "markup")
    suggestion = out["results"][0]["suggestions"][0][0]["text"]
    assert LINKED in suggestion, suggestion
    # the second text's quotes and & went as XML entities to DeepL: none comes back as one
    second = out["results"][1]["suggestions"][0][0]["text"]
    assert second and "&quot;" not in second and "&amp;" not in second


@pytest.mark.parametrize("engine", ["libretranslate", "deepl"])
def test_a_batch_of_twenty(weblate: Harness, desk: Server, engine: str) -> None:
    url = desk.url if engine == "libretranslate" else desk.url + "/v2/"
    out = run(weblate, engine, url, "batch")
    assert len(out["translations"]) == 20 and all(out["translations"]), out


def test_deepl_glossary_from_weblate_is_enforced_and_the_stale_one_deleted(
    weblate: Harness, desk: Server
) -> None:
    out = run(weblate, "deepl", desk.url + "/v2/", "glossary")
    first = out["results"][0]["suggestions"][0][0]["text"]
    # Weblate's "فيتنام → Viet Nam" wins over the server's "Vietnam"; its forbidden term never came
    assert "Viet Nam" in first and "Vietnam" not in first, first
    second = out["results"][1]["suggestions"][0][0]["text"]
    assert "Ha Noi" in second and "Viet Nam" in second, second  # the changed glossary, uploaded anew
    assert len(list(desk.store.glob("*.json"))) == 1  # the stale one deleted


def test_tmserver_answers_from_the_memory(weblate: Harness, desk: Server) -> None:
    gold = read_gold()[3]
    out = run(weblate, "tmserver", key_in_url(desk), "plain", "--text", gold["arabic"])
    assert out["results"][0]["suggestions"][0][0]["text"] == gold["english"]
