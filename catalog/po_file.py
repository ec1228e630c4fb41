"""Read PO files strictly and write them atomically, without touching files whose content is unchanged."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import polib

from tarjama.catalog.po_format import render_po
from tarjama.errors import InputError
from tarjama.files import atomic_write_text, check_regular_file

# Header fields that change on every write; a file that differs only in these is left alone,
# so that re-running on unchanged input gives a byte-identical file (and no VCS noise).
VOLATILE_HEADERS = ("POT-Creation-Date", "PO-Revision-Date")
_VOLATILE = re.compile(r'^"(?:' + "|".join(VOLATILE_HEADERS) + r'): [^"]*\\n"\n', re.M)


# polib parses leniently (it accepts an unterminated string or a stray line, and drops or
# garbles what it cannot read), and a save would then overwrite a translator's work with its
# guess. msgfmt is not always installed, so the lines are checked here first: every
# non-comment line must be a keyword with one well-formed C string, or a string alone.
_STRING = r'"(?:[^"\\]|\\[\\"ntrabfv?\'0-7x])*"'
_KEYWORD_LINE = re.compile(rf"^(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+{_STRING}\s*$")
_STRING_LINE = re.compile(rf"^\s*{_STRING}\s*$")


def check_syntax(text: str) -> tuple[int, str] | None:
    """The first line that is not PO syntax, with what is wrong, or None."""
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        body = line
        if line.startswith(("#~", "#|")):
            body = line[2:].removeprefix("|").strip() if line.startswith("#~") else line[2:].strip()
            if not body:
                continue
        elif line.startswith("#") or not line.strip():
            continue
        if _KEYWORD_LINE.match(body) or _STRING_LINE.match(body):
            continue
        if '"' not in body:  # a line that lost its quotes, or text pasted outside any string
            return number, f"not a PO line: {line.strip()[:40]!r}"
        if body.count('"') % 2 or not body.rstrip().endswith('"'):
            return number, "unterminated string"
        return number, f"not PO syntax: {line.strip()[:40]!r}"
    return None


_CHARSET = re.compile(rb'^"Content-Type:[^"\n]*charset=([A-Za-z0-9_.:-]+)', re.M)


def decode_po(raw: bytes, path: Path) -> str:
    """The file's text in the charset its header declares (UTF-8 when none); a UTF-8 byte-order mark is skipped.

    tarjama writes UTF-8 back (its header says so), as ``msgconv --to-code=UTF-8`` would.
    """
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    declared = _CHARSET.search(raw)
    charset = declared.group(1).decode("ascii") if declared else "UTF-8"
    if charset.upper() == "CHARSET":  # the template's placeholder
        charset = "UTF-8"
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        line = raw[: declared.start()].count(b"\n") + 1 if declared else 1
        raise InputError(
            f"line {line}: charset {charset} is not supported, convert with msgconv --to-code=UTF-8",
            path=path,
        ) from None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"line {line}: PO file is not valid {charset} (offset {exc.start}), as its header declares",
            path=path,
        ) from None


class _Lines(str):
    """PO text whose lines end at ``\n`` only. polib splits a text with ``str.splitlines``,
    which also breaks at U+0085, U+2028, U+2029 and U+001C-U+001E; inside a msgid (an article
    or a client may hold them, and tarjama writes them as they are, as gettext does) that cut a
    string in two and the file could never be read again."""

    def splitlines(self, keepends: bool = False) -> list[str]:
        lines = self.split("\n")
        return [line + "\n" for line in lines[:-1]] + lines[-1:] if keepends else lines


def parse_po_text(text: str) -> polib.POFile:
    return polib.pofile(_Lines(text), wrapwidth=78, check_for_duplicates=False)


def load_po(path: Path) -> polib.POFile:
    """Parse a PO file, or fail naming the file and the line a translator's edit broke."""
    check_regular_file(path, "PO file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read PO file ({exc.strerror})", path=path) from None
    text = decode_po(raw, path)
    problem = check_syntax(text)
    if problem is not None:
        line, what = problem
        raise InputError(f"line {line}: invalid PO file ({what}); fix it before re-running", path=path)
    try:
        po = parse_po_text(text)
    except (OSError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[0]
        at = re.search(r"line (\d+)", msg)
        where = f"line {at.group(1)}: " if at else ""
        raise InputError(f"{where}invalid PO file ({msg}); fix it before re-running", path=path) from None
    seen: dict[tuple[str | None, str], int | None] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise InputError(
                f"line {entry.linenum}: invalid PO file (duplicate of the entry at line {seen[key]}: "
                f"msgid {entry.msgid[:30]!r}); fix it before re-running",
                path=path,
            )
        seen[key] = entry.linenum
    return po


def save_po(po: polib.POFile, path: Path) -> bool:
    """Write ``po`` atomically, as msgcat would write it (see po_format); return False (and keep the
    file) if only volatile dates would change.

    A file another writer laid out differently (an older tarjama wrapped like polib) whose content
    is the same is kept too: it is re-wrapped the first time its content changes, never for nothing.
    """
    new = _VOLATILE.sub("", render_po(po))
    if path.exists():
        try:
            old = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            old = None
        if old is not None and _VOLATILE.sub("", old) == new:
            return False
        if old is not None and _same_content(old, new):
            return False
    atomic_write_text(path, render_po(po))
    return True


def _same_content(old: str, new: str) -> bool:
    """``old`` says what ``new`` says once written the same way (dates aside)."""
    try:
        return _VOLATILE.sub("", render_po(parse_po_text(old))) == new
    except (OSError, ValueError):
        return False
