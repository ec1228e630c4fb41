"""The HTTP server around the app: uvicorn with bounded reads, writes, connections and headers,
on sockets bound before the model loads, in one process or several.

uvicorn alone holds a connection for as long as a client keeps it half-sent (its keep-alive
timer is cancelled by every byte received, and nothing times the first request), answers
any number of connections, and with httptools reads a header of any size into memory. So:

* the HTTP parser is h11, whose incomplete-event limit holds an unfinished request line and
  headers to ``header_limit`` bytes (and a whole head is measured as it completes); past it
  the request gets 431 and the connection is closed;
* `GuardedH11Protocol` gives each request ``read_timeout`` seconds from the connection (or
  from the previous answer) to send its request line and headers, however slowly they
  trickle in; the body gets as long again, timed by `RequestLimits` in the app (408); a
  client that lets its answers back up unread is cut off after as long;
* past ``max_connections`` open connections (or as many requests in flight) a request gets
  503 with ``Retry-After``, and every error the server itself writes is ``{"error": …}``.

The sockets are bound before the model loads (`bind`), so a taken port is one line and no
"ready"; they listen once the model is loaded, and "ready" is said only then
(`say_ready_when_listening`), in each worker.

With ``--access-log`` each answer is a line on stderr through uvicorn's own access logger
(`AccessLine`): when, the client, the method, the route, the status and the milliseconds to the
answer's head. Never the request's text, which is the desk's unpublished news: no query string
(it may carry ``q`` or a key), and a route's text parameter (tmserver's unit) as ``{text}``.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import http
import json
import logging
import socket
import sys
import time
from dataclasses import dataclass
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle
from uvicorn.supervisors.multiprocess import Multiprocess

from tarjama.errors import TarjamaError
from tarjama.service.common import send_error
from tarjama.service.routers import shape_for


@dataclass(frozen=True)
class Limits:
    """What one client may hold of the server; each has a `tarjama serve` option."""

    read_timeout: float = 20.0  # seconds for a request's line and headers, and as long for its body
    keep_alive: float = 5.0  # seconds an idle connection stays open between requests
    max_connections: int = 256  # open connections (per worker) before requests get 503
    header_limit: int = 16_384  # bytes of request line and headers before 431


_REASONS = {
    errno.EADDRINUSE: "address in use",
    errno.EACCES: "permission denied (ports below 1024 need privileges)",
    errno.EADDRNOTAVAIL: "no such address on this machine",
}


def bind(host: str, port: int) -> list[socket.socket]:
    """Bind now, before anything loads: a port another server listens on is one line. The
    sockets listen once the app has started (uvicorn's ``create_server``), so until the model is
    loaded a client is refused, as by a server that is not there yet. Every address the host
    name has is bound (``localhost``: 127.0.0.1 and ::1), as uvicorn itself would."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        raise TarjamaError(listen_error(host, port, exc)) from None
    sockets: list[socket.socket] = []
    try:
        addresses = {info[4]: info for info in infos}  # getaddrinfo may repeat one per protocol
        for family, kind, proto, _, address in addresses.values():
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:  # ::1 beside 127.0.0.1, not the IPv4 one again
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if port == 0 and len(sockets) > 1:  # one port for all the addresses
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock.bind(address)
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise TarjamaError(listen_error(host, port, exc)) from None
    return sockets


def listen_error(host: str, port: int, exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno in _REASONS:
        reason = _REASONS[exc.errno]
    else:
        reason = (getattr(exc, "strerror", None) or str(exc)).lower()
    return f"cannot listen on {host}:{port}: {reason}"


_ready_line: str | None = None


def say_ready_when_listening(line: str) -> None:
    """``line`` goes to stderr as soon as this process's server accepts connections."""
    global _ready_line
    _ready_line = line


async def _announce() -> None:
    # uvicorn's notify callback: first called right after the server started listening
    # (then every timeout_notify seconds), in each worker process
    global _ready_line
    if _ready_line is not None:
        print(_ready_line, file=sys.stderr, flush=True)
        _ready_line = None


# the request being answered (its scope, when it began), for its access log line
_answering: contextvars.ContextVar[tuple[dict[str, Any], float] | None] = contextvars.ContextVar(
    "tarjama_answering", default=None
)
# route parameters an access line may show as sent; any other (a text) is shown as its name
_SHOWN_PARAMETERS = frozenset({"source", "target", "glossary_id"})


class AccessTimer:
    """ASGI middleware, outermost: notes each request's scope and start for `AccessLine`
    (uvicorn logs the line from inside the app's ``send``, in the same context)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            _answering.set((scope, time.perf_counter()))
        await self.app(scope, receive, send)


class AccessLine(logging.Filter):
    """Rewrites uvicorn's access record (client, method, path with query, version, status) as
    ``client method route status ms``, the route as matched with its text parameters unfilled."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) != 5:
            return True
        client, method, _path, _version, status = args
        current = _answering.get()
        route, ms = "-", "-"
        if current is not None:
            scope, began = current
            ms = f"{(time.perf_counter() - began) * 1000:.1f}"
            route = _logged_route(scope)
        record.msg = "%s %s %s %s %s ms"
        record.args = (client, method, route, status, ms)
        return True


def _logged_route(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str):
        return "(no route)"  # a 404: the path may be anything a client typed, so not shown
    params = scope.get("path_params") or {}
    for name, value in params.items():
        if name in _SHOWN_PARAMETERS and isinstance(value, str) and len(value) <= 64 and value.isprintable():
            template = template.replace("{" + name + "}", value)
    return template


class ServeConfig(uvicorn.Config):
    """uvicorn's settings plus `Limits`; pickled whole into each worker of ``--workers N``."""

    def __init__(self, app: Any, limits: Limits, access_log: bool = False, **kwargs: Any) -> None:
        super().__init__(
            app,
            http=GuardedH11Protocol,
            ws="none",
            lifespan="on",
            log_level="warning",
            access_log=access_log,
            timeout_graceful_shutdown=30,
            timeout_keep_alive=limits.keep_alive,  # type: ignore[arg-type]  # uvicorn takes a float
            h11_max_incomplete_event_size=limits.header_limit,
            callback_notify=_announce,
            **kwargs,
        )
        self.limits = limits

    def configure_logging(self) -> None:
        """uvicorn's logging; with the access log, its access logger at INFO on stderr through
        `AccessLine` (called again in each worker process)."""
        super().configure_logging()
        if not self.access_log:
            return
        logger = logging.getLogger("uvicorn.access")
        handler = logging.StreamHandler(sys.stderr)
        formatter = logging.Formatter("%(asctime)s.%(msecs)03dZ %(message)s", "%Y-%m-%dT%H:%M:%S")
        formatter.converter = time.gmtime
        handler.setFormatter(formatter)
        handler.addFilter(AccessLine())
        logger.handlers = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head, the connection cap
    counted exactly (uvicorn counts the new connection against itself), and JSON errors."""

    def __init__(self, config: ServeConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.limits = config.limits  # the connection cap is `app`'s below (uvicorn's answers in text)
        self._deadline: asyncio.TimerHandle | None = None
        self._stall: asyncio.TimerHandle | None = None
        self._waiting_since: object = None  # the cycle in place when the wait for a request began
        self._line = bytearray()  # the request line as it came: whose error shape a refusal takes

    # uvicorn reads `self.app` once per request, as its head completes: the request is judged there
    @property
    def app(self) -> Any:
        cap = self.limits.max_connections
        if len(self.connections) > cap or len(self.tasks) >= cap:
            return _answer(503, f"Server busy: {cap} connections are open; retry shortly", retry=True)
        # h11's limit holds an unfinished head to header_limit (memory stays bounded), but a whole
        # head that came in one read is parsed at once, whatever its size: measured here
        scope = self.scope
        size = len(scope["raw_path"]) + len(scope["query_string"]) + len(scope["method"])
        size += sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.limits.header_limit:
            return _answer(431, f"Request line and headers exceed {self.limits.header_limit} bytes")
        return self._app

    @app.setter
    def app(self, value: Any) -> None:
        self._app = value

    # uvicorn's own signature, asyncio.Transport where asyncio.Protocol says BaseTransport
    # (uvicorn ignores [override] on it too): the transport a TCP server hands is a Transport
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        self._cancel_stall()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if b"\n" not in self._line and len(self._line) < 4096:  # h11 drops the bytes of a head it refuses
            self._line += data[: 4096 - len(self._line)]
        try:
            super().data_received(data)
        except Exception as exc:  # a parser state nobody foresaw: this connection fails, in JSON
            self.logger.warning("tarjama serve: unreadable request: %s", type(exc).__name__)
            self._refuse(400, "Invalid HTTP request")
            return
        self._request_began()

    def on_response_complete(self) -> None:
        self._await_request()  # the next request on this connection gets the same time
        super().on_response_complete()  # may start a pipelined request at once
        self._request_began()

    # a client that stops reading its answers would hold the connection for ever (uvicorn waits
    # for the buffer to drain): it gets as long as a request's head, then is cut off
    def pause_writing(self) -> None:
        super().pause_writing()
        self._cancel_stall()
        self._stall = self.loop.call_later(self.limits.read_timeout, self._stalled)

    def resume_writing(self) -> None:
        self._cancel_stall()
        super().resume_writing()

    def _stalled(self) -> None:
        self._stall = None
        self.transport.abort()  # close() would wait for the buffer the client never reads

    def _cancel_stall(self) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def send_400_response(self, msg: str) -> None:
        """h11 refused the bytes: a head past the limit gets 431, anything else 400."""
        if len(self.conn.trailing_data[0]) > self.limits.header_limit:
            self._refuse(431, f"Request line and headers exceed {self.limits.header_limit} bytes")
        else:
            self._refuse(400, "Invalid HTTP request")

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` and close, in the error shape of the API the request's path (as far
        as it came) belongs to: a DeepL client reads ``message``, a LibreTranslate one ``error``."""
        line = bytes(self._line).split(b"\n", 1)[0].split(b" ")
        path = line[1].decode("latin-1") if len(line) > 1 else ""
        body = json.dumps(shape_for({"path": path})(message)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        try:
            out = self.conn.send(h11.Response(status_code=status, headers=headers, reason=_phrase(status)))
            out = (out or b"") + (self.conn.send(h11.Data(data=body)) or b"")
        except h11.LocalProtocolError:  # h11 cannot answer in its state: the bytes by hand
            out = b"HTTP/1.1 %d %s\r\n" % (status, _phrase(status))
            out += b"".join(k + b": " + v + b"\r\n" for k, v in headers) + b"\r\n" + body
        if not self.transport.is_closing():
            self.transport.write(out)
            self.transport.close()

    def _await_request(self) -> None:
        self._cancel_deadline()
        self._line = bytearray()
        self._waiting_since = self.cycle
        self._deadline = self.loop.call_later(self.limits.read_timeout, self._timed_out)

    def _request_began(self) -> None:
        # a new request cycle means h11 read a whole request head: the deadline has been met
        if self._deadline is not None and self.cycle is not self._waiting_since:
            self._cancel_deadline()

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle: RequestResponseCycle | None = (
            self.cycle
        )  # None before the first request (uvicorn's annotation says otherwise)
        if cycle is not None and not cycle.response_complete:
            return  # a request is being answered; its body is timed by the app
        if self.conn.trailing_data[0]:  # part of a request came: say why it ends
            self._refuse(408, f"Request not received within {self.limits.read_timeout:g} s")
        else:  # an idle connection: closed as keep-alive closes it
            self.transport.close()


def _phrase(status: int) -> bytes:
    return http.HTTPStatus(status).phrase.encode()


def _answer(status: int, message: str, retry: bool = False) -> Any:
    """An ASGI app that answers every request with ``status`` and closes the connection."""
    headers = [(b"connection", b"close"), *([(b"retry-after", b"1")] if retry else [])]

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        await send_error(send, status, message, headers, shape=shape_for(scope))

    return answer


class _Server(uvicorn.Server):
    """uvicorn stops accepting, lets the requests in flight finish (the batcher answers what it
    accepted) and then raises the caught signal again, which would end the process with the
    signal's status; a supervisor (systemd, Kubernetes) reads a drained stop as success, so
    the signal is not raised again here. A socket that cannot listen after all (a server that
    bound the port at the same moment) is one line too."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        except OSError as exc:
            await self.lifespan.shutdown()
            host, port = sockets[0].getsockname()[:2] if sockets else (self.config.host, self.config.port)
            raise TarjamaError(listen_error(host, port, exc)) from None

    @property
    def _captured_signals(self) -> list[int]:  # read by uvicorn after shutdown: nothing to re-raise
        return []

    @_captured_signals.setter
    def _captured_signals(self, value: list[int]) -> None:
        pass


def serve(
    app: Any, sockets: list[socket.socket], limits: Limits, workers: int = 1, access_log: bool = False
) -> None:
    """Serve on ``sockets`` (from `listen`) until SIGTERM or Ctrl-C, then drain and return.

    ``app``: the app itself, or with ``workers`` > 1 the import string of a factory each
    worker process calls. ``access_log``: a line on stderr for each answer (`AccessLine`).
    """
    if workers > 1:
        config = ServeConfig(app, limits, access_log, factory=True, workers=workers)
        Multiprocess(config, sockets=sockets).run()
    else:
        _Server(ServeConfig(app, limits, access_log)).run(sockets=sockets)
