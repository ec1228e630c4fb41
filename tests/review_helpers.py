"""What a translator does to a PO file, done the way their tools do it (for the review-workflow tests)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib

from tarjama.catalog.po_format import render_entry

from .conftest import read_gold


def po_for(out: Path, stem: str = "hanoi-convention", lang: str = "en") -> Path:
    return out / lang / "LC_MESSAGES" / f"{stem}.po"


def msgfmt_check(path: Path) -> None:
    """gettext accepts the file with no error and no warning (a header field missing, ...)."""
    res = subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0 and not res.stderr, res.stderr


def review_like_poedit(path: Path, edits: dict[str, tuple[str, str | None]], translator: str = "") -> None:
    """Set msgstr, drop ``fuzzy`` and ``#|`` and add a ``#`` note, then save (re-wrapped) as Poedit does."""
    po = polib.pofile(str(path))
    for msgid, (msgstr, note) in edits.items():
        entry = po.find(msgid)
        assert entry is not None, msgid
        entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        if note is not None:
            entry.tcomment = note
    if translator:
        po.metadata["Last-Translator"] = translator
    po.save(str(path))


def review_in_text_editor(path: Path, msgid: str, msgstr: str, note: str) -> None:
    """Edit the raw text: delete the ``#, fuzzy`` line, type the msgstr on one line, add a ``#`` line."""
    text = path.read_text(encoding="utf-8")
    entry = polib.pofile(text, wrapwidth=78).find(msgid)
    assert entry is not None, msgid
    block = render_entry(entry)
    assert block in text, "tarjama's entry is not written as po_format renders it"
    head, _, _ = block.partition("msgstr ")
    head = head.replace("#, fuzzy\n", "")
    escaped = msgstr.replace("\\", "\\\\").replace('"', '\\"')
    edited = f'# {note}\n{head}msgstr "{escaped}"\n'
    path.write_text(text.replace(block, edited, 1), encoding="utf-8")


def gold_english() -> dict[str, str]:
    return {g["arabic"]: g["english"] for g in read_gold()}


def review_all_with_gold(path: Path) -> None:
    """Every entry reviewed with the reference translation (a finished review)."""
    english = gold_english()
    po = polib.pofile(str(path))
    for entry in po:
        if not entry.obsolete:
            entry.msgstr = english[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save(str(path))
