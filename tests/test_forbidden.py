"""Forbidden renderings: read from CSV and TBX, banned while decoding on both backends (per
sentence), and reported by the post-check and by `tarjama glossary check`."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.errors import InputError
from tarjama.glossary import (
    Glossary,
    Matcher,
    Term,
    find_forbidden,
    forbidden_renderings,
    load_glossaries,
    spellings,
)
from tarjama.run.work import ModelText
from tarjama.sources import read
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.model_source import resolve_model

from .conftest import EXAMPLE, run_cli
from .test_translate_errors import assert_one_line_error

CSV = """source,target,type,note,forbidden
اتفاقية هانوي,Hanoi Convention,document,,Hanoi Agreement|Hanoi Treaty
هانوي,Hanoi,place,,
"""

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="1">
  <langSet xml:lang="ar"><tig><term>اتفاقية هانوي</term></tig></langSet>
  <langSet xml:lang="en">
    <tig><term>Hanoi Agreement</term><termNote type="administrativeStatus">forbidden</termNote></tig>
    <tig><term>Hanoi Convention</term><termNote type="administrativeStatus">preferredTerm-admn</termNote></tig>
    <ntig><termGrp><term>Hanoi Treaty</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn</termNote></termGrp></ntig>
  </langSet>
</termEntry>
</body></text></martif>
"""


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_forbidden_renderings_come_from_a_csv_column_and_from_tbx_status(tmp_path: Path) -> None:
    for name, text in (("g.csv", CSV), ("g.tbx", TBX)):
        glossary = load_glossaries([write(tmp_path, name, text)])
        term = glossary.terms[0]
        assert (term.source, term.target) == ("اتفاقية هانوي", "Hanoi Convention"), name
        assert term.forbidden == ("Hanoi Agreement", "Hanoi Treaty"), name
        matches = Matcher(glossary).find("وقعت الدول على اتفاقية هانوي.")
        assert forbidden_renderings(matches) == ["Hanoi Agreement", "Hanoi Treaty"]
    assert load_glossaries([write(tmp_path, "g.csv", CSV)]).terms[1].forbidden == ()


def test_a_rendering_both_approved_and_forbidden_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", CSV.replace("Hanoi Agreement|", "Hanoi Convention|"))
    with pytest.raises(InputError, match=r"line 2: 'Hanoi Convention' is both the approved and a forbidden"):
        load_glossaries([bad])


@pytest.mark.parametrize(
    ("target", "forbidden"),
    [
        ("Hanoi Convention", "hanoi Convention"),  # the first letter's case: the post-check ignores it
        ("Vietnam Accord", "Vietnam"),  # a whole-word span of the approved form
        ("Vietnam Accord", "accord"),
        ("the Hanoi Convention", "Hanoi Convention"),
    ],
)
def test_a_forbidden_rendering_the_approved_form_holds_is_refused_with_its_line(
    tmp_path: Path, target: str, forbidden: str
) -> None:
    """Issue 24 item 19: accepted, it had every correct translation flagged (and banned while decoding)."""
    bad = write(
        tmp_path,
        "bad.csv",
        f"source,target,forbidden\nهانوي,Hanoi,\nاتفاقية هانوي,{target},Treaty|{forbidden}\n",
    )
    with pytest.raises(InputError) as err:
        load_glossaries([bad])
    assert str(err.value) == (
        f"{bad}: line 3: forbidden {forbidden!r} is found in the approved {target!r} itself (whole words, "
        "first letter in either case): every correct translation would be flagged"
    )
    tbx = write(
        tmp_path,
        "bad.tbx",
        TBX.replace("Hanoi Agreement", "\0").replace("Hanoi Convention", target).replace("\0", forbidden),
    )
    with pytest.raises(
        InputError, match=rf"bad.tbx: line 3: forbidden {forbidden!r} is found in the approved"
    ):
        load_glossaries([tbx])
    res = run_cli("glossary", "show", EXAMPLE, "--glossary", bad)
    assert_one_line_error(res, f"{bad}: line 3: forbidden {forbidden!r}")


@pytest.mark.parametrize(
    "forbidden",
    [
        "Hanoi Conventions",
        "Hanoi Convention of 1999",
        "Convention of Hanoi",
        "Hanoi-Convention",
        "HANOI CONVENTION",
        "Han",
    ],
)
def test_a_forbidden_rendering_the_approved_form_does_not_hold_is_accepted(
    tmp_path: Path, forbidden: str
) -> None:
    ok = write(tmp_path, "ok.csv", f"source,target,forbidden\nاتفاقية هانوي,Hanoi Convention,{forbidden}\n")
    [term] = load_glossaries([ok]).terms
    assert term.forbidden == (forbidden,) and not find_forbidden(term.target, term.forbidden)


WORDS = st.sampled_from(
    ["Hanoi", "hanoi", "Convention", "convention", "Vietnam", "Accord", "of", "the", "Viet", "Nam"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(WORDS, min_size=1, max_size=4),
    st.lists(WORDS, min_size=1, max_size=3),
    st.sampled_from([" ", "-"]),
)
def test_no_glossary_that_loads_has_its_approved_form_flagged_as_forbidden(
    target_words: list[str], forbidden_words: list[str], glue: str
) -> None:
    """Whatever the renderings, a glossary either is refused or its approved forms pass the post-check."""
    import tempfile

    target, forbidden = " ".join(target_words), glue.join(forbidden_words)
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "g.csv", f"source,target,forbidden\nاتفاقية هانوي,{target},{forbidden}\n")
        try:
            [term] = load_glossaries([path]).terms
        except InputError as exc:
            assert "line 2: " in str(exc) and find_forbidden(target, [forbidden]), exc
            return
    assert not find_forbidden(term.target, term.forbidden)


def test_the_post_check_finds_every_spelling_and_marks_the_entry() -> None:
    assert find_forbidden("the Hanoi Agreement and hanoi Agreement", ["Hanoi Agreement"]) == {
        "Hanoi Agreement": 2
    }
    assert find_forbidden("the Hanoi Agreements", ["Hanoi Agreement"]) == {}  # whole words only
    assert spellings("Hanoi Agreement") == ["Hanoi Agreement", "hanoi Agreement"]


def _bigram(text: str) -> str:
    """Two consecutive words of an output, to forbid: what the model wrote unasked."""
    words = re.findall(r"[A-Za-z]+", text)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    assert pairs, text
    return max(pairs, key=lambda p: (find_forbidden(text, [p]).get(p, 0), p))


@pytest.mark.parametrize("backend", ["transformers", "ct2"])
def test_a_forbidden_rendering_is_banned_while_decoding_only_where_its_term_is(
    tiny_model: Path, backend: str
) -> None:
    engine = open_backend(resolve_model(str(tiny_model)), DecodeSettings(backend=backend, beam=2))
    texts = read(EXAMPLE).translatable()[2:6]
    free = engine.translate(texts)
    banned = [[_bigram(out)] if k % 2 == 0 else [] for k, out in enumerate(free)]
    assert all(find_forbidden(out, ban) for out, ban in zip(free, banned, strict=True) if ban)
    kept = engine.translate(texts, banned=banned)
    for out, before, ban in zip(kept, free, banned, strict=True):
        if ban:
            assert not find_forbidden(out, ban), (ban, out)
        else:
            assert out == before  # a sentence without the term is decoded exactly as before


def test_glossary_check_reports_a_forbidden_rendering_a_translator_wrote(
    tmp_path: Path, tiny_model: Path
) -> None:
    glossary = write(tmp_path, "g.csv", CSV)
    art = tmp_path / EXAMPLE.name
    shutil.copyfile(EXAMPLE, art)
    out = tmp_path / "out"
    res = run_cli(
        "translate", art, "--model", tiny_model, "--out", out, "--glossary", glossary, "--beam", "1"
    )
    assert res.returncode == 0, res.stderr
    po_path = out / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    assert run_cli("glossary", "check", po_path, "--glossary", glossary).returncode == 0
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if "اتفاقية هانوي" in e.msgid)
    entry.msgstr = "The Hanoi Agreement was signed in Hanoi."
    entry.flags = []
    po.save(str(po_path))
    res = run_cli("glossary", "check", po_path, "--glossary", glossary)
    assert res.returncode == 1
    assert "forbidden 'Hanoi Agreement'" in res.stdout


def test_the_run_marks_a_forbidden_rendering_that_got_through() -> None:
    text = "وقعت الدول على اتفاقية هانوي."
    term = Term("اتفاقية هانوي", "Hanoi Convention", forbidden=("Hanoi Agreement",))
    report = ModelText(text, Matcher(Glossary([term])).find(text))
    report.post_check("The countries signed the Hanoi Agreement.")
    assert [note.format() for note in report.notes()][-2:] == [
        "glossary-missing: 'Hanoi Convention'",
        "glossary-forbidden: 'Hanoi Agreement'",
    ]
