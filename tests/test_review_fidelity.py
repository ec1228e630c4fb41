"""What translators' tools do to a catalog, and what tarjama must make of it (issue 15, items 1-4):
a copy of the source is no translation, re-wrapped tarjama comments do not pile up, msgctxt
entries are the translator's, and a note follows an edited sentence to its new entry."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from tarjama.catalog.notes import is_own_comment
from tarjama.catalog.review import copies_source

from .conftest import EXAMPLE, run_cli
from .review_helpers import gold_english, msgfmt_check, po_for, review_like_poedit


def translate(article: Path, model: Path, out: Path, *extra: str | Path) -> str:
    # CTranslate2 (the model converted once per session) decodes the article several times faster
    # than transformers; what is checked here is the catalog, whichever engine wrote it
    res = run_cli(
        "translate", article, "--model", model, "--backend", "ct2", "--beam", "1", "--out", out, *extra
    )
    assert res.returncode == 0, res.stderr
    return res.stdout + res.stderr


def translate_another(model: Path, out: Path, tmp_path: Path) -> tuple[str, polib.POFile]:
    """A second article with the same sentences, translated into the same catalogs (memory on):
    the run's log and its catalog."""
    other = tmp_path / "other.ar.txt"
    shutil.copyfile(EXAMPLE, other)
    log = translate(other, model, out)
    return log, polib.pofile(str(po_for(out, "other")))


@pytest.fixture
def translated(tmp_path: Path, tiny_model: Path) -> tuple[Path, Path]:
    article = tmp_path / "hanoi-convention.ar.txt"
    shutil.copyfile(EXAMPLE, article)
    out = tmp_path / "locales"
    translate(article, tiny_model, out)
    return article, out


def test_a_copy_of_the_source_is_untranslated() -> None:
    arabic = "قال الوزير إن الاتفاقية مهمة."
    assert copies_source(arabic, arabic)
    assert copies_source(arabic, "  قال   الوزير إن الاتفاقية مهمة. ")
    assert copies_source(arabic, "قال الوزير (Hanoi) إن الاتفاقية مهمة.")  # mostly Arabic script
    assert not copies_source(arabic, "The minister said the Hanoi Convention (هانوي) matters.")
    assert not copies_source(arabic, "")
    assert not copies_source("٢٠٢٥", "2025")
    assert not copies_source(arabic, "قال الوزير إن الاتفاقية مهمة", language="fa")  # target in Arabic script
    assert copies_source(arabic, arabic, language="fa")


def test_msginit_copies_are_not_reviews_memory_or_export(
    translated: tuple[Path, Path], tiny_model: Path, tmp_path: Path
) -> None:
    article, out = translated
    po_path = po_for(out)
    # what a translator who starts over with msginit gets: every msgstr is the Arabic msgid
    pot = polib.pofile(str(po_path))
    for entry in pot:
        entry.msgstr = ""
        entry.flags = []
        entry.previous_msgid = None
    pot.save(str(tmp_path / "hanoi.pot"))
    subprocess.run(
        ["msginit", "--no-translator", "-l", "en", "-i", tmp_path / "hanoi.pot", "-o", po_path],
        check=True,
        capture_output=True,
    )
    copies = [e for e in polib.pofile(str(po_path)) if e.msgstr == e.msgid]
    assert len(copies) == len(pot) > 30

    res = run_cli("status", po_path, "--json")
    total = json.loads(res.stdout)["total"]
    assert (total["reviewed"], total["source_copies"], total["untranslated"]) == (0, len(copies), len(copies))
    res = run_cli("status", po_path)
    assert f"{len(copies)} entries hold a copy of the source" in res.stderr

    res = run_cli("export", po_path, "--output", tmp_path / "export.en.txt")
    assert res.returncode == 0, res.stderr
    assert "0 reviewed" in res.stdout + res.stderr

    # another article with the same sentences: the copies are no memory for it
    log, other = translate_another(tiny_model, out, tmp_path)
    assert "0 from memory" in log
    assert not any("memory:" in (e.comment or "") for e in other)

    # and a re-run machine-translates them: nothing is "kept" as if reviewed
    log = translate(article, tiny_model, out)
    assert "0 reviewed kept" in log
    after = polib.pofile(str(po_path))
    assert not any(e.msgstr == e.msgid for e in after if not e.obsolete)
    assert all("fuzzy" in e.flags for e in after if not e.obsolete and e.msgstr)
    msgfmt_check(po_path)


def test_tarjama_comments_rewrapped_by_an_editor_do_not_pile_up(
    translated: tuple[Path, Path], tiny_model: Path
) -> None:
    article, out = translated
    po_path = po_for(out)
    fresh = {e.msgid: e.comment for e in polib.pofile(str(po_path))}
    long_ones = [m for m, c in fresh.items() if any(len(line) > 75 for line in (c or "").splitlines())]
    assert long_ones, "the example has glossary comments longer than an editor's wrap width"
    english = gold_english()
    reviewed, unreviewed = long_ones[0], long_ones[1]
    note = "a note another tool added, long enough that polib wraps it onto a second line as well"
    for cycle in range(3):
        po = polib.pofile(str(po_path))
        for width in (78, 40)[cycle % 2 :]:  # two editors, two wrap widths
            po.wrapwidth = width
        if cycle == 0:
            entry = po.find(unreviewed)
            entry.comment = f"{entry.comment}\n{note}"
        po.save(str(po_path))  # polib wraps every long #. line
        if cycle == 0:
            review_like_poedit(po_path, {reviewed: (english[reviewed], None)})
        translate(article, tiny_model, out)
    final = {e.msgid: e for e in polib.pofile(str(po_path))}
    assert final[reviewed].msgstr == english[reviewed] and "fuzzy" not in final[reviewed].flags
    # a reviewed entry carries no mt: or risk: line (its msgstr is the translator's), nothing
    # else changed
    assert final[reviewed].comment.splitlines() == [
        c for c in fresh[reviewed].splitlines() if not c.startswith(("mt: ", "risk: "))
    ]
    # the other tool's note is kept once, as the editor wrapped it; tarjama's lines are whole
    lines = final[unreviewed].comment.splitlines()
    assert " ".join(line for line in lines if not is_own_comment(line)) == note
    own = [line for line in lines if is_own_comment(line)]
    # its risk is rated again, whole (one line, its closing full stop), for the memory offer that
    # now stands in its msgstr
    assert own[0].startswith("risk: ") and own[0].endswith(".") and " fuzzy memory match" in own[0]
    own = own[1:]
    assert own == [
        *(c for c in fresh[unreviewed].splitlines() if not c.startswith(("mt: ", "risk: "))),
        own[-1],
    ]
    assert own[-1].startswith("memory: ") and own[-1].endswith(f"{po_path}")  # offered the review, unwrapped
    for msgid, entry in final.items():  # no orphan piece of a wrapped line anywhere, nothing twice
        lines = (entry.comment or "").splitlines()
        assert len(lines) == len(set(lines)), msgid
        if msgid != unreviewed:
            assert all(is_own_comment(line) for line in lines), (msgid, lines)


def test_msgctxt_entries_belong_to_the_translator(
    translated: tuple[Path, Path], tiny_model: Path, tmp_path: Path
) -> None:
    article, out = translated
    po_path = po_for(out)
    po = polib.pofile(str(po_path))
    first = next(e for e in po if e.msgstr)
    headline = polib.POEntry(
        msgctxt="headline", msgid=first.msgid, msgstr="HEADLINE VERSION", tcomment="mine"
    )
    po.append(headline)
    po.save(str(po_path))

    translate(article, tiny_model, out)
    entries = [e for e in polib.pofile(str(po_path)) if e.msgid == first.msgid]
    assert len(entries) == 2
    plain = next(e for e in entries if e.msgctxt is None)
    kept = next(e for e in entries if e.msgctxt == "headline")
    assert plain.msgstr != "HEADLINE VERSION" and "fuzzy" in plain.flags  # the article's MT, not the variant
    assert (kept.msgstr, kept.tcomment, kept.obsolete, kept.flags) == ("HEADLINE VERSION", "mine", False, [])

    _, other = translate_another(tiny_model, out, tmp_path)
    assert not any(e.msgstr == "HEADLINE VERSION" for e in other)
    msgfmt_check(po_path)


def test_a_note_on_an_edited_sentence_moves_to_its_new_entry(
    translated: tuple[Path, Path], tiny_model: Path
) -> None:
    article, out = translated
    po_path = po_for(out)
    english = gold_english()
    old = next(e.msgid for e in polib.pofile(str(po_path)) if "الاتفاقية" in e.msgid and len(e.msgid) > 80)
    review_like_poedit(po_path, {old: (english[old], "check the date with the desk")})
    edited = old.replace("الاتفاقية", "المعاهدة", 1)
    article.write_text(article.read_text(encoding="utf-8").replace(old, edited), encoding="utf-8")

    translate(article, tiny_model, out)
    entries = {(e.msgid, e.obsolete): e for e in polib.pofile(str(po_path))}
    new = entries[(edited, False)]
    assert "fuzzy" in new.flags and new.previous_msgid == old and new.msgstr == english[old]
    assert new.tcomment == "check the date with the desk"  # as msgmerge carries it
    assert entries[(old, True)].tcomment == "check the date with the desk"  # the review's copy keeps it too
