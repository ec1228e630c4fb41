"""`tarjama serve`: the desk's MT, glossary and memory behind LibreTranslate's API (FastAPI, uvicorn).

Weblate's LibreTranslate machinery, `libretranslatepy` and any LibreTranslate client get
tarjama's pipeline, not just a model: each ``q`` is segmented, exact translation-memory hits
answer without the model, glossary terms are enforced, inline markup and Weblate's ``[X7X]``
placeholders are kept, and the sentences are joined back as the text had them. Every
sentence goes through the run core (`Run.translate_sentences`), the same code `translate` and
`batch` use; concurrent requests are batched (`batcher.py`).

Endpoints: ``POST /translate``, ``GET /languages``, ``POST /detect``, ``GET /frontend/settings``,
``GET /health``, ``POST /suggest`` (a correction recorded for review, never approved by
itself), and the amaGama/tmserver lookup Weblate's "tmserver" machinery reads,
``GET /tmserver/{source}/{target}/unit/{text}``. Every endpoint that gives out the desk's
data or takes it in asks for the API key (`common.check_key`). Errors are ``{"error": …}``
(`common.ApiError`), never a traceback and never a path of the server.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from tarjama.catalog.export import render
from tarjama.catalog.memory import TranslationMemory
from tarjama.catalog.suggestions import record_suggestion
from tarjama.errors import TarjamaError
from tarjama.glossary import Glossary, Matcher
from tarjama.run.core import Model, Run, RunOptions, Translated
from tarjama.service.batcher import Batcher, Busy
from tarjama.service.common import (
    ApiError,
    RequestLimits,
    check_key,
    check_text,
    int_field,
    read_params,
    storage_error,
)
from tarjama.service.server import say_ready_when_listening
from tarjama.sources import Sentence
from tarjama.sources.html import read_page
from tarjama.sources.inline import Paragraph, T, Token, paragraph_sentences, to_sentences
from tarjama.sources.text import is_arabic_letter

SOURCE = "ar"
NAMES = {"ar": "Arabic", "en": "English"}
# Weblate hides placeholders and markup behind [X7X]-style tokens before it asks for MT.
PLACEHOLDER = re.compile(r"\[X\d+X\]")


@dataclass
class ServiceConfig:
    lang: str = "en"
    api_keys: frozenset[str] | None = None  # None: no key needed
    char_limit: int = 5000  # characters of q per request
    body_limit: int = 1_000_000  # bytes of a request body
    read_timeout: float = 20.0  # seconds a request body may take to arrive
    max_batch: int = 32
    max_wait_ms: float = 5.0
    max_queue: int = 1024  # sentences waiting before requests are refused (429)
    suggestions: Path | None = None  # POST /suggest writes here (a PO a translator accepts)
    lock_timeout: float = 10.0  # seconds /suggest waits for another writer of that PO
    label: str = ""  # what the ready line says is loaded (on the server's terminal only)


@dataclass
class Service:
    """What the process holds for its life: the model (loaded at start), glossary, memory, batcher."""

    config: ServiceConfig
    model: Model
    options: RunOptions
    glossary: Glossary | None
    memory: TranslationMemory
    matcher: Matcher | None = None
    batcher: Batcher = field(init=False)
    ready: bool = False  # the model is loaded and the batcher runs: /health says 200

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.glossary) if self.glossary is not None else None
        self.batcher = Batcher(
            self.translate_now,
            max_batch=self.config.max_batch,
            max_wait=self.config.max_wait_ms / 1000,
            max_queue=self.config.max_queue,
        )

    def translate_now(self, sentences: Sequence[Sentence]) -> dict[str, Translated]:
        """One batch through the run core (a fresh `Run`: no state grows across requests)."""
        run = Run(self.options, self.model, self.glossary, self.memory, matcher=self.matcher)
        return run.translate_sentences(sentences)


def create_app(service: Service) -> FastAPI:
    config = service.config

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service.model.backend()  # loaded once, before the first request
        await service.batcher.start()
        service.ready = True
        # said once the socket listens (uvicorn starts listening after this startup)
        say_ready_when_listening(f"tarjama serve: ready ({config.label})")
        yield
        service.ready = False
        await service.batcher.stop()  # requests already accepted are answered first

    app = FastAPI(title="tarjama", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(RequestLimits, body_limit=config.body_limit, read_timeout=config.read_timeout)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        # 404, 405: the documented shape, not Starlette's {"detail": …}
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "Invalid request"}, status_code=400)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        # the server's log gets the text (it may name a file); the client only the kind
        print(f"tarjama serve: error: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return JSONResponse({"error": f"internal error: {type(exc).__name__}"}, status_code=500)

    @app.post("/translate")
    async def translate(request: Request) -> JSONResponse:
        params = await read_params(request)
        check_key(config.api_keys, request, params)
        q = params.get("q")
        texts = q if isinstance(q, list) else [q]
        if q is None or not texts or any(not isinstance(t, str) for t in texts):
            raise ApiError(400, "Invalid request: missing q parameter (a string or a list of strings)")
        if all(not t.strip() for t in texts):
            raise ApiError(400, "Invalid request: q is empty")
        source = str(params.get("source") or "")
        target = str(params.get("target") or "")
        _check_pair(config, source, target)
        chars = sum(len(t) for t in texts)
        if config.char_limit and chars > config.char_limit:
            raise ApiError(
                400, f"Invalid request: request ({chars}) exceeds text limit ({config.char_limit})"
            )
        fmt = str(params.get("format") or "text")
        if fmt not in ("text", "html"):
            raise ApiError(400, f"Invalid request: format must be text or html, not {fmt!r}")
        alternatives = int_field(params, "alternatives")
        documents = [_read(text, fmt) for text in texts]
        sentences = [s for doc in documents for s in doc[1]]
        try:
            done = await service.batcher.submit(sentences) if sentences else {}
        except Busy as exc:
            raise ApiError(429, f"Too many requests: {exc}", {"Retry-After": "1"}) from None
        outputs = [
            _write(text, doc_sentences, marks, done, fmt, config.lang)
            for text, (_, doc_sentences, marks) in zip(texts, documents, strict=True)
        ]
        body: dict[str, Any] = {"translatedText": outputs if isinstance(q, list) else outputs[0]}
        if alternatives > 0:
            # memory's near matches are the alternatives a desk has; the model gives one answer
            alts = [_alternatives(service.memory, text, alternatives) for text in texts]
            body["alternatives"] = alts if isinstance(q, list) else alts[0]
        if _wants_risk(params):  # tarjama's extra field, only when asked: see docs/risk.md
            risks = [_text_risk(doc_sentences, done) for _, doc_sentences, _ in documents]
            body["risk"] = risks if isinstance(q, list) else risks[0]
        if source == "auto":
            detected = [{"confidence": round(100 * _arabic_share(t), 1), "language": SOURCE} for t in texts]
            body["detectedLanguage"] = detected if isinstance(q, list) else detected[0]
        return JSONResponse(body)

    @app.api_route("/languages", methods=["GET", "POST"])
    async def languages() -> JSONResponse:
        # libretranslatepy sends a urlencoded body with its GET: it is simply not read
        return JSONResponse(
            [
                {"code": SOURCE, "name": NAMES[SOURCE], "targets": [config.lang]},
                {"code": config.lang, "name": NAMES.get(config.lang, config.lang), "targets": []},
            ]
        )

    @app.post("/detect")
    async def detect(request: Request) -> JSONResponse:
        params = await read_params(request)
        check_key(config.api_keys, request, params)
        q = params.get("q")
        if not isinstance(q, str) or not q.strip():
            raise ApiError(400, "Invalid request: missing q parameter")
        share = _arabic_share(q)
        language = SOURCE if share >= 0.5 else config.lang
        return JSONResponse(
            [
                {
                    "confidence": round(100 * (share if language == SOURCE else 1 - share), 1),
                    "language": language,
                }
            ]
        )

    @app.get("/frontend/settings")
    async def frontend_settings() -> JSONResponse:
        return JSONResponse(
            {
                "charLimit": config.char_limit,
                "frontendTimeout": 500,
                "apiKeys": config.api_keys is not None,
                "keyRequired": config.api_keys is not None,
                "suggestions": config.suggestions is not None,
                "filesTranslation": False,
                "supportedFilesFormat": [],
                "language": {
                    "source": {"code": SOURCE, "name": NAMES[SOURCE]},
                    "target": {"code": config.lang, "name": NAMES.get(config.lang, config.lang)},
                },
            }
        )

    @app.api_route("/health", methods=["GET", "HEAD"])
    async def health() -> JSONResponse:
        """Ready or not, and traffic counters; nothing about the machine (no model path, no file)."""
        if not service.ready:
            return JSONResponse({"status": "loading"}, status_code=503, headers={"Retry-After": "5"})
        stats = service.batcher.stats
        return JSONResponse(
            {
                "status": "ok",
                "requests": stats.requests,
                "batches": stats.batches,
                "largest_batch": stats.largest_batch,
                "sentences": stats.sentences,
                "decoded": stats.decoded,
                "memory_hits": stats.memory_hits,
            }
        )

    @app.get("/tmserver/{source}/{target}/unit/{text:path}")
    async def tmserver(request: Request, source: str, target: str, text: str) -> JSONResponse:
        check_key(config.api_keys, request)  # the desk's reviewed pairs: never to anyone
        check_text(text, "the unit text")
        _check_pair(config, source, target)
        hits = []
        exact = service.memory.exact(text)
        if exact is not None:
            hits.append({"source": exact.source, "target": exact.target, "quality": 100})
        near = service.memory.fuzzy(text)
        if near is not None and (exact is None or near.source != exact.source):
            hits.append({"source": near.source, "target": near.target, "quality": round(near.score * 100)})
        return JSONResponse(hits)

    @app.post("/suggest")
    async def suggest(request: Request) -> JSONResponse:
        params = await read_params(request)
        check_key(config.api_keys, request, params)
        if config.suggestions is None:
            raise ApiError(403, "Suggestions are disabled on this server (start it with --suggestions FILE)")
        q, s = params.get("q"), params.get("s")
        if not isinstance(q, str) or not q.strip() or not isinstance(s, str) or not s.strip():
            raise ApiError(
                400, "Invalid request: q (the source) and s (the suggested translation) are required"
            )
        _check_pair(config, str(params.get("source") or ""), str(params.get("target") or ""))
        if config.char_limit and len(q) + len(s) > config.char_limit:
            raise ApiError(
                400, f"Invalid request: request ({len(q) + len(s)}) exceeds text limit ({config.char_limit})"
            )
        try:
            # off the event loop: waiting for the PO's lock must not stall every other request
            recorded = await run_in_threadpool(
                record_suggestion,
                config.suggestions,
                q.strip(),
                s.strip(),
                config.lang,
                SOURCE,
                config.lock_timeout,
            )
        except (OSError, TarjamaError) as exc:
            print(f"tarjama serve: error: suggestion not recorded: {exc}", file=sys.stderr, flush=True)
            raise storage_error(exc, "Suggestion") from None
        body: dict[str, Any] = {"success": True}
        if recorded.reviewed:
            body["note"] = (
                "a translator has reviewed this sentence: the suggestion is recorded beside the "
                "review for them to see, and the review is unchanged"
            )
        return JSONResponse(body)

    return app


def _check_pair(config: ServiceConfig, source: str, target: str) -> None:
    if (
        source.lower() not in (SOURCE, "auto")
        or target.lower().replace("_", "-").split("-")[0] != config.lang
    ):
        raise ApiError(
            400,
            f"Invalid request: this server translates {SOURCE} → {config.lang} only "
            f"(source {SOURCE} or auto, target {config.lang}); got {source or '?'} → {target or '?'}",
        )


def _read(text: str, fmt: str) -> tuple[str, list[Sentence], tuple[tuple[int, int, str], ...]]:
    """A request text as sentences with source ranges: an HTML fragment by the HTML reader; plain
    text line by line, Weblate's placeholders kept as they are."""
    if fmt == "html":
        page = read_page(text)
        marks = tuple((a.start, a.end, a.name) for a in page.lang_attributes)
        return text, list(to_sentences(text, page.pieces)), marks
    pieces = []
    pos = 0
    for line in text.split("\n"):
        tokens, at = [], 0
        for m in PLACEHOLDER.finditer(line):
            if m.start() > at:
                tokens.append(_text_token(line, pos, at, m.start()))
            tokens.append(Token(T.OPAQUE, pos + m.start(), pos + m.end(), m.group(0), m.group(0)))
            at = m.end()
        if at < len(line):
            tokens.append(_text_token(line, pos, at, len(line)))
        if any(t.kind is T.TEXT and t.text.strip() for t in tokens):
            pieces += [(p, "") for p in paragraph_sentences(Paragraph(tokens), str, "text")]
        pos += len(line) + 1
    return text, list(to_sentences(text, pieces)), ()


def _text_token(line: str, offset: int, a: int, b: int) -> Token:
    return Token(
        T.TEXT, offset + a, offset + b, text=line[a:b], chars=list(range(offset + a, offset + b + 1))
    )


def _write(
    text: str,
    sentences: list[Sentence],
    marks: tuple[tuple[int, int, str], ...],
    done: dict[str, Translated],
    fmt: str,
    lang: str,
) -> str:
    def translation(s: Sentence) -> str | None:
        t = done.get(s.text)
        return t.text if t is not None and t.text else None

    return render(text, sentences, translation, fmt if fmt == "html" else "text", marks, lang)


def _wants_risk(params: dict[str, Any]) -> bool:
    value = params.get("risk")
    if value is None or value is False or value in ("", "0", "false", "False"):
        return False
    if value is True or value in ("1", "true", "True"):
        return True
    raise ApiError(400, "Invalid request: risk must be true or false")


def _text_risk(sentences: list[Sentence], done: dict[str, Translated]) -> dict[str, Any]:
    """A text's risk: its riskiest sentence's, with the reasons of all its sentences, riskiest
    first (a translation from the reviewed memory has none)."""
    notes = sorted(
        (t.risk for s in sentences if (t := done.get(s.text)) is not None and t.risk is not None),
        key=lambda n: -n.risk,
    )
    reasons = list(dict.fromkeys(r for n in notes for r in n.reasons))
    return {"risk": round(notes[0].risk, 2) if notes else 0.0, "reasons": reasons}


def _alternatives(memory: TranslationMemory, text: str, n: int) -> list[str]:
    hit = memory.fuzzy(text)
    return [hit.target][:n] if hit is not None else []


def _arabic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(map(is_arabic_letter, letters)) / len(letters) if letters else 0.0
