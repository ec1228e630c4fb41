"""User-facing errors: one line naming the file and the problem, and an exit code."""

from __future__ import annotations

from pathlib import Path


class TarjamaError(Exception):
    """An error caused by input the user can fix; the CLI prints it as one line, no traceback."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(TarjamaError):
    """A missing, empty, undecodable or otherwise unusable input file."""


class ModelNotAvailable(TarjamaError):
    """The requested model cannot be loaded (not downloaded, typo, incomplete directory)."""

    exit_code = 2
