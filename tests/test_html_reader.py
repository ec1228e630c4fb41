"""The HTML reader on pages as CMSs write them: what becomes a sentence, with which markup and where."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest

from tarjama.errors import InputError
from tarjama.sources import Kind, read
from tarjama.sources.html import BLOCK_ELEMENTS, read_page
from tarjama.sources.markup import OPAQUE, PAIR, Markup, Span, place

from .conftest import run_cli

PAGE = """<!doctype html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>اتفاقية هانوي لمكافحة الجرائم</title>
<style>p { color: red }</style><script>var s = "<p>لا تترجم</p>";</script></head>
<body>
<nav class="menu"><a href="/">الرئيسية</a> <a href="/world">العالم</a></nav>
<article id="story" class="article-body">
  <h1>توقيع اتفاقية هانوي</h1>
  <p><strong>نظمت وزارة الخارجية مؤتمرا صحفيا. وحضره الصحفيون.</strong></p>
  <p>ترأس المؤتمر نائب الوزير <a href="/tags/dang" title="صفحة الوزير">دانج هوانج جيانج</a> في هانوي.
     وقال إن &quot;الاتفاقية&quot; مهمة&nbsp;جدا.</p>
  <figure><img src="a.jpg" alt="صورة المؤتمر"><figcaption>صحفيون في المؤتمر. (تصوير: نجوين هونغ)</figcaption></figure>
  <blockquote><p>هذه الأمور مهمة للغاية.</p></blockquote>
  <table><tr><th>التاريخ</th><th>الحدث</th></tr><tr><td>25 أكتوبر</td><td>حفل التوقيع</td></tr></table>
  <p>استخدم الأمر <code>ls -l</code> لعرض الملفات<br>ثم أغلق النافذة.</p>
  <p>قال <span translate="no">فام ذا تونج</span> إن العمل مستمر.</p>
  <div class="notranslate"><p>نص لا يترجم أبدا.</p></div>
  <pre>سطر برمجي</pre>
  <div class="share-bar">شارك: <a href="#">فيسبوك</a></div>
  <span class="comments-count">تعليقات (3)</span>
</article>
<footer>جميع الحقوق محفوظة</footer>
</body></html>
"""


def sentences(tmp_path: Path, page: str = PAGE, name: str = "story.html"):
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    return read(path)


def test_blocks_kinds_paths_and_what_is_never_translated(tmp_path: Path) -> None:
    doc = sentences(tmp_path)
    assert doc.format == "html" and doc.stem == "story"
    got = [(s.kind, s.locator, s.mt_text) for s in doc.sentences]
    assert got == [
        (Kind.TITLE, "/html/head/title[1]", "اتفاقية هانوي لمكافحة الجرائم"),
        (Kind.BOILERPLATE, "/html/body/nav[1]", "الرئيسية العالم"),
        (Kind.BODY, "id('story')/h1[1]", "توقيع اتفاقية هانوي"),
        (Kind.BODY, "id('story')/p[1]", "نظمت وزارة الخارجية مؤتمرا صحفيا."),
        (Kind.BODY, "id('story')/p[1]", "وحضره الصحفيون."),
        (Kind.BODY, "id('story')/p[2]", "ترأس المؤتمر نائب الوزير دانج هوانج جيانج في هانوي."),
        (Kind.BODY, "id('story')/p[2]", 'وقال إن "الاتفاقية" مهمة\xa0جدا.'),
        (Kind.ALT, "id('story')/figure[1]/img[1]/@alt", "صورة المؤتمر"),
        (Kind.CAPTION, "id('story')/figure[1]/figcaption[1]", "صحفيون في المؤتمر. (تصوير: نجوين هونغ)"),
        (Kind.BODY, "id('story')/blockquote[1]/p[1]", "هذه الأمور مهمة للغاية."),
        (Kind.BODY, "id('story')/table[1]/tr[1]/th[1]", "التاريخ"),
        (Kind.BODY, "id('story')/table[1]/tr[1]/th[2]", "الحدث"),
        (Kind.BODY, "id('story')/table[1]/tr[2]/td[1]", "25 أكتوبر"),
        (Kind.BODY, "id('story')/table[1]/tr[2]/td[2]", "حفل التوقيع"),
        (Kind.BODY, "id('story')/p[3]", "استخدم الأمر ls -l لعرض الملفات"),
        (Kind.BODY, "id('story')/p[3]", "ثم أغلق النافذة."),
        (Kind.BODY, "id('story')/p[4]", "قال فام ذا تونج إن العمل مستمر."),
        (Kind.BOILERPLATE, "id('story')/div[2]", "شارك: فيسبوك"),
        (Kind.BOILERPLATE, "id('story')", "تعليقات (3)"),  # text of the article itself: its path
        (Kind.BOILERPLATE, "/html/body/footer[1]", "جميع الحقوق محفوظة"),
    ]
    texts = " ".join(s.text for s in doc.sentences)
    for never in ("لا تترجم", "نص لا يترجم أبدا", "سطر برمجي", "color"):
        assert never not in texts
    # the link's title attribute travels inside its sentence's msgid, not as an entry of its own
    assert not any(s.locator.endswith("@title") for s in doc.sentences)


def test_inline_markup_stays_in_the_msgid_and_out_of_the_model_input(tmp_path: Path) -> None:
    by_plain = {s.mt_text: s for s in sentences(tmp_path).sentences}
    link = by_plain["ترأس المؤتمر نائب الوزير دانج هوانج جيانج في هانوي."]
    assert link.text == (
        'ترأس المؤتمر نائب الوزير <a href="/tags/dang" title="صفحة الوزير">دانج هوانج جيانج</a> في هانوي.'
    )
    (span,) = link.markup.spans
    assert span.kind == PAIR and link.markup.span_text(span) == "دانج هوانج جيانج"
    # <strong> around a two-sentence lead stays outside both sentences, in the page
    lead = [s for s in by_plain.values() if s.locator == "id('story')/p[1]"]
    assert [s.text for s in lead] == ["نظمت وزارة الخارجية مؤتمرا صحفيا.", "وحضره الصحفيون."]
    code = by_plain["استخدم الأمر ls -l لعرض الملفات"]
    assert code.text == "استخدم الأمر <code>ls -l</code> لعرض الملفات"
    assert code.markup.spans[0].kind == OPAQUE
    kept = by_plain["قال فام ذا تونج إن العمل مستمر."]
    assert kept.text == 'قال <span translate="no">فام ذا تونج</span> إن العمل مستمر.'
    # entities are text to the model, escaped (only as much as needed) in the msgid
    quoted = by_plain['وقال إن "الاتفاقية" مهمة\xa0جدا.']
    assert quoted.text == quoted.mt_text


def test_every_sentence_maps_to_its_exact_source_range(tmp_path: Path) -> None:
    doc = sentences(tmp_path)
    for s in doc.sentences:
        source = doc.text[s.start : s.end]
        if s.locator.endswith("/@alt"):
            assert source == s.text
            continue
        words = re.sub(r"<[^>]+>", "", source)
        words = words.replace("&quot;", '"').replace("&nbsp;", "\xa0")
        assert re.sub(r"[ \t\n\r\f]+", " ", words).strip() == s.mt_text, s


def test_a_boundary_inside_an_element_is_not_a_boundary(tmp_path: Path) -> None:
    doc = sentences(tmp_path, "<p>قال الوزير <b>إن العمل مهم. وأضاف</b> أنه مستمر.</p>")
    assert [s.text for s in doc.sentences] == ["قال الوزير <b>إن العمل مهم. وأضاف</b> أنه مستمر."]


BROKEN = [
    "<p>الفقرة الأولى<p>الفقرة الثانية",
    "<ul><li>البند الأول<li>البند الثاني</ul>",
    "<p>نص <b>عريض <i>ومائل</b> بعده</i> نهاية</p>",
    "<div>نص مباشر في القسم<p>فقرة داخلية</div>نص بعد القسم",
    "<table><tr><td>خلية أولى<td>خلية ثانية<tr><td>صف ثان</table>",
    "<p>كيان &amp; كيان &#1575;&#1604;&#1593;&#1585;&#1576;&#1610; &amp بلا فاصلة</p>",
    "<h1>عنوان<h2>عنوان فرعي</h2><p>نص</p></p></p>",
    "<p>نص <a href=/x class=y>رابط بلا علامات تنصيص</a> ونهاية",
    "<p>نص </span></div> بعد وسوم زائدة</p>",
    "<!-- تعليق --><p>نص بعد تعليق<!-- تعليق داخلي --> يكمل</p>",
    "<dl><dt>مصطلح<dd>تعريف<dt>مصطلح آخر<dd>تعريف آخر</dl>",
]


@pytest.mark.parametrize("page", BROKEN)
def test_broken_markup_reads_as_browsers_read_it(page: str) -> None:
    """The words and their order are html5lib's (the HTML5 reference parser), nothing lost or doubled."""
    ours = " ".join(p.markup.plain if p.markup else p.text for p, _ in read_page(page).pieces)
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    theirs = " ".join("".join(_text(tree.find("body"))).split())
    assert " ".join(ours.split()) == theirs


def _text(el) -> list[str]:
    """An html5lib element's text, blocks apart (a browser's innerText, roughly)."""
    if not isinstance(el.tag, str):
        return []  # a comment
    block = el.tag in BLOCK_ELEMENTS
    out = [" "] if block else []
    out.append(el.text or "")
    for child in el:
        out += _text(child)
        out.append(child.tail or "")
    return [*out, " "] if block else out


def test_paragraphs_follow_the_html5_rules() -> None:
    paths = [path for _, path in read_page("<ul><li>البند الأول<li>البند الثاني</ul><p>أ<p>ب").pieces]
    assert paths == ["/ul[1]/li[1]", "/ul[1]/li[2]", "/p[1]", "/p[2]"]


def test_bad_pages_get_one_line_naming_them(tmp_path: Path) -> None:
    english = tmp_path / "english.html"
    english.write_text("<html><body><p>Only English here.</p><script>x()</script></body></html>")
    with pytest.raises(InputError, match="no translatable Arabic text"):
        read(english)
    res = run_cli("segment", english)
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert res.stderr.strip().count("\n") == 0 and str(english) in res.stderr
    mostly = tmp_path / "mostly-english.html"
    mostly.write_text("<p>" + "English words here. " * 40 + "</p><p>كلمة عربية.</p>", encoding="utf-8")
    with pytest.raises(InputError, match="does not look like an Arabic page"):
        read(mostly)
    cp1256 = tmp_path / "cp1256.html"
    cp1256.write_bytes("<p>نص عربي</p>".encode("cp1256"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        read(cp1256)
    for broken in ("<p>نص <b>بلا إغلاق", "<<p>>نص</p", "<p>نص</p></html></body><p>بعد النهاية", "<p\n"):
        page = tmp_path / "broken.html"
        page.write_text(broken, encoding="utf-8")
        try:
            read(page)
        except InputError as exc:  # a clear line is fine; a traceback is not
            assert "broken.html" in str(exc)


def test_format_by_ending_content_or_option(tmp_path: Path) -> None:
    page = tmp_path / "export.dat"
    page.write_text("<!DOCTYPE html><p>نص عربي طويل بما يكفي في صفحة.</p>", encoding="utf-8")
    assert read(page).format == "html"
    res = run_cli("segment", "--format", "text", page)
    assert res.returncode == 0 and "<p>" in res.stdout, res.stderr  # read as text when told so
    res = run_cli("segment", page)
    assert res.stdout.strip() == "نص عربي طويل بما يكفي في صفحة."


def test_place_puts_elements_around_their_translation() -> None:
    markup = Markup(
        "ترأس المؤتمر دانج هوانج جيانج في هانوي",
        (Span(13, 29, '<a href="/tags/dang">', "</a>"), Span(33, 38, "<em>", "</em>")),
    )
    placed = place(
        markup, "The conference was chaired by Dang Hoang Giang in Hanoi", ["Dang Hoang Giang", "Hanoi"]
    )
    assert placed.text == (
        'The conference was chaired by <a href="/tags/dang">Dang Hoang Giang</a> in <em>Hanoi</em>'
    )
    assert placed.unplaced == []
    # fuzzy: the element's own translation differs a little from the sentence's wording
    placed = place(markup, "Chaired by Dang Hoang Giang in the city of Hanoy", ["Dang Hoang-Giang", "Hanoi"])
    assert '<a href="/tags/dang">Dang Hoang Giang</a>' in placed.text
    # not found: appended, reported, never dropped; the text is escaped
    placed = place(markup, "Chaired by D.H.G. & others", ["Dang Hoang Giang", "Hanoi"])
    assert placed.text == (
        'Chaired by D.H.G. &amp; others <a href="/tags/dang">Dang Hoang Giang</a> <em>Hanoi</em>'
    )
    assert placed.unplaced == ['<a href="/tags/dang">', "<em>"]


def test_place_keeps_tags_nested() -> None:
    markup = Markup("أ ب ج د", (Span(0, 7, "<b>", "</b>"), Span(2, 3, "<i>", "</i>")))
    placed = place(markup, "one two three four", ["one two three four", "two"])
    assert placed.text == "<b>one <i>two</i> three four</b>"
    # an inner element whose text falls outside its placed parent is not put across the parent's tags
    markup = Markup("أ ب ج د", (Span(0, 3, "<b>", "</b>"), Span(4, 7, "<i>", "</i>")))
    placed = place(markup, "one two three four", ["one two", "two three"])
    assert placed.text.count("<b>") == 1 and placed.unplaced == ["<i>"]


@pytest.mark.parametrize(
    ("page", "gold"),
    [
        ("hanoi-convention.ar.html", "hanoi-convention.gold.tsv"),
        ("oil-market.ar.html", "seg-oil-market.gold.tsv"),
    ],
)
def test_cms_pages_give_the_gold_sentences(page: str, gold: str) -> None:
    """The pages hold the gold articles' lines in CMS markup: every gold sentence with an Arabic
    letter comes out as one sentence, in order (a table cell of digits only is left as it is)."""
    pages = Path(__file__).resolve().parent / "pages"
    gold_path = next(
        p for p in (pages.parent / "data" / gold, pages.parent.parent / "examples" / gold) if p.exists()
    )
    with gold_path.open(encoding="utf-8") as fh:
        golds = [line.split("\t")[3] for line in fh.read().splitlines() if line]
    wanted = [" ".join(g.split()) for g in golds if re.search("[\u0621-\u064a]", g)]
    page_path = pages / page if (pages / page).exists() else pages.parent.parent / "examples" / page
    got = [" ".join(s.mt_text.split()) for s in read(page_path).sentences]
    found = [g for g in got if g in wanted]
    assert found == wanted


def test_comments_and_stray_tags_inside_a_sentence_stay_in_its_msgid(tmp_path: Path) -> None:
    """Nothing of the page is dropped: what the parser ignores still travels with its sentence."""
    doc = sentences(tmp_path, "<p>نص هنا <!-- ملاحظة المحرر --> وبقية الجملة </span> حتى النهاية.</p>")
    (s,) = doc.sentences
    assert s.text == "نص هنا <!-- ملاحظة المحرر --> وبقية الجملة </span> حتى النهاية."
    assert s.mt_text == "نص هنا وبقية الجملة حتى النهاية."


def test_reading_pauses_the_collector_and_always_restores_it() -> None:
    """Readers pause the cyclic collector (speed); nested reads (Markdown's HTML blocks), reads
    in several threads (the service) and a read that fails must leave it as it was."""
    import gc
    import threading

    from tarjama.sources.inline import gc_paused
    from tarjama.sources.markdown import read_markdown_text

    page = "<p>وقال <b>الوزير</b> إن الاتفاقية مهمة.</p>"
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        read_page(page)  # a nested read ends: the outer one still holds the pause
        assert not gc.isenabled()
    assert gc.isenabled()

    assert read_markdown_text("فقرة أولى.\n\n<div><p>فقرة في HTML.</p></div>\n").pieces
    assert gc.isenabled()

    with pytest.raises(AttributeError):
        read_page(None)  # type: ignore[arg-type]
    assert gc.isenabled()

    start = threading.Barrier(4)
    seen: list[bool] = []

    def reader() -> None:
        start.wait()
        for _ in range(20):
            read_page(page * 50)
            seen.append(True)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 80 and gc.isenabled()

    gc.disable()  # a program that runs without the collector keeps it off
    try:
        read_page(page)
        assert not gc.isenabled()
    finally:
        gc.enable()


# For each locator: the text of the element Chromium's own XPath finds (null if none).
_TEXT_AT_JS = """
(paths) => paths.map((p) => {
  const node = document.evaluate(p, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null)
    .singleNodeValue;
  if (node === null) return null;
  return Array.from(node.childNodes).filter((c) => c.nodeType === Node.TEXT_NODE)
    .map((c) => c.data).join("");
})
"""


@pytest.mark.parametrize("wrapper", ["<!doctype html><html><body>", ""])
def test_locators_find_their_element_in_chromium_on_runaway_nesting(
    wrapper: str, browser, tmp_path: Path
) -> None:
    """A second <body> (pages pasted together) and 700 unclosed <div>s: every sentence's
    locator, evaluated by Chromium's XPath on Chromium's own tree, finds the element whose
    text the sentence is. Chromium builds no deeper than 512 elements; the reader follows."""
    page = (
        wrapper
        + "<p>مقدمة المقال الأولى.</p><body class='pasted'><p>فقرة بعد وسم ثان.</p>"
        + "".join(f"<div>الفقرة {k} في عمق الصفحة." for k in range(700))
    )
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    pieces = read_page(page).pieces
    assert len(pieces) == 702
    # a fragment's locators start inside the body the browser gives it
    xpaths = [where if wrapper else f"/html/body{where}" for _, where in pieces]
    texts = browser.evaluate(path, _TEXT_AT_JS, xpaths)
    misses = [
        (where, piece.text)
        for (piece, where), text in zip(pieces, texts, strict=True)
        if piece.text not in (text or "")
    ]
    assert not misses, misses[:3]
    assert max(where.count("/") for _, where in pieces) <= 513  # bounded: no 700-step locators
