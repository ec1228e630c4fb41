"""A translator's broken edit is never overwritten; two writers never interleave; writes are atomic."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import polib
import pytest
from filelock import FileLock

from tarjama.catalog.po_file import check_syntax, load_po, save_po
from tarjama.errors import InputError, TarjamaError
from tarjama.files import lock_path

from .conftest import run_cli
from .file_watch import OpenWatch
from .review_helpers import po_for

SENTENCE = "فيتنام تريد بناء فضاء إلكتروني من أجل السلام والتنمية."


def reviewed_setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A one-sentence article whose catalog is already reviewed: a run needs no model, only a write."""
    art = tmp_path / "story.ar.txt"
    art.write_text(SENTENCE + "\nوصلت الوفود إلى هانوي.", encoding="utf-8")
    out = tmp_path / "locales"
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    po.append(polib.POEntry(msgid=SENTENCE, msgstr="Vietnam wants a cyberspace for peace."))
    po.append(polib.POEntry(msgid="وصلت الوفود إلى هانوي.", msgstr="Delegations arrived in Hanoi."))
    path = po_for(out, "story")
    path.parent.mkdir(parents=True)
    po.save(str(path))
    return art, out, path


BROKEN_EDITS = {
    "unterminated string": (
        'msgstr "Vietnam wants a cyberspace for peace."',
        'msgstr "Vietnam wants a cyberspace',
    ),
    "not PO syntax": ('msgstr "Vietnam wants a cyberspace for peace."', 'msgstr "Vietnam wants."\nVietnam'),
    "bad escape": ('msgstr "Vietnam wants a cyberspace for peace."', 'msgstr "Vietnam \\q wants"'),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_EDITS))
def test_translate_refuses_a_broken_catalog_naming_the_line_and_leaves_it_alone(
    tmp_path: Path, kind: str, tiny_model: Path
) -> None:
    art, out, path = reviewed_setup(tmp_path)
    old, new = BROKEN_EDITS[kind]
    text = path.read_text(encoding="utf-8")
    broken = text.replace(old, new)
    assert broken != text
    path.write_bytes(broken.encode("utf-8"))
    line = broken.split("\n").index(new.split("\n")[0]) + 1 + (kind == "not PO syntax")
    # the catalog is checked before the model is loaded or anything is written
    res = run_cli("translate", art, "--model", tiny_model, "--out", out)
    assert res.returncode == 1
    assert res.stderr.startswith(f"tarjama: error: {path}: line {line}: invalid PO file (")
    assert len(res.stderr.strip().splitlines()) == 1
    assert "fix it before re-running" in res.stderr and "Traceback" not in res.stderr
    assert path.read_bytes() == broken.encode("utf-8")
    exported = run_cli("export", path)
    assert exported.returncode == 1 and f"line {line}:" in exported.stderr


def test_duplicate_entries_from_a_bad_paste_are_refused(tmp_path: Path, tiny_model: Path) -> None:
    art, out, path = reviewed_setup(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f'\nmsgid "{SENTENCE}"\nmsgstr "pasted twice"\n', encoding="utf-8")
    before = path.read_bytes()
    res = run_cli("translate", art, "--model", tiny_model, "--out", out)
    line = len(text.split("\n")) + 1  # where the pasted msgid starts
    assert res.returncode == 1
    assert f"{path}: line {line}: invalid PO file (duplicate of the entry at line " in res.stderr
    assert path.read_bytes() == before


def test_check_syntax_accepts_what_msgmerge_and_editors_write() -> None:
    text = "\n".join(
        [
            "# Translator note",
            "#, fuzzy",
            'msgid ""',
            'msgstr ""',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            "",
            "#. kind: caption",
            "#: a.txt:3",
            "#, fuzzy",
            '#| msgid "old \\"quoted\\" text"',
            'msgid "new"',
            '"\\tcontinued\\\\"',
            'msgstr "x"',
            "",
            'msgid "one"',
            'msgid_plural "many"',
            'msgstr[0] "a"',
            'msgstr[1] "b"',
            "",
            '#~| msgid "older"',
            '#~ msgid "gone"',
            '#~ msgstr "kept"',
            "",
        ]
    )
    assert check_syntax(text) is None
    assert check_syntax(text.replace('msgstr "x"', 'msgstr "x')) == (13, "unterminated string")


def test_a_second_writer_fails_with_a_clear_message_when_the_lock_is_held(
    tmp_path: Path, tiny_model: Path
) -> None:
    art, out, path = reviewed_setup(tmp_path)
    before = path.read_bytes()
    with FileLock(str(lock_path(path))):
        res = run_cli("translate", art, "--model", tiny_model, "--out", out, "--lock-timeout", "1")
    assert res.returncode == 1
    assert f"{path}: another tarjama process is writing this file" in res.stderr
    assert path.read_bytes() == before


def test_a_second_writer_waits_for_the_lock_and_then_writes(tmp_path: Path, tiny_model: Path) -> None:
    """Another writer holds the catalog's lock (a thread here, with a descriptor of its own: flock
    refuses it as it refuses another process) until the kernel has seen `translate` open the lock
    file twice, i.e. refused once and trying again: no sleep that a loaded machine could outlast."""
    art, out, path = reviewed_setup(tmp_path)
    before = path.read_bytes()
    lock_file = lock_path(path)
    held, translated = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def other_writer() -> None:
        with FileLock(str(lock_file)), OpenWatch(lock_file) as watch:
            held.set()
            seen["tries"] = watch.wait_for(2, timeout=120, give_up=translated.is_set)  # a bound, not a pace
            seen["finished while held"] = translated.is_set()
            seen["bytes while held"] = path.read_bytes()

    holder = threading.Thread(target=other_writer)
    holder.start()
    try:
        assert held.wait(timeout=60)
        res = run_cli("translate", art, "--model", tiny_model, "--out", out, "--lock-timeout", "300")
    finally:
        translated.set()
        holder.join(timeout=180)
    assert not holder.is_alive()
    # it reached the lock while it was held, was refused and tried again
    assert seen["tries"] >= 2, res.stderr
    assert seen["finished while held"] is False  # still waiting for the lock
    assert seen["bytes while held"] == before  # nothing written while the other writer held it
    assert res.returncode == 0, res.stderr
    assert "written" in res.stdout and "2 reviewed kept" in res.stdout
    assert load_po(path).metadata["X-Tarjama-Source-File"] == "story.ar.txt"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.po"
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="أ.", msgstr="A."))
    save_po(po, path)
    before = path.read_bytes()
    po.append(polib.POEntry(msgid="ب.", msgstr="B."))

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(TarjamaError, match=r"a\.po: cannot write: disk full$"):  # one line naming it
        save_po(po, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.po"]


def test_load_po_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.po: line 5: invalid PO file \(unterminated string\)"):
        load_po(path)
