"""`tarjama serve` as a real server on 127.0.0.1, driven by real clients (libretranslatepy, requests)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polib
import pytest
import requests
from libretranslatepy import LibreTranslateAPI

from tarjama.catalog.tmx import TmxUnit, write_tmx

from .conftest import free_port, read_gold

KEY = "desk-key-1"
NAME = "قال نائب الوزير دانغ هوانغ جيانغ إن الاتفاقية مهمة."


class Server:
    def __init__(self, tmp: Path, model: Path, *args: str, cwd: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"serve-{self.port}.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tarjama",
                "serve",
                "--model",
                str(model),
                "--backend",
                "ct2",
                "--port",
                str(self.port),
                *args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            cwd=cwd,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if "ready" in self.log.read_text():
                try:
                    requests.get(self.url + "/health", timeout=2)
                    return
                except requests.ConnectionError:
                    pass
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text())
            time.sleep(0.2)
        raise RuntimeError("the server did not get ready: " + self.log.read_text())

    def health(self) -> dict:
        """The batcher's counters (`/health` itself is LibreTranslate's ``{"status": "ok"}``)."""
        return requests.get(self.url + "/stats", timeout=10).json()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


def write_memory(root: Path) -> Path:
    """A memory at ``root`` (a language's folder) with one reviewed sentence of the example
    article in a PO and one in an imported TMX."""
    (root / "LC_MESSAGES").mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    gold = read_gold()[3]
    po.append(polib.POEntry(msgid=gold["arabic"], msgstr=gold["english"], occurrences=[("a.txt", "4")]))
    po.save(str(root / "LC_MESSAGES" / "reviewed.po"))
    # a desk's imported memory, where `tarjama memory import` stores it
    (root / "tmx").mkdir()
    tmx_gold = read_gold()[4]
    write_tmx(root / "tmx" / "desk.tmx", [TmxUnit(tmx_gold["arabic"], tmx_gold["english"])])
    return root


@pytest.fixture(scope="module")
def server(desk_server: Server) -> Server:
    """The session's desk server (conftest.py): a memory, the key, --char-limit 3000,
    --body-limit 20000, suggestions, --max-wait-ms 20."""
    return desk_server


@pytest.fixture(scope="module")
def memory_dir(server: Server) -> Path:
    return server.memory


def post(server: Server, **body) -> requests.Response:
    return requests.post(
        server.url + "/translate", json={"api_key": KEY, "source": "ar", "target": "en", **body}, timeout=60
    )


def test_libretranslatepy_translate_languages_detect(server: Server) -> None:
    lt = LibreTranslateAPI(server.url, api_key=KEY)
    assert {"code": "ar", "name": "Arabic", "targets": ["en"]} in lt.languages()
    assert lt.detect("من المقرر أن يحضر الأمين العام")[0]["language"] == "ar"
    out = lt.translate(NAME, "ar", "en")
    assert isinstance(out, str) and "Dang Hoang Giang" in out  # the glossary, enforced


def test_weblate_json_and_the_older_form_shape(server: Server) -> None:
    sentences = [NAME, "من المقرر أن يحضر الأمين العام للأمم المتحدة حفل توقيع اتفاقية هانوي ."]
    # what Weblate's LibreTranslate machinery sends today
    res = requests.post(
        server.url + "/translate",
        json={"api_key": KEY, "q": sentences, "source": "ar", "target": "en"},
        timeout=60,
    )
    assert res.status_code == 200
    body = res.json()
    assert isinstance(body["translatedText"], list) and len(body["translatedText"]) == 2
    assert (
        "Hanoi Convention" in body["translatedText"][1]
        and "UN Secretary-General" in body["translatedText"][1]
    )
    # the older form body, one q
    form = requests.post(
        server.url + "/translate",
        data={"q": sentences[1], "source": "auto", "target": "en", "api_key": KEY},
        timeout=60,
    )
    assert form.status_code == 200
    assert form.json()["translatedText"] == body["translatedText"][1]
    assert form.json()["detectedLanguage"]["language"] == "ar"


def test_a_memory_hit_answers_without_decoding(server: Server, memory_dir: Path) -> None:
    gold = read_gold()[3]
    before = server.health()
    res = post(server, q=gold["arabic"])
    assert res.json()["translatedText"] == gold["english"]
    after = server.health()
    # the service counts what the model decoded: nothing for this request, one memory hit
    assert after["decoded"] == before["decoded"] and after["memory_hits"] == before["memory_hits"] + 1
    hits = requests.get(
        f"{server.url}/tmserver/ar/en/unit/{gold['arabic']}", params={"api_key": KEY}, timeout=10
    ).json()
    assert hits[0] == {"source": gold["arabic"], "target": gold["english"], "quality": 100}
    imported = read_gold()[4]  # from the TMX a desk imported
    assert post(server, q=imported["arabic"]).json()["translatedText"] == imported["english"]
    assert server.health()["decoded"] == before["decoded"]


def test_placeholders_and_inline_tags_come_back(server: Server) -> None:
    text = "قال [X7X] نائب الوزير دانغ هوانغ جيانغ إن الاتفاقية [X8X] مهمة. وأضاف أنها تاريخية [X9X]"
    out = post(server, q=text).json()["translatedText"]
    assert re.findall(r"\[X\d+X\]", out) == ["[X7X]", "[X8X]", "[X9X]"]
    assert out.rstrip().endswith("[X9X]")
    html = '<p>قال نائب الوزير <a href="/tags/dang">دانغ هوانغ جيانغ</a> إن الاتفاقية <b>مهمة</b>.</p>'
    out = post(server, q=html, format="html").json()["translatedText"]
    assert out.startswith("<p>") and out.endswith("</p>")
    assert '<a href="/tags/dang">Dang Hoang Giang</a>' in out
    assert out.count("<b>") == 1 and out.count("</b>") == 1


def test_errors(server: Server) -> None:
    url = server.url + "/translate"
    no_key = requests.post(url, json={"q": NAME, "source": "ar", "target": "en"}, timeout=10)
    wrong_key = requests.post(
        url, json={"q": NAME, "source": "ar", "target": "en", "api_key": "x"}, timeout=10
    )
    assert no_key.status_code == wrong_key.status_code == 403 and "error" in no_key.json()
    bad_json = requests.post(url, data=b'{"q": ', headers={"Content-Type": "application/json"}, timeout=10)
    assert bad_json.status_code == 400 and "malformed JSON" in bad_json.json()["error"]
    bad_form = requests.post(
        url, data=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}, timeout=10
    )
    assert bad_form.status_code in (400, 403) and "error" in bad_form.json()
    pair = post(server, q=NAME, target="fr")
    assert pair.status_code == 400 and pair.json()["error"] == "fr is not supported"
    assert post(server, q="   ").status_code == 400
    assert post(server, q=[]).status_code == 400
    too_long = post(server, q="ب" * 3001)
    assert too_long.status_code == 400 and "exceeds text limit" in too_long.json()["error"]
    big = requests.post(url, data=b"q=" + b"x" * 30000, timeout=10)
    assert big.status_code == 413 and "error" in big.json()
    for res in (no_key, bad_json, pair, too_long, big):
        assert "Traceback" not in res.text


def test_concurrent_requests_batch_and_match_alone(server: Server) -> None:
    gold = [g["arabic"] for g in read_gold() if g["kind"] == "body"][:16]
    alone = {s: post(server, q=s).json()["translatedText"] for s in gold}
    before = server.health()
    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(lambda s: (s, post(server, q=s)), gold * 2))
    assert all(res.status_code == 200 for _, res in answers)
    assert all(res.json()["translatedText"] == alone[s] for s, res in answers)
    after = server.health()
    assert after["batches"] - before["batches"] < 32  # gathered into shared decodes
    assert after["largest_batch"] > 1
    # the decoder's busy time (against wall time: how idle it stood under load) grew
    assert after["decoding_seconds"] > before["decoding_seconds"] >= 0


def test_suggest_goes_to_review_never_approved(server: Server) -> None:
    res = requests.post(
        server.url + "/suggest",
        data={
            "q": NAME,
            "s": "Deputy Minister Dang Hoang Giang said the convention matters.",
            "source": "ar",
            "target": "en",
            "api_key": KEY,
        },
        timeout=10,
    )
    assert res.json() == {"success": True}
    (entry,) = [e for e in polib.pofile(str(server.suggestions)) if e.msgid == NAME]
    assert "fuzzy" in entry.flags and entry.msgstr.startswith("Deputy Minister")
    settings = requests.get(server.url + "/frontend/settings", timeout=10).json()
    assert settings["keyRequired"] and settings["suggestions"] and settings["charLimit"] == 3000


def test_a_full_queue_answers_429_and_sigterm_drains(tmp_path: Path, tiny_model: Path) -> None:
    srv = Server(
        tmp_path, tiny_model, "--no-memory", "--max-queue", "4", "--max-batch", "2", "--max-wait-ms", "0"
    )
    try:
        gold = [g["arabic"] for g in read_gold() if g["kind"] == "body"]

        def ask(q):
            return requests.post(
                srv.url + "/translate", json={"q": q, "source": "ar", "target": "en"}, timeout=60
            )

        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(ask, [[g] * 1 for g in gold[:12]]))
        codes = [a.status_code for a in answers]
        assert 429 in codes and 200 in codes, codes
        busy = next(a for a in answers if a.status_code == 429)
        assert busy.headers["Retry-After"] == "1" and "error" in busy.json()
        # SIGTERM while a long request is in flight: it is answered whole, then the process exits 0
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(ask, gold[:4])
            time.sleep(0.3)
            srv.proc.send_signal(signal.SIGTERM)
            res = pending.result()
        assert res.status_code == 200 and len(res.json()["translatedText"]) == 4
        assert srv.proc.wait(timeout=60) == 0
        with pytest.raises(requests.ConnectionError):
            requests.get(srv.url + "/health", timeout=2)
    finally:
        srv.stop()


def test_it_listens_on_loopback_by_default(server: Server) -> None:
    assert json.loads(requests.get(server.url + "/health", timeout=5).text)["status"] == "ok"
    assert "--host" not in " ".join(server.proc.args)  # the default: 127.0.0.1


def test_the_default_memory_is_the_target_languages(tmp_path: Path, tiny_model: Path) -> None:
    """Without --memory, serve reads locales/<lang> under its folder, as translate writes it:
    --lang fr must not answer French requests from the English memory."""
    desk = tmp_path / "desk"
    write_memory(desk / "locales" / "en")
    gold = read_gold()[3]
    for lang, memory in (("en", "2 memory entries"), ("fr", "no memory")):
        srv = Server(tmp_path, tiny_model, "--lang", lang, cwd=desk)
        try:
            assert f"{memory} on http://127.0.0.1:{srv.port}" in srv.log.read_text()
            res = requests.post(
                srv.url + "/translate", json={"q": gold["arabic"], "source": "ar", "target": lang}, timeout=60
            )
            assert res.status_code == 200, res.text
            health = srv.health()
            assert (res.json()["translatedText"] == gold["english"]) == (lang == "en")
            assert health["memory_hits"] == (1 if lang == "en" else 0)
        finally:
            assert srv.stop() == 0
