"""Drive Weblate's own machinery classes (LibreTranslate, DeepL, tmserver) against a server.

A harness, not a test module: it runs as a subprocess,

    python tests/weblate_machinery.py run ENGINE URL SCENARIO [--key K] [--text T ...] [--term SRC=TGT ...]

and prints one JSON object on stdout; `python tests/weblate_machinery.py serve` runs one `run`
per line of stdin (the line: its arguments as a JSON list) and answers each with a line of JSON,
so that the tests start Django and Weblate's imports once (`Harness`, a second of CPU a
scenario) and each scenario still starts from fresh caches (`run_scenario`). It must run as a script (or anywhere the repository root is
not on sys.path): the repository's `translate/` folder would shadow translate-toolkit's package,
which Weblate imports. It needs `weblate` and the few packages its machinery imports (the recipe
is in docs/weblate-requests.md); `python tests/weblate_machinery.py record` writes the recorded
requests of every class and scenario (against tests/api_recorder.py) as Markdown.

What is real: the machinery classes, their settings forms (what saving the form in Weblate's UI
runs: `validate_settings()`), Weblate's checks that find the markup replaced by `[X7X]` /
`<x id="7"></x>`, its plural mapping, caches (Django's locmem cache), request code and headers, and
its glossary TSV rendering. What is not: the database. The project, component, translation and
unit are the small fakes below (each attribute says who reads it), languages are unsaved
`Language` rows, and the project glossary is rendered from fake glossary units into the cache key
where Weblate keeps it (`get_glossary_tsv` reads that cache before it would query).
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import traceback
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENGINES = {
    "libretranslate": "weblate.machinery.libretranslate.LibreTranslateTranslation",
    "deepl": "weblate.machinery.deepl.DeepLTranslation",
    "tmserver": "weblate.machinery.tmserver.TMServerTranslation",
}
SCENARIOS = ("validate", "languages", "plain", "markup", "placeholders", "glossary", "batch")
PLAIN_SOURCE = "وقّعت فيتنام اتفاقية هانوي."
MARKUP_SOURCES = [
    'وقّع <a href="https://example.org/giang">دانغ هوانغ جيانغ</a> الاتفاقية.',
    # No tag: `&` and quotes are plain text (DeepL is sent them as entities), `/` is in a tmserver path.
    'قال "نعم" & وقّع 3/4 الوفود.',
]
PLACEHOLDER_SOURCE = "نشر %(name)s %d مقالات عن هانوي."
# (source, target[, Weblate flags]); the forbidden term is one Weblate never uploads.
DEFAULT_TERMS: list[tuple[str, ...]] = [
    ("هانوي", "Hanoi"),
    ("فيتنام", "Viet Nam"),
    ("اتفاقية", "Convention"),
    ("الاتفاقية", "the Accord", "forbidden"),
]
CHANGED_TERMS: list[tuple[str, ...]] = [
    ("هانوي", "Ha Noi"),
    ("فيتنام", "Viet Nam"),
    ("اتفاقية", "Convention"),
]
GLOSSARY_SOURCE_2 = "زار وفد من فيتنام هانوي."


def setup_django() -> None:
    """Configure Django with tests/weblate_settings.py and stand in for the three modules that
    would need a system library or the whole of Weblate's database models.

    - `weblate.fonts.utils` imports pycairo/PyGObject (C libraries); the Flags parser imports it
      only for the `font-weight` flag's value parser.
    - `weblate.trans.models`, `.unit`, `.component`: importing them loads every Weblate model
      (VCS, auth, billing, ...). `weblate.glossary.models` imports `Unit` from there for type use
      and `render_glossary_units_tsv` imports `Component` only to prefetch a queryset (we pass a
      list), so empty stand-ins let the real glossary functions run.
    """
    if "django" in sys.modules and getattr(sys.modules["django"], "apps", None):
        from django.apps import apps

        if apps.ready:
            return
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    os.environ["DJANGO_SETTINGS_MODULE"] = "weblate_settings"

    fonts = types.ModuleType("weblate.fonts.utils")
    fonts.get_font_weight = lambda weight: weight  # type: ignore[attr-defined]
    models = types.ModuleType("weblate.trans.models")
    models.__path__ = []  # a package, so the two submodules below resolve
    unit_mod = types.ModuleType("weblate.trans.models.unit")
    unit_mod.Unit = type("Unit", (), {})  # type: ignore[attr-defined]
    component_mod = types.ModuleType("weblate.trans.models.component")
    component_mod.Component = type("Component", (), {})  # type: ignore[attr-defined]
    sys.modules.setdefault("weblate.fonts.utils", fonts)
    sys.modules.setdefault("weblate.trans.models", models)
    sys.modules.setdefault("weblate.trans.models.unit", unit_mod)
    sys.modules.setdefault("weblate.trans.models.component", component_mod)

    import django

    django.setup()


def machinery_class(engine: str) -> type:
    module, _, name = ENGINES[engine].rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


# -- the fakes ---------------------------------------------------------------------------------
@dataclass
class FakeProject:
    """Read as `component.project`:
    - `id`: the glossary name `weblate:{project}:...` and the usage counter key (`account_usage`);
    - `pk`: the glossary TSV cache key (via `get_glossary_tsv_cache_key`, Project's own formula);
    - `secondary_language`: only with the `source_language=secondary` setting."""

    id: int = 1
    secondary_language: Any = None

    @property
    def pk(self) -> int:
        return self.id

    def get_glossary_tsv_cache_key(self, source_language: Any, language: Any) -> str:
        # The same key as weblate.trans.models.Project.get_glossary_tsv_cache_key.
        return f"project-glossary-tsv-{self.pk}-{source_language.code}-{language.code}"


@dataclass
class FakeComponent:
    """Read as `translation.component`: `project`; `source_language` (the pair's source, and the
    source side of the plural mapping); `secondary_language` (secondary setting only)."""

    project: FakeProject
    source_language: Any
    secondary_language: Any = None


@dataclass
class FakeTranslation:
    """Read as `unit.translation`: `component`; `language` (the target); `plural` (target plural
    forms for PluralMapper); `log_debug` (the DeepL glossary path logs stale/created glossaries)."""

    component: FakeComponent
    language: Any
    debug: list[str] = field(default_factory=list)

    @property
    def plural(self) -> Any:
        return self.language.plural

    def log_debug(self, msg: str, *args: Any) -> None:
        self.debug.append(msg % args)


@dataclass
class FakeUnit:
    """What the machinery and the checks read from a unit:
    - `translation`: languages, project, glossary;
    - `source`, via `get_source_plurals()`: the strings to translate (PluralMapper);
    - `all_flags`: a real `Flags`; checks skip or enable on it (`xml-text`, `python-format`,
      `safe-html`, `ignore-xml-tags`, `placeholders:...`);
    - `plural_map`: written by PluralMapper, then read as the texts to send;
    - `machinery`: written by `batch_translate` with the best result per plural;
    - `id_hash`: only when translating from a non-source language (not done here).
    Glossary entries reuse it: `render_glossary_units_tsv` reads `source`, `target`,
    `translated` and `all_flags` (it skips `forbidden` and untranslated terms)."""

    translation: FakeTranslation
    source: str
    flags: str = ""
    target: str = ""
    translated: bool = False
    machinery: dict[str, Any] = field(default_factory=dict)
    plural_map: list[str] = field(default_factory=list)
    id_hash: int = 0

    @property
    def all_flags(self) -> Any:
        from weblate.checks.flags import Flags

        return Flags(self.flags)

    def get_source_plurals(self) -> list[str]:
        from weblate.trans.util import split_plural

        return split_plural(self.source)


def language(code: str, name: str) -> Any:
    """An unsaved Language: its `plural` is Weblate's default (2 forms, n != 1), and two distinct
    objects never compare equal (unsaved models compare by identity)."""
    from weblate.lang.models import Language

    return Language(code=code, name=name)


def make_translation(source: str = "ar", target: str = "en", project_id: int = 1) -> FakeTranslation:
    names = {"ar": "Arabic", "en": "English", "de": "German"}
    component = FakeComponent(FakeProject(project_id), language(source, names.get(source, source)))
    return FakeTranslation(component, language(target, names.get(target, target)))


def make_unit(translation: FakeTranslation, source: str, flags: str = "") -> FakeUnit:
    return FakeUnit(translation, source, flags)


# -- what Weblate does ---------------------------------------------------------------------------
def save_settings(engine: str, config: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """Validate `config` with the engine's settings form, as saving it in Weblate's UI (project
    or site-wide) and `weblate install_machinery` do; `clean()` calls `validate_settings()`.
    Returns the settings the UI would store (`serialize_form()`), or the form's errors."""
    cls = machinery_class(engine)
    form = cls.settings_form(cls, data=config)
    if form.is_valid():
        return dict(form.serialize_form()), []
    errors = [str(e) for e in form.non_field_errors()]
    errors += [f"{name}: {e}" for name, errs in form.errors.items() if name != "__all__" for e in errs]
    return None, errors


def make_machine(engine: str, settings: dict[str, Any]) -> Any:
    return machinery_class(engine)(settings)


def seed_glossary(translation: FakeTranslation, terms: Iterable[tuple[str, ...]]) -> str:
    """Put the project glossary where `get_glossary_tsv` looks first, rendered by Weblate's own
    `render_glossary_units_tsv` (translated terms, forbidden ones skipped, cleaned, deduplicated).
    A term is (source, target) or (source, target, flags), e.g. flags "forbidden" or "read-only"."""
    from django.core.cache import cache
    from weblate.glossary.models import render_glossary_units_tsv

    units = [
        FakeUnit(translation, t[0], target=t[1], translated=True, flags=t[2] if len(t) > 2 else "")
        for t in terms
    ]
    tsv = render_glossary_units_tsv(units)
    project = translation.component.project
    key = project.get_glossary_tsv_cache_key(translation.component.source_language, translation.language)
    cache.set(key, tsv, 24 * 3600)
    return tsv


def outgoing(machine: Any, unit: FakeUnit) -> dict[str, Any]:
    """The text the engine is sent for this unit, and the replacements Weblate will undo."""
    text, replacements = machine.cleanup_text(unit.source, unit)
    return {"sent": text, "replacements": replacements}


def _plain(results: Any) -> Any:
    """Machinery results without the engine objects (`origin`) so they serialise."""
    if isinstance(results, list):
        return [_plain(r) for r in results]
    if isinstance(results, dict):
        return {k: _plain(v) for k, v in results.items() if k != "origin"}
    return results


def suggest(machine: Any, unit: FakeUnit) -> Any:
    """What the editor's "Automatic suggestions" tab shows: `translate(unit)`, one list per plural."""
    return _plain(machine.translate(unit))


def batch(machine: Any, units: list[FakeUnit]) -> list[Any]:
    """What automatic translation does, `batch_size` (20) units at a time."""
    machine.batch_translate(units)
    return [u.machinery.get("translation") for u in units]


def clear_caches() -> None:
    from django.core.cache import cache

    cache.clear()


def run_scenario(
    engine: str,
    url: str,
    key: str,
    scenario: str,
    texts: list[str] | None = None,
    terms: list[tuple[str, ...]] | None = None,
    flags: str | None = None,
    on_saved: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """One scenario with fresh caches; errors come back as data, never as a traceback.
    `on_saved` runs after the settings form was validated (to tell its requests apart)."""
    clear_caches()
    config: dict[str, Any] = {"url": url}
    if engine != "tmserver":  # tmserver's form has no key field
        config["key"] = key
    out: dict[str, Any] = {"engine": engine, "scenario": scenario}
    settings, errors = save_settings(engine, config)
    out["saved"] = settings is not None
    out["settings_errors"] = errors
    if on_saved is not None:
        on_saved()
    if scenario == "validate":
        return out
    if settings is None:  # Weblate would not have saved it; use the config to see what happens
        settings = config
    machine = make_machine(engine, settings)
    clear_caches()  # what validate_settings cached is not what a later request finds
    translation = make_translation()
    # A project with no glossary: Weblate caches its empty TSV too (the fake has no database).
    seed_glossary(translation, [])
    try:
        if scenario == "languages":
            out["languages"] = sorted("/".join(_as_pair(x)) for x in machine.download_languages())
            pair = machine.get_languages(translation.component.source_language, translation.language)
            out["pair"] = list(pair)
        elif scenario in ("plain", "markup", "placeholders"):
            default = {
                "plain": [PLAIN_SOURCE],
                "markup": MARKUP_SOURCES,
                "placeholders": [PLACEHOLDER_SOURCE],
            }
            if flags is None and scenario == "placeholders":
                flags = "python-format"
            units = [make_unit(translation, t, flags or "") for t in (texts or default[scenario])]
            out["results"] = [{**outgoing(machine, u), "suggestions": suggest(machine, u)} for u in units]
        elif scenario == "glossary":
            # First glossary, then the same project's glossary after a translator changed a term:
            # Weblate uploads the new one under a new checksum and deletes the stale one.
            first = terms or DEFAULT_TERMS
            out["tsv"] = [seed_glossary(translation, first)]
            unit = make_unit(translation, texts[0] if texts else PLAIN_SOURCE, flags or "")
            out["results"] = [{**outgoing(machine, unit), "suggestions": suggest(machine, unit)}]
            if not terms:
                out["tsv"].append(seed_glossary(translation, CHANGED_TERMS))
                unit = make_unit(translation, GLOSSARY_SOURCE_2, flags or "")
                out["results"].append({**outgoing(machine, unit), "suggestions": suggest(machine, unit)})
            out["debug"] = translation.debug
        elif scenario == "batch":
            sources = texts or [f"{PLAIN_SOURCE} ({n})" for n in range(1, 21)]
            units = [make_unit(translation, t, flags or "") for t in sources]
            out["translations"] = batch(machine, units)
        else:
            raise ValueError(f"unknown scenario {scenario!r}")
    except Exception as exc:  # the harness reports what Weblate would log
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def _as_pair(item: Any) -> tuple[str, ...]:
    return tuple(item) if isinstance(item, tuple) else (item,)


# -- recording every class and scenario, as Markdown ---------------------------------------------
def record(write: Callable[[str], Any]) -> None:
    """Run every engine and scenario against tests/api_recorder.py and write what was sent.
    Saving the settings is shown once per engine (each scenario saves them first, the same way)."""
    from api_recorder import Recorder

    with Recorder() as rec:
        bases = {"libretranslate": rec.url, "deepl": rec.url + "/v2/", "tmserver": rec.url + "/tmserver"}
        for engine in ENGINES:
            write(f"\n### {engine} (URL setting `{bases[engine].replace(rec.url, 'http://HOST:PORT')}`)\n")
            for scenario in SCENARIOS:
                if engine != "deepl" and scenario == "glossary":
                    continue
                rec.take()
                saved: list[Any] = []
                result = run_scenario(
                    engine,
                    bases[engine],
                    "K3Y",
                    scenario,
                    on_saved=lambda saved=saved: saved.extend(rec.take()),
                )
                if scenario == "validate":
                    write("\n#### Saving the settings (form `clean()` → `validate_settings()`)\n\n")
                    for r in saved:
                        write(_markdown_request(r))
                    write(_markdown_result(result))
                    continue
                write(f"\n#### {scenario}\n\n")
                for r in rec.take():  # the headers every request repeats are shown once, above
                    write(_markdown_request(r, COMMON_HEADERS))
                write(_markdown_result(result))


def _markdown_request(r: Any, drop: frozenset[str] = frozenset()) -> str:
    """One request as an HTTP block; `drop`: header names (lower case) already shown above."""
    skip = {"host", "content-length", "connection", "accept-encoding", *drop}
    head = "\n".join(f"{k}: {v}" for k, v in r.headers if k.lower() not in skip)
    body = r.body.decode("utf-8", "replace")
    if body and (r.header("Content-Type") or "").startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    head = f"{head}\n" if head else ""
    return f"```http\n{r.method} {r.target}\n{head}" + (f"\n{body}\n" if body else "") + "```\n\n"


COMMON_HEADERS = frozenset({"user-agent", "accept", "referer", "authorization"})


def _markdown_result(result: dict[str, Any]) -> str:
    shown = {k: v for k, v in result.items() if k not in ("engine", "scenario")}
    lines = ",\n".join(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in shown.items())
    return "Harness result:\n\n```json\n{\n" + lines + "\n}\n```\n"


def _run_parser() -> argparse.ArgumentParser:
    run = argparse.ArgumentParser(prog="weblate_machinery.py run", description="one scenario, JSON on stdout")
    run.add_argument("engine", choices=sorted(ENGINES))
    run.add_argument("url", help="the machinery's URL setting, e.g. http://127.0.0.1:5000/v2/")
    run.add_argument("scenario", choices=SCENARIOS)
    run.add_argument("--key", default="")
    run.add_argument("--text", action="append", help="a source string (repeat for several)")
    run.add_argument("--term", action="append", help="a glossary term SRC=TGT (repeat)")
    run.add_argument("--flags", default="", help="Weblate flags of the units, e.g. xml-text")
    return run


def _run(args: argparse.Namespace) -> dict[str, Any]:
    terms = [tuple(t.split("=", 1)) for t in args.term or []]
    return run_scenario(
        args.engine,
        args.url,
        args.key,
        args.scenario,
        args.text,
        terms or None,
        args.flags,  # type: ignore[arg-type]
    )


def serve(lines: Iterable[str], write: Callable[[str], Any]) -> None:
    """`run` once per line (a JSON list of its arguments), one JSON line back for each. What
    would have been a crash of `run` (a traceback, exit 1) comes back as ``{"harness_error": ...}``."""
    parser = _run_parser()
    for line in lines:
        try:
            result = _run(parser.parse_args(json.loads(line)))
        except (Exception, SystemExit):  # argparse exits on bad arguments
            result = {"harness_error": traceback.format_exc()}
        write(json.dumps(result, ensure_ascii=False) + "\n")


class Harness:
    """`serve` in a process of its own, started once and asked one scenario at a time:
    ``Harness(folder).run("deepl", url, "glossary", "--key", "K")`` is what ``python
    tests/weblate_machinery.py run deepl URL glossary --key K`` prints, as a dict. ``folder``
    is its working folder (not the repository root: see the module's docstring) and holds its
    stderr. A scenario that takes longer than ``timeout`` seconds stops the process (the next
    call starts another) and fails with its stderr."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.log = folder / "harness.stderr"
        self._proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), "serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.log.open("a", encoding="utf-8"),
                cwd=self.folder,
                text=True,
                encoding="utf-8",
            )
        return self._proc

    def run(self, *argv: str, timeout: float = 120) -> dict[str, Any]:
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        seen = self.log.stat().st_size
        proc.stdin.write(json.dumps(argv, ensure_ascii=False) + "\n")
        proc.stdin.flush()
        ready = select.select([proc.stdout], [], [], timeout)[0]
        line = proc.stdout.readline() if ready else ""
        if not line:
            self.close()
            why = f"took longer than {timeout}s" if not ready else "ended"
            raise AssertionError(f"the Weblate harness {why} on {argv}: {self._stderr(seen)}")
        result: dict[str, Any] = json.loads(line)
        assert "harness_error" not in result, result["harness_error"][-2000:] + self._stderr(seen)
        return result

    def _stderr(self, since: int) -> str:
        with self.log.open(encoding="utf-8", errors="replace") as fh:
            fh.seek(since)
            return fh.read()[-2000:]

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()  # serve ends at the end of its input
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.send_signal(signal.SIGKILL)
                self._proc.wait()
        self._proc = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser(
        "run", help="one scenario against URL, JSON on stdout", parents=[_run_parser()], add_help=False
    )
    sub.add_parser("serve", help="`run` for each line of stdin (its arguments, a JSON list), JSON lines out")
    sub.add_parser("record", help="every engine and scenario against the recorder, Markdown")
    args = parser.parse_args(argv)

    setup_django()
    if args.cmd == "record":
        record(sys.stdout.write)
        return 0
    if args.cmd == "serve":

        def write(text: str) -> None:
            sys.stdout.write(text)
            sys.stdout.flush()

        serve(sys.stdin, write)
        return 0
    json.dump(_run(args), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
