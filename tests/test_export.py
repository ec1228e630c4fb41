"""`tarjama export`: the English article back out of a catalog, in the article's order and layout."""

from __future__ import annotations

import shutil
from itertools import groupby
from pathlib import Path

import polib
import pytest

from tarjama.catalog.export import Layout, export_catalog

from .conftest import EXAMPLE, REFERENCE, read_gold, run_cli
from .review_helpers import po_for, review_all_with_gold

GOLD = read_gold()


@pytest.fixture(scope="module")
def catalogs(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(machine-translated catalog, the same fully reviewed with the reference translation)."""
    work = tmp_path_factory.mktemp("export")
    art = work / "hanoi-convention.ar.txt"
    shutil.copyfile(EXAMPLE, art)
    res = run_cli(
        "translate", art, "--model", tiny_model, "--out", work / "mt", "--beam", "1", "--no-glossary"
    )
    assert res.returncode == 0, res.stderr
    reviewed = work / "reviewed.po"
    shutil.copyfile(po_for(work / "mt"), reviewed)
    review_all_with_gold(reviewed)
    return po_for(work / "mt"), reviewed


def test_export_of_a_fully_reviewed_catalog_reproduces_the_reference_line_for_line(
    catalogs, tmp_path: Path
) -> None:
    _, reviewed = catalogs
    out = tmp_path / "article.en.txt"
    res = run_cli("export", reviewed, "--sentences", "-o", out)
    assert res.returncode == 0, res.stderr
    assert out.read_text(encoding="utf-8") == REFERENCE.read_text(encoding="utf-8")
    assert "exported 34 sentences: 34 reviewed, 0 left in Arabic" in res.stderr


def test_default_export_keeps_the_article_paragraphs_and_captions_in_place(catalogs) -> None:
    _, reviewed = catalogs
    res = run_cli("export", reviewed)
    assert res.returncode == 0, res.stderr
    expected = [
        " ".join(g["english"] for g in group) for _, group in groupby(GOLD, key=lambda g: g["paragraph"])
    ]
    assert res.stdout.splitlines() == expected
    assert len(expected) == 28  # 33 article lines less 5 image-markup lines
    captions = [i for i, g in enumerate(GOLD) if g["kind"] == "caption"]
    lines = res.stdout.splitlines()
    for i in captions:  # a caption is its own paragraph, between the same neighbours as in the article
        para = int(GOLD[i]["paragraph"])
        position = sorted({int(g["paragraph"]) for g in GOLD}).index(para)
        assert lines[position] == GOLD[i]["english"]


def test_unreviewed_sentences_stay_arabic_unless_include_fuzzy(catalogs, tmp_path: Path) -> None:
    _, reviewed = catalogs
    partial = tmp_path / "partial.po"
    po = polib.pofile(str(reviewed))
    po.find(GOLD[4]["arabic"]).flags.append("fuzzy")  # sent back for another look
    po.find(GOLD[9]["arabic"]).msgstr = ""  # never translated
    po.save(str(partial))

    res = run_cli("export", partial, "--sentences")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[4] == GOLD[4]["arabic"] and lines[9] == GOLD[9]["arabic"]
    assert lines[3] == GOLD[3]["english"]
    assert "32 reviewed, 2 left in Arabic" in res.stderr

    res = run_cli("export", partial, "--sentences", "--include-fuzzy")
    lines = res.stdout.splitlines()
    assert lines[4] == GOLD[4]["english"] and lines[9] == GOLD[9]["arabic"]
    assert (
        "32 reviewed, 1 unreviewed (fuzzy) filled with their machine translation, 1 left in Arabic"
        in res.stderr
    )


def test_machine_translated_catalog_exports_machine_output_only_with_include_fuzzy(catalogs) -> None:
    mt, _ = catalogs
    po = polib.pofile(str(mt))
    plain = export_catalog(po, layout=Layout.SENTENCES)
    assert plain.text.splitlines() == [g["arabic"] for g in GOLD] and plain.arabic == 34
    filled = export_catalog(po, include_fuzzy=True, layout=Layout.SENTENCES)
    assert filled.text.splitlines() == [po.find(g["arabic"]).msgstr for g in GOLD] and filled.fuzzy == 34


def test_repeated_sentence_is_exported_at_each_place_and_obsolete_entries_never() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="أ.", msgstr="A.", occurrences=[("a.txt", "1"), ("a.txt", "3")]))
    po.append(polib.POEntry(msgid="ب.", msgstr="B.", occurrences=[("a.txt", "1")]))
    po.append(polib.POEntry(msgid="ج.", msgstr="C.", occurrences=[("a.txt", "2")]))
    po.append(polib.POEntry(msgid="د.", msgstr="D.", occurrences=[("a.txt", "2")], obsolete=True))
    assert export_catalog(po).text == "A. B.\nC.\nA.\n"


def test_export_article_is_the_command_for_a_python_caller(tmp_path: Path) -> None:
    """What `tarjama export` decides (the format, the source, its hash, -o over an input) is the
    library's: a caller gets the text and the warnings, nothing printed."""
    import hashlib

    from tarjama.catalog.export import export_article
    from tarjama.errors import InputError, TarjamaError

    page = tmp_path / "story.html"
    source = '<!doctype html><html lang="ar"><body><p>توقيع اتفاقية هانوي.</p></body></html>\n'
    page.write_text(source, encoding="utf-8")
    po = polib.POFile()
    po.metadata = {
        "Language": "en",
        "Content-Type": "text/plain; charset=UTF-8",
        "X-Tarjama-Source-SHA256": hashlib.sha256(source.encode()).hexdigest(),
    }
    po.append(
        polib.POEntry(
            msgid="توقيع اتفاقية هانوي.",
            msgstr="Signing the Hanoi Convention.",
            occurrences=[("story.html", "/html/body/p[1]")],
        )
    )
    catalog = tmp_path / "story.po"
    po.save(str(catalog))

    result = export_article(catalog, source=page)
    assert result.text == source.replace("توقيع اتفاقية هانوي.", "Signing the Hanoi Convention.").replace(
        'lang="ar"', 'lang="en"'
    )
    assert result.warnings == [] and result.reviewed == 1
    assert export_article(catalog, source=page, fmt="text").text == "Signing the Hanoi Convention.\n"
    with pytest.raises(InputError, match="is html, not markdown"):
        export_article(catalog, source=page, fmt="markdown")
    with pytest.raises(TarjamaError, match="cannot export as 'pdf'"):
        export_article(catalog, source=page, fmt="pdf")

    page.write_text(source.replace("</p>", " </p>"), encoding="utf-8")
    assert "story.html changed since" in export_article(catalog, source=page).warnings[0]
    with pytest.raises(TarjamaError, match="is the catalog that this command reads"):
        export_article(catalog, source=page, output=catalog)
    assert polib.pofile(str(catalog))[0].msgstr == "Signing the Hanoi Convention."  # not written over
    out = tmp_path / "story.en.html"
    assert export_article(catalog, source=page, output=out).text == out.read_text(encoding="utf-8")
