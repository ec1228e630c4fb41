"""Atomic, lock-protected file writes: a crash or a second process never leaves a half-written file."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from tarjama.errors import TarjamaError, display_path, printable


def cannot_write(path: Path, exc: OSError) -> TarjamaError:
    """A failed write (disk full, quota, I/O error, read-only mount) as the one line naming the file."""
    return TarjamaError(f"cannot write: {exc.strerror or exc}", path=path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory and rename, so readers see old or new, never half.

    A symbolic link is kept: its target is written (temp file beside the target, renamed over it).
    A write that fails (a full disk) leaves the old file as it was, removes the temp file and
    raises a TarjamaError naming ``path``.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """``text`` as UTF-8. A lone surrogate (only a file name that is not UTF-8 brings one: a PO's
    occurrence or memory comment) is written escaped (``\\xff``), never a crash half-way."""
    atomic_write_bytes(path, printable(text).encode("utf-8"))


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
    lock_file = lock_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        lock_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise TarjamaError(
            f"cannot make the lock folder: {exc.strerror or exc}", path=lock_file.parent
        ) from None
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
    file is written. The probe also reserves room for the file (as big as the one it replaces,
    at least a block), so a full disk or quota is found here too, not after the model ran; a
    write that still runs out of room fails then, in one line (`atomic_write_bytes`).
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
    except OSError as exc:
        raise TarjamaError(
            f"cannot write the {what}: {folder} is not writable ({exc.strerror or exc})", path=path
        ) from None
    try:
        _reserve(fd, folder, path.stat().st_size if path.is_file() else 0)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)


_MIN_RESERVE = 4096  # a block: what even a small new file takes
_MAX_RESERVE = 16 << 20  # a probe never claims more (where preallocating means writing zeros)


def _reserve(fd: int, folder: Path, size: int) -> None:
    """Claim ``size`` bytes (at least a block) for the probe file ``fd``: ENOSPC or EDQUOT when
    the disk or the user's quota has no room. Where the file system cannot preallocate, its
    free space is asked instead (statvfs; root may use the blocks reserved for root)."""
    size = min(max(size, _MIN_RESERVE), _MAX_RESERVE)
    try:
        os.posix_fallocate(fd, 0, size)
        return
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise
    except AttributeError:  # no posix_fallocate on this platform
        pass
    st = os.statvfs(folder)
    free = (st.f_bfree if os.geteuid() == 0 else st.f_bavail) * st.f_frsize
    if free < size:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def same_file(a: Path, b: Path) -> bool:
    """``a`` and ``b`` are one file: the same inode (another spelling of the path, a symbolic or
    a hard link), or, where one does not exist yet, the same path once links are resolved."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)


def check_not_input(
    output: Path, inputs: Iterable[tuple[str, Path | None]], force: bool | None = False
) -> None:
    """Refuse to write ``output`` over one of the command's own inputs (the article an export is
    made from, the catalog it reads, the file being imported), whatever the path is called:
    the write would replace what it was made from. ``inputs``: (what it is, path) pairs.
    ``force`` True lets the write go ahead; None: the command has no --force that could, and
    the message offers none."""
    for what, source in inputs:
        if source is None or not same_file(output, source):
            continue
        named = "" if os.fspath(source) == os.fspath(output) else f" ({display_path(source)})"
        if force:
            return
        hint = "" if force is None else ", or pass --force to overwrite it"
        raise TarjamaError(
            f"is {what}{named} that this command reads; writing it would replace it: "
            f"choose another output{hint}",
            path=output,
        )
