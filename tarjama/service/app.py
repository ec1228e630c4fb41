"""`tarjama serve`: the desk's MT, glossary and memory behind the APIs its tools speak (FastAPI, uvicorn).

Each API is one router module of `tarjama.service.routers` (LibreTranslate, tmserver, DeepL,
health), registered in one line there, over one service core (`common.Service`: the run core,
the batcher, the glossary, the memory, the API key). Whatever the API, every text goes through
the run core (`Run.translate_sentences`), the code `translate` and `batch` use: segmented,
exact memory hits without the model, glossary terms enforced, inline markup and Weblate's
placeholders put back around their words; concurrent requests are batched (`batcher.py`).

Here: the app itself, its limits (`common.RequestLimits`), CORS (browser clients, as
LibreTranslate allows them), and its error answers, each in the shape of the API asked
(`routers.shape_for`): never a traceback and never a path of the server.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from tarjama.service import routers
from tarjama.service.common import ApiError, RequestLimits, Service, ServiceConfig, read_text
from tarjama.service.server import AccessTimer, say_ready_when_listening

__all__ = ["Service", "ServiceConfig", "create_app", "read_text"]


def create_app(service: Service) -> FastAPI:
    config = service.config

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.model.backend()  # loaded once, before the first request
        await service.batcher.start()
        service.ready = True
        # said once the socket listens (uvicorn starts listening after this startup)
        say_ready_when_listening(f"tarjama serve: ready ({config.label})")
        yield
        service.ready = False
        await service.batcher.stop()  # requests already accepted are answered first

    app = FastAPI(title="tarjama", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = service
    app.add_middleware(
        RequestLimits, body_limit=config.body_limit, read_timeout=config.read_timeout, shape=routers.shape_for
    )
    # LibreTranslate's CORS headers (its app.py), for every API: a browser page may call the
    # desk's server; outside the limits, so that a 413 gets CORS headers too
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Authorization"],
        max_age=1728000,
    )
    app.add_middleware(AccessTimer)  # outermost: times the whole answer for the access log

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(request, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        # 404, 405: the API's shape, not Starlette's {"detail": …}
        return JSONResponse(
            error_body(request, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(request, _validation_message(exc)), status_code=400)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # the server's log gets the text (it may name a file); the client only the kind
        print(f"tarjama serve: error: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return JSONResponse(error_body(request, f"internal error: {type(exc).__name__}"), status_code=500)

    for api in routers.APIS:
        app.include_router(api.router)
    return app


def error_body(request: Request, message: str) -> dict[str, Any]:
    return routers.shape_for(request.scope)(message)


def _validation_message(exc: RequestValidationError) -> str:
    """pydantic's first complaint as one line naming the field (never the value sent)."""
    errors = exc.errors()
    if not errors:
        return "Invalid request"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    return f"Invalid request: {where or 'body'}: {first.get('msg', 'invalid')}"[:300]
