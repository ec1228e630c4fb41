"""DeepL's API (Weblate's DeepL machinery with its URL pointed here, the `deepl` Python client).

``POST /v2/translate`` (JSON or form; ``text`` a list; ``source_lang``, ``target_lang`` incl.
``EN-GB``/``EN-US``, ``glossary_id``, ``tag_handling`` ``xml``/``html``, ``ignore_tags``;
``formality``, ``context``, ``split_sentences``, ``preserve_formatting``,
``show_billed_characters``, ``model_type`` are accepted and change nothing: tarjama's pipeline
decides), ``GET /v2/languages``, ``GET /v3/languages``, ``GET /v2/usage``,
``GET /v2/glossary-language-pairs``, and glossaries through both the v2 endpoints (what
Weblate 5.14 and the client's ``create_glossary`` use) and v3 (``/v3/glossaries``, its
dictionaries). Glossaries are `GlossaryStore`'s: on disk, enforced by tarjama on top of the
server's glossary. The key is ``Authorization: DeepL-Auth-Key KEY`` (or any way `check_key`
reads), from the same ``--api-keys`` file. Errors are DeepL's ``{"message": …}`` with its
codes: 400, 403, 404, 413, 429, 456.

With ``tag_handling=xml`` the text is XML content: Weblate escapes the words (``&amp;``) and
sends its placeholders as empty elements, ``<x id="5"></x>``. Every tag is swapped for an
``[XnX]`` token and the words unescaped, the text goes through the same reader as
LibreTranslate's (a pair of tokens glued to the words they enclose is markup around them), and
on the way back the words are escaped again and every tag is put back byte for byte.
"""

from __future__ import annotations

import html
import re
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError
from starlette.concurrency import run_in_threadpool

from tarjama.service.batcher import Busy
from tarjama.service.common import (
    NAMES,
    PLACEHOLDER,
    SOURCE,
    ApiError,
    Service,
    check_key,
    check_languages,
    read_params,
    service_of,
    translate_texts,
)
from tarjama.service.glossaries import (
    GlossaryError,
    Pair,
    entries_tsv,
    glossary_v2,
    glossary_v3,
    parse_entries,
)

router = APIRouter()


def error(message: str) -> dict[str, Any]:
    """DeepL's error body."""
    return {"message": message}


LISTS = ("text", "ignore_tags", "non_splitting_tags", "splitting_tags")
# an empty element (<x id="5"></x>, <x/>) is one token; any other tag is one
XML_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>\s*</\1\s*>|<[A-Za-z_/][^<>]*>")
USAGE_LIMIT = 1_000_000_000_000  # a self-hosted server counts, it does not bill


async def _params(request: Request) -> dict[str, Any]:
    """JSON or form fields, the query string's filling in (the `deepl` client sends a GET's
    ``type`` as a form body, Weblate as a query string); the key checked."""
    service = service_of(request)
    params = await read_params(request, LISTS)
    for key, value in request.query_params.multi_items():
        params.setdefault(key, value)
    auth = params.get("auth_key")  # DeepL's older way: the key as a field
    check_key(service.config.api_keys, request, {"api_key": auth} if isinstance(auth, str) else {})
    return params


def _text_list(value: Any, name: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if value is None or not items or any(not isinstance(t, str) for t in items):
        raise ApiError(400, f"Parameter '{name}' not specified.")
    return items


def _str(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"Value for '{name}' not supported.")
    return value


def _base(code: str) -> str:
    return code.lower().replace("_", "-").split("-")[0]


def _glossary_error(exc: GlossaryError) -> ApiError:
    return ApiError(exc.status, exc.message)


# -- translation -------------------------------------------------------------------------------
@router.post("/v2/translate")
async def translate(request: Request) -> JSONResponse:
    service = service_of(request)
    config = service.config
    params = await _params(request)
    texts = _text_list(params.get("text"), "text")
    target = _str(params, "target_lang")
    if not target:
        raise ApiError(400, "Parameter 'target_lang' not specified.")
    source = _str(params, "source_lang")
    for text in texts:
        if config.char_limit and len(text) > config.char_limit:
            raise ApiError(
                413, f"Text too long: {len(text)} characters (this server takes {config.char_limit})"
            )
    handling = _str(params, "tag_handling").lower()
    if handling not in ("", "xml", "html"):
        raise ApiError(400, "Value for 'tag_handling' not supported.")
    glossary_id = _str(params, "glossary_id") or None
    if glossary_id is not None:
        if not source:
            raise ApiError(400, "Use of a glossary requires the source_lang parameter to be set.")
        try:  # found and indexed now: a bad id fails here, not in the batch
            await run_in_threadpool(service.glossaries.enforced, glossary_id)
        except GlossaryError as exc:
            raise _glossary_error(exc) from None
    try:
        if handling == "xml":
            outputs = await _translate_xml(service, texts, glossary_id, source, target)
        else:
            check_languages(config, source or "auto", target, texts)
            outputs = await translate_texts(
                service, texts, "html" if handling == "html" else "text", glossary_id
            )
    except Busy:
        raise ApiError(
            429, "Too many requests, please wait and resend your request.", {"Retry-After": "1"}
        ) from None
    return JSONResponse(
        {
            "translations": [
                {"detected_source_language": SOURCE.upper(), "text": out, "billed_characters": len(text)}
                for text, out in zip(texts, outputs, strict=True)
            ]
        }
    )


async def _translate_xml(
    service: Service, texts: list[str], glossary_id: str | None, source: str, target: str
) -> list[str]:
    """Tags out as ``[XnX]`` tokens, words unescaped; translated; words escaped, tags back."""
    plain: list[str] = []
    tags: list[dict[str, str]] = []
    for text in texts:
        taken = [int(m.group(0)[2:-2]) for m in PLACEHOLDER.finditer(text)]
        n = max(taken, default=0) + 1  # a token of the text's own stays itself
        parts: list[str] = []
        mapping: dict[str, str] = {}
        at = 0
        for m in XML_TAG.finditer(text):
            parts.append(html.unescape(text[at : m.start()]))
            token = f"[X{n}X]"
            n += 1
            mapping[token] = m.group(0)
            parts.append(token)
            at = m.end()
        parts.append(html.unescape(text[at:]))
        plain.append("".join(parts))
        tags.append(mapping)
    check_languages(service.config, source or "auto", target, plain)
    outputs = await translate_texts(service, plain, "text", glossary_id)
    back = []
    for out, mapping in zip(outputs, tags, strict=True):
        pieces, at = [], 0
        for m in PLACEHOLDER.finditer(out):
            if m.group(0) in mapping:
                pieces.append(_escape(out[at : m.start()]))
                pieces.append(mapping[m.group(0)])
                at = m.end()
        pieces.append(_escape(out[at:]))
        back.append("".join(pieces))
    return back


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- languages and usage -------------------------------------------------------------------------
def _targets(lang: str) -> list[dict[str, Any]]:
    if lang == "en":
        return [
            {"language": "EN-GB", "name": "English (British)", "supports_formality": False},
            {"language": "EN-US", "name": "English (American)", "supports_formality": False},
        ]
    return [{"language": lang.upper(), "name": NAMES.get(lang, lang), "supports_formality": False}]


@router.get("/v2/languages")
async def languages(request: Request) -> JSONResponse:
    params = await _params(request)
    kind = _str(params, "type").lower() or "source"
    if kind not in ("source", "target"):
        raise ApiError(400, "Value for 'type' not supported.")
    if kind == "source":
        return JSONResponse([{"language": SOURCE.upper(), "name": NAMES[SOURCE]}])
    return JSONResponse(_targets(service_of(request).config.lang))


@router.get("/v3/languages")
async def languages_v3(request: Request) -> JSONResponse:
    params = await _params(request)
    resource = _str(params, "resource") or "translate_text"
    if resource not in ("translate_text", "glossary"):
        raise ApiError(400, "Value for 'resource' not supported.")
    lang = service_of(request).config.lang
    source = {"lang": SOURCE, "name": NAMES[SOURCE], "usable_as_source": True, "usable_as_target": False}
    targets = [
        {
            "lang": t["language"].lower(),
            "name": t["name"],
            "usable_as_source": False,
            "usable_as_target": True,
        }
        for t in _targets(lang)
    ]
    if resource == "glossary":
        targets = [
            {"lang": lang, "name": NAMES.get(lang, lang), "usable_as_source": False, "usable_as_target": True}
        ]
    return JSONResponse([source, *targets])


@router.get("/v2/usage")
async def usage(request: Request) -> JSONResponse:
    await _params(request)
    return JSONResponse({"character_count": service_of(request).characters, "character_limit": USAGE_LIMIT})


@router.get("/v2/glossary-language-pairs")
async def glossary_pairs(request: Request) -> JSONResponse:
    await _params(request)
    lang = service_of(request).config.lang
    return JSONResponse({"supported_languages": [{"source_lang": SOURCE, "target_lang": lang}]})


# -- glossaries ----------------------------------------------------------------------------------
class Dictionary(BaseModel):
    """One dictionary of a glossary (v2's body is one, with a name)."""

    model_config = ConfigDict(extra="ignore")
    source_lang: StrictStr = Field(min_length=1, max_length=35)
    target_lang: StrictStr = Field(min_length=1, max_length=35)
    entries: StrictStr
    entries_format: Literal["tsv", "csv", "TSV", "CSV"] = "tsv"


class GlossaryV2(Dictionary):
    name: StrictStr = Field(min_length=1, max_length=1024)


class GlossaryV3(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: StrictStr = Field(min_length=1, max_length=1024)
    dictionaries: list[Dictionary] = Field(min_length=1, max_length=16)


class GlossaryPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: StrictStr | None = Field(default=None, min_length=1, max_length=1024)
    dictionaries: list[Dictionary] | None = Field(default=None, min_length=1, max_length=16)


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], params: dict[str, Any]) -> M:
    """``params`` (read strictly by `read_params`) as ``model``; pydantic's first complaint as
    DeepL words it, naming the field, never echoing the value."""
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        if first["type"] == "missing":
            raise ApiError(400, f"Parameter '{where}' not specified.") from None
        raise ApiError(400, f"Value for '{where}' not supported: {first['msg']}.") from None


def _pair(service: Service, source: str, target: str) -> Pair:
    pair = (_base(source), _base(target))
    if pair != (SOURCE, service.config.lang):
        raise ApiError(400, f"Unsupported glossary language pair: {source[:20]} → {target[:20]}")
    return pair


def _dictionary(service: Service, d: Dictionary, where: str) -> tuple[Pair, list[tuple[str, str]]]:
    pair = _pair(service, d.source_lang, d.target_lang)
    try:
        rows = parse_entries(
            d.entries, d.entries_format.lower(), f"{where} {pair[0].upper()}→{pair[1].upper()}"
        )
    except GlossaryError as exc:
        raise _glossary_error(exc) from None
    if not rows:
        raise ApiError(400, f"{where}: the dictionary has no entries")
    return pair, [(s, t) for _, s, t in rows]


def _name(name: str) -> str:
    name = name.strip()
    if not name or not name.isprintable():
        raise ApiError(400, "Value for 'name' not supported: printable characters, not empty.")
    return name


async def _store(call: Any, *args: Any, **kwargs: Any) -> Any:
    """A store operation off the event loop (it writes a file), its refusals as DeepL errors."""
    try:
        return await run_in_threadpool(call, *args, **kwargs)
    except GlossaryError as exc:
        raise _glossary_error(exc) from None


def _found(service: Service, gid: str) -> Any:
    stored = service.glossaries.get(gid)
    if stored is None:
        raise ApiError(404, "Glossary not found")
    return stored


def _v2_pair(service: Service, stored: Any) -> Pair:
    return next(iter(stored.dictionaries), (SOURCE, service.config.lang))


@router.post("/v2/glossaries", status_code=201)
async def create_v2(request: Request) -> JSONResponse:
    service = service_of(request)
    body = validated(GlossaryV2, await _params(request))
    pair, entries = _dictionary(service, body, "entries")
    stored = await _store(service.glossaries.create, _name(body.name), {pair: entries})
    return JSONResponse(glossary_v2(stored, pair), status_code=201)


@router.get("/v2/glossaries")
async def list_v2(request: Request) -> JSONResponse:
    service = service_of(request)
    await _params(request)
    stored = await _store(service.glossaries.all)
    return JSONResponse({"glossaries": [glossary_v2(g, _v2_pair(service, g)) for g in stored]})


@router.get("/v2/glossaries/{glossary_id}")
async def get_v2(request: Request, glossary_id: str) -> JSONResponse:
    service = service_of(request)
    await _params(request)
    stored = _found(service, glossary_id)
    return JSONResponse(glossary_v2(stored, _v2_pair(service, stored)))


@router.get("/v2/glossaries/{glossary_id}/entries")
async def entries_v2(request: Request, glossary_id: str) -> Response:
    service = service_of(request)
    await _params(request)
    stored = _found(service, glossary_id)
    tsv = entries_tsv(stored.dictionaries.get(_v2_pair(service, stored), []))
    return Response(tsv.encode("utf-8"), media_type="text/tab-separated-values; charset=utf-8")


@router.delete("/v2/glossaries/{glossary_id}", status_code=204)
@router.delete("/v3/glossaries/{glossary_id}", status_code=204)
async def delete(request: Request, glossary_id: str) -> Response:
    service = service_of(request)
    await _params(request)
    await _store(service.glossaries.delete, glossary_id)
    return Response(status_code=204)


@router.post("/v3/glossaries", status_code=201)
async def create_v3(request: Request) -> JSONResponse:
    service = service_of(request)
    body = validated(GlossaryV3, await _params(request))
    parsed = dict(_dictionary(service, d, f"dictionaries[{i}]") for i, d in enumerate(body.dictionaries))
    stored = await _store(service.glossaries.create, _name(body.name), parsed)
    return JSONResponse(glossary_v3(stored), status_code=201)


@router.get("/v3/glossaries")
async def list_v3(request: Request) -> JSONResponse:
    service = service_of(request)
    await _params(request)
    stored = await _store(service.glossaries.all)
    return JSONResponse({"glossaries": [glossary_v3(g) for g in stored]})


@router.get("/v3/glossaries/{glossary_id}")
async def get_v3(request: Request, glossary_id: str) -> JSONResponse:
    service = service_of(request)
    await _params(request)
    return JSONResponse(glossary_v3(_found(service, glossary_id)))


@router.patch("/v3/glossaries/{glossary_id}")
async def patch_v3(request: Request, glossary_id: str) -> JSONResponse:
    """``name`` renames; each of ``dictionaries`` is merged into the glossary's (an entry of
    the same source replaced)."""
    service = service_of(request)
    body = validated(GlossaryPatch, await _params(request))
    _found(service, glossary_id)
    name = _name(body.name) if body.name is not None else None
    merge = None
    if body.dictionaries is not None:
        merge = dict(_dictionary(service, d, f"dictionaries[{i}]") for i, d in enumerate(body.dictionaries))
    if name is None and not merge:
        raise ApiError(400, "Nothing to change: give a name or dictionaries.")
    stored = await _store(service.glossaries.update, glossary_id, name=name, merge=merge)
    return JSONResponse(glossary_v3(stored))


@router.put("/v3/glossaries/{glossary_id}/dictionaries")
async def put_dictionary(request: Request, glossary_id: str) -> JSONResponse:
    service = service_of(request)
    body = validated(Dictionary, await _params(request))
    _found(service, glossary_id)
    pair, entries = _dictionary(service, body, "entries")
    await _store(service.glossaries.update, glossary_id, replace={pair: entries})
    return JSONResponse({"source_lang": pair[0], "target_lang": pair[1], "entry_count": len(entries)})


@router.delete("/v3/glossaries/{glossary_id}/dictionaries", status_code=204)
async def delete_dictionary(request: Request, glossary_id: str) -> Response:
    service = service_of(request)
    params = await _params(request)
    _found(service, glossary_id)
    pair = (_base(_str(params, "source_lang")), _base(_str(params, "target_lang")))
    await _store(service.glossaries.update, glossary_id, drop=pair)
    return Response(status_code=204)


@router.get("/v3/glossaries/{glossary_id}/entries")
async def entries_v3(request: Request, glossary_id: str) -> JSONResponse:
    service = service_of(request)
    params = await _params(request)
    stored = _found(service, glossary_id)
    pair = (_base(_str(params, "source_lang")), _base(_str(params, "target_lang")))
    if pair not in stored.dictionaries:
        raise ApiError(404, "Dictionary not found")
    return JSONResponse(
        {
            "dictionaries": [
                {
                    "source_lang": pair[0],
                    "target_lang": pair[1],
                    "entries": entries_tsv(stored.dictionaries[pair]),
                    "entries_format": "tsv",
                }
            ]
        }
    )
