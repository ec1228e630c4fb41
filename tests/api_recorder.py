"""A recording HTTP server on 127.0.0.1 that answers like LibreTranslate, DeepL and tmserver.

It exists to see, byte for byte, what real clients (Weblate's machinery classes, the `deepl`
package, libretranslatepy) send: every request is kept (method, target, headers in order, body).
Its answers are the smallest a client accepts (the fields each client's parser requires, see
docs/weblate-requests.md); translations echo the text unchanged, so placeholders and tags show
how a client restores them. Stdlib only, so it also runs in the process that drives Weblate.

Routes: LibreTranslate at `/languages`, `/translate`; DeepL at `/v2/...` and `/v3/...`; tmserver at
`/tmserver/...`. Glossaries live in memory for the server's life.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# One fixed creation time in DeepL's own format: the `deepl` client parses it with
# "%Y-%m-%dT%H:%M:%S.%f%z", so the fraction and the zone are required.
CREATION_TIME = "2025-01-02T03:04:05.678Z"


@dataclass
class Recorded:
    method: str
    target: str  # path with query, exactly as on the request line
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)


@dataclass
class _Glossary:
    glossary_id: str
    name: str
    # (source_lang, target_lang) -> TSV text
    dictionaries: dict[tuple[str, str], str] = field(default_factory=dict)

    def v2(self) -> dict[str, Any]:
        (src, tgt), tsv = next(iter(self.dictionaries.items()))
        return {
            "glossary_id": self.glossary_id,
            "name": self.name,
            "ready": True,
            "source_lang": src.lower(),
            "target_lang": tgt.lower(),
            "creation_time": CREATION_TIME,
            "entry_count": _entry_count(tsv),
        }

    def v3(self) -> dict[str, Any]:
        return {
            "glossary_id": self.glossary_id,
            "name": self.name,
            "creation_time": CREATION_TIME,
            "dictionaries": [
                {"source_lang": s.lower(), "target_lang": t.lower(), "entry_count": _entry_count(tsv)}
                for (s, t), tsv in self.dictionaries.items()
            ],
        }


def _merge_tsv(old: str, new: str) -> str:
    entries = dict(line.split("\t", 1) for line in old.splitlines() if "\t" in line)
    entries.update(line.split("\t", 1) for line in new.splitlines() if "\t" in line)
    return "\n".join(f"{s}\t{t}" for s, t in entries.items())


def _entry_count(tsv: str) -> int:
    return sum(1 for line in tsv.splitlines() if line.strip())


class Recorder:
    """Start with `start()`, read `requests`, stop with `stop()` (or use as a context manager)."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.glossaries: dict[str, _Glossary] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._next_id = 1

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> Recorder:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rec = Recorded(self.command, self.path, list(self.headers.items()), body)
                with recorder._lock:
                    recorder.requests.append(rec)
                    status, ctype, payload = recorder._answer(rec)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Recorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def take(self) -> list[Recorded]:
        """The requests recorded so far, and forget them."""
        with self._lock:
            out, self.requests = self.requests, []
        return out

    # -- answers ----------------------------------------------------------------------------
    def _params(self, rec: Recorded) -> dict[str, Any]:
        """Query, form or JSON parameters merged; lists stay lists (`q`/`text` may repeat)."""
        merged: dict[str, Any] = {k: v if len(v) > 1 else v[0] for k, v in rec.query.items()}
        ctype = (rec.header("Content-Type") or "").split(";")[0].strip()
        if rec.body and ctype == "application/json":
            data = rec.json()
            if isinstance(data, dict):
                merged.update(data)
        elif rec.body and ctype == "application/x-www-form-urlencoded":
            merged.update({k: v if len(v) > 1 else v[0] for k, v in rec.form().items()})
        return merged

    def _answer(self, rec: Recorded) -> tuple[int, str, bytes]:
        path = rec.path
        try:
            if path.startswith("/tmserver/"):
                return self._tmserver(rec)
            if path.startswith(("/v2/", "/v3/")):
                return self._deepl(rec)
            return self._libretranslate(rec)
        except (KeyError, ValueError, TypeError) as exc:
            return _json(400, {"error": f"recorder: {exc!r}"})

    def _libretranslate(self, rec: Recorded) -> tuple[int, str, bytes]:
        if rec.path == "/languages":
            return _json(
                200,
                [
                    {"code": "ar", "name": "Arabic", "targets": ["en"]},
                    {"code": "en", "name": "English", "targets": ["ar"]},
                ],
            )
        if rec.path == "/translate" and rec.method == "POST":
            q = self._params(rec)["q"]
            return _json(200, {"translatedText": list(q) if isinstance(q, list) else q})
        return _json(404, {"error": "Not Found"})

    def _tmserver(self, rec: Recorded) -> tuple[int, str, bytes]:
        parts = rec.path.split("/")  # ['', 'tmserver', src, tgt, 'unit', text]
        if rec.path == "/tmserver/languages/":
            return _json(200, {"sourceLanguages": ["ar"], "targetLanguages": ["en"]})
        if len(parts) == 6 and parts[4] == "unit":
            text = unquote(parts[5])
            return _json(200, [{"source": text, "target": text, "quality": 100, "rank": 100}])
        return _json(404, {"error": "Not Found"})

    def _deepl(self, rec: Recorded) -> tuple[int, str, bytes]:
        m, parts = rec.method, rec.path.strip("/").split("/")
        version, rest = parts[0], parts[1:]
        p = self._params(rec)
        if rest == ["languages"]:
            if p.get("type") == "target":
                return _json(
                    200,
                    [
                        {"language": "EN-GB", "name": "English (British)", "supports_formality": False},
                        {"language": "EN-US", "name": "English (American)", "supports_formality": False},
                    ],
                )
            return _json(200, [{"language": "AR", "name": "Arabic"}])
        if rest == ["translate"] and m == "POST":
            texts = p["text"] if isinstance(p["text"], list) else [p["text"]]
            return _json(
                200,
                {
                    "translations": [
                        {"detected_source_language": "AR", "text": t, "billed_characters": len(t)}
                        for t in texts
                    ]
                },
            )
        if rest == ["usage"]:
            return _json(200, {"character_count": 0, "character_limit": 500000})
        if rest == ["glossary-language-pairs"]:
            return _json(200, {"supported_languages": [{"source_lang": "ar", "target_lang": "en"}]})
        if rest and rest[0] == "glossaries":
            return self._glossaries(version, m, rest[1:], p, rec)
        return _json(404, {"message": "Not found"})

    def _glossaries(
        self, version: str, m: str, rest: list[str], p: dict[str, Any], rec: Recorded
    ) -> tuple[int, str, bytes]:
        if not rest:
            if m == "GET":
                return _json(200, {"glossaries": [getattr(g, version)() for g in self.glossaries.values()]})
            if m == "POST":
                gid = f"00000000-0000-4000-8000-{self._next_id:012d}"
                self._next_id += 1
                g = _Glossary(gid, p["name"])
                dicts = p["dictionaries"] if version == "v3" else [p]
                for d in dicts:
                    g.dictionaries[(d["source_lang"].upper(), d["target_lang"].upper())] = d["entries"]
                self.glossaries[gid] = g
                return _json(201, getattr(g, version)())
        g = self.glossaries.get(rest[0])
        if g is None:
            return _json(404, {"message": "Glossary not found"})
        if len(rest) == 1:
            if m == "GET":
                return _json(200, getattr(g, version)())
            if m == "DELETE":
                del self.glossaries[g.glossary_id]
                return 204, "text/plain", b""
            if m == "PATCH":
                if "name" in p:
                    g.name = p["name"]
                for d in p.get("dictionaries", []):  # PATCH merges entries, PUT replaces them
                    key = (d["source_lang"].upper(), d["target_lang"].upper())
                    g.dictionaries[key] = _merge_tsv(g.dictionaries.get(key, ""), d["entries"])
                return _json(200, g.v3())
        if rest[1:] == ["entries"] and m == "GET":
            if version == "v2":
                tsv = next(iter(g.dictionaries.values()))
                return 200, "text/tab-separated-values; charset=utf-8", tsv.encode("utf-8")
            key = (str(p["source_lang"]).upper(), str(p["target_lang"]).upper())
            return _json(
                200,
                {
                    "dictionaries": [
                        {
                            "source_lang": key[0].lower(),
                            "target_lang": key[1].lower(),
                            "entries": g.dictionaries[key],
                            "entries_format": "tsv",
                        }
                    ]
                },
            )
        if rest[1:] == ["dictionaries"]:
            if m == "PUT":
                key = (p["source_lang"].upper(), p["target_lang"].upper())
                g.dictionaries[key] = p["entries"]
                return _json(
                    200,
                    {
                        "source_lang": key[0].lower(),
                        "target_lang": key[1].lower(),
                        "entry_count": _entry_count(p["entries"]),
                    },
                )
            if m == "DELETE":
                g.dictionaries.pop((str(p["source_lang"]).upper(), str(p["target_lang"]).upper()), None)
                return 204, "text/plain", b""
        return _json(404, {"message": "Not found"})


def _json(status: int, payload: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode("utf-8")
