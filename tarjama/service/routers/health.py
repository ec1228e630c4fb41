"""Health and traffic: ``GET|HEAD /health`` (ready or not, LibreTranslate's exact body) and
``GET /stats`` (the batcher's counters). Nothing about the machine: no model path, no file."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tarjama.service.common import service_of

router = APIRouter()


@router.api_route("/health", methods=["GET", "HEAD"])
async def health(request: Request) -> JSONResponse:
    if not service_of(request).ready:
        return JSONResponse({"status": "loading"}, status_code=503, headers={"Retry-After": "5"})
    return JSONResponse({"status": "ok"})


@router.get("/stats")
async def stats(request: Request) -> JSONResponse:
    """What the batcher did: requests, batches and the largest, sentences, decoded, memory hits."""
    service = service_of(request)
    s = service.batcher.stats
    return JSONResponse(
        {
            "ready": service.ready,
            "requests": s.requests,
            "batches": s.batches,
            "largest_batch": s.largest_batch,
            "sentences": s.sentences,
            "decoded": s.decoded,
            "memory_hits": s.memory_hits,
            "decoding_seconds": round(s.decoding, 3),
        }
    )
