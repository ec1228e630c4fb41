"""User-facing errors: one line naming the file and the problem, and an exit code."""

from __future__ import annotations

import os
import re
from pathlib import Path

# A str holding a code point of the surrogate range is always a lone surrogate: os.fsdecode
# turns each byte of a file name that is not UTF-8 into one (U+DC80..U+DCFF).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every lone surrogate written as an escape (``\\xff`` for a byte of a file
    name that is not UTF-8), so that it can be printed, and written as UTF-8, without an error."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def display_path(path: str | os.PathLike[str]) -> str:
    """How tarjama shows a path (errors, summaries, progress): as given, with any byte of its
    name that is not UTF-8 escaped (``\\xff``) instead of failing to print."""
    return printable(os.fspath(path))


class TarjamaError(Exception):
    """An error caused by input the user can fix; the CLI prints it as one line, no traceback."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = display_path(path) if path is not None else None
        super().__init__(printable(f"{self.path}: {message}" if self.path else message))


class InputError(TarjamaError):
    """A missing, empty, undecodable or otherwise unusable input file."""


class ModelNotAvailable(TarjamaError):
    """The requested model cannot be loaded (not downloaded, typo, incomplete directory)."""

    exit_code = 2
