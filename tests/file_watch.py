"""Count the times a file is opened, from the kernel's inotify events (Linux): a handshake for
tests that must know another party has reached a file (a lock it polls) instead of sleeping
for a time that a loaded machine outlasts."""

from __future__ import annotations

import ctypes
import os
import select
import struct
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

IN_OPEN = 0x20
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (a watched file's events carry no name)


class OpenWatch:
    """``with OpenWatch(path) as w: ... w.wait_for(n, timeout)``: the opens of ``path`` since the watch began."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.opens = 0
        self._fd = -1

    def __enter__(self) -> OpenWatch:
        libc = ctypes.CDLL(None, use_errno=True)
        self._fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
        if self._fd < 0 or libc.inotify_add_watch(self._fd, os.fsencode(self.path), IN_OPEN) < 0:
            err = ctypes.get_errno()
            raise OSError(err, f"inotify on {self.path}: {os.strerror(err)}")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        os.close(self._fd)

    def wait_for(self, count: int, timeout: float, give_up: Callable[[], bool] = lambda: False) -> int:
        """Block until ``path`` has been opened ``count`` times, ``give_up()`` is true (checked
        every 0.1 s: the other party is gone) or ``timeout`` s passed; the count seen."""
        deadline = time.monotonic() + timeout
        while self.opens < count and not give_up() and (left := deadline - time.monotonic()) > 0:
            if select.select([self._fd], [], [], min(left, 0.1))[0]:
                data = os.read(self._fd, 64 * _EVENT.size)
                for offset in range(0, len(data), _EVENT.size):
                    _, mask, _, name_len = _EVENT.unpack_from(data, offset)
                    assert name_len == 0, "a watched file's events carry no name"
                    self.opens += bool(mask & IN_OPEN)
        return self.opens
