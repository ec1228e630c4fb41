"""Issue 15 items 5 and 7: read-only and symlinked catalogs, and bad input named for what it is."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tarjama.catalog.po_file import load_po

from .conftest import run_cli
from .test_catalog_safety import SENTENCE, reviewed_setup
from .test_translate_errors import assert_one_line_error

# ---- item 5: read-only and symlinked POs ------------------------------------------------


def test_a_read_only_catalog_is_refused_unless_forced(tmp_path: Path, tiny_model: Path) -> None:
    art, out, path = reviewed_setup(tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()
    for command in ("translate", "batch"):
        res = run_cli(command, art, "--model", tiny_model, "--out", out)
        assert res.returncode == 1, res.stderr
        assert f"tarjama: error: {path}: is read-only; make it writable or pass --force" in res.stderr
        assert "Traceback" not in res.stderr
        assert path.read_bytes() == before
    res = run_cli("translate", art, "--model", tiny_model, "--out", out, "--force")
    assert res.returncode == 0, res.stderr
    assert path.read_bytes() != before and load_po(path).metadata["X-Tarjama-Source-File"] == "story.ar.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444  # still read-only: forced, not changed


def test_a_symlinked_catalog_writes_its_target_and_keeps_the_link(tmp_path: Path, tiny_model: Path) -> None:
    art, out, path = reviewed_setup(tmp_path)
    shared = tmp_path / "shared" / "story.po"
    shared.parent.mkdir()
    path.rename(shared)
    path.symlink_to(shared)
    res = run_cli("translate", art, "--model", tiny_model, "--out", out)
    assert res.returncode == 0, res.stderr
    assert path.is_symlink() and path.resolve() == shared.resolve()
    assert load_po(shared).metadata["X-Tarjama-Source-File"] == "story.ar.txt"
    assert sorted(p.name for p in shared.parent.iterdir()) == ["story.po"]  # no temp file left


# ---- item 7: error wording -------------------------------------------------------------


def test_a_utf16_article_is_named_with_the_fix(tmp_path: Path, tiny_model: Path) -> None:
    for encoding, bom in (("utf-16", True), ("utf-16-le", False), ("utf-32", True)):
        art = tmp_path / f"{encoding}.ar.txt"
        art.write_bytes(SENTENCE.encode(encoding))
        res = run_cli("translate", art, "--model", tiny_model, "--out", tmp_path / "out")
        name = "UTF-32" if "32" in encoding else "UTF-16"
        line = assert_one_line_error(res, f"{name} text, not UTF-8", code=1)
        assert f"iconv -f {name} -t UTF-8 {art} > {art}.utf8" in line, (bom, line)


def test_a_catalog_starting_with_a_bom_is_read(tmp_path: Path, tiny_model: Path) -> None:
    art, out, path = reviewed_setup(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    res = run_cli("translate", art, "--model", tiny_model, "--out", out)
    assert res.returncode == 0, res.stderr
    assert "2 reviewed kept" in res.stdout
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_stray_line_is_named_as_not_a_po_line(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\nVietnam wants peace\n', encoding="utf-8")
    res = run_cli("export", path)
    assert_one_line_error(
        res, f"{path}: line 6: invalid PO file (not a PO line: 'Vietnam wants peace')", code=1
    )


def test_a_latin1_catalog_is_read_as_its_header_declares(tmp_path: Path) -> None:
    """Arabic cannot be Latin-1, so this is a catalog of another project a translator points tarjama at."""
    path = tmp_path / "latin1.po"
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
        '# Relu par Hélène\nmsgid "Greetings"\nmsgstr "Salutations distinguées, Grüße"\n'
    )
    path.write_bytes(text.encode("latin-1"))
    po = load_po(path)
    assert po.find("Greetings").msgstr == "Salutations distinguées, Grüße"
    assert po.find("Greetings").tcomment == "Relu par Hélène"
    assert run_cli("export", path).returncode == 0


def test_a_fifo_as_glossary_or_catalog_is_refused_at_once(tmp_path: Path, tiny_model: Path) -> None:
    art, out, path = reviewed_setup(tmp_path)
    fifo = tmp_path / "terms.csv"
    os.mkfifo(fifo)
    res = run_cli("translate", art, "--model", tiny_model, "--out", out, "--glossary", fifo, timeout=60)
    assert_one_line_error(res, f"{fifo}: not a regular file", code=1)
    path.unlink()
    os.mkfifo(path)
    res = run_cli("translate", art, "--model", tiny_model, "--out", out, timeout=60)
    assert_one_line_error(res, f"{path}: not a regular file", code=1)
    res = run_cli("export", path, timeout=60)
    assert_one_line_error(res, f"{path}: not a regular file", code=1)


def test_a_directory_given_as_article_is_one_line_and_exit_1(tmp_path: Path, tiny_model: Path) -> None:
    folder = tmp_path / "story.ar.txt"
    folder.mkdir()
    for args in (("translate", folder, "--model", tiny_model, "--out", tmp_path / "o"), ("segment", folder)):
        assert_one_line_error(run_cli(*args), f"{folder}: is a directory", code=1)
