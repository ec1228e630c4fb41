"""The client harnesses work: Weblate's real machinery classes and the `deepl` client, pointed at the
recording server (tests/api_recorder.py), send the requests docs/weblate-requests.md describes.

These pin the harnesses (and the facts the doc states), not tarjama: the service tests point the
same harnesses at `tarjama serve`. Skipped where Weblate or `deepl` is not installed (the recipe
is in docs/weblate-requests.md).
"""

from __future__ import annotations

import importlib.util
import re
from typing import Any

import pytest

from .api_recorder import Recorded, Recorder
from .conftest import IN_CI
from .weblate_machinery import Harness  # the session's harness process: conftest's `weblate` fixture


def in_ci() -> bool:
    """In CI (``CI`` set, as .ci/run and every CI service set it) nothing is skipped for a
    missing client: .ci/run installs them, so a missing one is a failure, not a skip. One
    reading of ``CI`` for the suite: conftest's, which the page tests use too."""
    return IN_CI


needs_weblate = pytest.mark.skipif(
    (importlib.util.find_spec("weblate") is None or importlib.util.find_spec("django") is None)
    and not in_ci(),
    reason="weblate is not installed (docs/weblate-requests.md: install recipe)",
)


@pytest.fixture
def recorder():
    with Recorder() as rec:
        yield rec


def harness(weblate: Harness, engine: str, url: str, scenario: str, *extra: str) -> dict[str, Any]:
    """Run one scenario in the session's harness process, outside the repository (its translate/
    folder would shadow translate-toolkit, which Weblate imports): what `python
    tests/weblate_machinery.py run ENGINE URL SCENARIO --key K3Y ...` prints."""
    return weblate.run(engine, url, scenario, "--key", "K3Y", *extra)


def is_probe(r: Recorded) -> bool:
    """The settings form's fixed request: "test" from en to de."""
    if "/en/de/unit/test" in r.path:
        return True
    body = r.json() if r.body and r.header("Content-Type") == "application/json" else {}
    return isinstance(body, dict) and (body.get("q") == ["test"] or body.get("text") == ["test"])


def after_save(requests: list[Recorded]) -> list[Recorded]:
    """The requests after the settings were saved (what a suggestion itself sends)."""
    idx = max(i for i, r in enumerate(requests) if is_probe(r))
    return requests[idx + 1 :]


@needs_weblate
@pytest.mark.parametrize(
    ("engine", "path", "probe"),
    [
        ("libretranslate", "", ("POST", "/translate", {"q": ["test"], "source": "en", "target": "de"})),
        (
            "deepl",
            "/v2/",
            ("POST", "/v2/translate", {"text": ["test"], "source_lang": "en", "target_lang": "de"}),
        ),
        ("tmserver", "/tmserver", ("GET", "/tmserver/en/de/unit/test", None)),
    ],
)
def test_saving_settings_translates_test_en_to_de(weblate, recorder, engine, path, probe):
    out = harness(weblate, engine, recorder.url + path, "validate")
    assert out["saved"] is True, out
    reqs = recorder.take()
    method, target, body = probe
    # The language list first, then the fixed probe, whatever the list said.
    assert "languages" in reqs[0].target
    hit = [r for r in reqs if r.method == method and r.path == target]
    assert len(hit) == 1, [(r.method, r.target) for r in reqs]
    if body is not None:
        assert body.items() <= hit[0].json().items()


@needs_weblate
def test_libretranslate_markup_goes_as_offset_tokens_and_comes_back_as_tags(weblate, recorder):
    out = harness(weblate, "libretranslate", recorder.url, "markup")
    sent = [r.json() for r in after_save(recorder.take()) if r.path == "/translate"]
    first = sent[0]
    assert first["q"] == ["وقّع [X5X]دانغ هوانغ جيانغ[X57X] الاتفاقية."]
    assert (first["source"], first["target"], first["api_key"]) == ("ar", "en", "K3Y")
    assert "format" not in first  # never format=html
    # The recorder echoes: Weblate puts the tags back where the tokens came back.
    assert out["results"][0]["suggestions"][0][0]["text"].startswith(
        'وقّع <a href="https://example.org/giang">'
    )


@needs_weblate
def test_deepl_markup_goes_as_empty_x_tags_and_text_as_escaped_xml(weblate, recorder):
    out = harness(weblate, "deepl", recorder.url + "/v2/", "markup")
    sent = [r.json() for r in after_save(recorder.take()) if r.path == "/v2/translate"]
    assert sent[0]["text"] == ['وقّع <x id="5"></x>دانغ هوانغ جيانغ<x id="57"></x> الاتفاقية.']
    assert sent[1]["text"] == ["قال &quot;نعم&quot; &amp; وقّع 3/4 الوفود."]
    assert sent[0]["tag_handling"] == "xml" and sent[0]["ignore_tags"] == ["x"]
    assert (sent[0]["source_lang"], sent[0]["target_lang"]) == ("AR", "EN")
    assert out["results"][1]["suggestions"][0][0]["text"] == 'قال "نعم" & وقّع 3/4 الوفود.'


@needs_weblate
def test_deepl_glossary_upload_use_and_stale_delete(weblate, recorder):
    out = harness(weblate, "deepl", recorder.url + "/v2/", "glossary")
    assert "error" not in out, out
    reqs = after_save(recorder.take())
    created = [r.json() for r in reqs if r.method == "POST" and r.path == "/v2/glossaries"]
    assert len(created) == 2
    assert re.fullmatch(r"weblate:1:AR:EN:[0-9a-f]+", created[0]["name"])
    assert created[0]["entries"] == "هانوي\tHanoi\nفيتنام\tViet Nam\nاتفاقية\tConvention"  # no forbidden term
    assert (created[0]["source_lang"], created[0]["target_lang"], created[0]["entries_format"]) == (
        "AR",
        "EN",
        "tsv",
    )
    translated = [r.json() for r in reqs if r.path == "/v2/translate"]
    assert [t["glossary_id"] for t in translated] == [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
    ]
    deleted = [r.path for r in reqs if r.method == "DELETE"]
    assert deleted == ["/v2/glossaries/00000000-0000-4000-8000-000000000001"]
    assert any(r.path == "/v2/glossary-language-pairs" for r in reqs)


@needs_weblate
@pytest.mark.parametrize(("engine", "path"), [("libretranslate", ""), ("deepl", "/v2/")])
def test_batch_of_twenty_is_one_request(weblate, recorder, engine, path):
    out = harness(weblate, engine, recorder.url + path, "batch")
    assert len(out["translations"]) == 20 and all(out["translations"]), out
    reqs = [r for r in after_save(recorder.take()) if r.path.endswith("/translate")]
    assert len(reqs) == 1
    body = reqs[0].json()
    assert len(body["q" if engine == "libretranslate" else "text"]) == 20


@pytest.mark.skipif(
    importlib.util.find_spec("deepl") is None and not in_ci(), reason="deepl is not installed"
)
def test_deepl_client_calls_all_parse(recorder):
    import deepl

    from .deepl_client_calls import calls

    client = deepl.DeepLClient("K3Y", server_url=recorder.url, send_platform_info=False)
    for name, thunk in calls(client):
        thunk()  # raises if the client could not parse the recorder's answer
        assert recorder.requests, name
        recorder.take()
    # The quirk a server must handle: the target-language list is asked with a form body on GET.
    client.get_target_languages()
    (req,) = recorder.take()
    assert (req.method, req.path, req.body) == ("GET", "/v2/languages", b"type=target")
