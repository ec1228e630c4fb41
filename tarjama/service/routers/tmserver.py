"""The amaGama/tmserver lookup Weblate's "tmserver" machinery reads: the desk's reviewed
translation memory, exact and nearest hits, never the model.

``GET /tmserver/languages/`` lists the one pair; ``GET /tmserver/{source}/{target}/unit/{text}``
answers the hits. Weblate's settings form asks ``/en/de/unit/test`` before it saves: a text
with no Arabic letter has no hit in an Arabic memory, so it gets ``[]`` for any pair of
languages (`common.check_languages`); Arabic text for a pair not served is a 400. The key comes only as the URL's Basic credentials
(Weblate's form has no key field).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tarjama.service.common import (
    SOURCE,
    check_key,
    check_languages,
    check_text,
    has_arabic,
    service_of,
)

router = APIRouter(prefix="/tmserver")


@router.get("/languages/")
async def languages(request: Request) -> JSONResponse:
    config = service_of(request).config
    return JSONResponse({"sourceLanguages": [SOURCE], "targetLanguages": [config.lang]})


@router.get("/{source}/{target}/unit/{text:path}")
async def unit(request: Request, source: str, target: str, text: str) -> JSONResponse:
    service = service_of(request)
    check_key(service.config.api_keys, request)  # the desk's reviewed pairs: never to anyone
    check_text(text, "the unit text")
    check_languages(service.config, source, target, [text])
    if not has_arabic(text):  # Weblate's settings probe, "test" en → de: no hit, claims nothing
        return JSONResponse([])
    hits = []
    exact = service.memory.exact(text)
    if exact is not None:
        hits.append({"source": exact.source, "target": exact.target, "quality": 100})
    near = service.memory.fuzzy(text)
    if near is not None and (exact is None or near.source != exact.source):
        hits.append({"source": near.source, "target": near.target, "quality": round(near.score * 100)})
    return JSONResponse(hits)
