"""Read an article file and refuse, with one clear line, anything that is not Arabic UTF-8 text."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tarjama.errors import InputError

# Letters of the Arabic script blocks (Arabic, Supplement, Extended-A, Presentation Forms).
_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
MIN_ARABIC_SHARE = 0.5


@dataclass(frozen=True)
class Article:
    """An article as decoded text; offsets of every later stage index into ``text``."""

    path: Path
    text: str
    sha256: str

    @property
    def stem(self) -> str:
        name = self.path.name
        for suffix in (".ar.txt", ".txt", ".md"):
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return self.path.stem


def is_arabic_letter(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ARABIC_RANGES) and unicodedata.category(ch) == "Lo"


def decode_article(raw: bytes, path: Path) -> str:
    """UTF-8 (BOM allowed) with LF line ends; everything else is an error naming the problem."""
    if not raw:
        raise InputError("file is empty", path=path)
    if b"\x00" in raw:
        raise InputError("binary file (contains NUL bytes), not a text article", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise InputError(
            f"not valid UTF-8 (byte 0x{bad} at offset {exc.start}); if it is Windows Arabic, "
            f"convert it first: iconv -f cp1256 -t utf-8",
            path=path,
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("file contains only whitespace", path=path)
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum(1 for ch in letters if is_arabic_letter(ch))
    if arabic == 0:
        raise InputError("no Arabic text found", path=path)
    if arabic / len(letters) < MIN_ARABIC_SHARE:
        raise InputError(
            f"does not look like an Arabic article (only {arabic / len(letters):.0%} of letters are Arabic)",
            path=path,
        )
    return text


def read_article(path: str | Path) -> Article:
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", path=path)
    if path.is_dir():
        raise InputError("is a directory, not an article file", path=path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=path) from None
    text = decode_article(raw, path)
    return Article(path=path, text=text, sha256=hashlib.sha256(raw).hexdigest())
