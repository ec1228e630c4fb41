"""Goldens: what today's commands write, byte for byte, kept across refactors.

Recorded from the commands as a user runs them (in a work folder, relative paths, the tiny
test model) and compared with ``tests/goldens/``. Only the PO dates (which change on every
write: kept as a fixed stamp, so that each golden is still a catalog ``msgfmt -c`` accepts)
and compare's timings (which change on every run) are left out. Re-record after a
deliberate change with ``TARJAMA_UPDATE_GOLDENS=1 python -m pytest tests/test_goldens.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from tarjama.catalog.po_format import render_po
from tarjama.cli import main
from tarjama.translate.model_source import resolve_model

from .conftest import EXAMPLE, REFERENCE, ROOT
from .review_helpers import msgfmt_check

# Every command on the example, byte for byte: the slow lane's (CI runs it on every change).
pytestmark = pytest.mark.slow

GOLDENS = ROOT / "tests" / "goldens"
UPDATE = os.environ.get("TARJAMA_UPDATE_GOLDENS") == "1"
SECOND = ROOT / "tests" / "data" / "seg-oil-market.ar.txt"
_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', re.M)
_STAMP = r'"\1: 2000-01-01 00:00+0000\\n"\n'  # what the goldens keep of a date
_TIMINGS = ("sentences_per_second", "seconds")


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _without_timings(value):
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in _TIMINGS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("goldens")


@pytest.fixture(scope="module")
def produced(work: Path, tiny_model: Path) -> dict[str, str]:
    for article in (EXAMPLE, SECOND):
        shutil.copyfile(article, work / article.name)
    shutil.copytree(tiny_model, work / "tiny-model")
    shutil.copyfile(REFERENCE, work / "reference.en.txt")
    shutil.copyfile(ROOT / "locales" / "en" / "LC_MESSAGES" / "hanoi-convention.po", work / "reviewed.po")
    articles = [EXAMPLE.name, SECOND.name]
    out: dict[str, str] = {}
    cwd = Path.cwd()
    os.chdir(work)
    try:
        for command in ("translate", "batch"):
            for backend in ("transformers", "ct2"):
                name = f"{command}-{backend}"
                extra = ["-q"] if command == "batch" else []
                _run(
                    command, *articles, "--model", "./tiny-model", "--out", name, "--backend", backend, *extra
                )
                for po in sorted((work / name / "en" / "LC_MESSAGES").glob("*.po")):
                    out[f"{name}/{po.name}"] = _DATES.sub(_STAMP, po.read_text(encoding="utf-8"))
        for article in articles:
            out[f"segment/{article}.jsonl"] = _run("segment", article, "--json")
        po = f"translate-transformers/en/LC_MESSAGES/{EXAMPLE.name.removesuffix('.ar.txt')}.po"
        out["score.json"] = _run("score", po, "--ref", "reference.en.txt", "--json")
        _run(
            "compare",
            EXAMPLE.name,
            "--system",
            "reviewed=reviewed.po",
            "--system",
            "tiny=./tiny-model",
            "--ref",
            "reference.en.txt",
            "--out",
            "compare-report",
        )
        report = json.loads((work / "compare-report" / "report.json").read_text(encoding="utf-8"))
        out["compare-report.json"] = json.dumps(_without_timings(report), ensure_ascii=False, indent=2) + "\n"
    finally:
        os.chdir(cwd)
    # The tiny model's revision hashes its files, and transformers writes its own version into
    # config.json: a release of transformers changes the revision, not what the commands do.
    revision = resolve_model(str(work / "tiny-model")).revision
    return {name: text.replace(revision, "sha256:<tiny-model>") for name, text in out.items()}


def _engine_output_masked(text: str) -> str:
    """A CTranslate2 catalog with its machine translations (and the term misses they cause)
    replaced by a mark. CTranslate2's int8 kernels depend on the CPU's instruction set (AVX2,
    AVX-512, VNNI), so on another machine the same command writes other MT: everything else in
    the file is still compared exactly."""
    po = polib.pofile(text)
    for e in po:
        lines = (e.comment or "").splitlines()
        if any(line.startswith("mt: ") for line in lines):
            e.msgstr = "<machine translation>"
            e.comment = "\n".join(
                _risk_masked(line) for line in lines if not line.startswith("glossary-missing: ")
            )
    return render_po(po)  # the writer's own bytes (msgcat's wrapping)


def _risk_masked(line: str) -> str:
    """A risk note's value and reasons follow the machine translation: only its place is kept."""
    return "risk: <risk of the machine translation>" if line.startswith("risk: ") else line


def _comparable(produced: dict[str, str]) -> dict[str, str]:
    return {
        name: _engine_output_masked(text) if name.split("/")[0].endswith("-ct2") else text
        for name, text in produced.items()
    }


def test_commands_write_what_they_wrote_before_the_refactor(produced: dict[str, str]) -> None:
    produced = _comparable(produced)
    if UPDATE:
        shutil.rmtree(GOLDENS, ignore_errors=True)
        for name, text in produced.items():
            (GOLDENS / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDENS / name).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDENS).as_posix() for p in GOLDENS.rglob("*") if p.is_file()}
    assert set(produced) == expected
    for name, text in produced.items():
        assert text == (GOLDENS / name).read_text(encoding="utf-8"), name


def _shape(text: str) -> list[tuple]:
    """An entry's place and tarjama's comments, minus what depends on the engine's output."""
    return [
        (
            e.msgid,
            bool(e.msgstr.strip()),
            tuple(e.flags),
            tuple(e.occurrences),
            tuple(
                _risk_masked(c)
                for c in (e.comment or "").splitlines()
                if not c.startswith("glossary-missing: ")
            ),
        )
        for e in polib.pofile(text)
    ]


def test_both_commands_and_both_engines_write_catalogs_of_one_shape(produced: dict[str, str]) -> None:
    """translate and batch write the same file; transformers and CTranslate2 differ only in the MT."""
    for article in ("hanoi-convention.po", "seg-oil-market.po"):
        for backend in ("transformers", "ct2"):
            assert produced[f"translate-{backend}/{article}"] == produced[f"batch-{backend}/{article}"]
        hf, ct2 = produced[f"translate-transformers/{article}"], produced[f"translate-ct2/{article}"]
        assert _shape(hf) == _shape(ct2)
        settings = {
            b: polib.pofile(produced[f"translate-{b}/{article}"]).metadata["X-Tarjama-Settings"]
            for b in ("transformers", "ct2")
        }
        glossary = settings["transformers"].rsplit(" ", 1)[1]
        assert glossary.startswith("glossary=sha256:")
        assert settings == {
            "transformers": f"backend=transformers beam=4 compute=float32 {glossary}",
            "ct2": f"backend=ct2 beam=4 compute=int8 {glossary}",
        }
    assert len(polib.pofile(produced["translate-ct2/hanoi-convention.po"])) == 34


def test_every_catalog_written_and_every_golden_passes_msgfmt_check_without_a_warning(
    produced: dict[str, str], work: Path
) -> None:
    """gettext's own check, warnings included (it warned that PO-Revision-Date was missing from
    the goldens); the written catalogs carry their real dates."""
    written = sorted(p for p in work.glob("*/en/LC_MESSAGES/*.po"))
    goldens = sorted(GOLDENS.rglob("*.po"))
    assert len(written) == 8 and len(goldens) == 8
    for path in [*written, *goldens]:
        msgfmt_check(path)
