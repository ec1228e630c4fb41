"""Training pairs from reviewed PO entries and TSV files: read, validate, deduplicate, split.

Everything here runs before any model is loaded, so bad data (no reviewed entries, an
empty msgstr, a TSV row with the wrong number of columns) fails in one line naming the
file, and never after minutes of training.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tarjama.catalog.po_file import load_po
from tarjama.catalog.review import is_reviewed
from tarjama.errors import InputError

# The gold-segmentation layout of examples/*.gold.tsv: n, paragraph, kind, arabic, english.
GOLD_COLUMNS = 5
PAIR_COLUMNS = 2


@dataclass(frozen=True)
class Pair:
    source: str
    target: str
    origin: str  # "file:line", for error messages and the model card


@dataclass
class DataSet:
    train: list[Pair]
    dev: list[Pair]
    read: int  # pairs read before deduplication
    duplicates: int
    dev_is_train: bool  # no held-out split (tiny data): early stopping watches the training pairs
    dev_from_eval: bool = False  # the dev set is the --eval file(s)

    def counts(self) -> dict[str, int | bool]:
        return {
            "pairs_read": self.read,
            "duplicates_dropped": self.duplicates,
            "train": len(self.train),
            "dev": len(self.dev),
            "dev_is_train": self.dev_is_train,
            "dev_from_eval": self.dev_from_eval,
        }


def read_po_pairs(path: Path) -> list[Pair]:
    """Reviewed (non-fuzzy, translated) entries; a PO without any is an error, not an empty set."""
    po = load_po(path)
    pairs = [
        Pair(e.msgid.strip(), e.msgstr.strip(), f"{path}:{e.linenum}")
        for e in po
        if is_reviewed(e) and e.msgid.strip()
    ]
    if not pairs:
        total = sum(1 for e in po if not e.obsolete)
        raise InputError(
            f"no reviewed entries to learn from ({total} entries, all fuzzy or untranslated); "
            "review some (clear the fuzzy flag) first",
            path=path,
        )
    return pairs


def read_tsv_pairs(path: Path) -> list[Pair]:
    """`source<TAB>target` rows, or the 5-column gold layout (n, paragraph, kind, arabic, english).

    Parsed by hand rather than with csv: the files are TAB separated with no quoting, and a
    stray quote in a news sentence must stay text, not start a quoted field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read TSV file ({exc.strerror})", path=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"TSV file is not valid UTF-8 (offset {exc.start})", path=path) from None
    pairs: list[Pair] = []
    width: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if width is None:
            width = len(cols)
            if width not in (PAIR_COLUMNS, GOLD_COLUMNS):
                raise InputError(
                    f"line {number}: {width} TAB-separated columns; expected 2 (source, target) "
                    "or 5 (n, paragraph, kind, arabic, english)",
                    path=path,
                )
        elif len(cols) != width:
            raise InputError(
                f"line {number}: {len(cols)} columns where line 1 has {width}; fix the TABs", path=path
            )
        source, target = (cols[0], cols[1]) if width == PAIR_COLUMNS else (cols[3], cols[4])
        if not source.strip() or not target.strip():
            side = "source" if not source.strip() else "target"
            raise InputError(f"line {number}: empty {side} text", path=path)
        pairs.append(Pair(source.strip(), target.strip(), f"{path}:{number}"))
    if not pairs:
        raise InputError("no sentence pairs in TSV file", path=path)
    return pairs


def read_pairs(path: Path) -> list[Pair]:
    """By extension: .po/.pot are catalogs, anything else is TSV."""
    if not path.is_file():
        raise InputError("no such data file", path=path)
    if path.suffix.lower() in (".po", ".pot"):
        return read_po_pairs(path)
    return read_tsv_pairs(path)


def deduplicate(pairs: Sequence[Pair]) -> tuple[list[Pair], int]:
    """One pair per source sentence; a later file's translation wins (a newer review)."""
    latest: dict[str, Pair] = {}
    for p in pairs:
        latest.pop(p.source, None)  # re-insert so the order follows the winning occurrence
        latest[p.source] = p
    return list(latest.values()), len(pairs) - len(latest)


def split_dev(
    pairs: Sequence[Pair], dev_fraction: float, seed: int, min_train: int = 8
) -> tuple[list[Pair], list[Pair], bool]:
    """A seeded held-out split; with too little data (or fraction 0) the dev set is the training set."""
    n_dev = round(len(pairs) * dev_fraction)
    if dev_fraction <= 0 or n_dev < 1 or len(pairs) - n_dev < min_train:
        return list(pairs), list(pairs), True
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    dev_idx = set(order[:n_dev])
    train = [p for i, p in enumerate(pairs) if i not in dev_idx]
    dev = [p for i, p in enumerate(pairs) if i in dev_idx]
    return train, dev, False


def load_dataset(
    data: Sequence[Path], *, dev_fraction: float = 0.1, seed: int = 0, eval_data: Sequence[Path] = ()
) -> DataSet:
    """Read every file (all errors before training), deduplicate, and hold out a dev split.

    With ``eval_data`` the dev set is those pairs and all of ``data`` is trained on.
    """
    if not data:
        raise InputError("no training data given (--data PO_OR_TSV)")
    pairs = [p for path in data for p in read_pairs(Path(path))]
    unique, dupes = deduplicate(pairs)
    if eval_data:
        dev, _ = deduplicate([p for path in eval_data for p in read_pairs(Path(path))])
        return DataSet(unique, dev, len(pairs), dupes, dev_is_train=False, dev_from_eval=True)
    train, dev, same = split_dev(unique, dev_fraction, seed)
    return DataSet(train, dev, len(pairs), dupes, dev_is_train=same)
