"""Every call of the `deepl` Python client that a DeepL-compatible server must answer, in order.

A harness, not a test module: `calls(client)` runs them against a server (`deepl.DeepLClient(key,
server_url=URL)`) and returns what the client parsed; `python tests/deepl_client_calls.py` runs
them against tests/api_recorder.py and writes each request as Markdown (docs/weblate-requests.md).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

TERMS = {"هانوي": "Hanoi", "فيتنام": "Viet Nam"}
TEXTS = ["وقّعت فيتنام اتفاقية هانوي.", 'وقّع <x id="5"></x>دانغ هوانغ جيانغ<x id="57"></x> الاتفاقية.']


def calls(client: Any) -> list[tuple[str, Callable[[], Any]]]:
    """(name, thunk) for each client call, in an order that works on an empty server: the
    glossaries a call needs are made by the calls before it."""
    from deepl.api_data import MultilingualGlossaryDictionaryEntries

    made: dict[str, Any] = {}

    def create_v2() -> Any:
        made["v2"] = client.create_glossary("tarjama-v2", "AR", "EN", TERMS)
        return made["v2"]

    def create_v3() -> Any:
        made["v3"] = client.create_multilingual_glossary(
            "tarjama-v3", [MultilingualGlossaryDictionaryEntries("AR", "EN", TERMS)]
        )
        return made["v3"]

    return [
        ("get_usage", lambda: client.get_usage()),
        ("get_source_languages", lambda: client.get_source_languages()),
        ("get_target_languages", lambda: client.get_target_languages()),
        ("get_glossary_languages", lambda: client.get_glossary_languages()),
        ("translate_text (one string)", lambda: client.translate_text(TEXTS[0], target_lang="EN-GB")),
        (
            "translate_text (list, xml tags, Weblate's options)",
            lambda: client.translate_text(
                TEXTS,
                source_lang="AR",
                target_lang="EN-US",
                tag_handling="xml",
                ignore_tags=["x"],
                formality="prefer_more",
                context="A news article about the Hanoi Convention.",
                split_sentences="nonewlines",
                preserve_formatting=True,
            ),
        ),
        ("create_glossary (v2)", create_v2),
        ("list_glossaries (v2)", lambda: client.list_glossaries()),
        ("get_glossary (v2)", lambda: client.get_glossary(made["v2"].glossary_id)),
        ("get_glossary_entries (v2)", lambda: client.get_glossary_entries(made["v2"])),
        (
            "translate_text with a v2 glossary",
            lambda: client.translate_text(
                TEXTS[0], source_lang="AR", target_lang="EN-GB", glossary=made["v2"]
            ),
        ),
        ("delete_glossary (v2)", lambda: client.delete_glossary(made["v2"])),
        ("create_multilingual_glossary (v3)", create_v3),
        ("list_multilingual_glossaries (v3)", lambda: client.list_multilingual_glossaries()),
        ("get_multilingual_glossary (v3)", lambda: client.get_multilingual_glossary(made["v3"].glossary_id)),
        (
            "get_multilingual_glossary_entries (v3)",
            lambda: client.get_multilingual_glossary_entries(made["v3"], "AR", "EN"),
        ),
        (
            "update_multilingual_glossary_name (v3)",
            lambda: client.update_multilingual_glossary_name(made["v3"], "tarjama-v3-renamed"),
        ),
        (
            "update_multilingual_glossary_dictionary (v3, merge)",
            lambda: client.update_multilingual_glossary_dictionary(
                made["v3"], MultilingualGlossaryDictionaryEntries("AR", "EN", {"اتفاقية": "Convention"})
            ),
        ),
        (
            "replace_multilingual_glossary_dictionary (v3)",
            lambda: client.replace_multilingual_glossary_dictionary(
                made["v3"], MultilingualGlossaryDictionaryEntries("AR", "EN", TERMS)
            ),
        ),
        (
            "translate_text with a v3 glossary",
            lambda: client.translate_text(
                TEXTS[0], source_lang="AR", target_lang="EN-GB", glossary=made["v3"]
            ),
        ),
        (
            "delete_multilingual_glossary_dictionary (v3)",
            lambda: client.delete_multilingual_glossary_dictionary(
                made["v3"], source_lang="AR", target_lang="EN"
            ),
        ),
        ("delete_multilingual_glossary (v3)", lambda: client.delete_multilingual_glossary(made["v3"])),
    ]


def describe(value: Any) -> Any:
    """What the client parsed, as plain data (its result objects keep fields in `_name`)."""
    if isinstance(value, list | tuple):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {k.lstrip("_"): describe(v) for k, v in vars(value).items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def record(write: Callable[[str], Any]) -> None:
    import deepl
    from api_recorder import Recorder
    from weblate_machinery import _markdown_request

    with Recorder() as rec:
        client = deepl.DeepLClient("K3Y", server_url=rec.url, send_platform_info=False)
        write(f"\n`deepl` {deepl.__version__}, `DeepLClient('K3Y', server_url=URL)`\n")
        for name, thunk in calls(client):
            rec.take()
            try:
                parsed = json.dumps(describe(thunk()), ensure_ascii=False)
            except Exception as exc:  # shown in the doc: what the client made of the answer
                parsed = f"{type(exc).__name__}: {exc}"
            write(f"\n#### {name}\n\n")
            for r in rec.take():
                write(_markdown_request(r))
            write(f"Parsed: `{parsed}`\n")


if __name__ == "__main__":
    record(sys.stdout.write)
