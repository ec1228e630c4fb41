"""The run core's order of failure and its promises: found before loaded, nothing touched in vain,
no text dropped, and `translate` and `batch` agreeing on what a catalog records."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest

from tarjama.errors import InputError, TarjamaError
from tarjama.files import lock_path
from tarjama.glossary import Matcher, load_default
from tarjama.run import Resources, RunOptions, run_batch, translate_articles
from tarjama.sources import read
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.long_sentences import split_for_mt

from .conftest import EXAMPLE, ROOT, run_cli
from .test_translate_errors import assert_one_line_error

REVIEWED = ROOT / "locales" / "en" / "LC_MESSAGES" / "hanoi-convention.po"


def never_opened(source, settings):
    raise AssertionError("the model was loaded although nothing needed it")


def reviewed_tree(tmp_path: Path) -> Path:
    """An output tree holding the shipped, fully reviewed catalog of the example article."""
    out = tmp_path / "locales"
    (out / "en" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copyfile(REVIEWED, out / "en" / "LC_MESSAGES" / "hanoi-convention.po")
    return out


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.parametrize("model", ["./nonexistent-dir", "nobody/no-such-model"])
def test_an_invalid_model_fails_with_exit_2_even_when_every_sentence_is_reviewed(
    tmp_path: Path, article: Path, model: str
) -> None:
    out = reviewed_tree(tmp_path)
    before = snapshot(out)
    res = run_cli("translate", article, "--model", model, "--out", out, cwd=tmp_path)
    assert_one_line_error(res, model.removeprefix("./"), code=2)
    assert snapshot(out) == before


def test_a_run_that_translates_nothing_leaves_the_catalog_untouched(tmp_path: Path, tiny_model: Path) -> None:
    out = reviewed_tree(tmp_path)
    (tmp_path / "examples").mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)  # where the shipped PO says it is
    before = snapshot(out)
    res = run_cli(
        "translate", f"examples/{EXAMPLE.name}", "--model", tiny_model, "--out", "locales", cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    assert "unchanged" in res.stdout and "0 machine-translated" in res.stdout
    assert snapshot(out) == before  # the header still names the engine of its translations


def test_no_output_folder_is_made_before_the_inputs_and_the_model_are_known_good(
    tmp_path: Path, article: Path, tiny_model: Path
) -> None:
    out = tmp_path / "out"
    assert run_cli("translate", article, "--model", tmp_path / "missing", "--out", out).returncode == 2
    empty = tmp_path / "empty.ar.txt"
    empty.write_bytes(b"")
    assert run_cli("translate", empty, "--model", tiny_model, "--out", out).returncode == 1
    assert run_cli("batch", "-q", empty, "--model", tmp_path / "missing", "--out", out).returncode == 2
    assert not out.exists()


@pytest.mark.parametrize("blocker", ["en", "en/LC_MESSAGES", "en/LC_MESSAGES/hanoi-convention.po/"])
def test_an_unwritable_catalog_path_is_one_line_before_any_model_load(
    tmp_path: Path, article: Path, tiny_model: Path, blocker: str
) -> None:
    out = tmp_path / "out"
    spot = out / blocker
    if blocker.endswith("/"):
        spot.mkdir(parents=True)  # the catalog's own name is taken by a folder
    else:
        spot.parent.mkdir(parents=True, exist_ok=True)
        spot.write_text("not a folder\n", encoding="utf-8")
    with pytest.raises(TarjamaError) as err:
        translate_articles(
            [article], RunOptions(out_dir=out), Resources(model=str(tiny_model)), opener=never_opened
        )
    assert "hanoi-convention.po" in str(err.value)
    for command in ("translate", "batch"):
        res = run_cli(command, article, "--model", tiny_model, "--out", out)
        line = assert_one_line_error(res, "hanoi-convention.po", code=1)
        assert "directory" in line


def test_batch_skips_what_translate_wrote_with_the_same_settings_without_loading_the_model(
    tmp_path: Path, article: Path, tiny_model: Path
) -> None:
    out = tmp_path / "out"
    settings = DecodeSettings(backend="ct2", beam=1)
    resources = Resources(model=str(tiny_model))
    [written] = translate_articles([article], RunOptions(out_dir=out, settings=settings), resources)
    assert written.status == "written"
    options = RunOptions(out_dir=out, settings=settings, skip_unchanged=True)  # what `batch` runs
    report = run_batch([article], options, resources, opener=never_opened)
    assert [a.status for a in report.articles] == ["unchanged"]
    assert not report.model_loaded


def test_the_summary_counts_sentences_filled_from_memory(tmp_path: Path, tiny_model: Path) -> None:
    out = reviewed_tree(tmp_path)
    copy = tmp_path / "same-story.ar.txt"  # the same article under another name: all in memory
    shutil.copyfile(EXAMPLE, copy)
    res = run_cli("translate", copy, "--model", tiny_model, "--out", out)
    assert res.returncode == 0, res.stderr
    translatable = len(read(copy).translatable())
    assert f"0 machine-translated, {translatable} from memory, 0 reviewed kept" in res.stdout
    po = polib.pofile(str(out / "en" / "LC_MESSAGES" / "same-story.po"))
    assert sum(1 for e in po if "memory: exact match" in (e.comment or "")) == translatable


def test_no_lock_files_are_left_in_the_output_tree(tmp_path: Path, article: Path, tiny_model: Path) -> None:
    out = tmp_path / "out"
    # three of the example's sentences: two locked writes need no whole article translated
    article.write_text("\n".join(read(EXAMPLE).translatable()[:3]) + "\n", encoding="utf-8")
    options = RunOptions(out_dir=out, settings=DecodeSettings(beam=1))
    translate_articles([article], options, Resources(model=str(tiny_model)))
    article.write_text(
        article.read_text(encoding="utf-8") + "\nجملة جديدة في آخر المقال.\n", encoding="utf-8"
    )
    run_batch([article], options, Resources(model=str(tiny_model)))  # writes again, under the lock
    names = sorted(p.name for p in out.rglob("*"))
    assert names == ["LC_MESSAGES", "en", "hanoi-convention.po"]
    assert lock_path(out / "en" / "LC_MESSAGES" / "hanoi-convention.po").is_file()  # where it went


def test_a_sentence_longer_than_the_model_input_is_split_and_nothing_is_dropped(
    tmp_path: Path, tiny_model: Path
) -> None:
    """A line with no punctuation, many times the model's input: translated in parts, every word sent."""
    words = read(EXAMPLE).translatable()[3].replace("،", "").replace(".", "").split()
    long_line = " ".join(words * 12)
    art = tmp_path / "long.ar.txt"
    art.write_text(f"{long_line}\n", encoding="utf-8")
    sent: list[str] = []
    limit: list[int] = []

    def recording(source, settings):
        real = open_backend(source, settings)
        limit.append(real.max_source_tokens)
        original = real.translate_scored

        def translate_scored(texts, terms=None, banned=None):
            sent.extend(texts)
            return original(texts, terms=terms, banned=banned)

        real.translate_scored = translate_scored
        return real

    out = tmp_path / "out"
    options = RunOptions(out_dir=out, settings=DecodeSettings(beam=1))
    [report] = translate_articles([art], options, Resources(model=str(tiny_model)), opener=recording)
    backend = open_backend(_source(tiny_model), options.settings)
    terms = [(m.start, m.end) for m in Matcher(load_default()).find(long_line)]  # never cut inside
    spans = split_for_mt(long_line, lambda s: backend.token_counts([s])[0], limit[0], terms)
    parts = [long_line[a:b].strip() for a, b in spans]
    assert "".join(long_line[a:b] for a, b in spans) == long_line  # the parts are the whole sentence
    # every part went to the model (a part repeated word for word, once)
    assert report.split == 1 and len(parts) > 1 and sorted(sent) == sorted(set(parts))
    assert max(backend.token_counts(sent)) <= limit[0]
    entry = polib.pofile(str(out / "en" / "LC_MESSAGES" / "long.po"))[0]
    assert f"split for MT: {len(parts)} parts" in entry.comment
    assert entry.msgid == long_line and entry.msgstr and "fuzzy" in entry.flags


def _source(model: Path):
    from tarjama.translate.model_source import resolve_model

    return resolve_model(str(model))


def test_a_fifo_is_refused_in_one_line_without_blocking(tmp_path: Path, tiny_model: Path) -> None:
    fifo = tmp_path / "pipe.ar.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read(fifo)
    res = run_cli("translate", fifo, "--model", tiny_model, "--out", tmp_path / "out")
    assert_one_line_error(res, "not a regular file", code=1)


def test_compare_finds_every_system_before_translating_any(
    tmp_path: Path, article: Path, tiny_model: Path
) -> None:
    res = run_cli(
        "compare",
        article,
        "--system",
        f"first={tiny_model}",
        "--system",
        f"typo={tmp_path / 'no-such-model'}",
        "--ref",
        ROOT / "evaluation" / "references" / "hanoi-convention.en.txt",
        "--out",
        tmp_path / "report",
    )
    assert_one_line_error(res, "no-such-model", code=2)  # no "first: translating ..." line before it
    assert not (tmp_path / "report").exists()


class Recorder:
    def __init__(self) -> None:
        self.started: tuple[int, int] | None = None
        self.articles = self.sentences = 0

    def start(self, articles: int, sentences: int) -> None:
        self.started = (articles, sentences)

    def advance(self, articles: int = 0, sentences: int = 0) -> None:
        self.articles += articles
        self.sentences += sentences


def test_a_compare_system_reports_progress_as_it_translates(tmp_path: Path, tiny_model: Path) -> None:
    from tarjama.run.systems import translate_system

    doc = read(EXAMPLE)
    progress = Recorder()
    run = translate_system(
        # CTranslate2 (converted once per session): progress is counted the same by either engine
        _source(tiny_model),
        [doc],
        tmp_path / "work",
        DecodeSettings(beam=1, backend="ct2"),
        None,
        progress=progress,
    )
    assert progress.started == (1, len(doc.translatable()))
    assert (progress.articles, progress.sentences) == (1, len(doc.translatable()))
    assert run.sentences == len(doc.translatable()) and len(run.po_files) == 1
