"""The service core every API router shares: what the process holds (`Service`: the model, the
run core, the batcher, the glossary, the memory, its settings), translating a request's texts
through them (`translate_texts`), its errors, reading a request's fields, and the API key.

Everything here treats the request as hostile: every way a body, a field or a header can be
wrong ends in an `ApiError` (a 4xx, in the shape of the API that was asked), never a 500, and
no message names a file of the server. An API is a router module of `tarjama.service.routers`
over this core; it never reaches into another API's module.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import errno
import hmac
import json
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarjama.catalog.export import render
from tarjama.catalog.memory import TranslationMemory
from tarjama.glossary import Glossary, Matcher
from tarjama.run.core import Model, Run, RunOptions, Translated
from tarjama.service.batcher import Batcher, Busy
from tarjama.service.glossaries import GlossaryStore
from tarjama.sources import Sentence
from tarjama.sources.html import read_page
from tarjama.sources.inline import Paragraph, T, Token, paragraph_sentences, to_sentences
from tarjama.sources.text import is_arabic_letter

SOURCE = "ar"
NAMES = {"ar": "Arabic", "en": "English"}
# Weblate hides placeholders and markup behind [X7X]-style tokens before it asks for MT.
PLACEHOLDER = re.compile(r"\[X\d+X\]")


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
    send: Send,
    status: int,
    message: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
    shape: Callable[[str], dict[str, Any]] | None = None,
) -> None:
    """An ``{"error": …}`` answer (or ``shape(message)``) written straight to ASGI's ``send``:
    for code that runs outside the app's exception handlers (a middleware, the server's own
    refusals)."""
    body = json.dumps(shape(message)).encode() if shape is not None else error_body(message)
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

    def __init__(
        self,
        app: ASGIApp,
        body_limit: int,
        read_timeout: float,
        shape: Callable[[Scope], Callable[[str], dict[str, Any]]] | None = None,
    ) -> None:
        self.app = app
        self.body_limit = body_limit
        self.read_timeout = read_timeout
        self.shape = shape  # the error body of the API a path belongs to

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.body_limit:
            shape = self.shape(scope) if self.shape is not None else None
            await send_error(send, 413, f"Request body exceeds {self.body_limit} bytes", shape=shape)
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


async def read_params(request: Request, lists: tuple[str, ...] = ("q",)) -> dict[str, Any]:
    """The request's fields, from JSON or a form (urlencoded or multipart), as LibreTranslate
    takes them; every text in them checked to be Unicode (`check_text`). A form field named in
    ``lists`` that is repeated is a list (``q=a&q=b``; DeepL's ``text``)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            params = _json_object(await request.body())
        else:
            params = await _form(request, lists)
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


async def _form(request: Request, lists: tuple[str, ...]) -> dict[str, Any]:
    try:
        form = await request.form()
    except (ApiError, ClientDisconnect):  # a body past the limit or the deadline stays 413/408
        raise
    except Exception as exc:  # anything the form parser cannot read is the client's mistake
        raise ApiError(400, f"Invalid request: malformed form data ({_first_line(exc)})") from None
    params: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        params[key] = values if key in lists and len(values) > 1 else (values[0] if values else None)
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
    ``Authorization`` header: ``Bearer KEY``, ``DeepL-Auth-Key KEY`` (DeepL's clients), or
    Basic with the key as user or password, which is what a client sends for a URL written
    ``http://KEY@host/`` (Weblate's tmserver machinery takes nothing but a URL)."""
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
    if scheme.lower() in ("bearer", "deepl-auth-key") and value:
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


# -- the service core -----------------------------------------------------------------------------
@dataclass
class ServiceConfig:
    lang: str = "en"
    api_keys: frozenset[str] | None = None  # None: no key needed
    char_limit: int = 5000  # characters of each text of a request
    body_limit: int = 1_000_000  # bytes of a request body
    read_timeout: float = 20.0  # seconds a request body may take to arrive
    max_batch: int = 32
    max_wait_ms: float = 5.0
    max_queue: int = 1024  # sentences waiting before requests are refused (429)
    suggestions: Path | None = None  # POST /suggest writes here (a PO a translator accepts)
    lock_timeout: float = 10.0  # seconds /suggest waits for another writer of that PO
    label: str = ""  # what the ready line says is loaded (on the server's terminal only)
    glossary_store: Path | None = None  # where uploaded (DeepL) glossaries are kept; None: memory


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
    glossaries: GlossaryStore = field(init=False)  # uploaded glossaries (DeepL's API)
    ready: bool = False  # the model is loaded and the batcher runs: /health says 200
    characters: int = 0  # characters of text translated (DeepL's /v2/usage)

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.glossary) if self.glossary is not None else None
        self.glossaries = GlossaryStore(self.config.glossary_store, self.glossary, SOURCE, self.config.lang)
        self.batcher = Batcher(
            self.translate_now,
            max_batch=self.config.max_batch,
            max_wait=self.config.max_wait_ms / 1000,
            max_queue=self.config.max_queue,
        )

    def translate_now(
        self, sentences: Sequence[Sentence], glossary_id: Hashable = None
    ) -> dict[str, Translated]:
        """One batch through the run core (a fresh `Run`: no state grows across requests), with
        the server's glossary, or with an uploaded glossary laid over it (``glossary_id``)."""
        glossary, matcher = self.glossary, self.matcher
        if isinstance(glossary_id, str):
            glossary, matcher = self.glossaries.enforced(glossary_id)
        run = Run(self.options, self.model, glossary, self.memory, matcher=matcher)
        return run.translate_sentences(sentences)


def service_of(request: Request) -> Service:
    """The process's `Service`, as `create_app` put it on the app."""
    return request.app.state.service


def has_arabic(text: str) -> bool:
    return any(map(is_arabic_letter, text))


def serves_pair(config: ServiceConfig, source: str, target: str) -> bool:
    """``source`` is Arabic (or ``auto``) and ``target`` the served language, in any regional
    form (``en``, ``EN-GB``, ``en_US``)."""
    return (
        source.lower() in (SOURCE, "auto") and target.lower().replace("_", "-").split("-")[0] == config.lang
    )


# ISO 639-1: the two-letter codes that name a language (``zz`` names none)
ISO_639_1 = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)


def is_language(code: str) -> bool:
    """``code`` names a language, in any regional form (``de``, ``EN-GB``, ``pt_BR``, ``ckb``)."""
    base = code.lower().replace("_", "-").split("-")[0]
    return base in ISO_639_1 or (len(base) == 3 and base.isascii() and base.isalpha())


def check_languages(config: ServiceConfig, source: str, target: str, texts: Sequence[str]) -> None:
    """The pair is served (Arabic or ``auto`` → the served language), or no text has anything
    Arabic to translate and both codes name languages: such texts come back as they are
    (`translate_texts`), which claims nothing about the pair. That is how Weblate's settings
    form, which translates ``"test"`` en → de before it saves any engine, gets its answer; a
    code that names no language (``zz``), or Arabic text for another pair, is LibreTranslate's
    400 ``xx is not supported``."""
    if serves_pair(config, source, target):
        return
    source_ok = source.lower() in (SOURCE, "auto")
    if not any(has_arabic(t) for t in texts) and (source_ok or is_language(source)) and is_language(target):
        return
    raise unsupported(source, target)


def unsupported(source: str, target: str) -> ApiError:
    """LibreTranslate's 400 for a pair not served, naming the source if it is not Arabic."""
    code = target if source.lower() in (SOURCE, "auto") else source
    return ApiError(400, f"{code[:40] or '?'} is not supported")


async def translate_texts(
    service: Service, texts: Sequence[str], fmt: str, glossary_id: str | None = None
) -> list[str]:
    """Each text translated as `tarjama translate` would (segmented, memory, glossary, markup
    put back, joined as the text had them); every sentence of every text goes to the batcher
    together. A text with no Arabic letter (``OK``, ``%s``, ``🙂``, a number) has nothing to
    translate and comes back as it is, without the model. `Busy` when the queue is full.
    ``glossary_id``: an uploaded glossary enforced on top of the server's (`GlossaryStore`)."""
    return [text for text, _ in await translate_texts_rated(service, texts, fmt, glossary_id)]


async def translate_texts_rated(
    service: Service, texts: Sequence[str], fmt: str, glossary_id: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """`translate_texts`, each text with its risk (`text_risk`)."""
    documents = [read_text(text, fmt) if has_arabic(text) else None for text in texts]
    sentences = [s for doc in documents if doc is not None for s in doc[0]]
    done = await service.batcher.submit(sentences, glossary_id) if sentences else {}
    service.characters += sum(len(t) for t in texts)
    return [
        (text, text_risk([], done))
        if doc is None
        else (write_text(text, doc[0], doc[1], done, fmt, service.config.lang), text_risk(doc[0], done))
        for text, doc in zip(texts, documents, strict=True)
    ]


def text_risk(sentences: Sequence[Sentence], done: dict[str, Translated]) -> dict[str, Any]:
    """A text's risk: its riskiest sentence's, with the reasons of all its sentences, riskiest
    first (a translation from the reviewed memory, or a text left as it is, has none)."""
    notes = sorted(
        (t.risk for s in sentences if (t := done.get(s.text)) is not None and t.risk is not None),
        key=lambda n: -n.risk,
    )
    reasons = list(dict.fromkeys(r for n in notes for r in n.reasons))
    return {"risk": round(notes[0].risk, 2) if notes else 0.0, "reasons": reasons}


Marks = tuple[tuple[int, int, str], ...]


def read_text(text: str, fmt: str) -> tuple[list[Sentence], Marks]:
    """A request text as sentences with source ranges: an HTML fragment by the HTML reader; plain
    text line by line, Weblate's ``[X7X]`` tokens as markup (`placeholder_tokens`)."""
    if fmt == "html":
        page = read_page(text)
        marks = tuple((a.start, a.end, a.name) for a in page.lang_attributes)
        return list(to_sentences(text, page.pieces)), marks
    pieces = []
    pos = 0
    for line in text.split("\n"):
        tokens = placeholder_tokens(line, pos)
        if any(t.kind is T.TEXT and t.text.strip() for t in tokens):
            pieces += [(p, "") for p in paragraph_sentences(Paragraph(tokens), str, "text")]
        pos += len(line) + 1
    return list(to_sentences(text, pieces)), ()


def placeholder_tokens(line: str, offset: int, pattern: re.Pattern[str] = PLACEHOLDER) -> list[Token]:
    """A line as text and placeholder tokens. Weblate names a tag's token by its offset, so
    which token opens and which closes is read from where they stand: a token glued to the word
    after it and not to one before (``[X5X]دانغ``) opens, one glued to the word before it and
    not to one after (``جيانغ[X57X].``) closes the nearest open one, and such a pair is markup
    around words (a ``<a>…</a>``), put back around their translation as the HTML path puts a
    tag back (`sources.markup.place`). Any other token stands alone (a ``%s``, a ``<br>``) and
    is kept as it is."""
    tokens: list[Token] = []
    at = 0
    open_stack: list[int] = []
    for m in pattern.finditer(line):
        if m.start() > at:
            tokens.append(_text_token(line, offset, at, m.start()))
        glued_after = _word_char(line[m.end() : m.end() + 1])
        glued_before = _word_char(line[m.start() - 1 : m.start()])
        token = Token(T.OPAQUE, offset + m.start(), offset + m.end(), m.group(0), m.group(0))
        if glued_after and not glued_before:
            token.kind = T.OPEN
            open_stack.append(len(tokens))
        elif glued_before and not glued_after and open_stack:
            opener = open_stack.pop()
            token.kind = T.CLOSE
            token.partner = opener
            tokens[opener].partner = len(tokens)
        tokens.append(token)
        at = m.end()
    for i in open_stack:  # an opener nothing closed stands alone
        tokens[i].kind = T.OPAQUE
    if at < len(line):
        tokens.append(_text_token(line, offset, at, len(line)))
    for t in tokens:
        if t.kind in (T.OPEN, T.CLOSE):
            t.text = ""
    return tokens


def _word_char(ch: str) -> bool:
    """A letter, digit or combining mark (a shadda, a vowel sign): part of a word."""
    return bool(ch) and (ch.isalnum() or unicodedata.category(ch).startswith("M"))


def _text_token(line: str, offset: int, a: int, b: int) -> Token:
    return Token(
        T.TEXT, offset + a, offset + b, text=line[a:b], chars=list(range(offset + a, offset + b + 1))
    )


def write_text(
    text: str,
    sentences: list[Sentence],
    marks: Marks,
    done: dict[str, Translated],
    fmt: str,
    lang: str,
) -> str:
    def translation(s: Sentence) -> str | None:
        t = done.get(s.text)
        return t.text if t is not None and t.text else None

    return render(text, sentences, translation, fmt if fmt == "html" else "text", marks, lang)


def busy_error(exc: Busy) -> ApiError:
    return ApiError(429, f"Too many requests: {exc}", {"Retry-After": "1"})
