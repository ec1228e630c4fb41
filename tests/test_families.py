"""Transliteration families of names (glossary/families.py): every spelling of a family is
found with its exact offsets; look-alike names, ordinary words and ambiguities are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tarjama.cli import main
from tarjama.errors import InputError
from tarjama.glossary import Ambiguity, Glossary, Matcher, Term, load_default, load_glossaries
from tarjama.glossary.families import name_kind, uses_families
from tarjama.sources import read

from .conftest import EXAMPLE, ROOT
from .spelling_rows import rows
from .test_glossary import read_gold_occurrences

DATA = ROOT / "tests" / "data"
GLOSSARY = DATA / "families-glossary.csv"
PREFIX = "قال مراسلنا إن "
SUFFIX = " كان في الخبر أمس."


VARIANTS = rows("families-variants.tsv")
LOOKALIKES = rows("families-lookalikes.tsv")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_glossaries([GLOSSARY]))


def test_the_data_sets_are_as_large_as_promised() -> None:
    assert len(VARIANTS) >= 60
    assert len(LOOKALIKES) >= 30


@pytest.mark.parametrize(("written", "target"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_spelling_of_a_family_is_found_at_its_exact_offsets(
    matcher: Matcher, written: str, target: str
) -> None:
    text = PREFIX + written + SUFFIX
    scan = matcher.scan(text)
    assert scan.ambiguous == []
    assert [(m.start, m.end, m.target) for m in scan.matches] == [
        (len(PREFIX), len(PREFIX) + len(written), target)
    ]
    m = scan.matches[0]
    assert text[m.start : m.end] == m.surface == written
    assert matcher.find(text) == scan.matches


@pytest.mark.parametrize(
    ("text", "surface", "target"),
    [
        ("غوغل.", "غوغل", "Google"),  # text start, punctuation glued on
        ("شركة (قوقل) وشركة جوجل", "قوقل", "Google"),
        ("زار هوشي منه، ثم نيوزلندا", "هوشي منه", "Ho Chi Minh"),
        ("زار هوشي منه، ثم نيوزلندا", "نيوزلندا", "New Zealand"),
        ("الرئيس دونالد ترمب", "دونالد ترمب", "Donald Trump"),  # longest first
        ("قال ترمبُ", "ترمبُ", "Trump"),  # trailing tashkeel belongs to the word
    ],
)
def test_family_matches_in_context(matcher: Matcher, text: str, surface: str, target: str) -> None:
    found = [(m.surface, m.target) for m in matcher.find(text)]
    assert (surface, target) in found
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.surface


def test_a_family_match_is_marked_and_an_exact_one_is_not(matcher: Matcher) -> None:
    assert [m.family for m in matcher.find("جوجل وغوغل")] == [False, True]


@pytest.mark.parametrize(
    ("source", "target", "kind", "written", "why"), LOOKALIKES, ids=[r[0] + "/" + r[3] for r in LOOKALIKES]
)
def test_look_alike_names_are_never_matched(
    source: str, target: str, kind: str, written: str, why: str
) -> None:
    m = Matcher(Glossary([Term(source, target, kind, origin="test:1")]))
    text = PREFIX + written + SUFFIX
    scan = m.scan(text)
    assert (scan.matches, scan.ambiguous) == ([], []), why
    assert [t.target for t in (x.term for x in m.find(PREFIX + source + SUFFIX))] == [target]


@pytest.mark.parametrize(
    ("source", "target", "kind", "written"),
    [
        ("أمريكا", "America", "place", "أميركا"),  # a swap is one change
        ("ترامب", "Trump", "person", "ترمب"),
        ("بوتين", "Putin", "person", "بوتن"),
        ("تايلاند", "Thailand", "place", "تايلند"),
        ("مايكروسوفت", "Microsoft", "organization", "ميكروسوفت"),
        ("عبد المجيد تبون", "Abdelmadjid Tebboune", "person", "عبدالمجيد تبون"),  # joined
        ("شي جين بينغ", "Xi Jinping", "person", "شي جينپينگ"),  # joined, Persian letters
    ],
)
def test_a_common_word_one_change_from_the_name_is_still_its_spelling(
    source: str, target: str, kind: str, written: str
) -> None:
    # the other side of translit.far_word: the common spellings of names are one change away
    m = Matcher(Glossary([Term(source, target, kind, origin="test:1")]))
    assert [(x.surface, x.target) for x in m.find(PREFIX + written + SUFFIX)] == [(written, target)]


@pytest.mark.parametrize(
    ("source", "target", "written"),
    [
        ("البنتاغون", "Pentagon", "البنتاجون"),
        ("فيفا", "FIFA", "الفيفا"),
        ("اليونيسف", "UNICEF", "اليونيسيف"),
        ("الغارديان", "The Guardian", "الجارديان"),
        ("واتساب", "WhatsApp", "الواتساب"),
    ],
)
def test_a_transliteration_with_the_article_keeps_its_vowels_and_is_matched(
    source: str, target: str, written: str
) -> None:
    # the other side of the common-word-with-article guard (known_names.article_word): these are
    # common words too, and keep every vowel letter of the name
    m = Matcher(Glossary([Term(source, target, "organization", origin="test:1")]))
    assert [(x.surface, x.target) for x in m.find(PREFIX + written + SUFFIX)] == [(written, target)]


@pytest.mark.parametrize(
    ("source", "target", "written"),
    [
        ("جوجل", "Google", "قوقل"),  # letter family (the English has a g)
        ("ترامب", "Trump", "ترمب"),  # long vowel
        ("هو تشي منه", "Ho Chi Minh", "هوشي منه"),  # one word or two, تش/ش
        ("هوليوود", "Hollywood", "هوليود"),  # doubled vowel
        ("بيونغ يانغ", "Pyongyang", "پيونغ يانغ"),  # Persian letter
    ],
)
def test_ordinary_words_never_get_families(source: str, target: str, written: str) -> None:
    """Without a name type (or the variants flag) only the exact spelling matches."""
    for kind, variants, expected in [
        ("", None, []),
        ("title", None, []),
        ("document", None, []),
        ("person", False, []),  # variants=no switches a name off
        ("", True, [target]),  # variants=yes switches a non-name on
        ("person", None, [target]),
    ]:
        term = Term(source, target, kind, origin="test:1", variants=variants)
        got = [m.target for m in Matcher(Glossary([term])).find(f"قال {written} أمس")]
        assert got == expected, (kind, variants)


def test_name_types_in_their_common_spellings() -> None:
    for kind in ["person", "Person", "PERSON", "people", "place", "location", "Location", "country", "GPE"]:
        assert name_kind(kind) in ("person", "place"), kind
    for kind in ["organization", "organisation", "Org", "company", "event", "Event"]:
        assert name_kind(kind) in ("organization", "event"), kind
    for kind in ["", "title", "document", "term", "concept"]:
        assert name_kind(kind) is None, kind


def test_the_shipped_glossary_types_its_names() -> None:
    kinds = {t.target: name_kind(t.type) for t in load_default().terms}
    assert kinds["Dang Hoang Giang"] == kinds["António Guterres"] == "person"
    assert kinds["Hanoi"] == kinds["Vietnam"] == "place"
    assert kinds["United Nations"] == "organization"
    assert kinds["signing ceremony"] == "event"
    assert kinds["Deputy Minister"] is None and kinds["Hanoi Convention"] is None


def test_two_names_a_spelling_reaches_equally_are_ambiguous_and_neither_is_matched() -> None:
    g = Glossary(
        [
            Term("ترامب", "Trump", "person", origin="test:1"),
            Term("ترمب", "Tromp", "person", origin="test:2"),  # the Dutch admiral
        ]
    )
    m = Matcher(g)
    text = "قال ترومپ ثم لترمپ"
    scan = m.scan(text)
    assert scan.matches == []
    assert [(a.start, a.end, a.surface, a.clitics, a.targets) for a in scan.ambiguous] == [
        (4, 9, "ترومپ", "", ["Trump", "Tromp"]),
        (13, 18, "لترمپ", "ل", ["Trump", "Tromp"]),
    ]
    assert all(isinstance(a, Ambiguity) and text[a.start : a.end] == a.surface for a in scan.ambiguous)
    assert m.find(text) == []
    # an exact match beats a family match: each spelling as written is its own name
    assert [(x.surface, x.target, x.family) for x in m.find("ترامب وترمب")] == [
        ("ترامب", "Trump", False),
        ("وترمب", "Tromp", False),
    ]


def test_names_sharing_a_target_are_not_ambiguous() -> None:
    g = Glossary(
        [
            Term("جوجل", "Google", "org", origin="test:1"),
            Term("غوغل", "Google", "org", origin="test:2"),
            Term("قوقل", "Qoqal", "place", origin="test:3"),  # no g: its family has no G letters
        ]
    )
    scan = Matcher(g).scan("گوگل ثم قوقل")
    assert [(m.surface, m.target, m.family) for m in scan.matches] == [
        ("گوگل", "Google", True),
        ("قوقل", "Qoqal", False),
    ]
    assert scan.ambiguous == []


def test_variants_column_in_csv_and_tbx(tmp_path: Path) -> None:
    csv = tmp_path / "g.csv"
    csv.write_text("source,target,type,variants\nجوجل,Google,,yes\nترامب,Trump,person,no\n", encoding="utf-8")
    terms = load_glossaries([csv]).terms
    assert [(t.variants, uses_families(t)) for t in terms] == [(True, True), (False, False)]
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,variants\nجوجل,Google,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: variants must be yes or no, not 'maybe'"):
        load_glossaries([bad])
    tbx = tmp_path / "g.tbx"
    tbx.write_text(
        '<?xml version="1.0"?><martif><text><body><termEntry>'
        '<descrip type="variants">yes</descrip>'
        '<langSet xml:lang="ar"><tig><term>جوجل</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>Google</term></tig></langSet>'
        "</termEntry></body></text></martif>",
        encoding="utf-8",
    )
    assert [t.variants for t in load_glossaries([tbx]).terms] == [True]
    assert [m.target for m in Matcher(load_glossaries([tbx])).find("قال قوقل")] == ["Google"]


def test_the_example_article_gold_still_holds_with_families() -> None:
    sentences = read(EXAMPLE).sentences
    matcher = Matcher(load_default())
    scans = [(s, matcher.scan(s.text)) for s in sentences]
    got = [(s.n, m.start, m.end, m.surface, m.target) for s, sc in scans for m in sc.matches]
    assert got == read_gold_occurrences()
    assert len(got) == 101
    assert [a for _, sc in scans for a in sc.ambiguous] == []


def test_glossary_show_prints_ambiguities(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("قال ترومپ إن ترمب وصل.\n", encoding="utf-8")
    g = tmp_path / "g.csv"
    g.write_text("source,target,type\nترامب,Trump,person\nترمب,Tromp,person\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["glossary", "show", str(article), "--glossary", str(g)])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines == ["1\t4-9\t4-9\tترومپ\tambiguous: Trump | Tromp", "1\t13-17\t13-17\tترمب\tTromp"]
    assert "1 matches, 1 ambiguous in 1 sentences" in res.stderr


def test_a_run_marks_an_ambiguous_name_and_warns_once(tiny_model, tmp_path) -> None:
    import polib

    from .conftest import run_cli

    glossary = tmp_path / "g.csv"
    glossary.write_text(
        "source,target,type\nترامب,Trump,person\nترمب,Tromp,person\nهانوي,Hanoi,place\n", encoding="utf-8"
    )
    article = tmp_path / "a.ar.txt"
    article.write_text("قال ترومپ إن هانوي جميلة.\n\nثم عاد ترومپ إلى هانوي.\n", encoding="utf-8")
    res = run_cli(
        "translate", article, "--model", tiny_model, "--beam", "1", "--glossary", glossary,
        "--out", tmp_path / "out",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    warnings = [line for line in res.stderr.splitlines() if "ترومپ" in line]
    assert len(warnings) == 1 and "'Trump' or 'Tromp'" in warnings[0], res.stderr
    po = polib.pofile(str(tmp_path / "out" / "en" / "LC_MESSAGES" / "a.po"))
    for entry in po:
        lines = entry.comment.splitlines()
        assert "glossary-ambiguous: ترومپ → 'Trump' or 'Tromp'" in lines
        assert "glossary: هانوي → Hanoi" in lines  # the unambiguous term is still enforced
        assert "Hanoi" in entry.msgstr and "Trump" not in entry.msgstr and "Tromp" not in entry.msgstr
