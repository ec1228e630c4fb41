"""Exports under attack: a translation brings into the page no element, attribute, URL or block the
source lacks, and none of its words is lost without being named (issue 24, items 1, 2, 12, 21).

Markdown exports are rendered by several real renderers (markdown-it, mistune, commonmark.py,
Python-Markdown) and opened in the real Chromium; HTML exports are parsed by html5lib as a
browser parses them and opened in Chromium too. A hypothesis property feeds arbitrary msgstrs
through both exports.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import commonmark
import html5lib
import markdown
import mistune
import polib
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tarjama.catalog.export import rebuild_document
from tarjama.sources import read

from .browser import Harness, ink_alignment
from .conftest import run_cli
from .test_serve import KEY, Server

MARKDOWN = """# عنوان *المقال* الرئيسي

الجملة الأولى هنا. وقال [دانج](/tags/dang "صفحة") إن **الاتفاقية** مهمة `رمز` جدا.

- بند أول في القائمة.
- بند ثان.

> اقتباس من المتحدث.

| التاريخ | الحدث |
|---|---|
| 8 أكتوبر | المؤتمر الصحفي |

<div class="box"><p>نص داخل <b>كتلة</b> HTML.</p></div>

الجملة الأخيرة.

عنوان فرعي بخط
تحته
--------------

1. بند [مرجع][ref] مرقم.
   > اقتباس متداخل في البند.

[ref]: /tags/ref "عنوان"
"""

PAGE = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>عنوان الصفحة</title></head>
<body><main>
<p>قال <span style="color:red">دانج</span> <a href="/tags/dang">هنا</a>. تعليق <!-- ملاحظة --> داخل الجملة.</p>
<p>شغل الأمر <img src="data:," alt="صورة الخبر"> هنا.</p>
<ul><li>بند <b>أول</b>.</li></ul>
<p><img alt=صورة src="data:,"> بلا علامات.</p>
<div class="share">شارك: فيسبوك</div>
</main></body></html>
"""

# What renders the exported Markdown: markdown-it (as the reader parses it), mistune, commonmark.py
# (the reference implementation's Python port) and Python-Markdown (not CommonMark, widely used).
RENDERERS = {
    "markdown-it": MarkdownIt("commonmark").enable(["table", "strikethrough"]).render,
    "mistune": mistune.html,
    "commonmark": commonmark.commonmark,
    "python-markdown": lambda text: markdown.markdown(text, extensions=["tables"]),
}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "table"}
BLOCKS |= {"thead", "tbody", "tr", "td", "th", "div", "details", "dl", "form", "iframe", "textarea"}
PWNED = "document.documentElement.dataset.pwned=1"

# The browser's view of a page: handlers that ran, and every element, attribute and URL in it.
DOM_JS = """
async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0))));
  const elements = new Set(), attributes = new Set(), urls = new Set();
  for (const el of document.querySelectorAll("*")) {
    elements.add(el.localName);
    for (const a of el.attributes) {
      attributes.add(el.localName + " " + a.name);
      if (["href", "src", "action", "formaction", "srcset", "poster"].includes(a.name)) urls.add(a.value);
    }
  }
  return {
    pwned: document.documentElement.dataset.pwned || null,
    elements: [...elements].sort(), attributes: [...attributes].sort(), urls: [...urls].sort(),
  };
}
"""


def catalog(tmp_path: Path, doc, msgstrs: dict[int, str], name: str = "story") -> Path:
    """A catalog of ``doc`` with the msgstrs given (by sentence index) reviewed, the rest untranslated."""
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    for i, s in enumerate(doc.sentences):
        po.append(
            polib.POEntry(msgid=s.text, msgstr=msgstrs.get(i, ""), occurrences=[(doc.path.name, s.locator)])
        )
    path = tmp_path / f"{name}.po"
    po.save(str(path))
    return path


def html_page(body: str) -> str:
    return f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'


def dom(page: str) -> tuple[list[str], set[str], set[tuple[str, str]], set[str]]:
    """As html5lib (the HTML5 parsing algorithm) builds ``page``: its block elements in order, its
    element names, (element, attribute) pairs and URLs."""
    tree = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    blocks, names, attributes, urls = [], set(), set(), set()
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        names.add(el.tag)
        if el.tag in BLOCKS:
            blocks.append(el.tag)
        for key, value in el.attrib.items():
            attributes.add((el.tag, key))
            if key in ("href", "src", "action", "formaction", "srcset", "poster"):
                urls.add(value)
    return blocks, names, attributes, urls


def text_of(page: str) -> str:
    tree = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    return " ".join("".join(tree.getroot().itertext()).split())


def assert_nothing_new(source: str, exported: str, where: str) -> None:
    """The exported page has the source page's blocks, in order, and no element, attribute or URL
    the source lacks (a ``span`` with ``lang``/``dir``: what stays Arabic, issue item 21)."""
    blocks, names, attributes, urls = dom(source)
    got_blocks, got_names, got_attributes, got_urls = dom(exported)
    assert got_blocks == blocks, f"{where}: blocks {got_blocks} ≠ {blocks}"
    assert got_names - names <= {"span"}, f"{where}: new elements {got_names - names}"
    extra = {a for a in got_attributes - attributes if a[1] not in ("lang", "dir")}
    assert not extra, f"{where}: new attributes {extra}"
    assert got_urls <= urls, f"{where}: new URLs {got_urls - urls}"


def assert_browser_sees_nothing_new(
    browser: Harness,
    tmp_path: Path,
    source: str,
    exported: str,
    name: str,
    sources_seen: dict[str, object] | None = None,
) -> None:
    """Chromium opens both pages: no handler of the export ran, and its DOM has no element,
    attribute or URL that the source's lacks. ``sources_seen``: the DOM Chromium gave each source
    page already opened, by its text (a property test checks many exports of one source)."""
    seen = {} if sources_seen is None else sources_seen
    if source not in seen:
        (tmp_path / f"{name}.source.html").write_text(source, encoding="utf-8")
        seen[source] = browser.evaluate(tmp_path / f"{name}.source.html", DOM_JS)
    before = seen[source]
    (tmp_path / f"{name}.html").write_text(exported, encoding="utf-8")
    after = browser.evaluate(tmp_path / f"{name}.html", DOM_JS)
    assert isinstance(before, dict) and isinstance(after, dict)
    assert after["pwned"] is None, f"{name}: a handler ran"
    assert set(after["elements"]) - set(before["elements"]) <= {"span"}, name
    new = {
        a for a in set(after["attributes"]) - set(before["attributes"]) if a.split()[1] not in ("lang", "dir")
    }
    assert not new, f"{name}: {new}"
    assert set(after["urls"]) <= set(before["urls"]), name


# --- item 1: Markdown ----------------------------------------------------------------------


MD_ATTACKS = {
    1: f"Last sentence.\n\n<details open ontoggle={PWNED}",  # the issue's case: a raw HTML block with no ">"
    2: "Said [Dang](java&#115;cript:alert(1)) and\n[z]: javascript:alert(2)\n\n[w][z] <javascript:alert(3)>",
    3: "Item\n\n# A heading\n- a list\n1. numbered\n```\ncode\n```\n<div onmouseover=x>\n| a | b |\n|---|---|",
    4: "=== and\n---\n***\n[r]: /evil 'x'\n<img src=x onerror=" + PWNED + ">",
    5: "> quoted? `code` **bold** ~~gone~~ [Dang](/tags/dang) <b>raw</b>",
    6: 'Date | <span onclick="x">cell</span> \\',
    8: "2024. Oct 8 <iframe src=https://evil.example>",
    10: "Text in <b>an</b> HTML <script>alert(1)</script> block.\n\n<img src=x onerror=" + PWNED + ">",
    11: "# Last sentence \\\n<details open ontoggle=" + PWNED + "> #",
}


def test_markdown_translations_cannot_add_blocks_elements_scripts_or_urls(
    tmp_path: Path, browser: Harness
) -> None:
    source_md = tmp_path / "story.md"
    source_md.write_text(MARKDOWN, encoding="utf-8")
    doc = read(source_md)
    assert len(doc.sentences) == 15
    po_path = catalog(tmp_path, doc, MD_ATTACKS)
    out = tmp_path / "story.en.md"
    res = run_cli("export", po_path, "-o", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    exported = out.read_text(encoding="utf-8")
    for name, render in RENDERERS.items():
        source_page, export_page = html_page(render(MARKDOWN)), html_page(render(exported))
        assert_nothing_new(source_page, export_page, name)
        assert_browser_sees_nothing_new(browser, tmp_path, source_page, export_page, name)
        # the translator's words are there, written as text
        words = text_of(export_page)
        for phrase in (
            "Last sentence. <details open ontoggle=",
            "[z]: javascript:alert(2)",
            "# A heading - a list",
        ):
            assert phrase in words, (name, phrase)
    # every entry written otherwise is named: in export's summary and by tarjama check
    po = polib.pofile(str(po_path))
    lines = {e.linenum for e in po if e.msgstr}
    warned = {int(m) for m in re.findall(rf"{re.escape(str(po_path))}:(\d+): ", res.stderr)}
    assert warned == lines, res.stderr
    assert f"{len(lines)} entries not exported as written" in res.stderr
    check = run_cli("check", po_path, cwd=tmp_path)
    assert check.returncode == 1
    assert {int(m) for m in re.findall(r":(\d+): export: ", check.stdout)} == lines, check.stdout


def test_a_reviewed_markdown_translation_keeps_its_markup_and_links(tmp_path: Path) -> None:
    """What the msgid has is kept: emphasis, code, the link (as the source writes it, title
    translated), raw inline HTML, the table cell's pipe escaped; nothing is reported."""
    source_md = tmp_path / "story.md"
    source_md.write_text(MARKDOWN, encoding="utf-8")
    doc = read(source_md)
    good = {
        0: "The *main* headline",
        2: 'Said [Dang](/tags/dang "Dang\'s page") that the **convention** matters `code` a lot.',
        8: "Oct | 8",
        10: "Text in an HTML <b>block</b>.",
        11: "1. The last sentence.",
    }
    result = rebuild_document(doc, polib.pofile(str(catalog(tmp_path, doc, good))))
    assert result.notes == []
    text = result.text
    assert "# The *main* headline\n" in text
    assert 'Said [Dang](/tags/dang "Dang&#39;s page") that the **convention** matters `code` a lot.' in text
    assert "| Oct &#124; 8 |" in text
    assert '<div class="box"><p>Text in an HTML <b>block</b>.</p></div>' in text
    assert "\n1\\. The last sentence.\n" in text  # not a list: the source's paragraph
    rendered = RENDERERS["markdown-it"](text)
    assert '<a href="/tags/dang" title="Dang\'s page">Dang</a>' in rendered
    assert "<strong>convention</strong>" in rendered and "<code>code</code>" in rendered


# --- item 2: HTML attributes, styles and URLs --------------------------------------------


def test_html_translation_keeps_only_the_sources_styles_attributes_and_urls(
    tmp_path: Path, browser: Harness
) -> None:
    source = tmp_path / "story.html"
    source.write_text(PAGE, encoding="utf-8")
    doc = read(source)
    overlay = (
        'Said <span style="color:red;position:fixed;top:0;left:0;width:100%;height:100%;'
        'background:url(https://evil.example/x.png)" class="modal" id="config">Dang</span> '
        '<a href="mailto:desk@evil.example" onclick="x()">here</a>, <a href="tel:1">there</a>, '
        '<a href="https://evil.example/" title="the page">and</a> <a href="/tags/dang">here</a>.'
    )
    po_path = catalog(tmp_path, doc, {1: overlay})
    out = tmp_path / "story.en.html"
    res = run_cli("export", po_path, "-o", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    exported = out.read_text(encoding="utf-8")
    assert_nothing_new(PAGE, exported, "html")
    tree = html5lib.parse(exported, treebuilder="lxml", namespaceHTMLElements=False)
    (span,) = tree.xpath("//p[1]/span[@style]")
    assert span.get("style") == "color:red" and span.get("class") is None and span.get("id") is None
    assert [a.get("href") for a in tree.xpath("//p[1]/a")] == [None, None, None, "/tags/dang"]
    assert tree.xpath("//p[1]/a[3]")[0].get("title") is None  # the source's link has no title
    shot = tmp_path / "story.png"
    rendered = browser.render(out, shot)
    assert not [r for r in rendered.failed_requests if "evil" in r], rendered.failed_requests
    style = browser.evaluate(
        out,
        "() => { const s = getComputedStyle(document.querySelector('p span')); return [s.position, s.backgroundImage]; }",
    )
    assert style == ["static", "none"]
    for removed in (
        "style 'position:fixed",
        "attribute class='modal'",
        "href='mailto:desk@evil.example' removed",
    ):
        assert removed in res.stderr, res.stderr


# --- item 12: words written with "<", comments --------------------------------------------


def test_html_export_keeps_words_written_with_angle_brackets_and_the_sources_comment(tmp_path: Path) -> None:
    source = tmp_path / "story.html"
    source.write_text(PAGE, encoding="utf-8")
    doc = read(source)
    words = "the <Hanoi Convention> matters and prices rose <5% while x<y."
    msgstrs = {
        1: words,
        2: "A comment <!-- ملاحظة --> inside the sentence \x1b.",
        4: "Item <b>one</b> <!-- x",
    }
    po_path = catalog(tmp_path, doc, msgstrs)
    out = tmp_path / "story.en.html"
    res = run_cli("export", po_path, "-o", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    exported = out.read_text(encoding="utf-8")
    tree = html5lib.parse(exported, treebuilder="lxml", namespaceHTMLElements=False)
    (p,) = tree.xpath("//main/p[1]")
    assert " ".join("".join(p.itertext()).split()) == f"{words} A comment inside the sentence ."
    assert "<!-- ملاحظة -->" in exported  # the source's comment stays in its sentence
    assert "".join(tree.xpath("//li//text()")) == "Item one <!-- x"
    # the words and the comment stay in the text export too
    text = run_cli("export", po_path, "--format", "text", cwd=tmp_path)
    assert words in text.stdout and "<!-- x" in text.stdout
    # what did not go in as written is named, by line, in export and in check
    po = polib.pofile(str(po_path))
    line = {e.msgstr: e.linenum for e in po}
    assert f"{po_path}:{line[words]}: <hanoi> written as text" in res.stderr
    assert f"{po_path}:{line[msgstrs[2]]}: control characters removed (U+001B)" in res.stderr
    assert f"{po_path}:{line[msgstrs[4]]}: comment written as text" in res.stderr
    check = run_cli("check", po_path, cwd=tmp_path)
    assert f":{line[msgstrs[2]]}: export: control characters removed (U+001B)" in check.stdout


def test_service_html_keeps_a_comment_inside_a_sentence(desk_server: Server) -> None:
    q = "<p>تعليق <!-- ملاحظة --> داخل <b>الجملة</b>.</p><p>قال x&lt;y هنا.</p>"
    res = requests.post(
        desk_server.url + "/translate",
        json={"q": q, "source": "ar", "target": "en", "format": "html", "api_key": KEY},
        timeout=60,
    )
    assert res.status_code == 200, res.text
    out = res.json()["translatedText"]
    assert "<!-- ملاحظة -->" in out and out.count("<b>") == out.count("</b>") == 1, out
    assert not re.search(r"<(?!/?(?:p|b)>|!-- ملاحظة -->)", out), out  # no other markup


# --- item 21: what stays Arabic keeps its direction -----------------------------------------


def test_a_partly_reviewed_page_keeps_arabic_right_to_left(tmp_path: Path, browser: Harness) -> None:
    source = tmp_path / "story.html"
    source.write_text(PAGE, encoding="utf-8")
    doc = read(source)
    # the title and the first sentence reviewed; the comment sentence in the same paragraph, the
    # list, the last paragraph and the share bar stay Arabic
    po_path = catalog(
        tmp_path,
        doc,
        {0: "Page title", 1: 'Said <span style="color:red">Dang</span> <a href="/tags/dang">here</a>.'},
    )
    out = tmp_path / "story.en.html"
    assert run_cli("export", po_path, "-o", out, cwd=tmp_path).returncode == 0
    seen = browser.evaluate(
        out,
        """() => Object.fromEntries(
          ["title", "main > p:nth-of-type(1)", "main > p:nth-of-type(1) > span[dir]", "li", "main > p:nth-of-type(3)",
           ".share"].map((sel) => {
            const e = document.querySelector(sel);
            if (e === null) return [sel, null];
            const scope = e.closest("[lang]");
            return [sel, [e.textContent.trim(), getComputedStyle(e).direction, scope ? scope.lang : ""]];
          }))""",
    )
    assert seen == {
        "title": ["Page title", "ltr", "en"],
        "main > p:nth-of-type(1)": ["Said Dang here. تعليق  داخل الجملة.", "ltr", "en"],
        # the Arabic sentence beside the English one runs right to left inside the English paragraph
        "main > p:nth-of-type(1) > span[dir]": ["تعليق  داخل الجملة.", "rtl", "ar"],
        "li": ["بند أول.", "rtl", "ar"],
        "main > p:nth-of-type(3)": ["بلا علامات.", "rtl", "ar"],
        ".share": ["شارك: فيسبوك", "rtl", "ar"],
    }
    # and the pixels agree: each block still all in Arabic is laid out from the right edge
    shot = tmp_path / "story.png"
    rendered = browser.render(out, shot)
    arabic = [b for b in rendered.blocks if not re.search("[A-Za-z]", b.text)]
    assert len(arabic) == 3  # the second and third paragraphs, the list item
    for block in arabic:
        assert block.direction == "rtl" and ink_alignment(shot, block.box, block.lines) == "rtl", block


# --- the property: arbitrary msgstrs through both exports ----------------------------------

WORDS = ("Hanoi", "Giang", "treaty", "Guterres", "zeta")
ATOMS = (
    f"<details open ontoggle={PWNED}",
    f"<img src=x onerror={PWNED}>",
    f"<svg onload={PWNED}>",
    f'<span style="position:fixed;inset:0;background:url(https://evil.example/x.png)" onclick="{PWNED}">',
    "[y](java&#115;cript:alert(1))",
    "[z]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<https://evil.example/>",
    "[Dang](/tags/dang)",
    '<a href="/tags/dang">',
    '<a href="javascript:alert(1)">',
    "</a>",
    "<b>",
    "</b>",
    "<!--",
    "-->",
    "<!-- ملاحظة -->",
    "<Hanoi Convention>",
    "<5%",
    "x<y",
    "\n\n",
    "\n",
    "\r",
    "# ",
    "> ",
    "- ",
    "1. ",
    "```",
    "~~~",
    "---",
    "===",
    "|",
    "&amp;",
    "&#0;",
    "&lt;",
    "\\",
    "[",
    "]",
    "(",
    ")",
    "*",
    "_",
    "~~",
    "`",
    "<",
    ">",
    '"',
    "'",
    "=",
    " ",
    "    ",
    "\t",
    "\x00",
    "\x1b",
    "\u2028",
    "\u200f",
)
MSGSTRS = st.lists(
    st.one_of(
        st.sampled_from(ATOMS),
        st.sampled_from(WORDS),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3),
    ),
    min_size=1,
    max_size=14,
).map("".join)
BROWSER_PAGES = 12  # examples also opened in Chromium (per format)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("property")
    (root / "story.md").write_text(MARKDOWN, encoding="utf-8")
    (root / "story.html").write_text(PAGE, encoding="utf-8")
    return {"markdown": read(root / "story.md"), "html": read(root / "story.html"), "root": root}


def exported_with(doc, target: int, msgstr: str):
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    for i, s in enumerate(doc.sentences):
        entry = polib.POEntry(
            msgid=s.text, msgstr=msgstr if i == target else "", occurrences=[("x", s.locator)]
        )
        entry.linenum = i
        po.append(entry)
    return rebuild_document(doc, po)


def assert_words_kept(msgstr: str, text: str, notes: list[str]) -> None:
    """Each word the msgstr has is in the page's text as often, or named by a note."""
    noted = " ".join(notes).casefold()
    for word in WORDS:
        missing = msgstr.count(word) - text.count(word)
        assert missing <= 0 or word.casefold() in noted, (word, msgstr, text, notes)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_no_msgstr_brings_markup_or_loses_words(
    fmt: str, documents: dict, browser: Harness, tmp_path: Path
) -> None:
    doc = documents[fmt]
    source_text = doc.text
    renders = {"markdown-it": RENDERERS["markdown-it"], "mistune": RENDERERS["mistune"]}
    sources = {name: html_page(r(source_text)) for name, r in renders.items()} if fmt == "markdown" else {}
    for_browser: list[tuple[str, str, str]] = []

    @settings(
        max_examples=120,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(target=st.integers(0, len(doc.sentences) - 1), msgstr=MSGSTRS)
    def run(target: int, msgstr: str) -> None:
        result = exported_with(doc, target, msgstr)
        notes = [note for _, note in result.notes]
        if result.reviewed == 0:  # empty, or mostly Arabic: a copy of the source, not a translation
            msgstr = ""
        if re.search(r"[\x00\x1b]", msgstr):
            assert any("control characters removed" in n for n in notes), notes
        assert not any("changed by the HTML cleaner" in n for n in notes), notes  # the pass sees all
        if fmt == "markdown":
            for name, render in renders.items():
                page = html_page(render(result.text))
                assert_nothing_new(sources[name], page, name)
                if name == "markdown-it":
                    assert_words_kept(msgstr, text_of(page) + _alt_texts(page), notes)
                if len(for_browser) < BROWSER_PAGES and "pwned" in msgstr:
                    for_browser.append((name, sources[name], page))
        else:
            assert_nothing_new(source_text, result.text, "html")
            assert_words_kept(msgstr, text_of(result.text) + _alt_texts(result.text), notes)
            if len(for_browser) < BROWSER_PAGES and "pwned" in msgstr:
                for_browser.append(("html", source_text, result.text))

    run()
    assert len(for_browser) >= 6  # the examples do carry handlers to the browser
    sources_seen: dict[str, object] = {}
    for k, (name, source_page, page) in enumerate(for_browser):
        assert_browser_sees_nothing_new(
            browser, tmp_path, source_page, page, f"{fmt}-{name}-{k}", sources_seen
        )


def _alt_texts(page: str) -> str:
    """Words a page holds in alt and title attributes (a translated image's alt is a sentence's place)."""
    tree = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    return " " + " ".join(
        v
        for el in tree.getroot().iter()
        if isinstance(el.tag, str)
        for k, v in el.attrib.items()
        if k in ("alt", "title")
    )


def test_property_atoms_cover_the_issue() -> None:
    """The generator's pieces include every attack the issue names (a guard for later edits)."""
    joined = json.dumps(ATOMS)
    for attack in (
        "ontoggle",
        "java&#115;cript",
        "[z]: javascript",
        "<javascript:",
        "\\n\\n",
        "style",
        "<Hanoi Convention>",
        "x<y",
        "<!--",
    ):
        assert attack in joined, attack
    assert Counter(ATOMS).most_common(1)[0][1] == 1
