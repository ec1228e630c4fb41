"""The APIs `tarjama serve` speaks: one router module each, over the service core (`common`).

Adding an API is one module with an ``APIRouter`` (its routes read the `Service` with
`common.service_of` and raise `common.ApiError`) and one line in ``APIS``. An API whose errors
have a shape of their own (DeepL's ``{"message": …}``) names it with the path prefixes it
owns: every error under them takes that shape, a route's own, a 404 or 405, and a body the
limits refuse (413, 408). Anywhere else errors are LibreTranslate's ``{"error": …}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRouter
from starlette.types import Scope

ErrorBody = Callable[[str], dict[str, Any]]


def lt_error(message: str) -> dict[str, Any]:
    return {"error": message}


@dataclass(frozen=True)
class Api:
    router: APIRouter
    prefixes: tuple[str, ...] = ()  # paths whose errors take ``shape``
    shape: ErrorBody = lt_error


def shape_for(scope: Scope) -> ErrorBody:
    path = scope.get("path", "")
    for api in APIS:
        if api.prefixes and path.startswith(api.prefixes):
            return api.shape
    return lt_error


def _apis() -> list[Api]:
    from tarjama.service.routers import deepl, health, libretranslate, tmserver

    return [
        Api(health.router),
        Api(libretranslate.router),
        Api(tmserver.router),
        Api(deepl.router, ("/v2/", "/v3/"), deepl.error),
    ]


APIS: list[Api] = _apis()
