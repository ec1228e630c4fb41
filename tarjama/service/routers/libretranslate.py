"""LibreTranslate's API (Weblate's LibreTranslate machinery, `libretranslatepy`, any LT client).

``POST /translate``, ``GET /languages``, ``POST /detect``, ``GET /frontend/settings``,
``GET /spec`` and ``POST /suggest`` (a correction recorded for review, never approved by
itself). Fields come as JSON or a form; a form's fields may also come in the query string, as
LibreTranslate reads ``request.values``. Checked in LibreTranslate's order, with its texts:
``q``, ``source``, ``target`` missing, then each text against ``--char-limit`` (one long text
fails its request, not the limit of the sum), then the languages (``xx is not supported``),
then the format. Where tarjama answers more than LibreTranslate (docs/service.md: a text with
no Arabic letter comes back as it is, ``alternatives`` from the memory, ``/suggest``) it is a
superset: every request LibreTranslate answers gets the answer's shape it gives.
"""

from __future__ import annotations

import sys
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tarjama.catalog.memory import TranslationMemory
from tarjama.catalog.suggestions import record_suggestion
from tarjama.errors import TarjamaError
from tarjama.service.batcher import Busy
from tarjama.service.common import (
    NAMES,
    SOURCE,
    ApiError,
    busy_error,
    check_key,
    check_languages,
    int_field,
    read_params,
    serves_pair,
    service_of,
    storage_error,
    translate_texts_rated,
    unsupported,
)
from tarjama.sources.text import arabic_share

router = APIRouter()


async def read_lt_params(request: Request) -> dict[str, Any]:
    """The body's fields; for a form, the query string's fill in what the body lacks."""
    params = await read_params(request)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        for key, value in request.query_params.multi_items():
            params.setdefault(key, value)
    return params


@router.post("/translate")
async def translate(request: Request) -> JSONResponse:
    service = service_of(request)
    config = service.config
    params = await read_lt_params(request)
    check_key(config.api_keys, request, params)
    q = params.get("q")
    given = q if isinstance(q, list) else [q]
    texts = [t for t in given if isinstance(t, str)]
    # q absent, an empty list, a text that is no string, or nothing but blanks
    if len(texts) != len(given) or not texts or all(not t.strip() for t in texts):
        raise ApiError(400, "Invalid request: missing q parameter")
    source = params.get("source")
    target = params.get("target")
    if not isinstance(source, str) or not source:
        raise ApiError(400, "Invalid request: missing source parameter")
    if not isinstance(target, str) or not target:
        raise ApiError(400, "Invalid request: missing target parameter")
    alternatives = int_field(params, "alternatives")
    for text in texts:  # each text, as LibreTranslate counts (Weblate sends 20 at once)
        if config.char_limit and len(text) > config.char_limit:
            raise ApiError(
                400, f"Invalid request: request ({len(text)}) exceeds text limit ({config.char_limit})"
            )
    check_languages(config, source, target, texts)
    fmt = str(params.get("format") or "text")
    if fmt not in ("text", "html"):
        raise ApiError(400, f"{fmt[:40]} format is not supported")
    wants_risk = _wants_risk(params)
    try:
        rated = await translate_texts_rated(service, texts, fmt)
    except Busy as exc:
        raise busy_error(exc) from None
    outputs = [text for text, _ in rated]
    body: dict[str, Any] = {"translatedText": outputs if isinstance(q, list) else outputs[0]}
    if alternatives > 0:
        # memory's near matches are the alternatives a desk has; the model gives one answer
        alts = [_alternatives(service.memory, text, alternatives) for text in texts]
        body["alternatives"] = alts if isinstance(q, list) else alts[0]
    if wants_risk:  # tarjama's extra field, only when asked: see docs/risk.md
        risks = [risk for _, risk in rated]
        body["risk"] = risks if isinstance(q, list) else risks[0]
    if source == "auto":
        detected = [{"confidence": round(100 * arabic_share(t), 1), "language": SOURCE} for t in texts]
        body["detectedLanguage"] = detected if isinstance(q, list) else detected[0]
    return JSONResponse(body)


@router.get("/languages")
async def languages(request: Request) -> JSONResponse:
    # libretranslatepy sends a urlencoded body with its GET: it is simply not read
    config = service_of(request).config
    return JSONResponse(
        [
            {"code": SOURCE, "name": NAMES[SOURCE], "targets": [config.lang]},
            {"code": config.lang, "name": NAMES.get(config.lang, config.lang), "targets": []},
        ]
    )


@router.post("/detect")
async def detect(request: Request) -> JSONResponse:
    config = service_of(request).config
    params = await read_lt_params(request)
    check_key(config.api_keys, request, params)
    q = params.get("q")
    if not isinstance(q, str) or not q.strip():
        raise ApiError(400, "Invalid request: missing q parameter")
    share = arabic_share(q)
    language = SOURCE if share >= 0.5 else config.lang
    return JSONResponse(
        [
            {
                "confidence": round(100 * (share if language == SOURCE else 1 - share), 1),
                "language": language,
            }
        ]
    )


@router.get("/frontend/settings")
async def frontend_settings(request: Request) -> JSONResponse:
    config = service_of(request).config
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


@router.get("/spec")
async def spec(request: Request) -> JSONResponse:
    """The OpenAPI description of every route (LibreTranslate serves its Swagger JSON here)."""
    return JSONResponse(request.app.openapi())


@router.post("/suggest")
async def suggest(request: Request) -> JSONResponse:
    config = service_of(request).config
    params = await read_lt_params(request)
    check_key(config.api_keys, request, params)
    if config.suggestions is None:
        raise ApiError(403, "Suggestions are disabled on this server (start it with --suggestions FILE)")
    q, s = params.get("q"), params.get("s")
    if not isinstance(q, str) or not q.strip() or not isinstance(s, str) or not s.strip():
        raise ApiError(400, "Invalid request: q (the source) and s (the suggested translation) are required")
    source, target = str(params.get("source") or ""), str(params.get("target") or "")
    if not serves_pair(config, source, target):  # a suggestion is always for the served pair
        raise unsupported(source, target)
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


def _wants_risk(params: dict[str, Any]) -> bool:
    value = params.get("risk")
    if value is None or value is False or value in ("", "0", "false", "False"):
        return False
    if value is True or value in ("1", "true", "True"):
        return True
    raise ApiError(400, "Invalid request: risk must be true or false")


def _alternatives(memory: TranslationMemory, text: str, n: int) -> list[str]:
    hit = memory.fuzzy(text)
    return [hit.target][:n] if hit is not None else []
