"""TMX exchange: a desk's Trados/memoQ memory imported and used, reviewed catalogs exported as TMX
that Translate Toolkit reads, malformed files refused in one line (real files, real tools)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.catalog.memory import TranslationMemory, memory_kind
from tarjama.catalog.notes import read_comment
from tarjama.catalog.status import find_catalogs
from tarjama.catalog.tmx import imported_path, read_tmx
from tarjama.errors import InputError
from tarjama.run import Resources, RunOptions, translate_articles
from tarjama.run.articles import expand_inputs

from .conftest import ROOT, read_gold, run_cli
from .review_helpers import msgfmt_check
from .test_translate_errors import assert_one_line_error

GOLD = read_gold()
ARAMCO_AR = "وقّعت شركتا أرامكو & سابك اتفاقًا جديدًا في الرياض."
ARAMCO_EN = "Aramco & SABIC signed a new agreement in Riyadh."
# The small article: three sentences of the example and one with an ampersand.
ARTICLE = {GOLD[1]["arabic"]: GOLD[1]["english"], GOLD[2]["arabic"]: GOLD[2]["english"]}
ARTICLE |= {GOLD[3]["arabic"]: GOLD[3]["english"], ARAMCO_AR: ARAMCO_EN}


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def trados_tmx() -> bytes:
    """A memory as Trados Studio exports it: UTF-8 with a byte-order mark, CRLF, ar-SA/en-US,
    header and unit props, notes, usage attributes, entities and inline codes."""
    minister = "دانج هوانج جيانج"
    ar2 = GOLD[2]["arabic"]
    assert ar2.count(minister) == 1
    ar2_coded = esc(ar2).replace(
        minister, f'<bpt i="1" type="bold">&lt;b&gt;</bpt>{minister}<ept i="1">&lt;/b&gt;</ept>'
    )
    en2_coded = esc(GOLD[2]["english"]).replace(
        "Dang Hoang Giang",
        '<bpt i="1" type="bold">&lt;b&gt;</bpt>Dang Hoang Giang<ept i="1">&lt;/b&gt;</ept>',
    )
    ar3, en3 = GOLD[3]["arabic"], GOLD[3]["english"]
    ar3_coded = esc(ar3).replace(
        "الأمين العام", 'الأمين العام<ph x="2" type="x-footnote">&lt;sup&gt;1&lt;/sup&gt;</ph>'
    )
    en3_coded = esc(en3).replace("Secretary-General", 'Secretary-General<ph x="2" type="x-footnote"/>')
    en3_coded = en3_coded.replace("Hanoi Convention", "<hi type='x-italic'>Hanoi Convention</hi>")
    text = f"""<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format" datatype="xml" segtype="sentence" adminlang="en-US" srclang="ar-SA" creationdate="20250114T093012Z" creationid="DESK\\amira">
    <prop type="x-Recognizers">RecognizeAll</prop>
    <prop type="x-TMName">Desk ar-en</prop>
  </header>
  <body>
    <tu srclang="*all*" creationdate="20250114T093012Z" creationid="DESK\\amira" changedate="20250120T101500Z" changeid="DESK\\omar" lastusagedate="20250301T080000Z" usagecount="3">
      <prop type="x-Domain:SinglePicklist">Politics</prop>
      <note>checked against the ministry release</note>
      <tuv xml:lang="ar-SA"><seg>{esc(GOLD[1]["arabic"])}</seg></tuv>
      <tuv xml:lang="en-US"><seg>{esc(GOLD[1]["english"])}</seg></tuv>
    </tu>
    <tu creationdate="20250115T080000Z" creationid="DESK\\amira">
      <tuv xml:lang="ar-SA"><seg>{ar2_coded}</seg></tuv>
      <tuv xml:lang="en-US"><seg>{en2_coded}</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="AR-sa"><seg>{ar3_coded}</seg></tuv>
      <tuv xml:lang="EN-us"><seg>{en3_coded}</seg></tuv>
    </tu>
    <tu tuid="4">
      <tuv xml:lang="ar-SA"><seg>{esc(ARAMCO_AR)}</seg></tuv>
      <tuv xml:lang="en-US"><seg>Aramco &amp; SABIC signed a new agreement in Riyadh.</seg></tuv>
    </tu>
    <tu><tuv xml:lang="fr-FR"><seg>Bonjour.</seg></tuv><tuv xml:lang="en-US"><seg>Hello.</seg></tuv></tu>
    <tu><tuv xml:lang="ar-SA"><seg>جملة لم تترجم.</seg></tuv><tuv xml:lang="en-US"><seg> </seg></tuv></tu>
    <tu><tuv xml:lang="ar-SA"><seg>جملة منسوخة.</seg></tuv><tuv xml:lang="en-US"><seg>جملة منسوخة.</seg></tuv></tu>
    <tu><tuv xml:lang="ar-SA"><seg>{esc(ARAMCO_AR)}</seg></tuv><tuv xml:lang="en-US"><seg>{esc(ARAMCO_EN)}</seg></tuv></tu>
  </body>
</tmx>
"""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def never_opened(source, settings):
    raise AssertionError("the model was loaded although every sentence is in the memory")


def test_a_trados_memory_fills_every_sentence_of_an_article_without_the_model(
    tmp_path: Path, tiny_model: Path
) -> None:
    desk = tmp_path / "desk.tmx"
    desk.write_bytes(trados_tmx())
    out = tmp_path / "locales"
    res = run_cli("memory", "import", desk, "--out", out)
    assert res.returncode == 0, res.stderr
    stored = out / "en" / "tmx" / "desk.tmx"
    assert res.stdout.strip() == (
        f"{stored}: 4 units imported from {desk}, 4 skipped (1 no Arabic <tuv>, 1 empty, "
        "1 copy of the source, 1 duplicate); inline codes dropped from 2 units"
    )
    assert dict((u.source, u.target) for u in read_tmx(stored).units) == ARTICLE  # codes gone, & read

    article = tmp_path / "story.ar.txt"
    article.write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    res = run_cli("translate", article, "--model", tiny_model, "--out", out)
    assert res.returncode == 0, res.stderr
    assert "(4 sentences, 0 machine-translated, 4 from memory, 0 reviewed kept)" in res.stdout
    po_path = out / "en" / "LC_MESSAGES" / "story.po"
    msgfmt_check(po_path)
    po = polib.pofile(str(po_path))
    assert {e.msgid: e.msgstr for e in po} == ARTICLE
    for entry in po:
        assert "fuzzy" not in entry.flags
        assert f"memory: exact match, {stored}" in " ".join(entry.comment.split("\n")), entry.comment

    # The run core on its own: the model is found, never loaded.
    again = tmp_path / "again.ar.txt"
    shutil.copyfile(article, again)
    [report] = translate_articles(
        [again], RunOptions(out_dir=out), Resources(model=str(tiny_model)), opener=never_opened
    )
    assert (report.status, report.from_memory, report.machine_translated) == ("written", 4, 0)


def write_po(path: Path, entries: list[polib.POEntry], revised: str = "2026-11-28 11:38+0000") -> Path:
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en", "PO-Revision-Date": revised}
    for e in entries:
        po.append(e)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def memory_pairs(tm: TranslationMemory) -> set[tuple[str, str]]:
    return set(zip(tm.sources, tm.targets, strict=True))


TT_READ = """
import json, sys
from translate.storage.tmx import tmxfile
store = tmxfile.parsefile(sys.argv[1])
print(json.dumps([[u.source, u.target, u.getnotes()] for u in store.units], ensure_ascii=False))
"""


def translate_toolkit_units(path: Path) -> list[list[str]]:
    """Translate Toolkit's own TMX reader, run outside the repository (whose translate/ folder
    would shadow the toolkit's package)."""
    res = subprocess.run(
        [sys.executable, "-c", TT_READ, str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_reviewed_entries_round_trip_through_export_tmx_and_memory_import(tmp_path: Path) -> None:
    tree = tmp_path / "locales" / "en"
    write_po(
        tree / "LC_MESSAGES" / "a.po",
        [
            polib.POEntry(msgid=GOLD[1]["arabic"], msgstr=GOLD[1]["english"]),
            polib.POEntry(
                msgid='قال <b>الوزير</b>: "نعم" & لا.', msgstr='The <b>minister</b> said: "yes" & no.'
            ),
            polib.POEntry(msgid=GOLD[2]["arabic"], msgstr="Machine output.", flags=["fuzzy"]),
            polib.POEntry(msgid=GOLD[3]["arabic"], msgstr=GOLD[3]["arabic"]),  # msginit's copy
            polib.POEntry(msgid=GOLD[4]["arabic"], msgstr=""),
            polib.POEntry(msgid=GOLD[1]["arabic"], msgstr="Headline variant.", msgctxt="headline"),
            polib.POEntry(
                msgid="جملة حذفت من المقال.", msgstr="A sentence that left the article.", obsolete=True
            ),
        ],
    )
    write_po(
        tree / "LC_MESSAGES" / "desk" / "b.po",
        [
            polib.POEntry(msgid=GOLD[1]["arabic"], msgstr=GOLD[1]["english"]),  # the same review again
            polib.POEntry(msgid=GOLD[5]["arabic"], msgstr=GOLD[5]["english"]),
        ],
        revised="PO-REVISION-DATE",  # no date: the units get none
    )
    expected = memory_pairs(TranslationMemory.from_dir(tree))
    assert len(expected) == 4

    desk = tmp_path / "desk.tmx"
    refused = run_cli("export", tree, "--tmx", "--include-fuzzy", "-o", desk)
    assert_one_line_error(refused, "--include-fuzzy: not with --tmx")
    res = run_cli("export", tree, "--tmx", "-o", desk)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip() == (
        f"{desk}: 4 translation units from 2 catalogs; not exported: 1 fuzzy, 1 copy of the source, "
        "1 untranslated, 1 msgctxt variant, 1 duplicate"
    )
    text = desk.read_text(encoding="utf-8")
    assert 'srclang="ar"' in text and 'o-tmf="PO"' in text and 'creationtool="tarjama"' in text
    assert f'<prop type="x-tarjama-origin">{tree / "LC_MESSAGES" / "a.po"}</prop>' in text
    assert text.count('changedate="20261128T113800Z"') == 3  # a.po's PO-Revision-Date; b.po has none
    assert {(s, t) for s, t, _ in translate_toolkit_units(desk)} == expected

    memory = tmp_path / "memory"
    res = run_cli("memory", "import", desk, "--memory", memory)
    assert res.returncode == 0, res.stderr
    assert "4 units imported" in res.stdout and "0 skipped" in res.stdout
    imported = TranslationMemory.from_dir(memory)
    assert memory_pairs(imported) == expected and not imported.skipped
    assert set(imported.origins) == {str(memory / "tmx" / "desk.tmx")}
    stored = read_tmx(memory / "tmx" / "desk.tmx").units
    assert {u.origin for u in stored} == {
        str(tree / "LC_MESSAGES" / "a.po"),
        str(tree / "LC_MESSAGES" / "desk" / "b.po"),
    }


def test_a_tmx_that_translate_toolkits_po2tmx_writes_is_read(tmp_path: Path) -> None:
    shipped = ROOT / "locales" / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    po2tmx = shutil.which("po2tmx")
    assert po2tmx, "translate-toolkit (the test extra) provides po2tmx"
    out = tmp_path / "tt.tmx"
    subprocess.run(
        [po2tmx, "-l", "en", "--source-language", "ar", str(shipped), str(out)],
        check=True,
        capture_output=True,
    )
    read = read_tmx(out)  # its header says srclang="en"; each unit's srclang="ar" says otherwise
    expected = memory_pairs(
        TranslationMemory.from_pairs((e.msgid, e.msgstr, "x") for e in polib.pofile(str(shipped)))
    )
    assert {(u.source, u.target) for u in read.units} == expected and not read.skipped


def tmx(
    body: str,
    head: str = '<header srclang="ar" o-tmf="x" datatype="plaintext" segtype="sentence" adminlang="en" creationtool="t" creationtoolversion="1"/>',
    version: str = "1.4",
) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="{version}">\n{head}\n<body>\n{body}\n</body>\n</tmx>\n'.encode()


UNIT = '<tu><tuv xml:lang="ar"><seg>جملة.</seg></tuv><tuv xml:lang="en"><seg>A sentence.</seg></tuv></tu>'
TWO = tmx(UNIT + "\n" + UNIT)
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
MALFORMED = {
    "truncated": (TWO[: TWO.rindex(b"</seg>")], 6, "bad XML (Premature end of data"),
    "not XML": (
        b"Source\tTarget\n\xd8\xac\xd9\x85\xd9\x84\xd8\xa9\tA sentence\n",
        1,
        "bad XML (Start tag expected",
    ),
    "wrong root": (
        b'<?xml version="1.0"?>\n<xliff version="1.2"><file/></xliff>\n',
        2,
        "the root element is <xliff>, not <tmx>",
    ),
    "no body": (
        b'<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="ar"/>\n</tmx>\n',
        2,
        "<tmx> has no <body>",
    ),
    "no tuv": (
        tmx(UNIT + "\n<tu>\n<note>a unit with nothing in it</note>\n</tu>"),
        6,
        "<tu> has no <tuv>; TMX requires at least one",
    ),
    "external entity": (
        tmx(UNIT.replace("A sentence.", "&xxe;")).replace(
            b"<tmx ", b'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///SECRET">]>\n<tmx ', 1
        ),
        3,
        "the DOCTYPE before <tmx> declares entities (xxe)",
    ),
    "billion laughs": (
        tmx(UNIT.replace("A sentence.", "&lol9;")).replace(
            b"<tmx ", f"<!DOCTYPE tmx [<!ENTITY lol0 'lol'>{LAUGHS}]>\n<tmx ".encode(), 1
        ),
        3,
        "the DOCTYPE before <tmx> declares entities (lol0, lol1, lol2, ...)",
    ),
    "entity of an external DTD": (
        tmx(UNIT.replace("A sentence.", "&leak;")).replace(
            b"<tmx ", b'<!DOCTYPE tmx SYSTEM "file:///SECRET">\n<tmx ', 1
        ),
        6,
        "entity reference &leak; is not allowed in a TMX file",
    ),
    "markup that is not TMX": (
        tmx(UNIT.replace("A sentence.", "A <b>bold</b> sentence.")),
        5,
        "<b> in a <seg> is not TMX inline markup",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_tmx_is_one_line_with_its_line_number_and_nothing_is_written(
    tmp_path: Path, case: str
) -> None:
    data, line, problem = MALFORMED[case]
    secret = tmp_path / "SECRET"
    secret.write_text("the desk's password\n", encoding="utf-8")
    bad = tmp_path / "bad.tmx"
    bad.write_bytes(data.replace(b"file:///SECRET", secret.as_uri().encode()))
    out = tmp_path / "locales"
    res = run_cli("memory", "import", bad, "--out", out)
    message = assert_one_line_error(res, f"{bad}: line {line}: {problem}")
    assert "password" not in res.stdout + message
    assert not out.exists()


def test_languages_inline_markup_and_tmx_versions_are_read_as_documented(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    path.write_bytes(
        tmx(
            "\n".join(
                [
                    # region variants: the catalog's own tag wins over another English
                    '<tu><tuv xml:lang="AR_eg"><seg>  الجملة الأولى.\n</seg></tuv><tuv xml:lang="en-US"><seg>First (US).</seg></tuv>'
                    '<tuv xml:lang="en-GB"><seg>First (GB).</seg></tuv></tu>',
                    # a unit whose source is English: the memory is Arabic→English only
                    '<tu srclang="en-US"><tuv xml:lang="en-US"><seg>Second.</seg></tuv><tuv xml:lang="ar"><seg>الجملة الثانية.</seg></tuv></tu>',
                    # hi keeps its text; codes go, with the spaces they leave
                    '<tu><tuv xml:lang="ar"><seg>الجملة <it pos="begin">&lt;i&gt;</it>الثالثة <ph/> هنا.</seg></tuv>'
                    '<tuv xml:lang="en"><seg>The <hi>third <ut>{u}</ut>one</hi> here.</seg></tuv></tu>',
                ]
            ),
            head='<header srclang="ar-SA"/>',
        )
    )
    read = read_tmx(path, "en-GB")
    assert [(u.source, u.target, u.target_lang) for u in read.units] == [
        ("الجملة الأولى.", "First (GB).", "en-GB"),
        ("الجملة الثالثة هنا.", "The third one here.", "en"),
    ]
    assert read.skipped == {"source language not Arabic": 1} and read.codes_removed == 1
    # no tuv tagged just en, and the two Englishes differ: which one the desk meant is unknown
    assert read_tmx(path, "en").skipped == {
        "several different texts in one language": 1,
        "source language not Arabic": 1,
    }
    assert read_tmx(path, "fr").skipped == {
        "no <tuv> in the target language": 2,
        "source language not Arabic": 1,
    }

    old = tmp_path / "old.tmx"  # TMX 1.3 says lang, not xml:lang; older Trados wrote UTF-16
    body = '<tu><tuv lang="AR"><seg>جملة.</seg></tuv><tuv lang="EN"><seg>A sentence.</seg></tuv></tu>'
    old.write_bytes(tmx(body, version="1.3").decode().replace("UTF-8", "UTF-16").encode("utf-16"))
    assert [(u.source, u.target) for u in read_tmx(old).units] == [("جملة.", "A sentence.")]
    future = tmp_path / "future.tmx"
    future.write_bytes(tmx(UNIT, version="2.0"))
    with pytest.raises(InputError, match=r"line 2: TMX version 2.0 is not supported"):
        read_tmx(future)


def test_the_memory_skips_a_broken_tmx_beside_good_catalogs_and_uses_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "en"
    write_po(
        root / "LC_MESSAGES" / "a.po", [polib.POEntry(msgid="جملة مراجعة.", msgstr="A reviewed sentence.")]
    )
    (root / "tmx").mkdir()
    (root / "tmx" / "good.TMX").write_bytes(tmx(UNIT))  # as a Windows tool names it
    (root / "tmx" / "broken.tmx").write_bytes(TWO[: TWO.rindex(b"</seg>")])
    tm = TranslationMemory.from_dir(root)
    assert memory_pairs(tm) == {("جملة مراجعة.", "A reviewed sentence."), ("جملة.", "A sentence.")}
    assert tm.exact("جملة.").origin == str(root / "tmx" / "good.TMX")
    assert len(tm.skipped) == 1 and "broken.tmx: line 6: bad XML" in tm.skipped[0]


def test_what_walks_the_po_tree_does_not_take_the_memorys_tmx_for_a_catalog_or_an_article(
    tmp_path: Path,
) -> None:
    out = tmp_path / "locales"
    write_po(
        out / "en" / "LC_MESSAGES" / "a.po",
        [polib.POEntry(msgid="جملة مراجعة.", msgstr="A reviewed sentence.")],
    )
    desk = tmp_path / "desk.tmx"
    desk.write_bytes(tmx(UNIT))
    assert run_cli("memory", "import", desk, "--out", out).returncode == 0
    assert find_catalogs([out]) == [out / "en" / "LC_MESSAGES" / "a.po"]
    paths, failed = expand_inputs([out])
    assert not paths and failed and "holds no article files" in failed[0].error
    status = run_cli("status", out, "--json", "--no-glossary")
    assert status.returncode == 0, status.stderr
    assert [f["path"] for f in json.loads(status.stdout)["files"]] == [
        str(out / "en" / "LC_MESSAGES" / "a.po")
    ]
    check = run_cli("check", out)
    assert check.returncode == 0 and "1 catalog(s)" in check.stderr


def test_a_wrapped_memory_line_naming_a_tmx_file_is_read_whole_whatever_the_case_of_its_ending() -> None:
    wrapped = "memory: exact match,\n/srv/locales/en/tmx/OLD-DESK.TMX\nmemory: exact match,\n/srv/locales/en/tmx/desk.tmx"
    assert read_comment(wrapped) == [
        (True, "memory: exact match, /srv/locales/en/tmx/OLD-DESK.TMX"),
        (True, "memory: exact match, /srv/locales/en/tmx/desk.tmx"),
    ]


# --- units the TMX DTD allows that give no pair: skipped and counted, the rest read -------------

ODD = tmx(
    "\n".join(
        [
            # OmegaT's test-missingSource.tmx, in Arabic: a unit with a single <tuv> among good ones
            '<tu><tuv lang="ar"><seg>الجملة الأولى.</seg></tuv><tuv lang="en"><seg>First.</seg></tuv></tu>',
            '<tu><tuv lang="en"><seg>A translation of nothing.</seg></tuv></tu>',
            '<tu><tuv lang="ar"><seg>الجملة الثانية.</seg></tuv><tuv lang="es"><seg>Segunda.</seg></tuv>'
            '<tuv lang="en"><seg>Second.</seg></tuv></tu>',
            '<tu><tuv lang="ar-EG"><seg>الجملة الثالثة.</seg></tuv><tuv lang="es"><seg>Tercera.</seg></tuv>'
            '<tuv lang="en-GB"><seg>Third.</seg></tuv></tu>',
            # a single Arabic <tuv>: a source nobody translated
            '<tu><tuv lang="ar"><seg>جملة وحيدة.</seg></tuv></tu>',
            # no Arabic at all
            '<tu><tuv lang="fr"><seg>Bonjour.</seg></tuv><tuv lang="en"><seg>Hello.</seg></tuv></tu>',
            # OmegaT's test-multiple-tuv14.tmx: the same tag twice with different texts
            '<tu><tuv lang="ar"><seg>الجملة الرابعة.</seg></tuv><tuv lang="EN-US"><seg>Fourth.</seg></tuv>'
            '<tuv lang="EN-US"><seg>The fourth.</seg></tuv></tu>',
            # two Arabic sources that differ, neither the srclang's own tag
            '<tu srclang="ar"><tuv lang="ar-SA"><seg>الجملة الخامسة.</seg></tuv><tuv lang="ar-EG">'
            '<seg>الجمله الخامسه يا جماعة.</seg></tuv><tuv lang="en"><seg>Fifth.</seg></tuv></tu>',
            # several target <tuv> that agree: one text, no ambiguity
            '<tu><tuv lang="ar"><seg>الجملة السادسة.</seg></tuv><tuv lang="en-US"><seg>Sixth.</seg></tuv>'
            '<tuv lang="en-GB"><seg>Sixth.</seg></tuv></tu>',
            # an empty <seg/> and one of white space
            '<tu><tuv lang="ar"><seg/></tuv><tuv lang="en"><seg>Seventh.</seg></tuv></tu>',
            '<tu><tuv lang="ar"><seg>الجملة الثامنة.</seg></tuv><tuv lang="en"><seg>\n  </seg></tuv></tu>',
        ]
    ),
    head='<header srclang="*all*" o-tmf="OmegaT TMX" datatype="plaintext" segtype="sentence" adminlang="EN-US" creationtool="OmegaT" creationtoolversion="2.1.3"/>',
    version="1.1",
)


def test_legal_units_that_give_no_pair_are_skipped_and_counted_never_refusing_the_file(
    tmp_path: Path,
) -> None:
    """Issue 24 item 15b: a unit with one <tuv> (TMX's tuv+) refused the whole file before."""
    desk = tmp_path / "omegat.tmx"
    desk.write_bytes(ODD)
    read = read_tmx(desk)
    assert [(u.source, u.target) for u in read.units] == [
        ("الجملة الأولى.", "First."),
        ("الجملة الثانية.", "Second."),
        ("الجملة الثالثة.", "Third."),
        ("الجملة السادسة.", "Sixth."),
    ]
    assert read.skipped == {
        "a single <tuv>": 2,
        "no Arabic <tuv>": 1,
        "several different texts in one language": 2,
        "empty": 2,
    }
    memory = tmp_path / "memory"
    res = run_cli("memory", "import", desk, "--memory", memory)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == (
        f"{memory / 'tmx' / 'omegat.tmx'}: 4 units imported from {desk}, 7 skipped (2 a single <tuv>, "
        "1 no Arabic <tuv>, 2 several different texts in one language, 2 empty)"
    )
    assert len(TranslationMemory.from_dir(memory)) == 4
    # the variant asked for decides between regional variants that differ
    assert [u.target for u in read_tmx(desk, "en-US").units if u.source == "الجملة الرابعة."] == []
    picked = tmp_path / "picked.tmx"
    picked.write_bytes(
        ODD.replace(b'<tuv lang="EN-US"><seg>The fourth.', b'<tuv lang="EN-GB"><seg>The fourth.')
    )
    assert [u.target for u in read_tmx(picked, "en-GB").units if u.source == "الجملة الرابعة."] == [
        "The fourth."
    ]


LISA = ROOT / "tests" / "data" / "tmx-lisa"


def as_arabic_source(raw: bytes) -> bytes:
    """The same file with its en-us source tagged Arabic (any case), in its own encoding."""
    import re

    bom = next((b for b in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff") if raw.startswith(b)), b"")
    codec = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}.get(bom, "utf-8")
    text = raw[len(bom) :].decode(codec)
    text = re.sub(r"""(lang\s*=\s*)(["'])en-us\2""", r"\1\2ar\2", text, flags=re.IGNORECASE)
    return bom + text.encode(codec)


def count_tu(path: Path) -> int:
    from lxml import etree

    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    return len(tree.findall(".//body/tu"))


def test_real_tmx_files_of_the_lisa_compliance_kit(tmp_path: Path) -> None:
    """Files other tools were tested against (public domain; tests/data/tmx-lisa/README.md): read
    as they are, none is refused and every unit is accounted for; with their en-us source tagged
    Arabic, the pairs are the ones the kit describes."""
    for path in sorted(LISA.glob("*.tmx")):
        for lang in ("fr", "en"):
            read = read_tmx(path, lang)
            assert not read.units and sum(read.skipped.values()) == count_tu(path), (path, read.skipped)

    def arabic(name: str, lang: str):
        copy = tmp_path / name
        copy.write_bytes(as_arabic_source((LISA / name).read_bytes()))
        read = read_tmx(copy, lang)
        assert len(read.units) + sum(read.skipped.values()) == count_tu(copy)
        return read

    read = arabic("ImportTest1A.tmx", "fr")  # UTF-16 LE; tabs and spaces inside a segment are kept
    assert [(u.source, u.target, u.target_lang) for u in read.units] == [
        ("First segment with [\t\t   ]", "Premier segment avec [\t\t   ]", "fr-ca"),
        ("Second segment with [  \t\t]", "Second segment avec [  \t\t]", "fr-ca"),
    ]
    for name in ("ImportTest1D.tmx", "ImportTest1G.tmx"):  # UTF-8 with a BOM; UTF-16 BE
        # character references and the characters themselves are one text: en-gb copies en-us
        assert arabic(name, "en").skipped == {"copy of the source": 3}, name
    assert arabic("ImportTest1K.tmx", "en").skipped == {"source language not Arabic": 2}
    [unit] = arabic("ImportTest1L.tmx", "fr").units
    assert (unit.source, unit.target, unit.tuid, unit.created, unit.creation_id) == (
        "Text of the segment.",
        "Texte du segment.",
        "tu001",
        "20020523T091200Z",
        "ys",
    )
    assert unit.notes == ("Text of tu note 1", "Text of tu note 2")
    read = arabic("ImportTest2A.tmx", "fr")
    pairs = [(u.source, u.target) for u in read.units]
    assert ("The big black cat sleeps.", "Le gros chat noir dors.") in pairs
    assert ("Some text with a part highlighted.", "Du texte avec une portion délimitée.") in pairs
    assert ("Picture:", "Image:") in pairs  # En-uS / FR-CA, the <ph> dropped on both sides
    assert not read.skipped and read.codes_removed == len(pairs) - 1


def test_a_dot_named_tmx_is_imported_under_a_name_the_memory_reads(tmp_path: Path) -> None:
    """Issue 24 item 15: `.desk.tmx` was reported imported and never read."""
    desk = tmp_path / ".desk.tmx"
    desk.write_bytes(tmx(UNIT))
    memory = tmp_path / "memory"
    res = run_cli("memory", "import", desk, "--memory", memory)
    assert res.returncode == 0, res.stderr
    stored = memory / "tmx" / "desk.tmx"
    assert res.stdout.startswith(f"{stored}: 1 unit imported from {desk}")
    tm = TranslationMemory.from_dir(memory)
    assert memory_pairs(tm) == {("جملة.", "A sentence.")} and not tm.skipped
    assert tm.exact("جملة.").origin == str(stored)


def test_hidden_memory_files_are_reported_not_read(tmp_path: Path) -> None:
    root = tmp_path / "en"
    (root / "tmx").mkdir(parents=True)
    (root / "tmx" / "._desk.tmx").write_bytes(b"\x00\x05\x16\x07 a macOS resource fork")
    write_po(root / ".trash" / "LC_MESSAGES" / "old.po", [polib.POEntry(msgid="جملة.", msgstr="Old.")])
    tm = TranslationMemory.from_dir(root)
    assert not len(tm)
    assert tm.skipped == [
        f"2 hidden files (its name or a folder above it starts with '.'): {root / '.trash' / 'LC_MESSAGES' / 'old.po'}, "
        f"{root / 'tmx' / '._desk.tmx'}"
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=12
    )
)
def test_whatever_a_desk_file_is_called_the_memory_reads_the_name_import_gives_it(name: str) -> None:
    """One rule (catalog.memory.memory_kind) decides which files are memory; import obeys it."""
    stored = imported_path(Path("/m"), Path(name))
    assert stored.parent == Path("/m/tmx") and memory_kind(stored.name) == "tmx", stored
