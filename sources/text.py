"""The plain-text web export reader: refuse, with one clear line, anything that is not Arabic UTF-8 text."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

from tarjama.errors import InputError
from tarjama.sources.document import Document
from tarjama.sources.segment import segment

# Letters of the Arabic script blocks (Arabic, Supplement, Extended-A, Presentation Forms).
_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
MIN_ARABIC_SHARE = 0.5


def is_arabic_letter(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ARABIC_RANGES) and unicodedata.category(ch) == "Lo"


def _letters() -> re.Pattern[str]:
    runs: list[list[int]] = []
    for lo, hi in _ARABIC_RANGES:
        for code in range(lo, hi + 1):
            if is_arabic_letter(chr(code)):
                if runs and runs[-1][1] == code - 1:
                    runs[-1][1] = code
                else:
                    runs.append([code, code])
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in runs) + "]")


# is_arabic_letter as a pattern: finds the next letter in a long text without a loop in Python
ARABIC_LETTER = _letters()


def wide_unicode(raw: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes are text in one of them (a byte-order mark, or NUL bytes
    that decode, in one byte order, to printable text), else None."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if b"\x00" not in raw:
        return None
    head = raw[:4096]
    for name, codec in (
        ("UTF-32", "utf-32-le"),
        ("UTF-32", "utf-32-be"),
        ("UTF-16", "utf-16-le"),
        ("UTF-16", "utf-16-be"),
    ):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if text and sum(ch.isprintable() or ch in "\n\r\t" for ch in text) >= 0.95 * len(text):
            return name
    return None


def decode_article(raw: bytes, path: Path) -> str:
    """UTF-8 (BOM allowed) with LF line ends; everything else is an error naming the problem."""
    text = decode_utf8(raw, path).removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("file contains only whitespace", path=path)
    check_arabic(text, path)
    return text


def decode_utf8(raw: bytes, path: Path) -> str:
    """The bytes as UTF-8, exactly (a BOM and line ends kept); what is not UTF-8 text is refused."""
    if not raw:
        raise InputError("file is empty", path=path)
    wide = wide_unicode(raw)
    if wide is not None:
        raise InputError(
            f"{wide} text, not UTF-8; convert it first: iconv -f {wide} -t UTF-8 {path} > {path}.utf8",
            path=path,
        )
    if b"\x00" in raw:
        raise InputError("binary file (contains NUL bytes), not a text article", path=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise InputError(
            f"not valid UTF-8 (byte 0x{bad} at offset {exc.start}); if it is Windows Arabic, "
            f"convert it first: iconv -f cp1256 -t utf-8",
            path=path,
        ) from None


def check_arabic(text: str, path: Path, what: str = "an Arabic article") -> None:
    """Most letters must be Arabic: an English page or a wrong file is refused, not translated."""
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum(1 for ch in letters if is_arabic_letter(ch))
    if arabic == 0:
        raise InputError("no Arabic text found", path=path)
    if arabic / len(letters) < MIN_ARABIC_SHARE:
        raise InputError(
            f"does not look like {what} (only {arabic / len(letters):.0%} of letters are Arabic)",
            path=path,
        )


def read_text(path: str | Path) -> Document:
    """A text article: decoded, checked and segmented; each sentence's locator is its line."""
    path = Path(path)
    raw = read_article_bytes(path)
    text = decode_article(raw, path)
    return Document(path, text, hashlib.sha256(raw).hexdigest(), tuple(segment(text)), "text")


def read_article_bytes(path: Path) -> bytes:
    """The file's bytes, once it is known to be a readable regular file (a FIFO would block)."""
    if not path.exists():
        raise InputError("no such file", path=path)
    if path.is_dir():
        raise InputError("is a directory, not an article file", path=path)
    if not path.is_file():  # a FIFO or a device would block the read, or never end
        raise InputError("not a regular file (a pipe, socket or device), not an article file", path=path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=path) from None
    return raw
