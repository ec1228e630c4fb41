"""What a new user of `translate` and `batch` ran into: one story in three formats, summary rows
that looked identical, and no way to see progress."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from tarjama.cli.batch_view import summary_table
from tarjama.run import ArticleReport, RunReport

from .conftest import EXAMPLE, run_cli
from .test_batch import write_articles

EXAMPLES = EXAMPLE.parent


def test_one_story_in_three_formats_is_refused_up_front_naming_every_file(tmp_path: Path) -> None:
    """examples/ holds the article as .txt, .html and .md; all three map to one catalog. The run
    stops before a model is looked for (this one does not exist) and writes nothing."""
    (tmp_path / "in").mkdir()
    for name in ("hanoi-convention.ar.txt", "hanoi-convention.ar.html", "hanoi-convention.ar.md"):
        shutil.copyfile(EXAMPLES / name, tmp_path / "in" / name)
    write_articles(tmp_path / "in", 1)  # story-0: its own catalog, not part of the clash
    out = tmp_path / "out"
    folder = tmp_path / "in"
    po = out / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    expected = (
        f"tarjama: error: {folder}/hanoi-convention.ar.html, {folder}/hanoi-convention.ar.md and "
        f"{folder}/hanoi-convention.ar.txt would write the same catalog, {po} (a catalog is named "
        "after its article, without the format's ending): give one of them, and rename the others "
        "or send them to another --out"
    )
    res = run_cli("batch", folder, "--model", tmp_path / "no-model", "--out", out)
    assert res.returncode == 1 and res.stderr.splitlines() == [expected], res.stderr
    assert res.stdout == "" and not out.exists()
    # translate: the same rule, the same line; the same file named twice is one article
    res = run_cli(
        "translate", folder / "hanoi-convention.ar.html", folder / "hanoi-convention.ar.md",
        folder / "hanoi-convention.ar.txt", folder / "hanoi-convention.ar.txt",
        "--model", tmp_path / "no-model", "--out", out,
    )  # fmt: skip
    assert res.returncode == 1 and res.stderr.splitlines() == [expected], res.stderr
    assert not out.exists()


def test_the_same_file_named_twice_is_one_article(tiny_model: Path, tmp_path: Path) -> None:
    art = write_articles(tmp_path / "in", 1)[0]
    res = run_cli(
        "batch", art, tmp_path / "in" / ".." / "in" / art.name, art.resolve(),
        "--model", tiny_model, "--out", tmp_path / "out", "--backend", "ct2", "--beam", "1",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("written") == 1 and "total: 1, 0 failed" in res.stdout


def cells(table_text: str, column: int) -> list[str]:
    """One column of a rendered rich table's body (between the header and the footer), line by
    line: a wrapped cell is several lines."""
    lines = table_text.splitlines()
    body = lines[next(i for i, ln in enumerate(lines) if ln.startswith("┡")) + 1 :]
    body = body[: next(i for i, ln in enumerate(body) if ln.startswith("├"))]
    return [ln.split("│")[column + 1].strip() for ln in body]


def test_the_summary_shows_every_name_whole_wrapping_it_where_needed() -> None:
    names = [
        "hanoi-convention-signing-ceremony-2026-11-28-evening-edition.ar.txt",
        "hanoi-convention-signing-ceremony-2026-11-28-evening-edition.ar.html",
        "hanoi-convention.ar.md",
    ]
    report = RunReport(
        articles=[
            ArticleReport(Path("/desk/incoming") / names[0], status="written", sentences=3),
            ArticleReport(Path("/desk/incoming") / names[1], status="written", sentences=4),
            ArticleReport(
                Path("/desk/incoming") / names[2],
                status="failed",
                error="/desk/incoming/hanoi-convention.ar.md: not valid UTF-8 (byte 10: 0xff)",
            ),
        ]
    )
    buf = io.StringIO()
    Console(file=buf, width=80).print(summary_table(report))
    text = buf.getvalue()
    assert "…" not in text
    assert "".join(cells(text, 0)) == "".join(names)
    assert "".join(cells(text, 1)).replace(" ", "") == "writtenwrittenfailed:notvalidUTF-8(byte10:0xff)"


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_progress_option_lines_none_and_auto(tiny_model: Path, tmp_path: Path, command: str) -> None:
    """--progress lines gives plain lines in a log; none, and auto with TARJAMA_PROGRESS=none
    (conftest; auto alone: test_auto_off_a_terminal_…), give none;
    -q is none; TARJAMA_PROGRESS=lines still turns lines on for auto."""
    arts = write_articles(tmp_path / "in", 2)
    args = (command, *arts, "--model", tiny_model, "--backend", "ct2", "--beam", "1")
    res = run_cli(*args, "--out", tmp_path / "lines", "--progress", "lines")
    assert res.returncode == 0, res.stderr
    lines = res.stderr.splitlines()
    assert re.fullmatch(r"progress: articles 0/2, sentences 0/12, 0\.0 sent/s, ETA -", lines[0]), lines
    assert re.fullmatch(r"progress: articles 2/2, sentences 12/12, \d+\.\d sent/s, ETA -", lines[-1]), lines
    assert all(ln.startswith("progress: ") for ln in lines)
    for mode in ("none", "auto"):
        res = run_cli(*args, "--out", tmp_path / mode, "--progress", mode)
        assert res.returncode == 0 and res.stderr == "", res.stderr
    res = run_cli(*args, "--out", tmp_path / "bar", "--progress", "bar")  # asked for: drawn, in a log too
    assert res.returncode == 0 and "sentences" in res.stderr and "\x1b[" in res.stderr
    if command == "batch":
        res = run_cli(*args, "--out", tmp_path / "quiet", "--progress", "lines", "-q")
        assert res.returncode == 0 and res.stderr == "" and res.stdout == ""


def test_auto_off_a_terminal_is_silent_for_a_short_run_and_a_heartbeat_for_a_long_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """auto in a log: nothing for a run shorter than PROGRESS_EVERY (a script reading stderr sees
    only tarjama's own lines), a line every PROGRESS_EVERY and a last line for a longer one."""
    from tarjama.cli import batch_view

    clock = [100.0]
    monkeypatch.setattr(batch_view.time, "monotonic", lambda: clock[0])
    monkeypatch.delenv("TARJAMA_PROGRESS", raising=False)
    console = Console(file=io.StringIO())  # not a terminal
    short = batch_view.RichProgress(console, mode="auto")
    short.start(2, 10)
    clock[0] += batch_view.PROGRESS_EVERY / 2
    short.advance(sentences=10, articles=2)
    short.stop()
    assert capsys.readouterr().err == ""
    long = batch_view.RichProgress(console, mode="auto")
    long.start(2, 10)
    clock[0] += batch_view.PROGRESS_EVERY
    long.advance(sentences=4)
    clock[0] += 1
    long.advance(sentences=6, articles=2)
    long.stop()
    assert capsys.readouterr().err.splitlines() == [
        "progress: articles 0/2, sentences 4/10, 0.4 sent/s, ETA 0:15",
        "progress: articles 2/2, sentences 10/10, 0.9 sent/s, ETA -",
    ]
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]


def test_translate_progress_lines_from_the_environment(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARJAMA_PROGRESS", "lines")
    art = write_articles(tmp_path / "in", 1)[0]
    res = run_cli("translate", art, "--model", tiny_model, "--out", tmp_path / "out", "--backend", "ct2")
    assert res.returncode == 0, res.stderr
    assert res.stderr.startswith("progress: articles 0/1, sentences 0/6")


def test_any_caller_of_the_run_core_gets_the_same_refusal(tmp_path: Path) -> None:
    """compare's systems hand documents to `Run` themselves: the plan stage applies the same rule,
    to the whole set, before any catalog is touched."""
    from tarjama.catalog.notes import CatalogHeader
    from tarjama.errors import TarjamaError
    from tarjama.run import RunOptions
    from tarjama.run.plan import plan_articles
    from tarjama.sources import Document

    docs = [
        Document(path=tmp_path / name, text="", sha256="", sentences=())
        for name in ("a/story.ar.txt", "b/story.ar.md", "other.ar.txt")
    ]
    out = tmp_path / "out"
    with pytest.raises(TarjamaError) as caught:
        plan_articles(docs, RunOptions(out_dir=out), CatalogHeader(), RunReport(articles=[]))
    assert str(caught.value).startswith(
        f"{docs[0].path} and {docs[1].path} would write the same catalog, "
        f"{out / 'en' / 'LC_MESSAGES' / 'story.po'} ("
    )
    assert not out.exists()
