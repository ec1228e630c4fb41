"""HTML in, PO, reviewed, the same page out in English: on real CMS-shaped pages, both backends, a real browser."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import html5lib
import polib
import pytest

from tarjama.catalog.po_file import load_po
from tarjama.glossary import Matcher, load_default
from tarjama.sources import read
from tarjama.sources.markup import OPAQUE, PAIR, place

from .browser import Harness, layout_alignment
from .conftest import EXAMPLE, GOLD_TSV, read_gold, run_cli

PAGES = Path(__file__).resolve().parent / "pages"
PAGE = PAGES.parent.parent / "examples" / "hanoi-convention.ar.html"
ADDED = PAGES / "hanoi-convention.added.tsv"
TRANSLATED_ATTRIBUTES = ("alt", "title")
TERMS = re.compile(r"glossary terms (?P<correct>\d+)/(?P<required>\d+) \((?P<share>[\d.]+)% term accuracy\)")


def references() -> dict[str, str]:
    """Arabic sentence → its English reference (the gold file and the pages' added text)."""
    refs = {g["arabic"]: g["english"] for g in read_gold(GOLD_TSV)}
    with ADDED.open(encoding="utf-8", newline="") as fh:
        refs.update({row[0]: row[1] for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)})
    return refs


def reviewed_msgstr(entry: polib.POEntry, sentence, english: str, matcher: Matcher) -> str:
    """What a translator writes: the reference, with each inline element around its words (a name:
    its approved form; anything else: the first word, as a reviewer would move it)."""
    if sentence.markup is None:
        return english.replace("&", "&amp;").replace("<", "&lt;") if "<" in entry.msgid else english
    matches = matcher.find(sentence.markup.plain)
    targets = []
    for span in sentence.markup.spans:
        inside = [m for m in matches if span.start <= m.start and m.end <= span.end]
        if span.kind == PAIR and len(inside) == 1:
            targets.append(inside[0].target)
        elif span.kind == OPAQUE:
            targets.append(sentence.markup.span_text(span))
        else:
            targets.append(english.split()[0])
    return place(sentence.markup, english, targets).text


def words(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def assert_outside_is_source(
    source: str, result: str, edits: list[tuple[int, int, str | None]], text_of=None
) -> None:
    """Every byte of ``source`` outside the ``edits`` ranges is in ``result``, in order, and what
    stands between is each range's expected words (None: a language mark, 'en' or 'ltr');
    ``text_of`` reads the words of a fragment (default: HTML)."""
    text_of = text_of or words
    merged: list[list] = []  # sentences apart only by whitespace: one stretch (a space is no landmark)
    for start, end, text in sorted(edits):
        if merged and not source[merged[-1][1] : start].strip() and text and merged[-1][2]:
            merged[-1][1], merged[-1][2] = end, f"{merged[-1][2]} {text}"
        else:
            merged.append([start, end, text])
    pos, at, previous = 0, 0, None
    for start, end, want in [*merged, [len(source), len(source), None]]:
        gap = source[at:start]
        last = start == len(source)
        found = (
            len(result) - len(gap) if last and result.endswith(gap) else -1 if last else result.find(gap, pos)
        )
        assert found != -1, f"the source's {gap[:60]!r} is not in the export after offset {pos}"
        got = result[pos:found]
        if at:
            assert text_of(got) == previous if previous is not None else got in ("en", "ltr"), got[:80]
        pos, at, previous = found + len(gap), end, want
    assert pos == len(result)


def xpath(path: str) -> str:
    """An element path as lxml evaluates it (``id('x')`` is XPath's, but lxml needs a DTD for it)."""
    return re.sub(r"id\('([^']+)'\)", r"//*[@id='\1']", path)


def structure(page: str) -> list[tuple[int, str, dict[str, str]]]:
    """Every element in document order: depth, tag and attributes (translated attributes and the
    language marks aside), as a browser's parser builds the tree."""
    tree = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    out = []
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        attrs = {
            k: v for k, v in el.attrib.items() if k not in TRANSLATED_ATTRIBUTES and k not in ("lang", "dir")
        }
        out.append((len(list(el.iterancestors())), el.tag, attrs))
    return out


# transformers decodes this page several times slower than CTranslate2: the fast lane runs the ct2
# case (transformers decoding is in the fast lane through test_translate_cli and test_enforce)
@pytest.mark.parametrize("backend", [pytest.param("transformers", marks=pytest.mark.slow), "ct2"])
def test_page_to_po_to_reviewed_page(tmp_path: Path, tiny_model: Path, backend: str) -> None:
    page = tmp_path / PAGE.name
    shutil.copyfile(PAGE, page)
    out = tmp_path / "locales"
    res = run_cli("translate", page, "--model", tiny_model, "--backend", backend, "--out", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    po_path = out / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    doc = read(page)
    matcher = Matcher(load_default())
    refs = references()
    po = load_po(po_path)
    by_msgid = {e.msgid: e for e in po}

    # glossary terms are as accurate as on the text version, and links on names survive MT
    text_article = tmp_path / "text" / "hanoi-convention.ar.txt"
    text_article.parent.mkdir()
    shutil.copyfile(EXAMPLE, text_article)
    as_text = run_cli(
        "translate", text_article, "--model", tiny_model, "--backend", backend, "--out", tmp_path / "text-out"
    )
    assert as_text.returncode == 0, as_text.stderr
    html_terms, text_terms = TERMS.search(res.stdout), TERMS.search(as_text.stdout)
    assert html_terms and text_terms and html_terms["share"] == text_terms["share"] == "100.0"
    assert int(html_terms["required"]) > int(
        text_terms["required"]
    )  # the page adds a title, alt texts, a table
    links = 0
    for s in doc.sentences:
        for span in s.markup.spans if s.markup else ():
            names = [m for m in matcher.find(s.markup.plain) if span.start <= m.start and m.end <= span.end]
            if span.open.startswith("<a ") and names:
                links += 1
                assert f"{span.open}{names[0].target}</a>" in by_msgid[s.text].msgstr, by_msgid[s.text].msgstr
    assert links >= 6
    filled: dict[str, str] = {}
    for s in doc.sentences:
        english = refs.get(" ".join(s.mt_text.split()))  # a no-break space in the page is a space
        if english is None:
            assert s.kind == "boilerplate", f"no reference for {s.mt_text!r}"
            continue
        entry = by_msgid[s.text]
        entry.msgstr = filled[s.text] = reviewed_msgstr(entry, s, english, matcher)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(po_path))
    exported = tmp_path / "hanoi-convention.en.html"
    res = run_cli("export", po_path, "--format", "html", "-o", exported, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    reviewed = sum(s.text in filled for s in doc.sentences)
    boilerplate = len(doc.sentences) - reviewed
    assert (
        f"exported {len(doc.sentences)} sentences: {reviewed} reviewed, {boilerplate} left in Arabic"
        in res.stderr
    )
    source, result = PAGE.read_text(encoding="utf-8"), exported.read_text(encoding="utf-8")

    # each block's text is the reference (kept-as-is elements aside), in the page's own place
    tree = html5lib.parse(result, treebuilder="lxml", namespaceHTMLElements=False)
    blocks: dict[str, list[str]] = {}
    for s in doc.sentences:
        if s.text in filled:
            blocks.setdefault(s.locator, []).append(words(filled[s.text]))
    for path, expected in blocks.items():
        (node,) = tree.xpath(xpath(path))
        got = node if isinstance(node, str) else "".join(node.itertext())
        assert " ".join(got.split()) == " ".join(expected), path
    for s in doc.sentences:
        if s.text in filled and not any(sp.kind == OPAQUE for sp in (s.markup.spans if s.markup else ())):
            assert words(filled[s.text]) == " ".join(refs[" ".join(s.mt_text.split())].split())

    # the element tree with its attributes is the source's; lang and dir say English
    assert structure(result) == structure(source)
    html_tag = tree.getroot()
    assert (html_tag.get("lang"), html_tag.get("dir")) == ("en", "ltr")

    # what stays Arabic (the site's banner, menu, share bar and footer) says so: lang="ar" dir="rtl"
    for s in doc.sentences:
        if s.text not in filled and "/@" not in s.path:
            (node,) = tree.xpath(xpath(s.path))
            scope = node.xpath("ancestor-or-self::*[@dir][1]")[0]
            assert (scope.get("dir"), scope.get("lang")) == ("rtl", "ar"), s.path

    # every byte outside the translated sentences and the language marks is the source's, in order,
    # and what stands between them is the sentence's reviewed translation
    edits = sorted(
        [(s.start, s.end, words(filled[s.text])) for s in doc.sentences if s.text in filled]
        + [(a, b, None) for a, b, _ in doc.language_marks]
    )
    assert_outside_is_source(source, result.replace(' lang="ar" dir="rtl"', ""), edits)


def test_the_exported_page_opens_in_a_real_browser_left_to_right(
    tmp_path: Path, tiny_model: Path, browser: Harness
) -> None:
    page = tmp_path / PAGE.name
    shutil.copyfile(PAGE, page)
    out = tmp_path / "locales"
    res = run_cli("translate", page, "--model", tiny_model, "--backend", "ct2", "--out", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    po_path = out / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    doc, refs, matcher = read(page), references(), Matcher(load_default())
    po = load_po(po_path)
    by_msgid = {e.msgid: e for e in po}
    for s in doc.sentences:
        if (english := refs.get(" ".join(s.mt_text.split()))) is not None:
            entry = by_msgid[s.text]
            entry.msgstr = reviewed_msgstr(entry, s, english, matcher)
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.save(str(po_path))
    exported = tmp_path / "page.en.html"
    assert run_cli("export", po_path, "-o", exported, cwd=tmp_path).returncode == 0
    shot = tmp_path / "page.png"
    rendered = browser.render(exported, shot, width=900)
    assert rendered.console_errors == [] and rendered.page_errors == []
    english = [b for b in rendered.blocks if b.tag == "p" and re.search(r"[A-Za-z]{4}", b.text)]
    assert len(english) >= 10
    for block in english:
        assert block.direction == "ltr" and block.lang == "en", block
        assert layout_alignment(block) == "ltr", block.text[:60]


def test_markdown_to_po_to_reviewed_markdown(tmp_path: Path, tiny_model: Path) -> None:
    """The Markdown export: front matter verbatim, every byte outside the translations the
    source's, the same document structure, links on names kept."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    source_md = PAGE.with_suffix(".md")
    page = tmp_path / source_md.name
    shutil.copyfile(source_md, page)
    out = tmp_path / "locales"
    res = run_cli("translate", page, "--model", tiny_model, "--backend", "ct2", "--out", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert TERMS.search(res.stdout)["share"] == "100.0"
    po_path = out / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    doc, refs, matcher = read(page), references(), Matcher(load_default())
    assert doc.format == "markdown"
    po = load_po(po_path)
    by_msgid = {e.msgid: e for e in po}
    filled = {}
    for s in doc.sentences:
        english = refs.get(" ".join(s.mt_text.split()))
        if english is not None:
            entry = by_msgid[s.text]
            entry.msgstr = filled[s.text] = reviewed_msgstr(entry, s, english, matcher)
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    assert len(filled) >= 34
    po.save(str(po_path))
    exported = tmp_path / "hanoi-convention.en.md"
    res = run_cli("export", po_path, "-o", exported, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    source, result = source_md.read_text(encoding="utf-8"), exported.read_text(encoding="utf-8")
    front = source[: source.index("\n---\n", 4) + 5]
    assert result.startswith(front)  # front matter verbatim
    # every byte outside the translated sentences is the source's
    inline = MarkdownIt("commonmark")

    def md_words(fragment: str) -> str:
        return words(inline.renderInline(fragment))

    edits = [(s.start, s.end, md_words(filled[s.text])) for s in doc.sentences if s.text in filled]
    assert_outside_is_source(source, result, edits, md_words)
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)

    def shape(text: str) -> list[tuple[str, str]]:
        return [(t.type, t.tag) for t in md.parse(text) if t.type != "inline"]

    assert shape(result) == shape(source)
    assert "[Dang Hoang Giang](/tags/dang-hoang-giang)" in result
    assert result.count("](/tags/") == source.count("](/tags/")  # every link on a name kept
