"""Atomic, lock-protected file writes: a crash or a second process never leaves a half-written file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from tarjama.errors import TarjamaError


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory and rename, so readers see old or new, never half.

    A symbolic link is kept: its target is written (temp file beside the target, renamed over it).
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def lock_path(path: Path) -> Path:
    """Where the lock for ``path`` lives: outside the output tree, so the folders translators
    browse hold only their catalogs. Keyed by the file's real path, so every way of naming it
    (relative, absolute, through a link) takes the same lock. ``$TARJAMA_LOCK_DIR`` overrides
    the per-user folder in the system's temp directory."""
    real = os.path.realpath(path)
    root = os.environ.get("TARJAMA_LOCK_DIR", "").strip() or os.path.join(
        tempfile.gettempdir(), f"tarjama-locks-{os.getuid()}"
    )
    name = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return Path(root) / f"{name}.lock"


@contextlib.contextmanager
def locked(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for a read-modify-write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = lock_path(path)
    lock_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = FileLock(str(lock_file), timeout=timeout)
    try:
        with lock:
            yield
    except Timeout as exc:
        raise TarjamaError(
            f"another tarjama process is writing this file (lock held for more than {timeout:.0f} s)",
            path=path,
        ) from exc


def check_regular_file(path: Path, what: str) -> None:
    """Refuse at once a FIFO, socket or device given as a file to read: a read would block or never end."""
    if path.exists() and not path.is_dir() and not path.is_file():
        raise TarjamaError(f"not a regular file (a pipe, socket or device), not a {what}", path=path)


def check_can_write(path: Path, force: bool = False, what: str = "catalog") -> None:
    """Fail, before any model load and without making a folder, when ``path`` could not be written.

    A catalog whose permission bits say read-only is refused unless ``force``.
    Permission bits are not enough (root ignores them; read-only mounts don't), so the nearest
    existing folder gets a probe file for real; the folders below it are made only when the
    file is written.
    """
    if path.is_dir():
        raise TarjamaError(f"{what} path is a directory", path=path)
    check_regular_file(path, what)
    if path.exists() and not force and not path.stat().st_mode & 0o222:
        # a rename would replace it anyway (and root may write it): the user marked it read-only
        raise TarjamaError("is read-only; make it writable or pass --force", path=path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise TarjamaError(f"cannot create the {what}: {folder} is not a directory", path=path)
    try:
        fd, probe = tempfile.mkstemp(prefix=".tarjama-probe-", dir=folder)
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)
    except OSError as exc:
        raise TarjamaError(
            f"cannot write the {what}: {folder} is not writable ({exc.strerror or exc})", path=path
        ) from None
