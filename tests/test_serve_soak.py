"""A bounded soak of `tarjama serve`: a real server on 127.0.0.1, concurrent clients sending a mix
of good, bad and poisonous requests for ``TARJAMA_SOAK_SECONDS`` (30 by default; the test
stays well under two minutes on a shared two-core machine).

Every good request must be answered 200 with its translation, every bad or poisonous one must
get a 4xx ``{"error": …}`` (a half-sent one: 408 or a closed connection), the server must stay
up and its memory must not grow with the traffic. It runs in CI with the rest (marker ``soak``,
deselect with ``-m "not soak"``).
"""

from __future__ import annotations

import json
import os
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from .conftest import read_gold
from .test_serve import KEY, Server, write_memory

pytestmark = pytest.mark.soak

SECONDS = float(os.environ.get("TARJAMA_SOAK_SECONDS", "30"))
CLIENTS = 8
GOLD = read_gold()
BODY = [g["arabic"] for g in GOLD if g["kind"] == "body"]
HIT = GOLD[3]  # in the memory


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


class Client:
    """One client thread's requests; each returns (kind, outcome) where outcome is '' when the
    answer was right and otherwise what was wrong."""

    def __init__(self, url: str, port: int, seed: int) -> None:
        self.url = url
        self.port = port
        self.http = requests.Session()
        self.rand = random.Random(seed)

    # -- good: every one must be 200 with its translation
    def good_text(self) -> str:
        res = self._translate(q=self.rand.choice(BODY))
        return _ok(res, lambda body: isinstance(body["translatedText"], str) and body["translatedText"])

    def good_list(self) -> str:
        res = self._translate(q=self.rand.sample(BODY, 3))
        return _ok(res, lambda body: len(body["translatedText"]) == 3 and all(body["translatedText"]))

    def good_html(self) -> str:
        html = f"<p>{self.rand.choice(BODY)} <b>{self.rand.choice(BODY)}</b></p>"
        res = self._translate(q=html, format="html")
        return _ok(
            res, lambda body: body["translatedText"].startswith("<p>") and "<b>" in body["translatedText"]
        )

    def good_memory_hit(self) -> str:
        res = self._translate(q=HIT["arabic"])
        return _ok(res, lambda body: body["translatedText"] == HIT["english"])

    def good_form(self) -> str:
        res = self.http.post(
            self.url + "/translate",
            data={"q": self.rand.choice(BODY), "source": "auto", "target": "en", "api_key": KEY},
            timeout=60,
        )
        return _ok(res, lambda body: body["translatedText"] and body["detectedLanguage"]["language"] == "ar")

    def good_tmserver(self) -> str:
        res = self.http.get(
            f"{self.url}/tmserver/ar/en/unit/{HIT['arabic']}", params={"api_key": KEY}, timeout=30
        )
        return _ok(res, lambda body: body[0]["target"] == HIT["english"])

    # -- bad and poisonous: every one must be a 4xx JSON error
    def bad_json(self) -> str:
        return _error(self._raw_json(b'{"q": "x", '), 400)

    def bad_pair(self) -> str:
        return _error(self._translate(q=BODY[0], target="fr"), 400)

    def bad_too_long(self) -> str:
        return _error(self._translate(q="ب" * 3001), 400)

    def bad_key(self) -> str:
        return _error(self._translate(q=BODY[0], api_key="not-a-key"), 403)

    def bad_too_big(self) -> str:
        return _error(self.http.post(self.url + "/translate", data=b"q=" + b"x" * 30_000, timeout=30), 413)

    def bad_path(self) -> str:
        return _error(self.http.get(self.url + "/nope", timeout=30), 404)

    def poison_surrogate(self) -> str:
        body = '{"q": "مرحبا \\ud800 %s", "source": "ar", "target": "en", "api_key": "%s"}'
        return _error(self._raw_json((body % (self.rand.choice(BODY), KEY)).encode()), 400)

    def poison_number(self) -> str:
        value = self.rand.choice([b"1e400", b"Infinity", b"NaN", b"9" * 5000])
        return _error(
            self._raw_json(b'{"q": "x", "source": "ar", "target": "en", "alternatives": ' + value + b"}"), 400
        )

    def poison_nesting(self) -> str:
        return _error(self._raw_json(b'{"q": ' + b"[" * 15_000), 400)

    def poison_bytes(self) -> str:
        return _error(self._raw_json(b'{"q": "\xd9\x85\xff\xfe", "source": "ar", "target": "en"}'), 400)

    def poison_half_sent(self) -> str:
        """A head never finished: the server answers 408 and closes, or the client gives up first."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
            if self.rand.random() < 0.7:
                return ""  # a client that vanishes mid-head
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        if not data.startswith(b"HTTP/1.1 408 ") or b'"error"' not in data:
            return f"half-sent head answered {data[:80]!r}"
        return ""

    def poison_huge_header(self) -> str:
        res = self.http.get(self.url + "/health", headers={"X-Big": "a" * 100_000}, timeout=30)
        return _error(res, 431)

    def _translate(self, **fields) -> requests.Response:
        body = {"source": "ar", "target": "en", "api_key": KEY, **fields}
        return self.http.post(self.url + "/translate", json=body, timeout=60)

    def _raw_json(self, data: bytes) -> requests.Response:
        return self.http.post(
            self.url + "/translate",
            params={"api_key": KEY},
            data=data,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )


def _ok(res: requests.Response, right: Callable[[dict], object]) -> str:
    if res.status_code != 200:
        return f"{res.status_code} {res.text[:120]}"
    try:
        return "" if right(res.json()) else f"wrong answer {res.text[:120]}"
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        return f"{type(exc).__name__} {res.text[:120]}"


def _error(res: requests.Response, status: int) -> str:
    if res.status_code != status:
        return f"{res.status_code} (wanted {status}) {res.text[:120]}"
    try:
        message = res.json()["error"]
    except (ValueError, KeyError, TypeError):
        return f"not a JSON error: {res.text[:120]}"
    if not isinstance(message, str) or "Traceback" in res.text or "/tmp/" in res.text:
        return f"error text: {res.text[:120]}"
    return ""


def test_a_mixed_hostile_load_leaves_every_good_request_answered(tmp_path: Path, tiny_model: Path) -> None:
    memory = write_memory(tmp_path / "locales" / "en")
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{KEY}\n", encoding="utf-8")
    srv = Server(
        tmp_path,
        tiny_model,
        "--memory",
        str(memory),
        "--api-keys",
        str(keys),
        "--char-limit",
        "3000",
        "--body-limit",
        "20000",
        "--timeout-read",
        "2",
        "--max-wait-ms",
        "20",
    )
    kinds = [name for name in dir(Client) if name.startswith(("good_", "bad_", "poison_"))]
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS
    rss: list[tuple[float, int]] = []

    def client(seed: int) -> None:
        me = Client(srv.url, srv.port, seed)
        while time.monotonic() < deadline:
            kind = me.rand.choice(kinds)
            try:
                wrong = getattr(me, kind)()
            except (requests.RequestException, OSError) as exc:
                wrong = f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes.append((kind, wrong))

    def monitor() -> None:
        start = time.monotonic()
        while time.monotonic() < deadline:
            rss.append((time.monotonic() - start, rss_kib(srv.proc.pid)))
            time.sleep(0.5)

    try:
        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
        threads.append(threading.Thread(target=monitor))
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=SECONDS + 120)
        assert not any(t.is_alive() for t in threads), "a client hung"
        assert srv.proc.poll() is None, "the server died"
        assert requests.get(srv.url + "/health", timeout=10).json()["status"] == "ok"
    finally:
        assert srv.stop() == 0
    counts = Counter(kind for kind, _ in outcomes)
    wrong = [(kind, what) for kind, what in outcomes if what]
    assert not wrong, f"{len(wrong)} of {len(outcomes)} answered wrongly: {wrong[:10]}"
    assert sum(n for k, n in counts.items() if k.startswith("good_")) >= 50, counts
    assert set(counts) == set(kinds), counts  # every kind was sent
    # memory: once warm (the first third), the traffic must not make it grow
    warm = max(kib for t, kib in rss if t <= SECONDS / 3)
    late = max(kib for t, kib in rss if t >= 2 * SECONDS / 3)
    print(f"soak: {len(outcomes)} requests {dict(counts)}; RSS warm {warm} KiB, late {late} KiB")
    assert late - warm < 64 * 1024, (warm, late, json.dumps(dict(counts)))
