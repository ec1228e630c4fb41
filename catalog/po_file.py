"""Read PO files strictly and write them atomically, without touching files whose content is unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from tarjama.errors import InputError
from tarjama.files import atomic_write_text

# Header fields that change on every write; a file that differs only in these is left alone,
# so that re-running on unchanged input gives a byte-identical file (and no VCS noise).
VOLATILE_HEADERS = ("POT-Creation-Date", "PO-Revision-Date")
_VOLATILE = re.compile(r'^"(?:' + "|".join(VOLATILE_HEADERS) + r'): [^"]*\\n"\n', re.M)


def load_po(path: Path) -> polib.POFile:
    """Parse a PO file, or fail naming the file and the line a translator's edit broke."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read PO file ({exc.strerror})", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"PO file is not valid UTF-8 (offset {exc.start})", path=path) from None
    try:
        return polib.pofile(text, wrapwidth=78, check_for_duplicates=True)
    except (OSError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[0]
        line = re.search(r"line (\d+)", msg)
        where = f"line {line.group(1)}: " if line else ""
        raise InputError(f"{where}invalid PO file ({msg}); fix it before re-running", path=path) from None


def render_po(po: polib.POFile) -> str:
    text = str(po)
    return text if text.endswith("\n") else text + "\n"


def save_po(po: polib.POFile, path: Path) -> bool:
    """Write ``po`` atomically; return False (and keep the file) if only volatile dates would change."""
    new = render_po(po)
    if path.exists():
        try:
            old = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            old = None
        if old is not None and _VOLATILE.sub("", old) == _VOLATILE.sub("", new):
            return False
    atomic_write_text(path, new)
    return True
