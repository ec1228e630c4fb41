"""A translator's week, through the real CLI and a tiny real Marian model.

translate → review in the PO (Poedit-style save and a raw text-editor edit; unfuzzy, new
msgstr, `#` notes) → the editor changes, deletes, inserts and reorders sentences in the
article → translate again → every rule of the review workflow is checked on the result.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from tarjama.sources import read

from .conftest import EXAMPLE, read_gold, run_cli
from .review_helpers import msgfmt_check, po_for, review_in_text_editor, review_like_poedit

GOLD = read_gold()
R1 = GOLD[2]["arabic"]  # line 4: reviewed in a text editor, untouched by the editor
R2 = GOLD[3]["arabic"]  # line 5: reviewed, then changed in the article
R3 = GOLD[22]["arabic"]  # line 23: reviewed, then deleted from the article
R4 = GOLD[16]["arabic"]  # line 17: reviewed, then moved above line 16
F1 = GOLD[28]["arabic"]  # line 28: msgstr edited but left fuzzy
R2_CHANGED = R2.replace("هانوي .", "هانوي يوم 25 أكتوبر.")
INSERTED = "وحضر المؤتمر الصحفي عدد كبير من الصحفيين الأجانب."
TRANSLATOR = "Layla Haddad <layla@example.org>"


def edit_article(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[4] == R2 and lines[22] == R3 and lines[16] == R4
    lines[4] = R2_CHANGED
    lines[15], lines[16] = lines[16], lines[15]  # reorder two paragraphs
    del lines[22]  # delete a paragraph
    lines.insert(5, INSERTED)  # insert a new one after the changed sentence
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def loop(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("review")
    art = work / "hanoi-convention.ar.txt"
    shutil.copyfile(EXAMPLE, art)
    out = work / "locales"
    args = ("translate", art, "--model", tiny_model, "--out", out, "--beam", "1", "--no-glossary")
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr
    po_path = po_for(out)
    first = polib.pofile(str(po_path))

    review_in_text_editor(
        po_path, R1, "The press conference was chaired by the deputy ministers.", "names checked"
    )
    review_like_poedit(
        po_path,
        {
            R2: ("The UN Secretary-General will attend the Hanoi Convention signing.", "keep 'UN'"),
            R3: ("Vietnam wants a cyberspace for peace and development.", None),
            R4: ("The ceremony was held on October 25.", "date checked\nsecond note line"),
        },
        translator=TRANSLATOR,
    )
    po = polib.pofile(str(po_path))
    po.find(F1).msgstr = "draft, not finished"  # work in progress: still fuzzy
    po.save(str(po_path))
    msgfmt_check(po_path)
    reviewed = {e.msgid: e for e in polib.pofile(str(po_path)) if e.translated()}

    edit_article(art)
    res2 = run_cli(*args)
    assert res2.returncode == 0, res2.stderr
    second = po_path.read_bytes()
    res3 = run_cli(*args)
    assert res3.returncode == 0, res3.stderr
    return {
        "art": art,
        "po_path": po_path,
        "args": args,
        "first": first,
        "reviewed": reviewed,
        "second": second,
        "third": po_path.read_bytes(),
        "stdout": res2.stdout,
    }


def entry(po: polib.POFile, msgid: str) -> polib.POEntry:
    found = [e for e in po if e.msgid == msgid]
    assert len(found) == 1, msgid
    return found[0]


def test_reviewed_entries_are_kept_byte_for_byte(loop) -> None:
    po = polib.pofile(str(loop["po_path"]))
    assert set(loop["reviewed"]) == {R1, R2, R3, R4}
    for msgid, before in loop["reviewed"].items():
        after = entry(po, msgid)
        assert after.msgstr == before.msgstr
        assert after.tcomment == before.tcomment
        assert after.flags == before.flags == []
    assert entry(po, R1).tcomment == "names checked"
    assert entry(po, R4).tcomment == "date checked\nsecond note line"
    assert po.metadata["Last-Translator"] == TRANSLATOR
    assert "1 reviewed kept" in loop["stdout"] or "2 reviewed kept" in loop["stdout"]


def test_a_changed_sentence_starts_from_its_old_review_marked_fuzzy_with_previous_msgid(loop) -> None:
    po = polib.pofile(str(loop["po_path"]))
    new = entry(po, R2_CHANGED)
    assert not new.obsolete
    assert new.msgstr == loop["reviewed"][R2].msgstr
    assert "fuzzy" in new.flags
    assert new.previous_msgid == R2
    assert "mt: " not in new.comment
    assert "fuzzy match" in new.comment
    # the old review is kept too, as obsolete
    old = entry(po, R2)
    assert old.obsolete and old.msgstr == loop["reviewed"][R2].msgstr and old.tcomment == "keep 'UN'"
    text = loop["po_path"].read_text(encoding="utf-8")
    assert '#| msgid "' in text and "#~ msgid" in text


def test_a_carried_review_is_not_machine_translated_over_on_later_runs(loop) -> None:
    assert loop["third"] == loop["second"]
    third = polib.pofile(loop["third"].decode("utf-8"))
    assert entry(third, R2_CHANGED).msgstr == loop["reviewed"][R2].msgstr


def test_retranslate_changed_flag_machine_translates_it_and_keeps_the_old_review(
    loop, tmp_path: Path
) -> None:
    out = tmp_path / "locales"
    shutil.copytree(loop["po_path"].parent.parent.parent, out)
    args = [str(a) for a in loop["args"]]
    args[args.index("--out") + 1] = str(out)
    res = run_cli(*args, "--retranslate-changed")
    assert res.returncode == 0, res.stderr
    po_path = po_for(out)
    po = polib.pofile(str(po_path))
    new = entry(po, R2_CHANGED)
    assert new.msgstr and new.msgstr != loop["reviewed"][R2].msgstr
    assert "fuzzy" in new.flags and new.previous_msgid is None and "mt: " in new.comment
    assert entry(po, R2).obsolete and entry(po, R2).msgstr == loop["reviewed"][R2].msgstr
    msgfmt_check(po_path)


def test_deleted_sentences_become_obsolete_and_keep_their_review(loop) -> None:
    po = polib.pofile(str(loop["po_path"]))
    gone = entry(po, R3)
    assert gone.obsolete and gone.msgstr == loop["reviewed"][R3].msgstr
    # the machine-only entry of the changed sentence's old text is not needed: only reviews are kept
    assert {e.msgid for e in po.obsolete_entries()} == {R2, R3}


def test_a_draft_in_a_fuzzy_entry_is_kept_while_the_engine_is_the_same(loop) -> None:
    """Same model and settings would give the same MT again; the translator's unfinished draft stays."""
    po = polib.pofile(str(loop["po_path"]))
    kept = entry(po, F1)
    assert "fuzzy" in kept.flags
    assert kept.msgstr == "draft, not finished" != entry(loop["first"], F1).msgstr
    assert "mt: " in kept.comment


def test_entries_follow_the_edited_article_in_document_order(loop) -> None:
    po = polib.pofile(str(loop["po_path"]))
    expected = list(dict.fromkeys(s.text for s in read(loop["art"]).sentences))
    assert [e.msgid for e in po if not e.obsolete] == expected
    active = [e.msgid for e in po if not e.obsolete]
    assert active.index(R2_CHANGED) + 1 == active.index(INSERTED)
    assert active.index(R4) < active.index(GOLD[15]["arabic"])  # moved above its old predecessor
    # occurrences are refreshed: line 11 is 12 after the insertion, line 16 is 18 (moved down, one inserted)
    assert entry(po, GOLD[9]["arabic"]).occurrences == [(str(loop["art"]), "12")]
    assert entry(po, GOLD[15]["arabic"]).occurrences == [(str(loop["art"]), "18")]
    new = entry(po, INSERTED)
    assert "fuzzy" in new.flags and new.msgstr and "mt: " in new.comment
    assert entry(po, INSERTED).occurrences[0][1] == "6"
    # obsolete entries come after all active ones
    kinds = [e.obsolete for e in po]
    assert kinds == sorted(kinds)


def test_every_written_file_is_msgfmt_valid(loop) -> None:
    msgfmt_check(loop["po_path"])
