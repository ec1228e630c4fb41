"""HTML articles through the run and the catalog: unplaceable markup, re-runs after an edit, safe
export, the markup check and the export's errors."""

from __future__ import annotations

from pathlib import Path

import html5lib
import polib

from tarjama.catalog.po_file import load_po

from .conftest import run_cli

PAGE = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>اتفاقية هانوي</title></head>
<body><main>
<h1>توقيع اتفاقية هانوي</h1>
<p>ترأس المؤتمر الصحفي نائب وزير الخارجية <a href="/tags/dang">دانج هوانج جيانج</a>.</p>
<p>شغل الأمر <code>QXZ-9!</code> من المقرر أن يحضر الأمين العام للأمم المتحدة حفل توقيع اتفاقية هانوي .</p>
<p id="last">تشكل الجرائم الاحتيالية مصدر قلق وخطورة، ولها تأثير كبير على البلدان في جميع أنحاء العالم.</p>
</main></body></html>
"""


def translate(tmp_path: Path, model: Path, page_text: str = PAGE) -> tuple[Path, Path]:
    page = tmp_path / "story.html"
    page.write_text(page_text, encoding="utf-8")
    res = run_cli(
        "translate",
        page.name,
        "--model",
        model,
        "--backend",
        "ct2",
        "--out",
        tmp_path / "locales",
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    return page, tmp_path / "locales" / "en" / "LC_MESSAGES" / "story.po"


def where(entry: polib.POEntry) -> list[str]:
    """Occurrences as the PO writes them (polib keeps a non-numeric locator in the file part)."""
    return [f"{file}:{line}" if line else file for file, line in entry.occurrences]


def entry_for(po: polib.POFile, fragment: str) -> polib.POEntry:
    (entry,) = [e for e in po if fragment in e.msgid]
    return entry


def test_an_element_that_cannot_be_placed_is_appended_and_noted(tmp_path: Path, tiny_model: Path) -> None:
    _, po_path = translate(tmp_path, tiny_model)
    po = load_po(po_path)
    code = entry_for(po, "<code>")
    # the model cannot write "QXZ-9!": the kept-as-is element goes at the end, shown to the translator
    assert code.msgstr.endswith("<code>QXZ-9!</code>")
    assert "fuzzy" in code.flags
    assert "markup: <code>QXZ-9!</code> could not be placed" in code.comment.splitlines()
    link = entry_for(po, "<a href")
    assert '<a href="/tags/dang">Dang Hoang Giang</a>' in link.msgstr
    assert not any(line.startswith("markup:") for line in link.comment.splitlines())
    assert where(entry_for(po, "<code>")) == ["story.html:/html/body/main[1]/p[2]"]
    # gettext's own tools read the catalog
    assert run_cli("check", po_path).returncode == 0


def test_reviews_survive_an_edit_of_the_page(tmp_path: Path, tiny_model: Path) -> None:
    _page, po_path = translate(tmp_path, tiny_model)
    po = load_po(po_path)
    link = entry_for(po, "<a href")
    assert where(link) == ["story.html:/html/body/main[1]/p[1]"]
    link.msgstr = 'The press conference was chaired by Deputy Minister of Foreign Affairs <a href="/tags/dang">Dang Hoang Giang</a>.'
    link.flags.remove("fuzzy")
    link.tcomment = "checked with the desk"
    po.save(str(po_path))
    edited = PAGE.replace("<main>\n", "<main>\n<p>فقرة جديدة في أول الصفحة.</p>\n")
    _, po_path = translate(tmp_path, tiny_model, edited)
    po = load_po(po_path)
    link = entry_for(po, "<a href")
    assert "fuzzy" not in link.flags and link.tcomment == "checked with the desk"
    assert link.msgstr.startswith("The press conference was chaired")
    assert where(link) == ["story.html:/html/body/main[1]/p[2]"]  # the page moved it
    out = tmp_path / "story.en.html"
    res = run_cli("export", po_path, "-o", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (
        '<p>The press conference was chaired by Deputy Minister of Foreign Affairs <a href="/tags/dang">Dang Hoang Giang</a>.</p>'
        in out.read_text()
    )


def test_a_translation_cannot_bring_scripts_into_the_page(tmp_path: Path, tiny_model: Path) -> None:
    _page, po_path = translate(tmp_path, tiny_model)
    po = load_po(po_path)
    link = entry_for(po, "<a href")
    link.msgstr = (
        'Chaired by <a href="/tags/dang" onclick="steal()">Dang Hoang Giang</a>'
        '<script>alert(1)</script> and <a href="javascript:alert(2)">more</a> <img src=x onerror=alert(3)>.'
    )
    link.flags.remove("fuzzy")
    (title,) = [e for e in po if e.msgid == "اتفاقية هانوي"]
    title.msgstr = 'Hanoi "Convention" <b>&</b>'
    title.flags.remove("fuzzy")
    po.save(str(po_path))
    check = run_cli("check", po_path)
    assert check.returncode == 1
    assert "markup: adds <a> </a> <img>" in check.stdout or "adds" in check.stdout, check.stdout
    assert "export: <script>, </script>, <img> written as text" in check.stdout, check.stdout
    assert "href='javascript:alert(2)' removed from <a>" in check.stdout, check.stdout
    out = tmp_path / "story.en.html"
    res = run_cli("export", po_path, "-o", out, cwd=tmp_path)
    assert res.returncode == 0
    result = out.read_text(encoding="utf-8")
    tree = html5lib.parse(result, treebuilder="lxml", namespaceHTMLElements=False)
    assert not tree.xpath("//script | //img") and not tree.xpath("//@*[starts-with(name(), 'on')]")
    assert [a.get("href") for a in tree.xpath("//a")] == ["/tags/dang", None]
    assert '<a href="/tags/dang">Dang Hoang Giang</a>' in result
    # tags the source lacks are the translator's words, written as text, and named
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result
    assert '<title>Hanoi "Convention" &lt;b&gt;&amp;&lt;/b&gt;</title>' in result
    assert "attribute onclick='steal()' removed from <a>" in res.stderr
    assert "2 entries not exported as written (see above)" in res.stderr


def test_check_compares_tags_as_weblate_does(tmp_path: Path) -> None:
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    cases = [
        ('قال <a href="/x">دانج</a> ذلك.', 'He said <a href="/x">Dang</a>.', None),
        ('قال <a href="/x">دانج</a> هذا.', "He said Dang.", "lacks </a> <a>"),
        ("قال <b>دانج</b> ذلك.", "He said <b>Dang</i>.", "lacks </b>, adds </i>"),
        ("قال <b>دانج</b> <i>ذلك</i>.", "He <i>said <b>Dang</i></b>.", "not paired"),
        ("قال [دانج](/tags/dang) ذلك.", "He said [Dang](/tags/other).", "lacks the link to /tags/dang"),
    ]
    for i, (msgid, msgstr, _) in enumerate(cases):
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[("a.html", str(i))]))
    path = tmp_path / "c.po"
    po.save(str(path))
    res = run_cli("check", path)
    assert res.returncode == 1
    lines = [line for line in res.stdout.splitlines() if ": markup: " in line]
    assert len(lines) == 4
    # and what export would not put into the page as written: a closing tag of no element of the source
    assert ":15: export: </i> written as text" in res.stdout
    for line, (_, _, problem) in zip(lines, cases[1:], strict=True):
        assert problem in line, line
    status = run_cli("status", "--json", "--no-glossary", path)
    assert '"markup_broken": 4' in status.stdout


def test_export_finds_its_source_or_says_what_to_do(tmp_path: Path, tiny_model: Path) -> None:
    page, po_path = translate(tmp_path, tiny_model)
    moved = tmp_path / "elsewhere" / "story.html"
    moved.parent.mkdir()
    page.rename(moved)
    res = run_cli("export", po_path, "--format", "html", cwd=tmp_path)
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "--source" in res.stderr
    res = run_cli("export", po_path, "--source", moved, cwd=tmp_path)
    assert res.returncode == 0 and res.stdout.startswith("<!doctype html>")
    moved.write_text(PAGE.replace("العالم.", "العالم كله."), encoding="utf-8")
    res = run_cli("export", po_path, "--source", moved, "--include-fuzzy", cwd=tmp_path)
    assert res.returncode == 0 and "changed since" in res.stderr
    assert "كله." in res.stdout  # the sentence the catalog does not know stays as the page has it
    text = run_cli("export", po_path, "--source", moved, "--format", "text", "--include-fuzzy", cwd=tmp_path)
    assert text.returncode == 0 and "<" not in text.stdout and len(text.stdout.splitlines()) == 5
    wrong = run_cli("export", po_path, "--source", moved, "--format", "markdown", cwd=tmp_path)
    assert wrong.returncode != 0 and "is html, not markdown" in wrong.stderr
    out = tmp_path / "out.html"
    out.mkdir()  # a folder where the page should go: refused in one line, nothing written
    res = run_cli("export", po_path, "--source", moved, "-o", out, cwd=tmp_path)
    assert res.returncode != 0 and "Traceback" not in res.stderr and str(out) in res.stderr
    assert list(out.iterdir()) == [] and not list(tmp_path.glob("*.tmp*"))
