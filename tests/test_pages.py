"""The CMS-shaped test pages of tests/pages/ are what they claim to be: every gold sentence of
their article, one block per source line, in order; the added text has references; each page
has the features the HTML and Markdown readers must cope with; the HTML pages load in a real
browser without script errors."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import lxml.html
import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .browser import Harness, ink_alignment
from .conftest import GOLD_TSV, ROOT, read_gold

PAGES = ROOT / "tests" / "pages"
HANOI_HTML = ROOT / "examples" / "hanoi-convention.ar.html"
HANOI_MD = ROOT / "examples" / "hanoi-convention.ar.md"
OIL_HTML = PAGES / "oil-market.ar.html"
OIL_GOLD = ROOT / "tests" / "data" / "seg-oil-market.gold.tsv"

# The names the pages link to their tag pages, spelled as each sentence spells them.
NAMES = {
    "دانج هوانج جيانج",
    "دانغ هوانغ جيانغ",
    "لي شوان مينه",
    "فام ذا تونج",
    "لونغ كونغ",
    "أنطونيو غوتيريش",
}


def norm(text: str) -> str:
    """Whitespace as a reader sees it: runs of spaces, newlines and no-break spaces are one space."""
    return " ".join(text.split())


def added() -> dict[str, str]:
    with (PAGES / "hanoi-convention.added.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(len(row) == 2 and row[0].strip() and row[1].strip() for row in rows)
    return dict(rows)


def gold_lines(path: Path) -> dict[int, list[str]]:
    """The gold sentences grouped by the source line they come from, in line order."""
    lines: dict[int, list[str]] = {}
    for g in read_gold(path):
        lines.setdefault(int(g["paragraph"]), []).append(g["arabic"])
    return dict(sorted(lines.items()))


def has_class(name: str) -> str:
    """An XPath test for one class among several (lxml's CSS selectors need a package we lack)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def xp(root: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    return root.xpath(path)


def parse_html(text: str) -> lxml.html.HtmlElement:
    doc = lxml.html.document_fromstring(text)
    for br in doc.iter("br"):  # innerText's line break: <br> separates what it stands between
        br.tail = "\n" + (br.tail or "")
    return doc


def element_texts(root: lxml.html.HtmlElement) -> list[str]:
    """Every element's whitespace-normalised text, in document order."""
    return [norm(e.text_content()) for e in root.iter() if isinstance(e.tag, str)]


def assert_blocks_in_order(root: lxml.html.HtmlElement, lines: dict[int, list[str]]) -> None:
    """Each source line is one element's whole text (a table row: one cell per sentence), and the
    lines come in the article's order."""
    texts = element_texts(root)
    last = -1
    for line, sentences in lines.items():
        joined = " ".join(sentences)
        if joined in texts:
            wanted = [joined]
        else:
            wanted = sentences
            assert len(sentences) > 1, f"line {line} is no element's text: {joined}"
        for text in wanted:
            assert text in texts, f"line {line}: {text}"
            at = texts.index(text, last + 1) if text in texts[last + 1 :] else -1
            assert at > last, f"line {line} is out of order: {text}"
            last = at


def assert_referenced(texts: Iterable[str], refs: dict[str, str]) -> None:
    for text in texts:
        assert norm(text) in refs, f"added text without a reference: {text}"


# --- hanoi-convention.ar.html ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hanoi_source() -> str:
    return HANOI_HTML.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hanoi(hanoi_source: str) -> lxml.html.HtmlElement:
    return parse_html(hanoi_source)


def test_hanoi_html_holds_every_gold_sentence_one_block_per_line(hanoi: lxml.html.HtmlElement) -> None:
    text = norm(hanoi.body.text_content())
    for g in read_gold(GOLD_TSV):
        assert g["arabic"] in text, g
    assert_blocks_in_order(hanoi.get_element_by_id("main"), gold_lines(GOLD_TSV))


def test_hanoi_html_added_text_has_references(hanoi: lxml.html.HtmlElement) -> None:
    refs = added()
    assert_referenced([hanoi.findtext(".//title"), xp(hanoi, "//article//h1")[0].text_content()], refs)
    assert_referenced([img.get("alt") for img in xp(hanoi, "//article//img")], refs)
    assert_referenced(
        [e.text_content() for e in xp(hanoi, "//*[@class='fact-box']//*[self::h3 or self::th or self::td]")],
        refs,
    )


def test_hanoi_html_has_the_cms_features(hanoi: lxml.html.HtmlElement, hanoi_source: str) -> None:
    gold = {g["arabic"] for g in read_gold(GOLD_TSV)}
    root = hanoi
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    assert xp(root, "//head/meta[@charset='utf-8']") and root.findtext(".//title")
    assert len(xp(root, "//nav//a")) >= 3
    assert xp(root, "//main[@id='main']//article//div[@class='article-body']")
    assert len(xp(root, "//article//h1")) == 1

    lead = xp(root, "//div[@class='article-body']/p")[0]
    strong = xp(lead, ".//strong")
    assert strong and norm(strong[0].text_content()) in norm(lead.text_content())

    figures = xp(root, "//figure")
    assert len(figures) == 5
    for figure in figures:
        (img,) = xp(figure, ".//img")
        assert img.get("src").startswith("data:") and img.get("alt")
        assert norm(xp(figure, ".//figcaption")[0].text_content()) in gold

    links = xp(root, "//div[@class='article-body']//a[starts-with(@href, '/tags/')]")
    names = {norm(a.text_content()) for a in links}
    assert names == NAMES
    assert len({root.getroottree().getpath(a.getparent()) for a in links}) >= 5, "in several paragraphs"
    for a in links:  # each link sits on the name as its sentence spells it, not on a part of a word
        around = norm(a.getparent().text_content())
        assert re.search(rf"(^|[\s،,]){re.escape(norm(a.text_content()))}($|[\s،,.:])", around)

    (quote,) = xp(root, "//blockquote")
    assert norm(quote.text_content()) in gold
    em = xp(root, "//div[@class='article-body']//p//em")
    assert em and norm(em[0].getparent().text_content()) != norm(em[0].text_content()), "em is mid-sentence"
    assert (
        xp(root, "//*[@class='fact-box']//table//th")
        and len(xp(root, "//*[@class='fact-box']//table/tbody/tr")) >= 2
    )
    share = xp(root, "//div[@class='share-bar']")[0]
    assert {"شارك:", "فيسبوك", "تويتر"} <= set(norm(share.text_content()).split())
    assert xp(root, "//*[@class='comments-count']")
    assert [s for s in xp(root, "//script") if not s.get("type")], "an inline script"
    assert xp(root, "//script[@type='application/ld+json']")
    assert xp(root, "//style") and xp(root, "//footer") and xp(root, "//code")
    assert xp(root, "//*[@translate='no']") and xp(root, f"//*[{has_class('notranslate')}]")
    assert any(br.getparent().tag == "p" for br in root.iter("br"))

    # The source as CMSs write it: entities, paragraphs wrapped across lines.
    assert "&nbsp;" in hanoi_source and re.search(r"&#\d+;", hanoi_source)
    assert re.search(r"<p[^>]*>[^\n]*\n(?:(?!</p>).)*</p>", hanoi_source, re.S)


def test_hanoi_html_renders_clean_and_right_to_left(browser: Harness, tmp_path: Path) -> None:
    rendered = browser.render(HANOI_HTML, tmp_path / "hanoi.png", width=900)
    assert (rendered.console_errors, rendered.page_errors, rendered.failed_requests) == ([], [], [])
    lines = {" ".join(s) for s in gold_lines(GOLD_TSV).values()}
    body = [b for b in rendered.blocks if norm(b.text) in lines]
    assert len(body) >= len(lines) - 1  # the comments counter is a <span>, no block
    seen = []
    for block in body:
        assert (block.direction, block.lang) == ("rtl", "ar"), block
        seen.append(ink_alignment(rendered.screenshot, block.box, block.lines))
    # 'unclear' where every line of a block happens to be full; never 'ltr'.
    assert "ltr" not in seen and seen.count("rtl") >= 0.8 * len(seen), seen


# --- hanoi-convention.ar.md -----------------------------------------------------------------

MD = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)


@pytest.fixture(scope="module")
def markdown_source() -> str:
    return HANOI_MD.read_text(encoding="utf-8")


def test_hanoi_markdown_front_matter_parses(markdown_source: str) -> None:
    tokens = MD.parse(markdown_source)
    assert tokens[0].type == "front_matter"
    meta = yaml.safe_load(tokens[0].content)
    assert meta["title"] in added()
    assert meta["tags"] and all(isinstance(t, str) for t in meta["tags"])
    assert meta["date"] and meta["author"]
    assert markdown_source.startswith(f"---\n{tokens[0].content}\n---\n")


def test_hanoi_markdown_holds_every_gold_sentence_one_block_per_line(markdown_source: str) -> None:
    page = parse_html(f"<html><body>{MD.render(markdown_source)}</body></html>")
    text = norm(page.body.text_content())
    for g in read_gold(GOLD_TSV):
        assert g["arabic"] in text, g
    assert_blocks_in_order(page.body, gold_lines(GOLD_TSV))
    refs = added()
    assert_referenced([xp(page, "//h1")[0].text_content()], refs)
    assert_referenced([img.get("alt") for img in xp(page, "//img")], refs)
    assert_referenced([img.get("title") for img in xp(page, "//img")], refs)
    assert_referenced([e.text_content() for e in xp(page, "//*[self::h3 or self::th or self::td]")], refs)


def test_hanoi_markdown_has_the_cms_features(markdown_source: str) -> None:
    tokens = MD.parse(markdown_source)
    inline = [child for t in tokens if t.type == "inline" for child in t.children or []]
    kinds = {t.type for t in tokens} | {t.type for t in inline}
    assert {"heading_open", "blockquote_open", "table_open", "fence"} <= kinds
    assert {"strong_open", "em_open", "image", "link_open", "code_inline", "hardbreak", "softbreak"} <= kinds
    images = [t for t in inline if t.type == "image"]
    assert len(images) == 5 and all(t.attrs.get("title") for t in images)
    links = [t for t in inline if t.type == "link_open" and str(t.attrs["href"]).startswith("/tags/")]
    assert len(links) >= 8
    # Each image's caption is the next paragraph, all emphasis.
    page = parse_html(f"<html><body>{MD.render(markdown_source)}</body></html>")
    gold = {g["arabic"] for g in read_gold(GOLD_TSV)}
    for img in xp(page, "//img"):
        caption = img.getparent().getnext()
        assert caption.tag == "p" and len(caption) == 1 and caption[0].tag == "em"
        assert norm(caption.text_content()) in gold


# --- oil-market.ar.html ---------------------------------------------------------------------


def test_oil_market_html_holds_every_gold_sentence_one_block_per_line() -> None:
    source = OIL_HTML.read_text(encoding="utf-8")
    page = parse_html(source)
    text = norm(page.body.text_content())
    for g in read_gold(OIL_GOLD):
        assert g["arabic"] in text, g
    assert_blocks_in_order(
        xp(page, "//div[@class='entry-content']")[0],
        {line: s for line, s in gold_lines(OIL_GOLD).items() if line != 1},
    )
    assert norm(xp(page, "//h1[@class='entry-title']")[0].text_content()) == gold_lines(OIL_GOLD)[1][0]
    # WordPress's shape: block comments, an h2, a table figure, paragraphs left open, &quot;.
    assert xp(page, "//div[@class='entry-content']//h2") and xp(
        page, f"//figure[{has_class('wp-block-table')}]/table"
    )
    assert (
        xp(page, f"//figure[{has_class('wp-block-image')}]/figcaption") and "<!-- wp:paragraph -->" in source
    )
    assert source.count("<p") - source.count("</p>") >= 2
    assert "&quot;" in source


def test_oil_market_html_renders_clean(browser: Harness, tmp_path: Path) -> None:
    rendered = browser.render(OIL_HTML, tmp_path / "oil.png", width=900)
    assert (rendered.console_errors, rendered.page_errors, rendered.failed_requests) == ([], [], [])
    assert all(b.direction == "rtl" for b in rendered.blocks)
