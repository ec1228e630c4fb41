"""tarjama's notes and header keys have one codec (`catalog.notes`): reworded there, every reader
follows (the run's kept MT and its split count, the merge, status, glossary check, the re-join
of lines an editor wrapped), and nothing else writes a header key."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from tarjama.catalog import notes as codec
from tarjama.catalog.notes import (
    NOTES,
    CatalogHeader,
    FixedNote,
    GlossaryAmbiguous,
    GlossaryForbidden,
    GlossaryMissing,
    GlossaryNote,
    KindNote,
    MarkupUnplaced,
    MemoryExact,
    MemoryFuzzy,
    MtNote,
    Note,
    Replaced,
    RiskNote,
    SplitNote,
    Suggested,
    SuggestedNotApplied,
    parse_note,
    read_comment,
)
from tarjama.catalog.status import status
from tarjama.evaluation.term_accuracy import check_catalogs
from tarjama.run import Resources, RunOptions, translate_articles
from tarjama.sources import read
from tarjama.translate.backend import DecodeSettings

from .conftest import EXAMPLE, ROOT

SAMPLES: list[Note] = [
    KindNote("caption"),
    MtNote("./tiny model", "sha256:0a1b"),
    GlossaryNote("هانوي", "Hanoi"),
    GlossaryMissing("Hanoi Convention"),
    GlossaryMissing("O'Brien", 3),
    GlossaryForbidden("Hanoi \\ 'Agreement\"", 2),
    GlossaryAmbiguous("ترامپ", ("Trump", "Tromp")),
    MemoryExact("/srv/locales/en/tmx/OLD-DESK.TMX"),
    MemoryFuzzy(0.87, "locales/en/LC_MESSAGES/other.po"),
    FixedNote(),
    SplitNote(4),
    RiskNote(0.82, ("low model confidence (0.31)", "number 2026 missing", "repeated phrase")),
    MarkupUnplaced("<a href='/x'>the convention</a>"),
    Suggested("2025-01-02 03:04 UTC", 'a "quoted" line\u2028and more'),
    SuggestedNotApplied("2025-01-02 03:04 UTC", "x"),
    Replaced("2025-01-02 03:04 UTC", "old: draft"),
]


def test_every_note_kind_reads_back_what_it_writes() -> None:
    assert {type(n) for n in SAMPLES} == set(NOTES)
    for note in SAMPLES:
        line = note.format()
        assert "\n" not in line and parse_note(line) == note, line
        assert parse_note(line[:-1]) != note  # a line cut short is not the note


LONG: list[Note] = [  # every kind tarjama refreshes whose line can outgrow an editor's width
    MtNote("/tmp/pytest-of-someone/pytest-7/tiny-marian0/model", "sha256:" + "0a" * 32),
    GlossaryMissing("Hanoi Convention on the Rights of Everyone Who Reads a Long Term", 2),
    GlossaryForbidden("the \\ 'Hanoi\" Agreement that was never signed by anyone at all"),
    MemoryExact("/srv/newsroom/translation-memories/arabic-english/en/tmx/OLD-DESK-2019.TMX"),
    MemoryFuzzy(0.87, "/srv/newsroom/locales/en/LC_MESSAGES/a-long-article-name-about-hanoi.po"),
    MarkupUnplaced("<a href='https://example.org/a/long/path'>the United Nations convention</a>"),
    FixedNote(),
    RiskNote(
        1.0, ("low model confidence (0.02)", "Arabic script left: هانوي", "numbers: 100000, 2026 missing")
    ),
    GlossaryNote(
        "اتفاقية الأمم المتحدة لمكافحة الجرائم الإلكترونية", "United Nations Convention against Cybercrime"
    ),
    GlossaryAmbiguous("دونالد ترامپ", ("Donald Trump", "Donald Tromp", "Donald Trumpf")),
]
# Notes that end in free text (a glossary target) may be cut where they still parse whole: those
# are re-joined as lines this run writes again (``own_now``); the others by their parse alone.
FREE_END = (GlossaryNote, GlossaryAmbiguous)


@pytest.mark.parametrize("width", [30, 50, 78])
def test_a_wrapped_note_is_whole_again(width: int) -> None:
    """What polib does to long lines, undone."""
    own = [n.format() for n in LONG if len(n.format()) + 4 > width]
    entry = polib.POEntry(msgid="x", msgstr="", comment="\n".join([*own, "a translator's note"]))
    wrapped = polib.pofile(_po_text(entry, width))[0].comment
    assert wrapped.count("\n") > len(own)  # really wrapped
    whole = [*((True, line) for line in own), (False, "a translator's note")]
    assert read_comment(wrapped, own_now=own) == whole
    ended = [n.format() for n in LONG if not isinstance(n, FREE_END) and n.format() in own]
    entry.comment = "\n".join([*ended, "a translator's note"])
    wrapped = polib.pofile(_po_text(entry, width))[0].comment
    assert read_comment(wrapped) == [*((True, line) for line in ended), (False, "a translator's note")]


def test_the_header_reads_back_what_it_writes() -> None:
    header = CatalogHeader("story", "en", "ar", "m", "sha256:1", "story.ar.txt", "ab" * 32, "backend=x")
    assert CatalogHeader.from_metadata(header.to_metadata()) == header
    assert CatalogHeader.from_metadata(header.to_metadata()).names_engine
    assert not CatalogHeader.from_metadata({"Language": "en"}).names_engine


@pytest.mark.parametrize(
    "line",
    [
        "risk: 7.50 — low model confidence",  # out of [0, 1]
        "risk: -0.20",
        "risk: high",
        "risk: 0.5",  # not as tarjama writes it
        "risk: 0.50 — ",
        "risk: 0.50 —",
        "risk: 0.50 — a; ; b",
        "risk: NaN",
        "risk: 0.50 x",
    ],
)
def test_a_risk_line_a_translator_mangled_is_no_note(line: str) -> None:
    assert parse_note(line) is None
    assert codec.notes(line) == []


def test_a_risk_note_keeps_its_reasons_one_clause_each() -> None:
    note = RiskNote(0.5, ("a; b", "  spaced   out  ", "", "U.S. aid...", "...", "0.75 match"))
    assert note.reasons == ("a, b", "spaced out", "U.S aid", "0.75 match")
    assert note.format() == "risk: 0.50 — a, b; spaced out; U.S aid; 0.75 match."
    assert parse_note(note.format()) == note
    assert RiskNote(0.0).format() == "risk: 0.00"


def test_no_header_key_is_spelt_outside_the_codec() -> None:
    folders = ["catalog", "evaluation", "glossary", "sources", "training", "translate", "tarjama"]
    spelt = [
        f"{path}:{n}"
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(codec.__file__)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[\"']X-Tarjama-", line)
    ]
    assert spelt == []


REWORDED = {  # kind → (tag, body): nothing like the shipped wording
    GlossaryMissing: ("lacks approved term -> ", "{term}{times} (check by hand)"),
    SplitNote: ("model input too long; pieces: ", "{parts} in all"),
}


@pytest.fixture
def reworded(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, (tag, body) in REWORDED.items():
        monkeypatch.setattr(kind, "tag", tag)
        monkeypatch.setattr(kind, "body", body)


def _po_text(entry: polib.POEntry, width: int) -> str:
    po = polib.POFile(wrapwidth=width)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(entry)
    return str(po)


def _entries(path: Path) -> list[tuple[str, str, str, list[str]]]:
    return [(e.msgid, e.msgstr, e.comment, e.flags) for e in polib.pofile(str(path))]


def never_opened(source, settings):
    raise AssertionError("the model was loaded although the catalog holds every translation")


def test_a_reworded_note_is_followed_by_every_reader(
    reworded: None, tmp_path: Path, tiny_model: Path
) -> None:
    words = read(EXAMPLE).translatable()[3].replace("،", "").replace(".", "").split()
    words = [w for w in words if "هانوي" not in w]  # the term in one sentence only
    article = tmp_path / "a.ar.txt"
    lines = ["وصل الوفد إلى هانوي اليوم.", " ".join(words * 12), "عاد الوفد أمس."]
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    glossary = tmp_path / "g.csv"  # a term no decode can fit: always missing
    glossary.write_text("source,target\nهانوي," + " ".join(["Hanoi"] * 300) + "\n", encoding="utf-8")
    options = RunOptions(out_dir=tmp_path / "out", settings=DecodeSettings(beam=1))
    resources = Resources(model=str(tiny_model), glossaries=[glossary], use_memory=False)
    po_path = tmp_path / "out" / "en" / "LC_MESSAGES" / "a.po"

    # translate: the notes come out in the new wording, none in the old
    [first] = translate_articles([article], options, resources)
    assert first.split == 1 and first.glossary_misses == 1 and first.translated == 3
    text = po_path.read_text(encoding="utf-8")
    missing = "#. lacks approved term -> '" + " ".join(["Hanoi"] * 300) + "' (check by hand)"
    assert missing in text.splitlines()
    [split] = re.findall(r"^#\. model input too long; pieces: (\d+) in all$", text, re.M)
    assert int(split) > 1
    assert "glossary-missing" not in text and "split for MT" not in text
    written = _entries(po_path)

    # re-run: every MT kept from the catalog (no model), its split count read back from the note
    [again] = translate_articles([article], options, resources, opener=never_opened)
    assert (again.status, again.kept_mt, again.translated) == ("unchanged", 3, 0)
    assert again.glossary_misses == 1 and _entries(po_path) == written

    # status and glossary check read the note (no glossary: the note is all they have)
    assert status([po_path]).total.glossary_misses == 1
    [problem] = check_catalogs([po_path], None)
    assert problem.problem == "missing '" + " ".join(["Hanoi"] * 300) + "'"

    # an editor wraps the long lines (the mt line too); every reader still reads them whole
    po = polib.pofile(str(po_path), wrapwidth=78)
    po.save(str(po_path))
    assert "pieces" in po_path.read_text(encoding="utf-8") and missing not in po_path.read_text(
        encoding="utf-8"
    )
    assert status([po_path]).total.glossary_misses == 1
    assert [p.problem for p in check_catalogs([po_path], None)] == [problem.problem]
    [rewrapped] = translate_articles([article], options, resources, opener=never_opened)
    assert (rewrapped.kept_mt, rewrapped.translated, rewrapped.split) == (3, 0, 0)
    assert _entries(po_path) == written  # rewritten whole: no orphaned continuation lines
