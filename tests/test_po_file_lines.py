"""A PO file holding Unicode line separators inside its strings is read back whole.

gettext ends PO lines at ``\\n`` only and writes U+2028, U+2029, U+0085 and U+001C-U+001E as
they are; Python's ``str.splitlines`` also breaks at them, so polib cut such a string in two and
`load_po` refused the file tarjama itself had written (an article, or a client's suggestion,
holding one made every later run or suggestion fail on that file).
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tarjama.catalog.po_file import load_po, save_po


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c"])
def test_a_string_with_a_line_separator_round_trips(tmp_path: Path, separator: str) -> None:
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(
        polib.POEntry(
            msgid=f"قال{separator}الوزير",
            msgstr=f"said{separator}the minister",
            comment=f"note{separator}more",
            tcomment=f"a translator's{separator}note",
        )
    )
    path = tmp_path / "a.po"
    save_po(po, path)
    (entry,) = load_po(path)
    assert entry.msgid == f"قال{separator}الوزير" and entry.msgstr == f"said{separator}the minister"
    assert save_po(load_po(path), path) is False  # read back, it says the same: nothing to write
