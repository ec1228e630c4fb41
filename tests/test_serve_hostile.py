"""`tarjama serve` against hostile clients and faults: a real server on 127.0.0.1, driven by real
clients (requests) and, where a client library would not misbehave, raw sockets.

Every answer is checked for what it must not hold: a traceback, a server-side path.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import polib
import pytest
import requests

from tarjama.files import locked

from .conftest import free_port, read_gold, run_cli
from .test_serve import KEY, NAME, Server, post, write_memory

T = TypeVar("T")
# A server process per fixture, clients that time out on purpose: the slow lane's. The fast lane
# serves through tests/test_serve.py.
pytestmark = pytest.mark.slow

GOLD = read_gold()
BODY = [g["arabic"] for g in GOLD if g["kind"] == "body"]


def clean(res: requests.Response | str, *paths: Path) -> None:
    """No traceback and no path of the server in an answer."""
    text = res if isinstance(res, str) else res.text
    assert "Traceback" not in text and "/tmp/" not in text, text
    for path in paths:
        assert str(path) not in text, text


def json_error(res: requests.Response, status: int | tuple[int, ...]) -> str:
    statuses = status if isinstance(status, tuple) else (status,)
    assert res.status_code in statuses, (res.status_code, res.text)
    assert res.headers["content-type"].startswith("application/json"), res.headers
    message = res.json()["error"]
    assert isinstance(message, str) and message
    clean(res)
    return message


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A desk's files: the memory (locales/en), the API keys, where suggestions go."""
    root = tmp_path_factory.mktemp("desk")
    write_memory(root / "locales" / "en")
    (root / "keys.txt").write_text(f"{KEY}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path, desk: Path) -> Iterator[Server]:
    """A server as a desk runs it: keys, memory, suggestions."""
    srv = Server(
        tmp_path_factory.mktemp("guarded"),
        tiny_model,
        "--memory",
        str(desk / "locales" / "en"),
        "--api-keys",
        str(desk / "keys.txt"),
        "--body-limit",
        "20000",
        "--suggestions",
        str(desk / "suggestions.po"),
        "--lock-timeout",
        "3",
        "--max-wait-ms",
        "50",
    )
    srv.suggestions = desk / "suggestions.po"
    yield srv
    assert srv.stop() == 0


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Iterator[Server]:
    """A server with small limits, to reach them with a few sockets."""
    srv = Server(
        tmp_path_factory.mktemp("limited"),
        tiny_model,
        "--no-memory",
        "--timeout-read",
        "2",
        "--timeout-keep-alive",
        "60",
        "--max-connections",
        "4",
        "--header-limit",
        "16384",
    )
    yield srv
    assert srv.stop() == 0


# ---- raw HTTP ---------------------------------------------------------------------------------


def connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=30)


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (a socket timeout fails the test: the
    server held the connection)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        except TimeoutError:
            pytest.fail(f"the server kept the connection open; it sent {data[:200]!r}")
        if not chunk:
            return data
        data += chunk


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response on a connection that stays open (Content-Length bodies)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, headers = parse_head(head)
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return status, headers, body


def parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}


def parse(data: bytes) -> tuple[int, dict[str, str], dict]:
    head, _, body = data.partition(b"\r\n\r\n")
    status, headers = parse_head(head)
    return status, headers, json.loads(body)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


HEALTH = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


# ---- item 3: the key guards every endpoint with desk data; /health says ready, no path ---------


def test_the_memory_and_every_desk_endpoint_need_the_key(guarded: Server, tiny_model: Path) -> None:
    gold = GOLD[3]
    unit = f"{guarded.url}/tmserver/ar/en/unit/{gold['arabic']}"
    for res in (
        requests.get(unit, timeout=10),
        requests.get(unit, params={"api_key": "guess"}, timeout=10),
        requests.get(unit, headers={"Authorization": "Bearer guess"}, timeout=10),
    ):
        json_error(res, 403)
        assert gold["english"] not in res.text
    # the key as a query parameter, a bearer token, or in the URL as password or user (HTTP Basic):
    # Weblate's tmserver machinery takes nothing but a URL
    port = guarded.port
    for res in (
        requests.get(unit, params={"api_key": KEY}, timeout=10),
        requests.get(unit, headers={"Authorization": f"Bearer {KEY}"}, timeout=10),
        requests.get(f"http://desk:{KEY}@127.0.0.1:{port}/tmserver/ar/en/unit/{gold['arabic']}", timeout=10),
        requests.get(f"http://{KEY}:@127.0.0.1:{port}/tmserver/ar/en/unit/{gold['arabic']}", timeout=10),
    ):
        assert res.status_code == 200, res.text
        assert res.json()[0] == {"source": gold["arabic"], "target": gold["english"], "quality": 100}
    near = gold["arabic"].replace("إن", "ان")  # a fuzzy hit is desk data too
    assert requests.get(f"{guarded.url}/tmserver/ar/en/unit/{near}", timeout=10).status_code == 403
    for path, fields in (
        ("/translate", {"q": gold["arabic"], "source": "ar", "target": "en", "alternatives": 1}),
        ("/detect", {"q": gold["arabic"]}),
        ("/suggest", {"q": NAME, "s": "A suggestion.", "source": "ar", "target": "en"}),
    ):
        json_error(requests.post(guarded.url + path, json=fields, timeout=30), 403)
        ok = requests.post(guarded.url + path, json=fields, params={"api_key": KEY}, timeout=30)
        assert ok.status_code == 200, ok.text
    clean(requests.get(guarded.url + "/frontend/settings", timeout=10), tiny_model)


def test_health_says_ready_and_nothing_about_the_machine(guarded: Server, tiny_model: Path) -> None:
    res = requests.get(guarded.url + "/health", timeout=10)
    assert res.status_code == 200 and res.json()["status"] == "ok"
    clean(res, tiny_model)
    assert "model" not in res.json() and "memory_entries" not in res.json()
    head = requests.head(guarded.url + "/health", timeout=10)
    assert head.status_code == 200 and head.content == b""


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: after a page test, Playwright's event loop is still
    running in the main thread, and asyncio.run refuses to start there."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=120)


def test_health_is_503_until_the_model_is_loaded(tiny_model: Path) -> None:
    """In process: the app before its startup has run (the socket of a real server only
    accepts once it has)."""
    from tarjama.service.app import create_app
    from tarjama.service.factory import build_service

    service = build_service(service_settings(tiny_model))
    app = create_app(service)
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/health",
        "raw_path": b"/health",
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    run_in_own_loop(app(scope, receive, send))
    assert messages[0]["status"] == 503
    assert json.loads(messages[1]["body"]) == {"status": "loading"}


def service_settings(model: Path, memory: Path | None = None, **changes):
    from tarjama.service.settings import ServeSettings

    settings = {"model": str(model), "backend": "ct2", "beam": 1, "memory_dir": memory, "max_batch": 64}
    return ServeSettings(**{**settings, **changes})


# ---- item 4: bounded reads, headers and connections --------------------------------------------


def test_a_half_sent_head_is_closed_within_the_read_timeout(limited: Server) -> None:
    with connect(limited) as sock:
        sock.sendall(b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
        status, headers, body = parse(read_until_closed(sock))
    assert status == 408 and headers["connection"] == "close" and "error" in body
    # nothing sent at all: closed too, silently (as an idle keep-alive connection)
    with connect(limited) as sock:
        assert read_until_closed(sock) == b""


def test_a_head_trickled_byte_by_byte_is_closed(limited: Server) -> None:
    """Every byte arrives well within any per-read timeout; the head as a whole does not."""
    line = b"GET /health HTTP/1.1\r\nX-Slow: " + b"a" * 300
    received = b""
    with connect(limited) as sock:
        for i in range(len(line)):  # a byte each 0.1 s: the head would take 33 s
            try:
                sock.sendall(line[i : i + 1])
            except OSError:
                break
            if select.select([sock], [], [], 0.1)[0]:
                received = read_until_closed(sock)
                break
        else:
            pytest.fail("the server read a trickled head for ever")
    if received:  # the 408 may be lost to the reset of a connection closed while we still wrote
        assert parse(received)[0] == 408


def test_a_client_that_never_reads_its_answers_is_cut_off(limited: Server) -> None:
    """Pipelined requests, no answer read: once the answers back up, the server waits the read
    timeout for the client to read, not for ever."""
    request = b"GET /frontend/settings HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 100
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", limited.port))
        sock.setblocking(False)
        for _ in range(600):  # 0.05 s apart: 30 s
            try:
                sock.send(request)
            except BlockingIOError:
                pass
            except OSError:  # reset by the server
                break
            if sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] != 1:  # not ESTABLISHED
                break
            time.sleep(0.05)
        else:
            pytest.fail("the server held a connection whose client never read")
    assert requests.get(limited.url + "/health", timeout=10).status_code == 200


def test_a_body_that_never_ends_gets_408(limited: Server) -> None:
    with connect(limited) as sock:
        sock.sendall(
            b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 500\r\n\r\n{"q": "'
        )
        status, headers, body = parse(read_until_closed(sock))
    assert status == 408 and headers["connection"] == "close" and "not received" in body["error"]


def test_a_huge_header_is_431_and_never_read_into_memory(limited: Server) -> None:
    pid = limited.proc.pid
    requests.get(limited.url + "/health", timeout=10)
    before = rss_kib(pid)
    sent, answer = 0, b""
    with connect(limited) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        chunk = b"a" * 65536
        try:
            while sent < 32 * 2**20 and not select.select([sock], [], [], 0)[0]:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            answer = read_until_closed(sock)
    grown = rss_kib(pid) - before
    assert sent < 32 * 2**20  # refused before the end of the 32 MB header
    status, _, body = parse(answer)
    assert status == 431 and "16384 bytes" in body["error"]
    assert grown < 2048, (grown, sent)  # KiB: nothing like the header's size was kept
    assert requests.get(limited.url + "/health", timeout=10).status_code == 200
    # a whole head that arrives in one read is measured too
    big = requests.get(limited.url + "/health", headers={"X-Big": "a" * 100_000}, timeout=10)
    assert "16384 bytes" in json_error(big, 431)
    just = requests.get(limited.url + "/health", headers={"X-Fits": "a" * 12_000}, timeout=10)
    assert just.status_code == 200


def test_the_servers_own_refusals_under_v2_are_in_deepls_shape(limited: Server) -> None:
    """408, 431, 400 and 503 are written by the server before any route runs; under DeepL's
    paths they still say ``{"message": …}`` (what the deepl client reads), elsewhere ``error``."""
    answers: dict[str, tuple[int, dict]] = {}
    with connect(limited) as sock:  # a head that never ends
        sock.sendall(b"POST /v2/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
        status, _, body = parse(read_until_closed(sock))
        answers["408"] = status, body
    with connect(limited) as sock:  # bytes no HTTP parser reads
        sock.sendall(b"POST /v2/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n")
        status, _, body = parse(read_until_closed(sock))
        answers["400"] = status, body
    big = requests.post(limited.url + "/v2/translate", headers={"X-Big": "a" * 100_000}, timeout=10)
    answers["431"] = big.status_code, big.json()
    held = [connect(limited) for _ in range(4)]
    try:
        for sock in held:
            sock.sendall(HEALTH)
            assert read_response(sock)[0] == 200
        with connect(limited) as extra:
            extra.sendall(b"POST /v2/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}")
            status, _, body = parse(read_until_closed(extra))
            answers["503"] = status, body
    finally:
        for sock in held:
            sock.close()
    for expected, (status, body) in answers.items():
        assert str(status) == expected, answers
        assert set(body) == {"message"} and body["message"], (expected, body)
    # the same refusal on LibreTranslate's path keeps its shape
    with connect(limited) as sock:
        sock.sendall(b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n")
        status, _, body = parse(read_until_closed(sock))
    assert status == 400 and set(body) == {"error"}


def test_connections_past_the_cap_get_503(limited: Server) -> None:
    held = [connect(limited) for _ in range(4)]
    try:
        for sock in held:  # each answered, then kept open (keep-alive)
            sock.sendall(HEALTH)
            assert read_response(sock)[0] == 200
        with connect(limited) as extra:
            extra.sendall(HEALTH)
            status, headers, body = parse(read_until_closed(extra))
        assert status == 503 and headers["retry-after"] == "1" and "busy" in body["error"]
        held.pop().close()
        for _ in range(100):  # the server sees the close a moment later
            with connect(limited) as again:
                again.sendall(HEALTH)
                if read_response(again)[0] == 200:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("a freed connection slot was never given again")
    finally:
        for sock in held:
            sock.close()


# ---- item 5: the API key file --------------------------------------------------------------------


def refused(*args: str | Path) -> str:
    """``tarjama serve ARGS`` must end at once with one line; returned."""
    port = str(free_port())
    try:
        done = run_cli("serve", "--backend", "ct2", "--port", port, *args, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail(f"tarjama serve {args} started serving")
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and len(lines) == 1 and lines[0].startswith("tarjama: error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize(
    "case", ["world-writable", "group-writable", "folder-writable", "fifo", "empty", "folder", "binary"]
)
def test_an_unsafe_or_empty_key_file_is_refused_in_one_line(
    tmp_path: Path, tiny_model: Path, case: str
) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir(mode=0o700)
    keys = folder / "keys.txt"
    if case == "fifo":
        os.mkfifo(keys)  # a read would block for ever
    elif case == "folder":
        keys.mkdir()
    else:
        keys.write_bytes({"empty": b"# no key yet\n\n", "binary": b"\xff\xfe k\x00"}.get(case, b"k-1\n"))
        keys.chmod({"world-writable": 0o666, "group-writable": 0o620}.get(case, 0o600))
    if case == "folder-writable":
        folder.chmod(0o777)  # anyone may replace the file
    line = refused("--model", tiny_model, "--no-memory", "--api-keys", keys)
    assert "keys.txt" in line
    if case.endswith("writable"):
        assert "writable" in line and "chmod go-w" in line
    if case == "folder-writable":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777  # reported, not changed


# ---- item 6: a text that is not Unicode fails alone; so does any failing decode -----------------


def test_a_lone_surrogate_is_400_for_its_request_and_the_others_are_answered(guarded: Server) -> None:
    good = [*BODY[:8], GOLD[3]["arabic"]]  # model decodes and a memory hit
    alone = {q: post(guarded, q=q).json()["translatedText"] for q in good}
    key = f'"api_key": "{KEY}"'
    poisoned = [  # valid JSON, each with a lone surrogate somewhere
        '{"q": "مرحبا \\ud800", "source": "ar", "target": "en", ' + key + "}",
        '{"q": ["مرحبا", "x\\udfff"], "source": "ar", "target": "en", ' + key + "}",
        '{"q": "مرحبا", "source": "ar\\ud800", "target": "en", ' + key + "}",
        '{"q": "مرحبا", "source": "ar", "target": "en", "\\ud83d": 1, ' + key + "}",
    ]

    def ask(item: str | bytes) -> tuple[str | bytes, requests.Response]:
        if isinstance(item, str) and item in alone:
            return item, post(guarded, q=item)
        return item, requests.post(
            guarded.url + "/translate", data=item, headers={"Content-Type": "application/json"}, timeout=60
        )

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(ask, (good + poisoned) * 3))
    for item, res in answers:
        if item in alone:
            assert res.status_code == 200 and res.json()["translatedText"] == alone[item], res.text
        else:
            assert "lone surrogate" in json_error(res, 400)


def test_a_failing_sentence_fails_its_own_request_and_no_other(tiny_model: Path, desk: Path) -> None:
    """The batcher's seam with the real model: a sentence the tokenizer cannot take (a lone
    surrogate, let past the boundary on purpose) decoded in one batch with good requests."""
    from tarjama.service.app import read_text
    from tarjama.service.factory import build_service

    service = build_service(
        service_settings(tiny_model, desk / "locales" / "en", max_wait_ms=500.0, max_batch=64)
    )
    memory_hit = GOLD[3]
    texts = [*BODY[:6], memory_hit["arabic"], "مرحبا \ud800", BODY[6], "\udc80 نص"]

    async def main() -> list:
        await service.batcher.start()
        try:
            return await asyncio.gather(
                *(service.batcher.submit(read_text(t, "text")[0]) for t in texts), return_exceptions=True
            )
        finally:
            await service.batcher.stop()

    results = run_in_own_loop(main())
    for text, result in zip(texts, results, strict=True):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
            assert isinstance(result, Exception), text
        else:
            assert isinstance(result, dict), (text, result)
            assert all(result[s.text].text for s in read_text(text, "text")[0])
    assert results[texts.index(memory_hit["arabic"])][memory_hit["arabic"]].text == memory_hit["english"]


# ---- item 7: /suggest waits for the lock off the event loop ---------------------------------------


def test_suggest_waits_for_the_lock_without_stalling_the_server(guarded: Server) -> None:
    suggestion = {"q": BODY[9], "s": "Held back.", "source": "ar", "target": "en", "api_key": KEY}
    with locked(guarded.suggestions, timeout=60), ThreadPoolExecutor(1) as pool:
        pending = pool.submit(requests.post, guarded.url + "/suggest", json=suggestion, timeout=60)
        time.sleep(0.3)  # let it reach the lock (if it has not, the checks below still hold)
        assert requests.get(guarded.url + "/health", timeout=10).status_code == 200
        assert post(guarded, q=BODY[0]).status_code == 200
        assert not pending.done()  # the server answered the others while /suggest waited
        res = pending.result()
    assert json_error(res, 503) and res.headers["Retry-After"]
    clean(res, guarded.suggestions)
    again = requests.post(guarded.url + "/suggest", json=suggestion, timeout=30)
    assert again.json() == {"success": True}


# ---- item 8: malformed values are 400, a chunked body past the limit 413, errors in one shape ------


MALFORMED = [
    b'{"q": "x", "source": "ar", "target": "en", "alternatives": Infinity}',
    b'{"q": "x", "source": "ar", "target": "en", "alternatives": -Infinity}',
    b'{"q": "x", "source": "ar", "target": "en", "alternatives": NaN}',
    b'{"q": "x", "source": "ar", "target": "en", "alternatives": 1e400}',
    b'{"q": "x", "source": "ar", "target": "en", "alternatives": ' + b"9" * 4400 + b"}",
    b"[" * 19_000,
    b'{"q": ' + b"[" * 19_000,
    b'{"q": ' + b"[" * 900 + b"]" * 900 + b', "s": "y", "source": "ar", "target": "en"}',
    b'{"q": "\xff\xfe", "s": "y", "source": "ar", "target": "en"}',
    b'\xef\xbb\xbf{"q": "x"',
    b"",
    b"null",
]


@pytest.mark.parametrize(
    "body", MALFORMED, ids=lambda b: b[:24].decode("latin-1") + (f"..{len(b)}" if len(b) > 24 else "")
)
def test_a_malformed_json_body_is_400_everywhere(guarded: Server, body: bytes) -> None:
    for path in ("/translate", "/detect", "/suggest"):
        res = requests.post(
            guarded.url + path,
            params={"api_key": KEY},
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        json_error(res, 400)


@pytest.mark.parametrize("value", ['"1e5"', "[1]", "{}", '"NaN"', "1e308", "-5"])
def test_alternatives_that_are_no_count_are_400_or_none(guarded: Server, value: str) -> None:
    body = '{"q": "مرحبا", "source": "ar", "target": "en", "api_key": "%s", "alternatives": %s}'
    res = requests.post(
        guarded.url + "/translate",
        data=(body % (KEY, value)).encode(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    if value in ("1e308", "-5"):  # numbers: as many alternatives as the memory has, or none
        assert res.status_code == 200 and isinstance(res.json()["translatedText"], str)
    else:
        assert "alternatives must be a number" in json_error(res, 400)


def test_a_chunked_body_past_the_limit_is_413(guarded: Server) -> None:
    def chunks(head: bytes):
        yield head
        for _ in range(40):
            yield b"x" * 1000  # 40 kB against a 20 kB limit, no Content-Length

    for kind, head in (
        ("application/x-www-form-urlencoded", b"source=ar&target=en&q="),
        ("application/json", b'{"q": "'),
        ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; name="q"\r\n\r\n'),
    ):
        res = requests.post(
            guarded.url + "/translate", data=chunks(head), headers={"Content-Type": kind}, timeout=30
        )
        assert "exceeds 20000 bytes" in json_error(res, 413), kind


def test_unknown_paths_and_methods_answer_in_the_documented_shape(guarded: Server) -> None:
    json_error(requests.get(guarded.url + "/nope", timeout=10), 404)
    json_error(requests.get(guarded.url + "/translate", timeout=10), 405)
    json_error(requests.delete(guarded.url + "/health", timeout=10), 405)
    assert requests.head(guarded.url + "/health", timeout=10).status_code == 200
    with connect(guarded) as sock:  # not HTTP at all
        sock.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n")
        status, _, body = parse(read_until_closed(sock))
    assert status == 400 and "error" in body


# ---- item 9: ready only when listening; a taken port and a missing memory are one line ------------


def test_a_taken_port_is_one_line_and_never_ready(tiny_model: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--model", tiny_model, "--backend", "ct2", "--port", port, timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"tarjama: error: cannot listen on 127.0.0.1:{port}: address in use"
    ]


def test_ready_is_said_once_the_port_listens(tmp_path: Path, tiny_model: Path) -> None:
    """Before "ready" a client is refused (nothing half-up accepts it); after it, answered."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tarjama",
                "serve",
                "--model",
                str(tiny_model),
                "--no-memory",
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    try:
        refused_before = 0
        for _ in range(2400):  # 0.05 s apart: 120 s
            if "ready" in log.read_text():
                break
            assert proc.poll() is None, log.read_text()
            with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 1):
                pass
            refused_before += 1
            time.sleep(0.05)
        else:
            pytest.fail("never ready")
        assert refused_before > 0  # the model took a moment to load, and meanwhile nothing accepted
        with socket.create_connection(("127.0.0.1", port), 5) as sock:  # no retry: it listens
            sock.sendall(HEALTH)
            assert read_response(sock)[0] == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=60) == 0


def test_a_memory_folder_that_does_not_exist_is_refused(tmp_path: Path, tiny_model: Path) -> None:
    line = refused("--model", tiny_model, "--memory", tmp_path / "no" / "such" / "dir")
    assert line.endswith("no such folder (--memory: the translation memory's folder)")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert "not a folder" in refused("--model", tiny_model, "--memory", tmp_path / "file")


def test_the_default_memory_is_the_target_language_s(tmp_path: Path, tiny_model: Path) -> None:
    """In a desk's folder with only locales/en, ``serve --lang fr`` has no memory (and
    ``--lang en`` has it): never English answers for French."""
    write_memory(tmp_path / "locales" / "en")
    gold = GOLD[3]
    for lang, hits in (("fr", []), ("en", [gold["english"]])):
        srv = Server(tmp_path, tiny_model, "--lang", lang, cwd=tmp_path)
        try:
            res = requests.get(f"{srv.url}/tmserver/ar/{lang}/unit/{gold['arabic']}", timeout=10)
            assert [h["target"] for h in res.json() if h["quality"] == 100] == hits
            label = next(x for x in srv.log.read_text().splitlines() if x.startswith("tarjama serve: load"))
            assert ("no memory" in label) == (lang == "fr"), label
        finally:
            assert srv.stop() == 0


# ---- items 10 and 16: every acknowledged suggestion is in the file; a full disk is one error -----


def test_two_workers_keep_every_suggestion(tmp_path: Path, tiny_model: Path) -> None:
    target = tmp_path / "suggestions.po"
    reviewed = BODY[0]
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid=reviewed, msgstr="The reviewed sentence.", comment="a translator's"))
    po.save(str(target))
    srv = Server(tmp_path, tiny_model, "--no-memory", "--workers", "2", "--suggestions", str(target))
    wanted = [(q, f"Suggestion {i} for sentence {j}.") for j, q in enumerate(BODY[1:25]) for i in (1,)]
    wanted += [(BODY[1], f"Another suggestion {i} for sentence 0.") for i in range(6)]
    wanted += [(reviewed, f"A correction {i} of a reviewed sentence.") for i in range(4)]

    def suggest(pair: tuple[str, str]) -> requests.Response:
        q, s = pair
        return requests.post(
            srv.url + "/suggest", data={"q": q, "s": s, "source": "ar", "target": "en"}, timeout=60
        )

    try:
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(suggest, wanted))
    finally:
        assert srv.stop() == 0
    assert all(a.status_code == 200 and a.json()["success"] is True for a in answers), [
        a.text for a in answers if a.status_code != 200
    ]
    assert all(("note" in a.json()) == (q == reviewed) for (q, _), a in zip(wanted, answers, strict=True))
    catalog = polib.pofile(str(target))
    entries = {e.msgid: e for e in catalog}
    for q, s in wanted:  # each one there: as the msgstr or as a note a translator sees
        entry = entries[q]
        assert entry.msgstr == s or json.dumps(s) in entry.comment, (q, s)
    review = entries[reviewed]
    assert review.msgstr == "The reviewed sentence." and "fuzzy" not in review.flags
    assert "a translator's" in review.comment and review.comment.count("not applied") == 4
    several = entries[BODY[1]]
    assert "fuzzy" in several.flags and several.comment.count("suggested through the API") == 7
    subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(target)], check=True)


def test_a_suggestion_holding_line_separators_leaves_the_file_readable(guarded: Server) -> None:
    """U+2028 and friends are text, not line ends: the file stays readable for the next one."""
    for q, s in (("قال\u2028الوزير", "Said\u2029the minister."), ("قال\x85الوزير", "Said the\x1cminister.")):
        res = requests.post(
            guarded.url + "/suggest",
            json={"q": q, "s": s, "source": "ar", "target": "en", "api_key": KEY},
            timeout=30,
        )
        assert res.json() == {"success": True}, res.text
    entries = {e.msgid: e for e in polib.pofile(str(guarded.suggestions))}
    assert entries["قال\u2028الوزير"].msgstr == "Said\u2029the minister."
    assert entries["قال\x85الوزير"].msgstr == "Said the\x1cminister."


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB tmpfs (as root), to fill."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_a_disk_that_cannot_take_the_write_is_one_json_error_naming_no_path(
    tmp_path: Path, tiny_model: Path, small_disk: Path, fault: str
) -> None:
    target = small_disk / "suggestions.po"
    srv = Server(tmp_path, tiny_model, "--no-memory", "--suggestions", str(target))
    try:
        first = {"q": BODY[2], "s": "Kept.", "source": "ar", "target": "en"}
        assert requests.post(srv.url + "/suggest", data=first, timeout=30).json() == {"success": True}
        before = target.read_bytes()
        if fault == "full":
            with contextlib.suppress(OSError), (small_disk / "filler").open("wb") as fh:
                while True:
                    fh.write(b"\0" * 4096)
                    fh.flush()
        else:  # root ignores permission bits; a read-only mount it does not
            subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        res = requests.post(
            srv.url + "/suggest",
            data={"q": BODY[3], "s": "Lost for want of space. " * 50, "source": "ar", "target": "en"},
            timeout=30,
        )
        if fault == "full":
            assert "no space" in json_error(res, 507)
        else:
            assert "cannot write" in json_error(res, 503)
        clean(res, small_disk, tmp_path)
        assert target.read_bytes() == before  # the file as it was
        assert requests.get(srv.url + "/health", timeout=10).status_code == 200
    finally:
        assert srv.stop() == 0
