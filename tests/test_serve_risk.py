"""The service's risk (issue 28 section 1): LibreTranslate's /translate carries it only when
asked; a plain request's answer, and DeepL's, are what they were."""

from __future__ import annotations

import pytest
import requests

from .conftest import read_gold
from .test_serve import KEY, NAME, Server, post


@pytest.fixture(scope="module")
def server(desk_server: Server) -> Server:
    """The session's desk server (conftest.py): test_serve.py's memory, the key, --max-wait-ms 20."""
    return desk_server


def test_risk_only_when_asked(server: Server) -> None:
    plain = post(server, q=NAME)
    assert plain.status_code == 200 and set(plain.json()) == {"translatedText"}
    asked = post(server, q=NAME, risk=True)
    assert asked.status_code == 200, asked.text
    body = asked.json()
    assert body["translatedText"] == plain.json()["translatedText"]
    risk = body["risk"]
    assert set(risk) == {"risk", "reasons"} and 0 < risk["risk"] <= 1
    # the run core's reasons come through (the random tiny model writes Arabic-script noise)
    assert any(r.startswith("Arabic left: ") for r in risk["reasons"]), risk


def test_risk_per_text_and_none_from_the_reviewed_memory(server: Server) -> None:
    reviewed = read_gold()[3]["arabic"]  # in the server's memory
    res = requests.post(
        server.url + "/translate",
        data={"q": NAME, "source": "ar", "target": "en", "risk": "true", "api_key": KEY},
        timeout=60,
    )
    assert res.status_code == 200 and res.json()["risk"]["risk"] > 0
    both = post(server, q=[NAME, reviewed], risk="1").json()
    assert isinstance(both["risk"], list) and len(both["risk"]) == 2
    assert both["risk"][1] == {"risk": 0.0, "reasons": []}


@pytest.mark.parametrize("bad", ["maybe", 2, ["x"], {"a": 1}])
def test_a_bad_risk_field_is_a_400(server: Server, bad) -> None:
    res = post(server, q=NAME, risk=bad)
    assert res.status_code == 400 and "risk" in res.json()["error"]


def test_deepl_answers_do_not_change(server: Server) -> None:
    res = requests.post(
        server.url + "/v2/translate",
        json={"text": [NAME], "target_lang": "EN", "source_lang": "AR", "risk": True},
        headers={"Authorization": f"DeepL-Auth-Key {KEY}"},
        timeout=60,
    )
    assert res.status_code == 200, res.text
    assert set(res.json()) == {"translations"}
    # DeepL's own fields only (billed_characters: the deepl client reads it), never a risk
    fields = {"text", "detected_source_language", "billed_characters"}
    assert all(set(t) <= fields for t in res.json()["translations"])
