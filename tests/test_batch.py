"""`tarjama batch`: pooling and dedup, token-budget batches, skip-unchanged, failure isolation, both backends."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarjama.run import Resources, RunOptions, expand_inputs, run_batch, token_budget_batches
from tarjama.sources.segment import TRANSLATABLE, segment
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import open_backend

from .conftest import EXAMPLE, run_cli

TAGS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن"]


@pytest.fixture(scope="session")
def batch_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tarjama-cache")


@pytest.fixture(autouse=True)
def _cache_env(batch_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARJAMA_CACHE", str(batch_cache))


def body_sentences() -> list[str]:
    return [s.text for s in segment(EXAMPLE.read_text(encoding="utf-8")) if s.kind == "body"]


def write_articles(folder: Path, count: int, per_article: int = 6) -> list[Path]:
    """Articles of distinct sentences (each tagged with its article), one sentence per line."""
    folder.mkdir(parents=True, exist_ok=True)
    body = body_sentences()
    paths = []
    for k in range(count):
        lines = [f"الخبر {TAGS[k]}: {body[(k * per_article + i) % len(body)]}" for i in range(per_article)]
        path = folder / f"story-{k}.ar.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def po_of(out: Path, article: Path) -> Path:
    return out / "en" / "LC_MESSAGES" / (article.name.removesuffix(".ar.txt") + ".po")


class Spy:
    """Wraps a real backend (real model) and records what the batch path asks of it."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.opened = 0

    def factory(self, source, settings):
        self.opened += 1
        real = open_backend(source, settings)
        spy = self

        class Recording:
            name, settings, source = real.name, real.settings, real.source

            max_source_tokens = real.max_source_tokens

            def encode(self, texts):
                return real.encode(texts)

            def token_counts(self, texts):
                return real.token_counts(texts)

            def stand_ins(self, targets):
                return real.stand_ins(targets)

            def spells(self, text):
                return real.spells(text)

            def translate_scored(self, texts, terms=None, banned=None):
                spy.calls.append(list(texts))
                return real.translate_scored(texts, terms=terms, banned=banned)

        return Recording()


def options(model: Path, out: Path, **kw) -> tuple[RunOptions, Resources]:
    """What `tarjama batch` builds from its options (skip-unchanged is on, as in the CLI)."""
    settings = DecodeSettings(
        backend=kw.pop("backend", "ct2"), beam=kw.pop("beam", 2), batch_size=kw.pop("batch", 8)
    )
    run = RunOptions(out_dir=out, settings=settings, skip_unchanged=True, **kw)
    return run, Resources(model=str(model))


def test_sentences_are_pooled_deduplicated_and_batched_by_token_budget(
    tiny_model: Path, tmp_path: Path
) -> None:
    arts = tmp_path / "in"
    arts.mkdir()
    shutil.copyfile(EXAMPLE, arts / "a.ar.txt")
    # b repeats half of a's sentences and adds one of its own
    sentences = [s for s in segment(EXAMPLE.read_text(encoding="utf-8")) if s.kind == "body"]
    shared = [s.text for s in sentences[::2]]
    (arts / "b.ar.txt").write_text("\n".join([*shared, "هانوي مدينة جميلة."]) + "\n", encoding="utf-8")
    spy = Spy()
    opts, res = options(tiny_model, tmp_path / "out", max_batch_tokens=200, batch=8)
    report = run_batch([arts], opts, res, opener=spy.factory)
    assert spy.opened == 1  # one model load for every article
    sent = [t for call in spy.calls for t in call]
    translatable_a = {s.text for s in segment(EXAMPLE.read_text(encoding="utf-8")) if s.kind in TRANSLATABLE}
    distinct = translatable_a | {"هانوي مدينة جميلة."}
    assert report.unique_sentences == len(distinct) == len(translatable_a) + 1
    # each distinct sentence goes to the model once: whole, or in parts when it is longer than
    # the model's input
    backend = open_backend(spy_source(tiny_model), opts.settings)
    fits = {t for t in distinct if backend.token_counts([t])[0] <= backend.max_source_tokens}
    assert len(sent) == len(set(sent)) and fits <= set(sent)
    assert not (distinct - fits) & set(sent)
    # length-sorted batches within the token budget (padded: count x longest)
    for call in spy.calls:
        lengths = [len(x) for x in backend.encode(call)]
        assert lengths == sorted(lengths)
        assert len(call) <= 8 and (len(call) == 1 or len(call) * max(lengths) <= 200)
    assert len(spy.calls) > 4
    # results go back to every article that has the sentence
    po_a = polib.pofile(str(tmp_path / "out" / "en" / "LC_MESSAGES" / "a.po"))
    po_b = polib.pofile(str(tmp_path / "out" / "en" / "LC_MESSAGES" / "b.po"))
    for text in shared:
        assert po_a.find(text).msgstr == po_b.find(text).msgstr != ""
    by_name = {r.article.name: r for r in report.articles}
    assert by_name["a.ar.txt"].status == by_name["b.ar.txt"].status == "written"
    assert by_name["a.ar.txt"].translated == 32 and by_name["b.ar.txt"].translated == len(shared) + 1


def spy_source(model: Path):
    from tarjama.translate.model_source import resolve_model

    return resolve_model(str(model))


@given(
    lengths=st.lists(st.integers(1, 80), max_size=60),
    budget=st.integers(1, 400),
    most=st.integers(1, 20),
)
def test_token_budget_batches_cover_every_sentence_once_within_budget(
    lengths: list[int], budget: int, most: int
) -> None:
    batches = token_budget_batches(lengths, budget, most)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    for b in batches:
        assert len(b) <= most
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= budget


def test_unchanged_articles_are_skipped_without_loading_the_model(tiny_model: Path, tmp_path: Path) -> None:
    arts = write_articles(tmp_path / "in", 3)
    out = tmp_path / "out"
    first = run_batch([tmp_path / "in"], *options(tiny_model, out))
    assert [a.status for a in first.articles] == ["written"] * 3 and first.model_loaded
    before = {p: (po_of(out, p).read_bytes(), po_of(out, p).stat().st_mtime_ns) for p in arts}

    def no_model(source, settings):
        raise AssertionError("the model must not be loaded when nothing changed")

    again = run_batch([tmp_path / "in"], *options(tiny_model, out), opener=no_model)
    assert [a.status for a in again.articles] == ["unchanged"] * 3
    assert not again.model_loaded and again.unique_sentences == 0
    assert {p: (po_of(out, p).read_bytes(), po_of(out, p).stat().st_mtime_ns) for p in arts} == before

    # one edited article is redone; the others are still skipped
    arts[1].write_text(
        arts[1].read_text(encoding="utf-8") + "وصل الوفد إلى هانوي صباح اليوم.\n", encoding="utf-8"
    )
    spy = Spy()
    edited = run_batch([tmp_path / "in"], *options(tiny_model, out), opener=spy.factory)
    assert [a.status for a in edited.articles] == ["unchanged", "written", "unchanged"]
    # only the new sentence goes to the model: the others' MT is already in the catalog
    assert [t for c in spy.calls for t in c] == ["وصل الوفد إلى هانوي صباح اليوم."]
    assert [(a.kept_mt, a.translated) for a in edited.articles] == [(0, 0), (6, 1), (0, 0)]
    redone = polib.pofile(str(po_of(out, arts[1])))
    assert len(redone) == 7 and all(e.msgstr for e in redone)
    assert po_of(out, arts[0]).read_bytes() == before[arts[0]][0]

    # other settings (beam) mean other output: everything is redone
    rebeam = run_batch([tmp_path / "in"], *options(tiny_model, out, beam=1))
    assert [a.status for a in rebeam.articles] == ["written"] * 3
    assert (
        polib.pofile(str(po_of(out, arts[2])))
        .metadata["X-Tarjama-Settings"]
        .startswith("backend=ct2 beam=1 compute=int8 glossary=sha256:")
    )


def test_cli_second_run_reports_no_model_load(tiny_model: Path, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    args = ("batch", tmp_path / "in", "--model", tiny_model, "--out", tmp_path / "out", "--backend", "ct2")
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr
    assert "model loaded once" in res.stdout and "story-0.ar.txt" in res.stdout
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr
    assert "no model loaded" in res.stdout and res.stdout.count("unchanged") == 2
    assert run_cli(*args, "--quiet").stdout == ""


def test_progress_as_lines_where_there_is_no_terminal(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log (or a run relayed from a Ray cluster) gets its progress as lines with
    TARJAMA_PROGRESS=lines; with TARJAMA_PROGRESS=none (the tests' setting, conftest) none at all."""
    write_articles(tmp_path / "in", 3)
    args = ("batch", tmp_path / "in", "--model", tiny_model, "--backend", "ct2", "--beam", "1")
    res = run_cli(*args, "--out", tmp_path / "quiet")
    assert res.returncode == 0 and "progress:" not in res.stderr, res.stderr
    monkeypatch.setenv("TARJAMA_PROGRESS", "lines")
    res = run_cli(*args, "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    lines = res.stderr.strip().splitlines()
    assert lines and all(ln.startswith("progress: articles ") for ln in lines), res.stderr
    first = re.match(r"progress: articles 0/3, sentences 0/(\d+), 0\.0 sent/s, ETA -$", lines[0])
    assert first, lines[0]
    total = first.group(1)
    assert re.match(rf"progress: articles 3/3, sentences {total}/{total}, \d+\.\d sent/s, ETA -$", lines[-1])
    assert run_cli(*args, "--out", tmp_path / "again", "--quiet").stderr == ""  # --quiet: none


def test_bad_articles_are_reported_and_skipped_the_others_written(tiny_model: Path, tmp_path: Path) -> None:
    good = write_articles(tmp_path / "in", 2)
    (tmp_path / "in" / "english.txt").write_text("This article is in English only.\n", encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "cp1256.txt").write_bytes("خبر عاجل من هانوي".encode("cp1256"))
    res = run_cli(
        "batch", tmp_path / "in", tmp_path / "missing.ar.txt", str(tmp_path / "nothing" / "*.txt"),
        "--model", tiny_model, "--out", tmp_path / "out", "--backend", "ct2", "--beam", "1",
    )  # fmt: skip
    assert res.returncode == 1
    errors = res.stderr.strip().splitlines()
    assert len(errors) == 5 and all(e.startswith("tarjama: error: ") for e in errors), res.stderr
    assert "Traceback" not in res.stderr
    joined = "\n".join(errors)
    for expected in (
        "english.txt: no Arabic text found",
        "empty.txt: file is empty",
        "cp1256.txt: not valid UTF-8",
        "missing.ar.txt: no such file",
        "*.txt: no file matches this pattern",
    ):
        assert expected in joined
    for path in good:
        po = polib.pofile(str(po_of(tmp_path / "out", path)))
        assert len(po) == 6 and all(e.msgstr for e in po)
    assert sorted(p.name for p in (tmp_path / "out" / "en" / "LC_MESSAGES").glob("*.po")) == [
        "story-0.po",
        "story-1.po",
    ]


def test_expand_inputs_files_directories_and_globs(tmp_path: Path) -> None:
    a, b = write_articles(tmp_path / "in", 2)
    (tmp_path / "in" / "notes.csv").write_text("x", encoding="utf-8")
    (tmp_path / "in" / "sub").mkdir()
    c = tmp_path / "in" / "sub" / "c.md"
    c.write_text("خبر", encoding="utf-8")
    paths, failed = expand_inputs(
        [a, tmp_path / "in", str(tmp_path / "in" / "story-*.txt"), tmp_path / "x.txt"]
    )
    assert paths == [
        a,
        b,
        c,
        tmp_path / "x.txt",
    ]  # de-duplicated, in order; a missing file is kept to be reported
    assert failed == []
    _, failed = expand_inputs([tmp_path / "in" / "sub" / "*.txt", tmp_path / "in" / "sub" / "emptydir"])
    assert len(failed) == 1 and "no file matches" in failed[0].error


@pytest.mark.parametrize("backend", ["transformers", "ct2"])
def test_both_backends_write_complete_catalogs(tiny_model: Path, tmp_path: Path, backend: str) -> None:
    arts = write_articles(tmp_path / "in", 2)
    report = run_batch([tmp_path / "in"], *options(tiny_model, tmp_path / "out", backend=backend))
    assert not report.failed
    for path in arts:
        po = polib.pofile(str(po_of(tmp_path / "out", path)))
        assert len(po) == 6 and all(e.msgstr and "fuzzy" in e.flags for e in po)
        assert po.metadata["X-Tarjama-Settings"].startswith(f"backend={backend} beam=2 ")
        assert all(any(c.startswith("mt: ") for c in e.comment.splitlines()) for e in po)


def test_without_ray_the_engine_says_how_to_get_it(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`batch --engine ray` where Ray is not installed: one line saying how to get it, nothing written."""
    article = tmp_path / "in" / "story.ar.txt"
    article.parent.mkdir()
    shutil.copyfile(EXAMPLE, article)
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as it does without the extra
    res = run_cli("batch", article, "--model", tiny_model, "--engine", "ray", cwd=tmp_path)
    assert res.returncode != 0
    assert res.stderr.strip().splitlines() == [
        "tarjama: error: --engine ray needs Ray, which is not installed: pip install 'tarjama[ray]'"
    ]
    assert not (tmp_path / "locales").exists()
