"""The APIs `tarjama serve` speaks: one router module each, over the service core (`common`).

Adding an API is one module with an ``APIRouter`` (its routes read the `Service` with
`common.service_of` and raise `common.ApiError`) and one line in ``ROUTERS``. A router whose
errors have a shape of their own (DeepL's ``{"message": …}``) declares it with
``dependencies=[error_shape(...)]``; the default is LibreTranslate's ``{"error": …}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.routing import APIRouter

ErrorBody = Callable[[str], dict[str, Any]]


def lt_error(message: str) -> dict[str, Any]:
    return {"error": message}


def error_shape(shape: ErrorBody) -> Any:
    """A router dependency that makes its routes' errors ``shape(message)``."""

    def mark(request: Request) -> None:
        request.scope["tarjama.error_shape"] = shape

    return Depends(mark)


def error_body(request: Request, message: str) -> dict[str, Any]:
    return request.scope.get("tarjama.error_shape", lt_error)(message)


def _routers() -> list[APIRouter]:
    from tarjama.service.routers import deepl, health, libretranslate, tmserver

    return [
        health.router,
        libretranslate.router,
        tmserver.router,
        deepl.router,
    ]


ROUTERS: list[APIRouter] = _routers()
