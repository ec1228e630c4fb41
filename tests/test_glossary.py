"""Glossary files, Arabic folding, variant/clitic-aware matching, target-side checking, term accuracy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.errors import InputError
from tarjama.evaluation.term_accuracy import term_accuracy
from tarjama.glossary import (
    Glossary,
    Matcher,
    Term,
    check_hypothesis,
    default_path,
    load_default,
    load_glossaries,
)
from tarjama.glossary.normalize import fold, normalize
from tarjama.glossary.variants import canonical
from tarjama.sources import read

from .conftest import EXAMPLE, ROOT, run_cli
from .test_translate_errors import assert_one_line_error

GOLD_OCCURRENCES = ROOT / "tests" / "data" / "glossary-gold-occurrences.tsv"


def glossary(*rows: tuple[str, str]) -> Glossary:
    return Glossary([Term(s, t, origin=f"test:{i}") for i, (s, t) in enumerate(rows, 1)])


def found(text: str, *rows: tuple[str, str]) -> list[tuple[str, str]]:
    return [(m.surface, m.target) for m in Matcher(glossary(*rows)).find(text)]


# --- folding ---------------------------------------------------------------------------


def test_fold_removes_tashkeel_tatweel_controls_and_unifies_letters_and_digits() -> None:
    assert fold("مُؤْتَمَرًا") == "مؤتمرا"
    assert fold("هـــانوي") == "هانوي"
    assert fold("أإآٱ") == "اااا"
    assert fold("مستشفى") == "مستشفي"
    assert fold("اتفاقية") == "اتفاقيه"
    assert fold("کیہ") == "كيه"
    assert fold("٢٠٢٥ ۱۹") == "2025 19"
    assert fold("ها\u200cنو\u200fي\u202b") == "هانوي"
    assert fold("a  \t b") == "a b"
    assert fold("ﻻ") == "لا"  # presentation-form ligature


def test_fold_keeps_a_map_back_to_original_offsets() -> None:
    text = "في هَانُويْ اليوم"
    f = normalize(text)
    start = f.text.index("هانوي")
    a, b = f.span(start, start + len("هانوي"))
    assert text[a:b] == "هَانُوي"
    assert [m.surface for m in Matcher(glossary(("هانوي", "Hanoi"))).find(text)] == ["هَانُويْ"]


# --- matching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "surface"),
    [
        ("رحبوا لاتفاقية هانوي اليوم", "اتفاقية هانوي", "لاتفاقية هانوي"),
        ("زار باريس وهانوي", "هانوي", "وهانوي"),
        ("عضو بالأمم المتحدة", "الأمم المتحدة", "بالأمم المتحدة"),
        ("فيتنام والأمم المتحدة", "الأمم المتحدة", "والأمم المتحدة"),
        ("وثيقة للأمم المتحدة", "الأمم المتحدة", "للأمم المتحدة"),
        ("وفقا للواء لي", "اللواء", "للواء"),
        ("فكاتفاقية هانوي", "اتفاقية هانوي", "فكاتفاقية هانوي"),
        ("وصل إلى هانوى", "هانوي", "هانوى"),  # alef maqsura spelling
        ("اتفاقيّة هانويْ", "اتفاقية هانوي", "اتفاقيّة هانويْ"),
    ],
)
def test_proclitics_and_spelling_variants_match(text: str, source: str, surface: str) -> None:
    assert found(text, (source, "X")) == [(surface, "X")]


@pytest.mark.parametrize(
    "text",
    [
        "الهانويون يحتفلون",  # inside a longer word
        "هانويات",
        "الحكومة الفيتنامية",  # فيتنام ≠ الفيتنامية: the article is not a clitic
        "مهانوي",
    ],
)
def test_only_whole_words_match(text: str) -> None:
    assert found(text, ("هانوي", "Hanoi"), ("فيتنام", "Vietnam")) == []


@pytest.mark.parametrize(
    ("written", "row"),
    [
        ("دانغ هوانغ جيانغ", "دانج هوانج جيانج"),
        ("دانج هوانج جيانج", "دانغ هوانغ جيانغ"),
        ("دانج هوانغ جيانج", "دانغ هوانج جيانغ"),
        ("فام ذي تونغ", "فام ذا تونج"),
        ("فام ذى تونج", "فام ذا تونغ"),
    ],
)
def test_transliteration_variants_match_without_listing_them(written: str, row: str) -> None:
    assert found(f"قال {written} أمس", (row, "Name")) == [(written, "Name")]


def test_variant_rules_are_narrow() -> None:
    assert canonical("تونج") == canonical("تونغ") == "تونغ"
    assert canonical("نجم") != canonical("نغم")  # initial نج/نغ are different words
    assert canonical("ذي") == canonical("ذا")
    assert found("قال جيانو", ("جيانج", "Giang")) == []


def test_longest_match_first_and_no_overlap() -> None:
    rows = [
        ("هانوي", "Hanoi"),
        ("اتفاقية هانوي", "Hanoi Convention"),
        ("وزير الخارجية", "Minister of Foreign Affairs"),
        ("نائب وزير الخارجية", "Deputy Minister of Foreign Affairs"),
    ]
    assert found("وقع اتفاقية هانوي في هانوي", *rows) == [
        ("اتفاقية هانوي", "Hanoi Convention"),
        ("هانوي", "Hanoi"),
    ]
    assert found("قال نائب وزير الخارجية", *rows) == [
        ("نائب وزير الخارجية", "Deputy Minister of Foreign Affairs")
    ]


def test_spacing_around_punctuation_does_not_matter() -> None:
    rows = [("مكافحة الجريمة - تقاسم المسؤولية", "Theme")]
    assert [t for _, t in found('شعار "مكافحة الجريمة-تقاسم المسؤولية"', *rows)] == ["Theme"]
    assert [t for _, t in found("شعار مكافحة الجريمة – تقاسم المسؤولية .", *rows)] == ["Theme"]


def read_gold_occurrences() -> list[tuple[int, int, int, str, str]]:
    rows = []
    for line in GOLD_OCCURRENCES.read_text(encoding="utf-8").splitlines():
        n, start, end, surface, target = line.split("\t")
        rows.append((int(n), int(start), int(end), surface, target))
    return rows


def test_detection_on_the_example_article_equals_the_hand_checked_gold() -> None:
    """Every occurrence (variants and clitic forms included), no false match: 101 occurrences."""
    sentences = read(EXAMPLE).sentences
    matcher = Matcher(load_default())
    got = [(s.n, m.start, m.end, m.surface, m.target) for s in sentences for m in matcher.find(s.text)]
    gold = read_gold_occurrences()
    assert got == gold
    assert len(gold) == 101
    by_n = {s.n: s for s in sentences}
    for n, start, end, surface, _ in gold:
        assert by_n[n].text[start:end] == surface
    surfaces = {g[3] for g in gold}
    assert {
        "دانج هوانج جيانج",
        "دانغ هوانغ جيانغ",
        "للأمم المتحدة",
        "لنائب الوزير",
        "للواء",
        "بفيتنام",
        "واتفاقية مكافحة الفساد",
    } <= surfaces
    assert "الفيتنامية" not in " ".join(surfaces)


# --- loading -----------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_glossary_is_shipped_and_matches_the_corpus_copy() -> None:
    g = load_default()
    assert default_path().name == "ar-en.csv"
    assert len(g) == 32  # 33 rows; the two spellings of Dang Hoang Giang are one key
    assert g.conflicts == []
    assert "Dang Hoang Giang" in g.targets


def test_csv_rfc4180_with_bom_crlf_and_quotes(tmp_path: Path) -> None:
    p = tmp_path / "g.csv"
    p.write_bytes('\ufeffsource,target,type,note\r\nهانوي,Hanoi,place,"capital, ""old"""\r\n'.encode())
    g = load_glossaries([p])
    assert [(t.source, t.target, t.note) for t in g.terms] == [("هانوي", "Hanoi", 'capital, "old"')]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source,type\nهانوي,place\n", "line 1: missing column target"),
        ("source,target,type,note\nهانوي,Hanoi\n", "line 2: missing column type, note"),
        ("source,target\nهانوي,\n", "line 2: empty target for 'هانوي'"),
        ("source,target\n,Hanoi\n", "line 2: empty source term"),
        ("source,target\nهانوي,Hanoi\nهانوى,Ha Noi\n", "line 3: 'هانوى' → 'Ha Noi' conflicts with line 2"),
        ('source,target\n"هانوي,Hanoi\n', "malformed CSV"),
        ("", "glossary is empty"),
        # issue 24 item 20: the header names each column tarjama reads, once
        (
            "source,target,target\nهانوي,Hanoi,Ha Noi\n",
            "line 1: column 'target' appears twice (columns 2 and 3)",
        ),
        (
            "Source,target, SOURCE \nهانوي,Hanoi,هانوى\n",
            "line 1: column 'source' appears twice (columns 1 and 3)",
        ),
        ("source,target,\nهانوي,Hanoi,\n", "line 1: column 3 has no name"),
        ("source,,target\nهانوي,x,Hanoi\n", "line 1: column 2 has no name"),
        (
            "source,target,forbiden\nهانوي,Hanoi,Ha Noi\n",
            "line 1: unknown column 'forbiden' (did you mean 'forbidden'?",
        ),
        (
            "source,target,comment\nهانوي,Hanoi,capital\n",
            "line 1: unknown column 'comment' (columns: source,target",
        ),
    ],
)
def test_malformed_csv_names_file_line_and_reason(tmp_path: Path, text: str, message: str) -> None:
    p = write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError) as err:
        load_glossaries([p])
    assert str(err.value).startswith(f"{p}: ")
    assert message in str(err.value)


def test_a_header_in_any_case_order_and_spacing_is_read(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "g.csv",
        " NOTE ,Target,Source,Forbidden,TYPE,Variants\ncapital,Hanoi,هانوي,Ha Noi,place,no\n",
    )
    [term] = load_glossaries([p]).terms
    assert (term.source, term.target, term.type, term.note, term.forbidden, term.variants) == (
        "هانوي",
        "Hanoi",
        "place",
        "capital",
        ("Ha Noi",),
        False,
    )


def test_a_bad_header_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    p = write(tmp_path, "g.csv", "source,target,target\nهانوي,Hanoi,Ha Noi\n")
    res = run_cli("glossary", "show", EXAMPLE, "--glossary", p)
    assert_one_line_error(res, f"{p}: line 1: column 'target' appears twice (columns 2 and 3)")


def test_non_utf8_and_missing_files(tmp_path: Path) -> None:
    p = tmp_path / "latin1.csv"
    p.write_bytes("source,target\nhé,x\n".encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        load_glossaries([p])
    with pytest.raises(InputError, match="cannot read glossary"):
        load_glossaries([tmp_path / "nope.csv"])


def test_same_key_same_target_in_one_file_is_merged(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "g.csv",
        "source,target\nدانج هوانج جيانج,Dang Hoang Giang\nدانغ هوانغ جيانغ,Dang Hoang Giang\n",
    )
    assert len(load_glossaries([p])) == 1


def test_later_glossary_overrides_and_the_conflict_is_reported(tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", "source,target\nهانوي,Ha Noi\nفيتنام,Vietnam\n")
    b = write(tmp_path, "b.csv", "source,target\nهانوى,Hanoi\n")
    g = load_glossaries([a, b])
    assert {t.target for t in g.terms} == {"Hanoi", "Vietnam"}
    assert len(g.conflicts) == 1
    assert f"{b}:2" in str(g.conflicts[0]) and "'Ha Noi'" in str(g.conflicts[0])


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <text><body>
    <conceptEntry id="c1">
      <descrip type="subjectField">person</descrip>
      <langSec xml:lang="ar">
        <termSec><term>دانج هوانج جيانج</term></termSec>
        <termSec><term>دانغ هوانغ جيانغ</term></termSec>
      </langSec>
      <langSec xml:lang="en"><termSec><term>Dang Hoang Giang</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""

TBX_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
  <termEntry id="t1">
    <langSet xml:lang="ar"><tig><term>اتفاقية هانوي</term></tig></langSet>
    <langSet xml:lang="en-US"><tig><term>Hanoi Convention</term></tig></langSet>
  </termEntry>
</body></text></martif>
"""


def test_tbx_v3_and_tbx_basic_are_read(tmp_path: Path) -> None:
    g = load_glossaries([write(tmp_path, "a.tbx", TBX), write(tmp_path, "b.tbx", TBX_V2)])
    assert [(t.source, t.target) for t in g.terms] == [
        ("دانج هوانج جيانج", "Dang Hoang Giang"),
        ("اتفاقية هانوي", "Hanoi Convention"),
    ]
    assert g.terms[0].type == "person"
    assert found("قال دانغ هوانغ جيانغ", *[(t.source, t.target) for t in g.terms]) == [
        ("دانغ هوانغ جيانغ", "Dang Hoang Giang")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TBX.replace("</conceptEntry>", ""), "line 12: bad XML (Opening and ending tag mismatch"),
        (
            TBX.replace('xml:lang="en"><termSec><term>Dang Hoang Giang</term></termSec>', 'xml:lang="en">'),
            "line 4: entry has no English",
        ),
        (TBX.replace("<term>Dang Hoang Giang</term>", "<term> </term>"), "line 4: entry has no English"),
        ("<a><b/></a>", "not a TBX glossary"),
        (
            '<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            + TBX.split("\n", 1)[1].replace("<term>Dang Hoang Giang</term>", "<term>&xxe;</term>"),
            "entity reference &xxe; is not allowed in a glossary",
        ),
    ],
)
def test_malformed_tbx_names_file_line_and_reason(tmp_path: Path, text: str, message: str) -> None:
    p = write(tmp_path, "bad.tbx", text)
    with pytest.raises(InputError) as err:
        load_glossaries([p])
    assert str(err.value).startswith(f"{p}: ") and message in str(err.value)


# --- target side -------------------------------------------------------------------------


def test_check_counts_whole_words_longest_first() -> None:
    need = ["Hanoi", "Hanoi Convention"]
    assert check_hypothesis(need, "They met in Hanoi to sign the Hanoi Convention.").ok
    c = check_hypothesis(need, "They signed the Hanoi Convention.")
    assert c.missing == {"Hanoi": 1} and not c.duplicated
    c = check_hypothesis(["Hanoi"], "Hanoi, Hanoi and Hanoian")
    assert c.duplicated == {"Hanoi": 1} and c.correct == 1
    assert check_hypothesis(["signing ceremony"], "Signing ceremony held.").ok


def test_term_accuracy_counts_every_required_occurrence() -> None:
    g = glossary(("هانوي", "Hanoi"), ("اتفاقية هانوي", "Hanoi Convention"), ("فيتنام", "Vietnam"))
    sources = ["وقعت اتفاقية هانوي في هانوي", "فيتنام وفيتنام", "لا شيء هنا"]
    result = term_accuracy(sources, ["The Hanoi Convention was signed in Hanoi.", "Vietnam.", "Nothing."], g)
    assert (result.correct, result.total) == (3, 4)
    assert result.accuracy == pytest.approx(0.75)
    assert [(m.sentence, m.target, m.expected, m.found) for m in result.misses] == [(1, "Vietnam", 2, 1)]


def test_the_independent_reference_translation_holds_every_detected_term(gold) -> None:
    """Cross-check of detection: the human reference has each detected term exactly as often."""
    result = term_accuracy([g["arabic"] for g in gold], [g["english"] for g in gold], load_default())
    assert (result.correct, result.total) == (101, 101)
    assert result.misses == [] and result.duplicates == []
