"""Translation memory: normalised exact matches, scored fuzzy matches, built from the PO tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tarjama.catalog.memory import TranslationMemory, memory_key
from tarjama.catalog.suggest import offers_for
from tarjama.glossary.normalize import fold

from .conftest import EXAMPLE, read_gold, run_cli
from .review_helpers import msgfmt_check, po_for, review_all_with_gold

GOLD = read_gold()

ARABIC_ISH = st.text(
    alphabet=st.sampled_from(
        [
            *"ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىةٱکگیۀ٠١٢٣۴",
            *"\u064b\u064e\u0651\u0670\u0640\u200c\u200f\ufeff",  # marks, tatweel, invisibles
            *"\ufefb\ufe8d\ufdf2 \t\n.،-—a7",  # presentation forms, spaces, punctuation
        ]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(ARABIC_ISH)
def test_memory_key_is_the_glossary_fold(text: str) -> None:
    assert memory_key(text) == fold(text).strip()


def test_exact_match_survives_spelling_variants_and_prefers_the_first_file() -> None:
    tm = TranslationMemory.from_pairs(
        [
            ("أكدَّ الوزير أن الاتفاقيـة مهمة.", "The minister stressed the convention is important.", "a.po"),
            ("أكد الوزير أن الاتفاقية مهمة.", "Another translation.", "b.po"),
        ]
    )
    hit = tm.exact("اكد الوزير ان الاتفاقيه مهمه.")
    assert hit is not None
    assert (hit.target, hit.origin, hit.score) == (
        "The minister stressed the convention is important.",
        "a.po",
        1.0,
    )
    assert tm.exact("أكد الوزير أن الاتفاقية غير مهمة.") is None


def test_fuzzy_match_scores_with_rapidfuzz_and_respects_the_threshold() -> None:
    sources = [g["arabic"] for g in GOLD if g["kind"] == "body"]
    tm = TranslationMemory.from_pairs((s, f"EN {i}", "x.po") for i, s in enumerate(sources))
    original = GOLD[3]["arabic"]
    edited = original.replace("هانوي .", "هانوي يوم 25 أكتوبر.")
    hit = tm.fuzzy(edited, 0.75)
    assert hit is not None and hit.source == original
    expected = fuzz.ratio(memory_key(edited), memory_key(original)) / 100
    assert hit.score == pytest.approx(expected, abs=1e-4) and 0.75 <= hit.score < 1
    assert tm.fuzzy(edited, round(expected + 0.01, 2)) is None
    assert tm.fuzzy("قطة صغيرة تنام على السجادة الحمراء.", 0.75) is None
    assert tm.fuzzy(original, 0.75).score == 1.0


def write_po(path: Path, entries: list[polib.POEntry]) -> Path:
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    for e in entries:
        po.append(e)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def test_memory_holds_reviewed_entries_only_and_skips_a_broken_file(tmp_path: Path) -> None:
    root = tmp_path / "en"
    write_po(
        root / "LC_MESSAGES" / "a.po",
        [
            polib.POEntry(msgid="جملة مراجعة.", msgstr="A reviewed sentence."),
            polib.POEntry(msgid="جملة آلية.", msgstr="Machine output.", flags=["fuzzy"]),
            polib.POEntry(msgid="جملة فارغة.", msgstr=""),
            polib.POEntry(msgid="جملة محذوفة.", msgstr="A deleted sentence.", obsolete=True),
        ],
    )
    broken = root / "LC_MESSAGES" / "broken.po"
    broken.write_text('msgid ""\nmsgstr ""\n\nmsgid "جملة"\nmsgstr "unterminated\n', encoding="utf-8")
    tm = TranslationMemory.from_dir(root)
    assert sorted(tm.sources) == ["جملة محذوفة.", "جملة مراجعة."]
    assert len(tm.skipped) == 1 and "broken.po" in tm.skipped[0] and "line 5" in tm.skipped[0]


def test_offers_exact_from_other_files_fuzzy_from_a_changed_sentence_and_none_when_retranslating(
    tmp_path: Path,
) -> None:
    own = polib.POFile()
    own.append(polib.POEntry(msgid=GOLD[3]["arabic"], msgstr="Reviewed 4."))
    own.append(polib.POEntry(msgid=GOLD[4]["arabic"], msgstr="MT 5.", flags=["fuzzy"]))
    memory = TranslationMemory.from_pairs([(GOLD[1]["arabic"], "Reviewed 2 elsewhere.", "other.po")])
    changed = GOLD[3]["arabic"].replace("هانوي .", "هانوي يوم 25 أكتوبر.")
    msgids = [GOLD[1]["arabic"], changed, GOLD[4]["arabic"]]
    offers = offers_for(own, msgids, memory, origin="own.po")
    exact = offers[GOLD[1]["arabic"]]
    assert (exact.msgstr, exact.fuzzy, exact.previous_msgid) == ("Reviewed 2 elsewhere.", False, None)
    assert exact.comment == "memory: exact match, other.po"
    carried = offers[changed]
    assert (carried.msgstr, carried.fuzzy, carried.previous_msgid) == ("Reviewed 4.", True, GOLD[3]["arabic"])
    assert carried.comment.startswith("memory: 0.") and carried.comment.endswith("fuzzy match, own.po")
    assert GOLD[4]["arabic"] not in offers  # plain machine output: the model translates it again
    again = offers_for(own, msgids, memory, origin="own.po", retranslate_changed=True)
    assert set(again) == {GOLD[1]["arabic"]}


@pytest.fixture(scope="module")
def reviewed_tree(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """locales/ with the example article fully reviewed (the reference translation)."""
    work = tmp_path_factory.mktemp("tm")
    art = work / "hanoi-convention.ar.txt"
    shutil.copyfile(EXAMPLE, art)
    out = work / "locales"
    # (CTranslate2, several times faster than transformers: the memory is what is checked)
    res = run_cli(
        "translate",
        art,
        "--model",
        tiny_model,
        "--out",
        out,
        "--beam",
        "1",
        "--no-glossary",
        "--backend",
        "ct2",
    )
    assert res.returncode == 0, res.stderr
    review_all_with_gold(po_for(out))
    return out


def test_a_new_article_is_filled_from_memory_without_the_model(
    reviewed_tree: Path, tmp_path: Path, tiny_model: Path
) -> None:
    out = tmp_path / "locales"
    shutil.copytree(reviewed_tree, out)
    english = {g["arabic"]: g["english"] for g in GOLD}
    respelled = GOLD[1]["arabic"].replace("أكتوبر", "اكتوبر").replace("الأمم", "الامم")
    changed = GOLD[3]["arabic"].replace("هانوي .", "هانوي يوم 25 أكتوبر.")
    story = tmp_path / "second-story.ar.txt"
    story.write_text(
        "\n".join([respelled, GOLD[22]["arabic"], changed, "المصدر: https://example.org/story"]),
        encoding="utf-8",
    )
    res = run_cli("translate", story, "--model", tiny_model, "--out", out, "--no-glossary")
    assert res.returncode == 0, res.stderr
    assert "0 machine-translated, 3 from memory" in res.stdout
    po_path = po_for(out, "second-story")
    po = polib.pofile(str(po_path))
    origin = str(po_for(out))
    for msgid, reference in ((respelled, GOLD[1]["arabic"]), (GOLD[22]["arabic"], GOLD[22]["arabic"])):
        e = po.find(msgid)
        assert e.msgstr == english[reference] and "fuzzy" not in e.flags
        assert f"memory: exact match, {origin}" in e.comment and "mt: " not in e.comment
    fuzzy = po.find(changed)
    assert fuzzy.msgstr == english[GOLD[3]["arabic"]] and "fuzzy" in fuzzy.flags
    assert fuzzy.previous_msgid == GOLD[3]["arabic"]
    risk, memory_line = fuzzy.comment.splitlines()[:2]  # the review risk first (docs/risk.md)
    assert risk.startswith("risk: ") and "fuzzy memory match" in risk
    assert memory_line.startswith("memory: 0.") and f"fuzzy match, {origin}" in memory_line
    msgfmt_check(po_path)

    # Control: a sentence the memory does not know needs the model, and the missing one is reported.
    story.write_text(
        story.read_text(encoding="utf-8") + "\nقطة صغيرة تنام على السجادة الحمراء.", encoding="utf-8"
    )
    res = run_cli("translate", story, "--model", tiny_model, "--out", out, "--no-glossary")
    assert res.returncode == 0 and "1 machine-translated, 1 from memory, 2 reviewed kept" in res.stdout, (
        res.stdout
    )


def test_no_memory_flag_and_a_broken_catalog_in_the_tree_is_only_a_warning(
    reviewed_tree: Path, tmp_path: Path, tiny_model: Path
) -> None:
    out = tmp_path / "locales"
    shutil.copytree(reviewed_tree, out)
    broken = out / "en" / "LC_MESSAGES" / "broken.po"
    broken.write_text('msgid "x"\nmsgstr "y\n', encoding="utf-8")
    story = tmp_path / "third.ar.txt"
    story.write_text(GOLD[22]["arabic"], encoding="utf-8")
    res = run_cli("translate", story, "--model", tiny_model, "--out", out)
    assert res.returncode == 0, res.stderr
    assert "warning: translation memory skips" in res.stderr and "broken.po: line 2" in res.stderr
    assert broken.read_text(encoding="utf-8") == 'msgid "x"\nmsgstr "y\n'  # never touched
    res = run_cli(
        "translate", story, "--model", tiny_model, "--out", tmp_path / "o2", "--no-memory", "--beam", "1"
    )
    assert res.returncode == 0 and "1 machine-translated" in res.stdout


def test_an_exact_match_from_another_file_wins_over_the_catalogs_own_copy() -> None:
    sentence = GOLD[22]["arabic"]
    memory = TranslationMemory.from_pairs(
        [(sentence, "Own.", "a-own.po"), (sentence, "Other.", "b-other.po")]
    )
    offer = offers_for(None, [sentence], memory, origin="a-own.po")[sentence]
    assert (offer.msgstr, offer.fuzzy, offer.comment) == ("Other.", False, "memory: exact match, b-other.po")
    only_own = TranslationMemory.from_pairs([(sentence, "Own.", "a-own.po")])
    offer = offers_for(None, [sentence], only_own, origin="a-own.po")[sentence]
    assert (offer.msgstr, offer.fuzzy, offer.previous_msgid) == ("Own.", True, sentence)


def catalog(path: Path, pairs: dict[str, str], **metadata: str) -> Path:
    """A reviewed catalog at ``path`` with the given header fields (no Language unless given)."""
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", **metadata}
    for msgid, msgstr in pairs.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def test_the_memory_is_per_target_language_and_says_what_it_left_out(tmp_path: Path) -> None:
    """Issue 24 item 14: a folder holding several languages gives each run its own language only."""
    mem = tmp_path / "mem"
    s1, s2, s3, s4, s5 = (GOLD[i]["arabic"] for i in (1, 2, 3, 4, 5))
    en = catalog(mem / "en" / "LC_MESSAGES" / "a.po", {s1: "English one."}, Language="en")
    catalog(mem / "fr" / "LC_MESSAGES" / "a.po", {s2: "Français deux."}, Language="fr_FR")
    # no Language header: the gettext folder it sits in says French
    catalog(mem / "fr" / "LC_MESSAGES" / "old" / "b.po", {s3: "Français trois."})
    # no Language header and no <lang>/LC_MESSAGES folder: its language is unknown
    loose = catalog(mem / "loose.po", {s4: "Unknown four."})
    # French, but translated from English (Poedit's X-Source-Language): no Arabic source
    english_source = catalog(
        mem / "fr" / "LC_MESSAGES" / "from-en.po",
        {s5: "Depuis l'anglais."},
        Language="fr",
        **{"X-Source-Language": "en"},
    )
    tm = TranslationMemory.from_dir(mem, "fr")
    assert sorted(zip(tm.sources, tm.targets, strict=True)) == sorted(
        [(s2, "Français deux."), (s3, "Français trois.")]
    )
    assert tm.exact(s1) is None  # the English review never fills a French catalog
    assert sorted(tm.skipped) == sorted(
        [
            f"1 catalog in en, not fr: {en}",
            f"1 catalog with no Language header outside a <lang>/LC_MESSAGES folder: {loose}",
            f"1 catalog whose source language is en, not Arabic: {english_source}",
        ]
    )
    # languages compare by primary subtag, whatever the spelling of the tag
    assert all(len(TranslationMemory.from_dir(mem, tag)) == 2 for tag in ("fr-CA", "FR", "fr_FR.UTF-8@euro"))
    english = TranslationMemory.from_dir(mem, "en_GB")
    assert list(zip(english.sources, english.targets, strict=True)) == [(s1, "English one.")]
    assert any(line.startswith("3 catalogs in fr") for line in english.skipped), english.skipped


def test_translate_into_french_never_takes_the_english_memory(
    reviewed_tree: Path, tmp_path: Path, tiny_model: Path
) -> None:
    """`translate --lang fr --memory mem` with only English reviews in mem: nothing is filled from
    them, and the run says, in one warning, which catalog it left out and why."""
    mem = tmp_path / "mem"
    shutil.copytree(reviewed_tree, mem)  # mem/en/LC_MESSAGES/hanoi-convention.po, fully reviewed
    story = tmp_path / "story.ar.txt"
    story.write_text(GOLD[22]["arabic"] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    res = run_cli(
        "translate",
        story,
        "--model",
        tiny_model,
        "--out",
        out,
        "--lang",
        "fr",
        "--memory",
        mem,
        "--no-glossary",
        "--beam",
        "1",
    )
    assert res.returncode == 0, res.stderr
    assert "1 machine-translated, 0 from memory" in res.stdout, res.stdout
    po = polib.pofile(str(po_for(out, "story", "fr")))
    [entry] = [e for e in po if e.msgid == GOLD[22]["arabic"]]
    assert "fuzzy" in entry.flags and "memory:" not in entry.comment
    english = po_for(mem)
    assert f"warning: translation memory skips 1 catalog in en, not fr: {english}" in res.stderr
    # the same memory for English still fills the sentence
    res = run_cli("translate", story, "--model", tiny_model, "--out", out, "--memory", mem, "--no-glossary")
    assert res.returncode == 0 and "0 machine-translated, 1 from memory" in res.stdout, (
        res.stdout + res.stderr
    )
    assert "translation memory skips" not in res.stderr


def test_a_memory_folder_the_user_named_must_exist(tmp_path: Path, tiny_model: Path) -> None:
    """A typo in --memory gave an empty memory and every reviewed sentence machine-translated
    again without a word; the default <out>/<lang> may be absent (a first run)."""
    story = tmp_path / "story.ar.txt"
    story.write_text(GOLD[22]["arabic"], encoding="utf-8")
    out = tmp_path / "out"
    res = run_cli("translate", story, "--model", tiny_model, "--out", out, "--memory", tmp_path / "no-such")
    assert res.returncode != 0
    assert res.stderr.strip().splitlines() == [
        f"tarjama: error: {tmp_path / 'no-such'}: no such folder (--memory: the translation memory's folder)"
    ]
    assert not out.exists()
    res = run_cli("translate", story, "--model", tiny_model, "--out", out, "--beam", "1")
    assert res.returncode == 0, res.stderr
