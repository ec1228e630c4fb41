"""`tarjama serve` shaped for several APIs, and LibreTranslate's own API tests against it.

A real server on 127.0.0.1 (the tiny model), real clients (requests). The LibreTranslate tests
are LibreTranslate's `libretranslate/tests/test_api/*` (commit 39429cb; AGPL, so written here
again, not copied): the same requests and assertions, the client a real HTTP client and the
pair ar → en instead of en → es. Where tarjama answers more, docs/service.md says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from fastapi import APIRouter, Request

from tarjama.service import routers
from tarjama.service.common import ApiError, service_of

from .test_serve import KEY, NAME, Server

LINK = "وقّع [X5X]دانغ هوانغ جيانغ[X57X] الاتفاقية."


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path):
    """No key, as LibreTranslate's test fixture runs it; the access log on."""
    tmp = tmp_path_factory.mktemp("serve-apis")
    srv = Server(tmp, tiny_model, "--no-memory", "--char-limit", "3000", "--access-log")
    yield srv
    assert srv.stop() == 0


@pytest.fixture(scope="module")
def keyed(desk_server: Server) -> Server:
    """A server that wants the key: the session's desk server (conftest.py)."""
    return desk_server


# ---- LibreTranslate's tests/test_api/*, adapted in the client and the pair --------------------
def test_lt_detect_language(open_server: Server) -> None:
    res = requests.post(open_server.url + "/detect", data={"q": "Hello"}, timeout=10)
    body = res.json()
    assert "confidence" in body[0] and "language" in body[0]
    assert len(body) >= 1 and res.status_code == 200


def test_lt_detect_language_must_fail_without_parameters(open_server: Server) -> None:
    res = requests.post(open_server.url + "/detect", timeout=10)
    assert "error" in res.json() and res.status_code == 400


def test_lt_detect_language_must_fail_bad_request_type(open_server: Server) -> None:
    assert requests.get(open_server.url + "/detect", timeout=10).status_code == 405


def test_lt_get_frontend_settings(open_server: Server) -> None:
    assert requests.get(open_server.url + "/frontend/settings", timeout=10).status_code == 200


def test_lt_get_languages(open_server: Server) -> None:
    res = requests.get(open_server.url + "/languages", timeout=10)
    body = res.json()
    assert res.status_code == 200 and len(body) >= 1
    assert "code" in body[0] and "name" in body[0]


def test_lt_get_languages_must_fail_bad_request_type(open_server: Server) -> None:
    assert requests.post(open_server.url + "/languages", timeout=10).status_code == 405


def test_lt_get_health(open_server: Server) -> None:
    res = requests.get(open_server.url + "/health", timeout=10)
    assert res.json() == {"status": "ok"} and res.status_code == 200


def test_lt_health_must_fail_bad_request_type(open_server: Server) -> None:
    assert requests.post(open_server.url + "/health", timeout=10).status_code == 405


def test_lt_get_spec(open_server: Server) -> None:
    res = requests.get(open_server.url + "/spec", timeout=10)
    assert res.status_code == 200 and "/translate" in res.json()["paths"]


def test_lt_get_spec_must_fail_bad_request_type(open_server: Server) -> None:
    assert requests.post(open_server.url + "/spec", timeout=10).status_code == 405


def test_lt_translate(open_server: Server) -> None:
    res = requests.post(
        open_server.url + "/translate",
        data={"q": "Hello", "source": "ar", "target": "en", "format": "text"},
        timeout=30,
    )
    assert "translatedText" in res.json() and res.status_code == 200


def test_lt_translate_batch(open_server: Server) -> None:
    res = requests.post(
        open_server.url + "/translate",
        json={"q": ["Hello", "World"], "source": "ar", "target": "en", "format": "text"},
        timeout=30,
    )
    body = res.json()
    assert isinstance(body["translatedText"], list) and len(body["translatedText"]) == 2
    assert res.status_code == 200


def test_lt_translate_unsupported_language(open_server: Server) -> None:
    res = requests.post(
        open_server.url + "/translate",
        data={"q": "Hello", "source": "ar", "target": "zz", "format": "text"},
        timeout=30,
    )
    assert res.json()["error"] == "zz is not supported" and res.status_code == 400


def test_lt_translate_missing_parameter(open_server: Server) -> None:
    res = requests.post(
        open_server.url + "/translate", data={"source": "ar", "target": "en", "format": "text"}, timeout=30
    )
    assert res.json()["error"] == "Invalid request: missing q parameter" and res.status_code == 400


# ---- beyond LibreTranslate's tests: what its app.py does, and what Weblate needs ---------------
def test_cors_on_answers_and_preflight(open_server: Server) -> None:
    origin = {"Origin": "https://desk.example"}
    res = requests.get(open_server.url + "/languages", headers=origin, timeout=10)
    assert res.headers["Access-Control-Allow-Origin"] == "*"
    pre = requests.options(
        open_server.url + "/translate",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Authorization",
        },
        timeout=10,
    )
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "authorization" in pre.headers["Access-Control-Allow-Headers"].lower()
    assert pre.headers["Access-Control-Max-Age"] == "1728000"
    big = requests.post(
        open_server.url + "/translate", data=b"q=" + b"x" * 2_000_000, headers=origin, timeout=10
    )
    assert big.status_code == 413 and big.headers["Access-Control-Allow-Origin"] == "*"


def test_form_fields_and_key_from_the_query_string(keyed: Server) -> None:
    """LibreTranslate reads a form request's fields from ``request.values``: body or query."""
    res = requests.post(
        keyed.url + "/translate",
        data={"q": NAME},
        params={"source": "ar", "target": "en", "api_key": KEY},
        timeout=60,
    )
    assert res.status_code == 200 and "Dang Hoang Giang" in res.json()["translatedText"]
    wrong = requests.post(
        keyed.url + "/translate",
        data={"q": NAME, "source": "ar", "target": "en"},
        params={"api_key": "x"},
        timeout=10,
    )
    assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key"}


def test_weblates_settings_probe_is_answered_without_claiming_the_pair(open_server: Server) -> None:
    """Weblate's settings form translates "test" en → de before it saves (validate_settings)."""
    probe = requests.post(
        open_server.url + "/translate", json={"q": ["test"], "source": "en", "target": "de"}, timeout=10
    )
    assert probe.status_code == 200 and probe.json() == {"translatedText": ["test"]}
    tm = requests.get(open_server.url + "/tmserver/en/de/unit/test", timeout=10)
    assert tm.status_code == 200 and tm.json() == []
    # what is claimed: ar → en only
    assert requests.get(open_server.url + "/tmserver/languages/", timeout=10).json() == {
        "sourceLanguages": ["ar"],
        "targetLanguages": ["en"],
    }
    arabic = requests.post(
        open_server.url + "/translate", json={"q": [NAME], "source": "en", "target": "de"}, timeout=10
    )
    assert arabic.status_code == 400 and arabic.json() == {"error": "en is not supported"}
    arabic_tm = requests.get(open_server.url + f"/tmserver/ar/de/unit/{NAME}", timeout=10)
    assert arabic_tm.status_code == 400 and arabic_tm.json() == {"error": "de is not supported"}


def test_text_with_no_arabic_letter_comes_back_as_it_is(open_server: Server) -> None:
    others = ["Hello world", "123", "🙂", "%s", "OK", "[X3X]"]
    before = open_server.health()
    res = requests.post(
        open_server.url + "/translate", json={"q": others, "source": "ar", "target": "en"}, timeout=30
    )
    assert res.json()["translatedText"] == others
    assert open_server.health()["decoded"] == before["decoded"]  # the model was not asked
    mixed = requests.post(
        open_server.url + "/translate",
        json={"q": [NAME, *others], "source": "ar", "target": "en"},
        timeout=60,
    ).json()["translatedText"]
    assert mixed[1:] == others and "Dang Hoang Giang" in mixed[0]


def test_char_limit_is_per_text(open_server: Server) -> None:
    """--char-limit 3000: Weblate's 20 strings a request are each checked, not their sum."""
    texts = ["x" * 2000, "y" * 2000]
    ok = requests.post(
        open_server.url + "/translate", json={"q": texts, "source": "ar", "target": "en"}, timeout=30
    )
    assert ok.status_code == 200 and ok.json()["translatedText"] == texts
    over = requests.post(
        open_server.url + "/translate",
        json={"q": ["x", "ب" * 3001], "source": "ar", "target": "en"},
        timeout=30,
    )
    assert over.status_code == 400
    assert over.json()["error"] == "Invalid request: request (3001) exceeds text limit (3000)"


def test_placeholder_pairs_come_back_around_their_words(open_server: Server) -> None:
    """Weblate sends a link as two offset tokens; they must enclose the name's translation,
    as format=html places the tags."""
    out = requests.post(
        open_server.url + "/translate", json={"q": [LINK], "source": "ar", "target": "en"}, timeout=60
    ).json()["translatedText"][0]
    assert "[X5X]Dang Hoang Giang[X57X]" in out, out
    html = requests.post(
        open_server.url + "/translate",
        json={
            "q": 'وقّع <a href="/g">دانغ هوانغ جيانغ</a> الاتفاقية.',
            "source": "ar",
            "target": "en",
            "format": "html",
        },
        timeout=60,
    ).json()["translatedText"]
    assert '<a href="/g">Dang Hoang Giang</a>' in html
    # tokens standing alone (a placeholder, a <br>) are kept, each once
    alone = requests.post(
        open_server.url + "/translate",
        json={"q": ["قال [X4X] إن [X9X]دانغ هوانغ جيانغ[X30X] وصل [X40X]"], "source": "ar", "target": "en"},
        timeout=60,
    ).json()["translatedText"][0]
    assert sorted(re.findall(r"\[X\d+X\]", alone)) == ["[X30X]", "[X40X]", "[X4X]", "[X9X]"]
    assert "[X9X]Dang Hoang Giang[X30X]" in alone
    # the link ends the sentence, before its period; a mark ends the linked word
    end = requests.post(
        open_server.url + "/translate",
        json={"q": ["وقّع [X5X]دانغ هوانغ جيانغَ[X57X]."], "source": "ar", "target": "en"},
        timeout=60,
    ).json()["translatedText"][0]
    assert "[X5X]Dang Hoang Giang[X57X]" in end, end


def test_access_log_says_who_what_and_how_long_never_the_text(open_server: Server) -> None:
    requests.post(
        open_server.url + "/translate",
        json={"q": NAME, "source": "ar", "target": "en"},
        params={"api_key": "secret-in-query"},
        timeout=60,
    )
    requests.get(open_server.url + f"/tmserver/ar/en/unit/{NAME}", params={"q": "hidden"}, timeout=10)
    requests.get(open_server.url + "/no/such/تجربة", timeout=10)
    log = open_server.log.read_text(encoding="utf-8")
    lines = [x for x in log.splitlines() if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ", x)]
    assert any(re.search(r"Z 127\.0\.0\.1:\d+ POST /translate 200 \d+\.\d ms$", x) for x in lines), lines[-5:]
    assert any(" GET /tmserver/ar/en/unit/{text} 200 " in x for x in lines), lines[-5:]
    assert any(" GET (no route) 404 " in x for x in lines), lines[-5:]
    for secret in ("secret-in-query", "hidden", "دانغ", "تجربة", "%D8"):
        assert secret not in log


# a toy API, as a module of tarjama.service.routers would be (module level: FastAPI reads the
# annotations, which `from __future__ import annotations` leaves as names of this module)
toy = APIRouter(prefix="/toy")


@toy.get("/lang")
async def toy_lang(request: Request) -> dict:
    return {"lang": service_of(request).config.lang}


@toy.get("/fail")
async def toy_fail() -> dict:
    raise ApiError(418, "no tea")


def test_an_api_is_one_router_and_one_line(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The toy API registered beside the others (the one line: an `Api` in ``APIS``): served,
    its errors in its own shape (a 404 under its prefix too), LibreTranslate's unchanged."""
    from fastapi.testclient import TestClient

    from tarjama.service.app import create_app
    from tarjama.service.factory import build_service

    from .test_serve_hostile import service_settings

    monkeypatch.setattr(
        routers, "APIS", [*routers.APIS, routers.Api(toy, ("/toy/",), lambda m: {"problem": m})]
    )
    client = TestClient(create_app(build_service(service_settings(tiny_model))))
    assert client.get("/toy/lang").json() == {"lang": "en"}
    fail_res = client.get("/toy/fail")
    assert fail_res.status_code == 418 and fail_res.json() == {"problem": "no tea"}
    assert client.get("/toy/nothing").json() == {"problem": "Not Found"}
    assert client.post("/languages").json() == {"error": "Method Not Allowed"}
