"""`tarjama serve`'s DeepL API, driven by the real `deepl` Python client and by requests, against a
real server on 127.0.0.1 (the tiny model): translation, languages, usage, glossaries (v2 and
v3) enforced as tarjama glossaries, kept on disk across a restart, and DeepL's errors."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import requests

from tarjama.service.glossaries import GlossaryError, GlossaryStore, parse_entries

from .test_serve import KEY, NAME, Server
from .test_weblate_harness import in_ci

needs_deepl = pytest.mark.skipif(
    importlib.util.find_spec("deepl") is None and not in_ci(),
    reason="the deepl client is not installed (pip install -e '.[weblate-test]')",
)
HANOI = "من المقرر أن يحضر الأمين العام للأمم المتحدة حفل توقيع اتفاقية هانوي ."
VISIT = "زار وفد من فيتنام هانوي ."
LINK = 'وقّع <x id="5"></x>دانغ هوانغ جيانغ<x id="57"></x> الاتفاقية.'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("glossary-store")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path, store: Path):
    tmp = tmp_path_factory.mktemp("serve-deepl")
    keys = tmp / "keys.txt"
    keys.write_text(f"{KEY}\n", encoding="utf-8")
    srv = Server(tmp, tiny_model, "--no-memory", "--api-keys", str(keys), "--glossary-store", str(store))
    yield srv
    srv.stop()


def auth() -> dict[str, str]:
    return {"Authorization": f"DeepL-Auth-Key {KEY}"}


def translate(server: Server, **body) -> requests.Response:
    return requests.post(server.url + "/v2/translate", json=body, headers=auth(), timeout=60)


def test_translate_json_and_form(server: Server) -> None:
    res = translate(server, text=[NAME, "OK"], target_lang="EN-GB")
    assert res.status_code == 200
    (first, second) = res.json()["translations"]
    assert "Dang Hoang Giang" in first["text"] and first["detected_source_language"] == "AR"
    assert second["text"] == "OK" and second["billed_characters"] == 2
    form = requests.post(
        server.url + "/v2/translate",
        data=[("text", NAME), ("text", "OK"), ("target_lang", "EN-US"), ("source_lang", "AR")],
        headers=auth(),
        timeout=60,
    )
    assert [t["text"] for t in form.json()["translations"]] == [first["text"], "OK"]
    # accepted options change nothing
    same = translate(
        server,
        text=[NAME],
        target_lang="EN",
        source_lang="ar",
        formality="prefer_more",
        context="A news article.",
        split_sentences="nonewlines",
        preserve_formatting=True,
    )
    assert same.json()["translations"][0]["text"] == first["text"]


def test_xml_placeholders_come_back_byte_identical_around_their_words(server: Server) -> None:
    """Weblate's DeepL class: placeables as <x id="N"></x>, words XML-escaped."""
    res = translate(
        server, text=[LINK], target_lang="EN", source_lang="AR", tag_handling="xml", ignore_tags=["x"]
    )
    out = res.json()["translations"][0]["text"]
    assert '<x id="5"></x>Dang Hoang Giang<x id="57"></x>' in out, out
    escaped = translate(
        server,
        text=['قال &quot;نعم&quot; &amp; <x id="9"></x> وقّع.'],
        target_lang="EN",
        source_lang="AR",
        tag_handling="xml",
    ).json()["translations"][0]["text"]
    assert escaped.count('<x id="9"></x>') == 1
    assert "&" not in escaped.replace("&amp;", "").replace("&quot;", "").replace("&lt;", "").replace(
        "&gt;", ""
    )
    probe = translate(server, text=["test"], source_lang="en", target_lang="de", tag_handling="xml")
    assert probe.status_code == 200 and probe.json()["translations"][0]["text"] == "test"


def test_languages_usage_and_pairs(server: Server) -> None:
    get = lambda path, **kw: requests.get(server.url + path, headers=auth(), timeout=10, **kw)  # noqa: E731
    assert get("/v2/languages").json() == [{"language": "AR", "name": "Arabic"}]
    targets = get("/v2/languages", params={"type": "target"}).json()
    assert [t["language"] for t in targets] == ["EN-GB", "EN-US"]
    # the deepl client sends the type as a form body on a GET
    form = requests.get(
        server.url + "/v2/languages",
        data="type=target",
        headers={**auth(), "Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert form.json() == targets
    assert get("/v3/languages", params={"resource": "translate_text"}).status_code == 200
    assert get("/v2/glossary-language-pairs").json() == {
        "supported_languages": [{"source_lang": "ar", "target_lang": "en"}]
    }
    usage = get("/v2/usage").json()
    assert usage["character_count"] > 0 and usage["character_limit"] > usage["character_count"]


def test_errors_in_deepls_shape(server: Server) -> None:
    no_key = requests.post(
        server.url + "/v2/translate", json={"text": [NAME], "target_lang": "EN"}, timeout=10
    )
    assert no_key.status_code == 403 and set(no_key.json()) == {"message"}
    assert translate(server, target_lang="EN").json() == {"message": "Parameter 'text' not specified."}
    assert translate(server, text=[NAME]).status_code == 400
    assert translate(server, text=["ب" * 6000], target_lang="EN").status_code == 413
    other = translate(server, text=[NAME], target_lang="DE")
    assert other.status_code == 400 and other.json() == {"message": "DE is not supported"}
    missing = translate(
        server,
        text=[NAME],
        target_lang="EN",
        source_lang="AR",
        glossary_id="00000000-0000-4000-8000-000000000000",
    )
    assert missing.status_code == 404 and missing.json() == {"message": "Glossary not found"}
    bad_tsv = requests.post(
        server.url + "/v2/glossaries",
        json={
            "name": "x",
            "source_lang": "AR",
            "target_lang": "EN",
            "entries": "هانوي\tHanoi\nفيتنام",
            "entries_format": "tsv",
        },
        headers=auth(),
        timeout=10,
    )
    assert bad_tsv.status_code == 400 and "line 2" in bad_tsv.json()["message"], bad_tsv.text
    v3 = server.url + "/v3/glossaries"
    no_entries = requests.post(
        v3,
        json={"name": "x", "dictionaries": [{"source_lang": "AR", "target_lang": "EN"}]},
        headers=auth(),
        timeout=10,
    )
    assert no_entries.status_code == 400
    assert no_entries.json() == {"message": "Parameter 'dictionaries.0.entries' not specified."}
    number = requests.post(v3, json={"name": 5, "dictionaries": []}, headers=auth(), timeout=10)
    assert number.status_code == 400 and number.json()["message"].startswith("Value for 'name' not supported")
    pair = requests.post(
        v3,
        json={"name": "x", "dictionaries": [{"source_lang": "EN", "target_lang": "DE", "entries": "a\tb"}]},
        headers=auth(),
        timeout=10,
    )
    assert pair.status_code == 400 and "language pair" in pair.json()["message"]
    unknown = requests.get(server.url + "/v2/nothing", headers=auth(), timeout=10)
    assert unknown.status_code == 404 and unknown.json() == {"message": "Not Found"}
    huge = requests.post(
        server.url + "/v2/translate", data=b"text=" + b"x" * 1_100_000, headers=auth(), timeout=10
    )
    assert huge.status_code == 413 and "message" in huge.json()
    for res in (no_key, missing, bad_tsv, unknown, huge):
        assert "Traceback" not in res.text and "error" not in res.json()


@needs_deepl
def test_the_deepl_client_end_to_end_with_a_glossary_enforced(server: Server, store: Path) -> None:
    import deepl
    from deepl.api_data import MultilingualGlossaryDictionaryEntries

    client = deepl.DeepLClient(KEY, server_url=server.url, send_platform_info=False)
    assert client.get_usage().character.limit > 0
    assert [lang.code for lang in client.get_source_languages()] == ["AR"]
    assert {lang.code for lang in client.get_target_languages()} == {"EN-GB", "EN-US"}
    plain = client.translate_text(HANOI, source_lang="AR", target_lang="EN-GB").text
    assert "Hanoi Convention" in plain
    # a project's glossary: a different form for a term the server's glossary has
    entries = {"هانوي": "Ha Noi", "الوفد": "the delegation"}
    made = client.create_glossary("weblate:1:AR:EN:abc", "AR", "EN", entries)
    assert made.entry_count == 2 and made.ready
    assert made.glossary_id in [g.glossary_id for g in client.list_glossaries()]
    assert client.get_glossary(made.glossary_id).name == "weblate:1:AR:EN:abc"
    assert client.get_glossary_entries(made) == entries
    assert "Hanoi" in client.translate_text(VISIT, source_lang="AR", target_lang="EN-GB").text
    enforced = client.translate_text(VISIT, source_lang="AR", target_lang="EN-GB", glossary=made).text
    assert "Ha Noi" in enforced and "Hanoi" not in enforced and "Vietnam" in enforced, enforced
    # a longer term of the server's glossary still matches first (longest match)
    assert (
        "Hanoi Convention"
        in client.translate_text(HANOI, source_lang="AR", target_lang="EN-US", glossary=made).text
    )
    assert len(list(store.glob("*.json"))) == 1  # on disk
    # another glossary is its own: its form there, the server's for the rest, the first unchanged
    other = client.create_multilingual_glossary(
        "weblate:2:AR:EN:def",
        [MultilingualGlossaryDictionaryEntries("AR", "EN", {"فيتنام": "Viet Nam"})],
    )
    theirs = client.translate_text(VISIT, source_lang="AR", target_lang="EN-GB", glossary=other).text
    assert "Viet Nam" in theirs and "Hanoi" in theirs, theirs
    assert (
        client.get_multilingual_glossary_entries(other, "AR", "EN").dictionaries[0].entries
        == "فيتنام\tViet Nam"
    )
    client.update_multilingual_glossary_name(other, "renamed")
    client.update_multilingual_glossary_dictionary(
        other, MultilingualGlossaryDictionaryEntries("AR", "EN", {"اتفاقية": "Convention"})
    )
    assert client.get_multilingual_glossary(other.glossary_id).dictionaries[0].entry_count == 2
    client.replace_multilingual_glossary_dictionary(
        other, MultilingualGlossaryDictionaryEntries("AR", "EN", {"فيتنام": "Vietnam"})
    )
    assert client.get_multilingual_glossary(other.glossary_id).dictionaries[0].entry_count == 1
    assert "Ha Noi" in client.translate_text(VISIT, source_lang="AR", target_lang="EN-GB", glossary=made).text
    client.delete_multilingual_glossary_dictionary(other, source_lang="AR", target_lang="EN")
    client.delete_multilingual_glossary(other)
    with pytest.raises(deepl.GlossaryNotFoundException):
        client.get_glossary(other.glossary_id)
    with pytest.raises(deepl.AuthorizationException):
        deepl.DeepLClient("wrong", server_url=server.url, send_platform_info=False).get_usage()
    with pytest.raises(deepl.DeepLException, match="line 1"):
        client.create_glossary("bad", "AR", "EN", {"؟!": "punctuation only"})
    client.delete_glossary(made)
    assert list(store.glob("*.json")) == []


def test_glossaries_survive_a_restart(tmp_path: Path, tiny_model: Path) -> None:
    store = tmp_path / "store"
    args = ("--no-memory", "--glossary-store", str(store))
    srv = Server(tmp_path, tiny_model, *args)
    try:
        made = requests.post(
            srv.url + "/v2/glossaries",
            data={
                "name": "desk",
                "source_lang": "ar",
                "target_lang": "en",
                "entries": "هانوي,Ha Noi\n",
                "entries_format": "csv",
            },
            timeout=10,
        ).json()
    finally:
        assert srv.stop() == 0
    again = Server(tmp_path, tiny_model, *args)
    try:
        listed = requests.get(again.url + "/v2/glossaries", timeout=10).json()["glossaries"]
        assert [g["glossary_id"] for g in listed] == [made["glossary_id"]]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", listed[0]["creation_time"])
        out = translate(
            again, text=[VISIT], source_lang="AR", target_lang="EN", glossary_id=made["glossary_id"]
        )
        assert "Ha Noi" in out.json()["translations"][0]["text"]
    finally:
        again.stop()


def test_the_store_is_bounded_and_writes_whole_files(tmp_path: Path) -> None:
    store = GlossaryStore(tmp_path, None, "ar", "en", max_count=2, max_entries=3)
    a = store.create("a", {("ar", "en"): [("هانوي", "Hanoi")]})
    store.create("b", {("ar", "en"): [("فيتنام", "Vietnam")]})
    with pytest.raises(GlossaryError) as full:
        store.create("c", {("ar", "en"): [("تونس", "Tunisia")]})
    assert full.value.status == 456
    with pytest.raises(GlossaryError) as big:
        store.update(a.id, merge={("ar", "en"): [("تونس", "Tunisia"), ("مصر", "Egypt"), ("ليبيا", "Libya")]})
    assert big.value.status == 413
    assert json.loads((tmp_path / f"{a.id}.json").read_text())["dictionaries"][0]["entries"] == [
        ["هانوي", "Hanoi"]
    ]
    assert store.get("../../etc/passwd") is None and store.get(a.id.upper()) is None
    with pytest.raises(GlossaryError, match="line 3: expected a source and a target"):
        parse_entries("هانوي\tHanoi\n\nفيتنام\tVietnam\tx", "tsv", "entries")
    with pytest.raises(GlossaryError, match=r"line 2: .*conflicts with line 1"):
        parse_entries("دانج هوانج جيانج\tDang Hoang Giang\nدانغ هوانغ جيانغ\tDang H. Giang", "tsv", "entries")


def test_hostile_requests_to_the_deepl_api_fail_alone_in_its_shape(server: Server) -> None:
    """Every way a DeepL request can be wrong is a 4xx ``{"message"}``, never a 500 or a
    traceback, and the server answers the next request."""
    url = server.url
    bad = [
        ("POST", "/v2/translate", {"json": {"text": [1], "target_lang": "EN"}}),
        ("POST", "/v2/translate", {"json": {"text": "x", "target_lang": ["EN"]}}),
        ("POST", "/v2/translate", {"json": {"text": [NAME], "target_lang": "EN", "tag_handling": "yaml"}}),
        ("POST", "/v2/translate", {"json": {"text": [NAME], "target_lang": "EN", "glossary_id": 7}}),
        ("POST", "/v2/translate", {"json": {"text": [NAME], "target_lang": "EN", "glossary_id": "x"}}),
        ("POST", "/v2/translate", {"data": b'{"text": ["\\ud800"], "target_lang": "EN"}', "json_type": True}),
        ("POST", "/v2/translate", {"data": b'{"text": [NaN]}', "json_type": True}),
        ("POST", "/v2/glossaries", {"json": {"name": "x", "source_lang": "AR", "target_lang": "EN"}}),
        (
            "POST",
            "/v2/glossaries",
            {"json": {"name": "x", "source_lang": "AR", "target_lang": "EN", "entries": ""}},
        ),
        (
            "POST",
            "/v2/glossaries",
            {
                "json": {
                    "name": "x",
                    "source_lang": "AR",
                    "target_lang": "EN",
                    "entries": "a\tb",
                    "entries_format": "xlsx",
                }
            },
        ),
        (
            "POST",
            "/v2/glossaries",
            {"json": {"name": "\x00", "source_lang": "AR", "target_lang": "EN", "entries": "هانوي\tHanoi"}},
        ),
        (
            "POST",
            "/v2/glossaries",
            {
                "json": {
                    "name": "x",
                    "source_lang": "AR",
                    "target_lang": "EN",
                    "entries": "هانوي\t" + "H" * 2000,
                }
            },
        ),
        (
            "POST",
            "/v2/glossaries",
            {
                "json": {
                    "name": "x",
                    "source_lang": "AR",
                    "target_lang": "EN",
                    "entries": '"a,b',
                    "entries_format": "csv",
                }
            },
        ),
        ("POST", "/v3/glossaries", {"json": {"name": "x", "dictionaries": "AR"}}),
        ("POST", "/v3/glossaries", {"json": {"name": "x", "dictionaries": [[]]}}),
        ("POST", "/v3/glossaries", {"json": []}),
        ("PATCH", "/v3/glossaries/00000000-0000-4000-8000-000000000000", {"json": {"name": "y"}}),
        ("GET", "/v3/glossaries/..%2F..%2Fetc%2Fpasswd", {}),
        ("GET", "/v2/glossaries/%00/entries", {}),
        ("DELETE", "/v3/glossaries/not-an-id", {}),
        ("PUT", "/v3/glossaries/00000000-0000-4000-8000-000000000000/dictionaries", {"json": {}}),
        ("GET", "/v2/languages", {"params": {"type": "both"}}),
        ("GET", "/v3/languages", {"params": {"resource": "x"}}),
    ]
    for method, path, kw in bad:
        headers = auth()
        if kw.pop("json_type", False):
            headers["Content-Type"] = "application/json"
        res = requests.request(method, url + path, headers=headers, timeout=30, **kw)
        assert 400 <= res.status_code < 500, (method, path, res.status_code, res.text)
        assert set(res.json()) == {"message"} and "Traceback" not in res.text, (path, res.text)
    assert translate(server, text=[NAME], target_lang="EN").status_code == 200


@pytest.mark.slow  # three server processes; one process's store is the fast lane's (the tests above)
def test_every_worker_sees_a_glossary_another_made(tmp_path: Path, tiny_model: Path) -> None:
    """Weblate creates a glossary, then lists the glossaries and must find it by name: with
    --workers 2 the two requests may reach different processes (a new connection each)."""
    srv = Server(
        tmp_path, tiny_model, "--no-memory", "--workers", "2", "--glossary-store", str(tmp_path / "g")
    )
    try:
        made = requests.post(
            srv.url + "/v2/glossaries",
            json={
                "name": "weblate:1:AR:EN:1",
                "source_lang": "AR",
                "target_lang": "EN",
                "entries": "هانوي\tHa Noi",
            },
            timeout=10,
        ).json()
        for _ in range(12):  # requests.get opens a new connection each time
            names = [
                g["name"] for g in requests.get(srv.url + "/v2/glossaries", timeout=10).json()["glossaries"]
            ]
            assert names == ["weblate:1:AR:EN:1"]
            out = requests.post(
                srv.url + "/v2/translate",
                json={
                    "text": [VISIT],
                    "source_lang": "AR",
                    "target_lang": "EN",
                    "glossary_id": made["glossary_id"],
                },
                timeout=60,
            )
            assert "Ha Noi" in out.json()["translations"][0]["text"]
    finally:
        assert srv.stop() == 0
