"""A new input format is one module and one registration line: nothing else in tarjama changes.

A toy subtitle-like format (a TSV of cues: an ``id<TAB>text`` header, then one cue a row) is
written here, in the test, and registered for the test only. It is read, translated with the
tiny model, checked and exported back by the real commands, in process.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from tarjama.cli import main
from tarjama.errors import InputError
from tarjama.sources import FORMATS, article_suffixes, format_for, formats, read
from tarjama.sources.document import Document
from tarjama.sources.formats import Cleaned, Format, Sanitiser
from tarjama.sources.segment import Sentence, segment_paragraph
from tarjama.sources.text import check_arabic, decode_utf8, read_article_bytes

# --- the format: one module's worth ----------------------------------------------------

HEADER = "id\ttext\n"


def read_cues(path: Path) -> Document:
    """Each cue's text cell, segmented; the id column and the header stay as they are."""
    raw = read_article_bytes(path)
    text = decode_utf8(raw, path)
    if not text.startswith(HEADER):
        raise InputError("no 'id<TAB>text' header: not a cue file", path=path)
    check_arabic(text, path)
    sentences: list[Sentence] = []
    pos = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        start, pos = pos, pos + len(line) + 1
        if lineno == 1 or "\t" not in line:
            continue
        cell = start + line.index("\t") + 1
        for a, b, kind in segment_paragraph(line[line.index("\t") + 1 :]):
            sentences.append(
                Sentence(len(sentences) + 1, cell + a, cell + b, kind, lineno, text[cell + a : cell + b])
            )
    return Document(path, text, hashlib.sha256(raw).hexdigest(), tuple(sentences), "cues")


class CueSanitiser(Sanitiser):
    """A tab or a line end in a msgstr would start a new cell or row: written as a space, and said."""

    def fragment(self, msgstr: str, sentence: Sentence) -> Cleaned:
        return self.alone(msgstr, sentence.text)

    def text(self, msgstr: str, sentence: Sentence) -> Cleaned:
        return self.alone(msgstr, sentence.text)

    @classmethod
    def alone(cls, msgstr: str, msgid: str) -> Cleaned:
        if not re.search(r"[\t\r\n]", msgstr):
            return Cleaned(msgstr)
        return Cleaned(
            re.sub(r"[\t\r\n]", " ", msgstr), ("a tab or line break would split the cue: written as a space",)
        )


CUES = Format(
    "cues",
    read_cues,
    (".ar.tsv",),
    sniff=lambda head: head.startswith(HEADER.encode()),
    sanitiser=CueSanitiser,
    rebuilds=True,
)

# --- the test --------------------------------------------------------------------------


@pytest.fixture
def cues() -> Iterator[Format]:
    with formats.registered(CUES) as fmt:  # the one line
        yield fmt
    assert "cues" not in FORMATS


def _cli(*args: str | Path) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def test_a_registered_format_is_read_translated_checked_and_exported_back(
    cues: Format, gold, tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rows = [g["arabic"] for g in gold if g["kind"] == "body"][:3]
    source = HEADER + "".join(f"c{i}\t{arabic}\n" for i, arabic in enumerate(rows, start=1))
    Path("clip.ar.tsv").write_text(source, encoding="utf-8")
    Path("clip.dat").write_text(source, encoding="utf-8")
    assert format_for(Path("clip.ar.tsv")) == "cues" and format_for(Path("clip.dat")) == "cues"  # by content
    assert ".ar.tsv" in article_suffixes()  # what `tarjama batch` looks for in a folder
    doc = read("clip.ar.tsv")
    assert doc.stem == "clip" and [s.text for s in doc.sentences] == rows

    code, _, err = _cli("translate", "clip.ar.tsv", "--model", tiny_model, "--out", "locales")
    assert code == 0, err
    po_path = tmp_path / "locales" / "en" / "LC_MESSAGES" / "clip.po"  # named without ".ar.tsv"
    po = polib.pofile(str(po_path))
    assert [e.occurrences for e in po] == [[("clip.ar.tsv", str(n))] for n in (2, 3, 4)]

    # a translator reviews two cues, one with a tab that would split the row; the third stays fuzzy
    first, second, _third = po
    first.msgstr, second.msgstr = "The first\tcue.", "The second cue."
    for entry in (first, second):
        entry.flags.remove("fuzzy")
    po.save(str(po_path))

    code, out, _ = _cli("check", po_path)
    assert code == 1 and "export: a tab or line break would split the cue" in out

    code, _, err = _cli("export", po_path, "-o", "clip.en.tsv")
    assert code == 0, err
    assert "clip.po:" in err and "a tab or line break would split the cue: written as a space" in err
    assert "2 reviewed" in err and "1 left in Arabic" in err
    assert Path("clip.en.tsv").read_text(encoding="utf-8") == (
        f"{HEADER}c1\tThe first cue.\nc2\tThe second cue.\nc3\t{rows[2]}\n"
    )


def test_a_format_that_claims_a_taken_name_or_ending_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        formats.register(Format("text", read_cues, (".cue",)))
    with pytest.raises(ValueError, match=r"claims \.txt, as 'text' does"):
        formats.register(Format("other", read_cues, (".txt",)))
    assert list(FORMATS) == ["text", "markdown", "html"]


def test_a_catalog_is_named_without_any_formats_ending_or_the_source_tag() -> None:
    """The stem rule comes from the registry: every ending, with or without ``.ar`` before it."""
    for ending in article_suffixes():
        for name in (f"story{ending}", f"story.ar{ending}"):
            assert Document(Path(name), "", "", ()).stem == "story", name
    assert Document(Path("story.AR.txt"), "", "", ()).stem == "story.AR"  # endings are as written
    assert Document(Path(".ar.txt"), "", "", ()).stem == ".ar"
    assert Document(Path("story.dat"), "", "", ()).stem == "story"
