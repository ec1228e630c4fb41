"""What every endpoint shares: its errors, reading a request's fields, and the API key.

Everything here treats the request as hostile: every way a body, a field or a header can be
wrong ends in an `ApiError` (a 4xx ``{"error": …}``), never a 500, and no message names a
file of the server.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import errno
import hmac
import json
import math
from collections.abc import Iterator, Sequence
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ApiError(Exception):
    """An answer other than 200: its status, the ``error`` text and any headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_body(message: str) -> bytes:
    return json.dumps({"error": message}).encode()


async def send_error(
    send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    """An ``{"error": …}`` answer written straight to ASGI's ``send``: for code that runs
    outside the app's exception handlers (a middleware, the server's own refusals)."""
    body = error_body(message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """A request body larger than ``body_limit`` bytes gets 413 (before it is read when its
    length is declared, as soon as it passes the limit when it is chunked); a body that has
    not arrived ``read_timeout`` seconds after its request began gets 408 and the connection
    is closed. (The request head has its own deadline in `server.GuardedH11Protocol`.)"""

    def __init__(self, app: ASGIApp, body_limit: int, read_timeout: float) -> None:
        self.app = app
        self.body_limit = body_limit
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.body_limit:
            await send_error(send, 413, f"Request body exceeds {self.body_limit} bytes")
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.read_timeout
        seen = 0
        done = False

        async def limited() -> Message:
            nonlocal seen, done
            if done:  # the body is in: what follows is the wait for a disconnect, not timed
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise ApiError(
                    408, f"Request body not received within {self.read_timeout:g} s", {"Connection": "close"}
                ) from None
            seen += len(message.get("body", b""))
            if seen > self.body_limit:
                raise ApiError(413, f"Request body exceeds {self.body_limit} bytes")
            done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, limited, send)


async def read_params(request: Request) -> dict[str, Any]:
    """The request's fields, from JSON or a form (urlencoded or multipart), as LibreTranslate
    takes them; every text in them checked to be Unicode (`check_text`)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            params = _json_object(await request.body())
        else:
            params = await _form(request)
    except ClientDisconnect:  # nobody will read the answer; it only must not be a 500
        raise ApiError(400, "Invalid request: the client closed the connection") from None
    check_text(params)
    return params


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"null", parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise ApiError(400, "Invalid request: malformed JSON (nested too deeply)") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer past Python's digits limit
        raise ApiError(400, f"Invalid request: malformed JSON ({_first_line(exc)})") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid request: the JSON body must be an object")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


async def _form(request: Request) -> dict[str, Any]:
    try:
        form = await request.form()
    except (ApiError, ClientDisconnect):  # a body past the limit or the deadline stays 413/408
        raise
    except Exception as exc:  # anything the form parser cannot read is the client's mistake
        raise ApiError(400, f"Invalid request: malformed form data ({_first_line(exc)})") from None
    params: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        params[key] = values if key == "q" and len(values) > 1 else (values[0] if values else None)
    return params


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def check_text(value: Any, name: str = "request") -> None:
    """Every string in ``value`` (keys too, at any depth) must be encodable as UTF-8: JSON
    can carry a lone surrogate (``"\\ud800"``), which no tokenizer, file or response can hold.
    Walked without recursion, so no nesting depth can make it fail otherwise."""
    for where, text in _strings(value, name):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ApiError(
                400,
                f"Invalid request: {where} is not valid Unicode text (a lone surrogate, "
                f"U+{ord(text[exc.start]):04X}, at character {exc.start})",
            ) from None


def _strings(value: Any, name: str) -> Iterator[tuple[str, str]]:
    stack = [(name, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, inner in item.items():
                label = key[:40].encode("utf-8", "backslashreplace").decode("utf-8")
                yield f"the field name {label!r}", key
                stack.append((label if where == name else f"{where}.{label}", inner))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", inner) for i, inner in enumerate(item))


def int_field(params: dict[str, Any], name: str, default: int = 0) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise ApiError(400, f"Invalid request: {name} must be a number") from None


def check_key(keys: frozenset[str] | None, request: Request, params: dict[str, Any] | None = None) -> None:
    """403 unless a key of ``keys`` is presented (None: no key needed). A key is read from the
    body's ``api_key`` field (LibreTranslate's way), the query string's ``api_key``, or an
    ``Authorization`` header: ``Bearer KEY``, or Basic with the key as user or password, which
    is what a client sends for a URL written ``http://KEY@host/`` (Weblate's tmserver
    machinery takes nothing but a URL)."""
    if keys is None:
        return
    presented = list(_presented_keys(request, params or {}))
    if not any(hmac.compare_digest(_b(p), _b(k)) for p in presented for k in keys):
        raise ApiError(403, "Invalid API key" if presented else "Please provide an API key")


def _presented_keys(request: Request, params: dict[str, Any]) -> Iterator[str]:
    for key in (params.get("api_key"), request.query_params.get("api_key")):
        if isinstance(key, str) and key:
            yield key
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        yield value
    elif scheme.lower() == "basic" and value:
        try:
            user, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return
        yield from (k for k in (user, password) if k)


def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def storage_error(exc: BaseException, what: str) -> ApiError:
    """A failed write of the server's own files as an answer that names none of them: a lock
    held too long is 503 with Retry-After, a full disk 507, any other failure 503."""
    causes = list(_causes(exc))
    if any(isinstance(c, TimeoutError) for c in causes):  # filelock's Timeout is one
        return ApiError(503, f"{what} not recorded: the file is busy; retry shortly", {"Retry-After": "2"})
    os_error = next((c for c in causes if isinstance(c, OSError)), None)
    if os_error is not None and os_error.errno in (errno.ENOSPC, errno.EDQUOT):
        return ApiError(507, f"{what} not recorded: the server has no space left to store it")
    reason = f" ({os_error.strerror})" if os_error is not None and os_error.strerror else ""
    return ApiError(503, f"{what} not recorded: the server cannot write it now{reason}")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
