"""Kinds a translator recognises: datelines, bylines, credits, the page title and the page around
the article (menus, tag lists, reader comments), in text, HTML and Markdown articles.

Every article below is written for this test in the style of a different kind of outlet (a Saudi
paper quoting SPA, a Jordanian one with dpa copy and reader comments, an Egyptian one with MENA,
a Moroccan one with AFP, an Emirati one with WAM, an Iraqi one with a Hijri date); none is taken
from the corpus. The look-alikes are body sentences that share a shape with page furniture.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from tarjama.cli import main
from tarjama.sources import TRANSLATABLE, Kind, read
from tarjama.sources.segment import segment

B = Kind.BODY

# (line, kind) in order: each article is the lines joined, its expected kinds line by line
TEXT_ARTICLES = {
    "saudi-spa": [
        ("أمير الرياض يدشن مشروعات تنموية جديدة", B),
        ("المواطن - واس", Kind.DATELINE),
        ("دشن أمير منطقة الرياض، اليوم، عددا من المشروعات التنموية بتكلفة تتجاوز 2.5 مليار ريال.", B),
        ("وأكد أن هذه المشروعات تأتي ضمن خطة لتطوير البنية التحتية في المنطقة.", B),
    ],
    "jordan-dpa-comments": [
        ("ارتفاع أسعار الوقود في الأردن للشهر الثالث", B),
        ("عمّان - 12 كانون الأول", Kind.DATELINE),
        ("بقلم: ليلى الحسيني", Kind.BYLINE),
        ("قررت لجنة تسعير المشتقات النفطية رفع أسعار البنزين بنسبة 3 بالمئة.", B),
        ("وقال مسؤول في الوزارة إن القرار يعكس ارتفاع الأسعار العالمية.", B),
        ("(د ب أ)", Kind.CREDIT),
        ("تعليقات القراء", Kind.BOILERPLATE),
        ("أبو محمد", Kind.BOILERPLATE),
        ("الله يعين الناس، الأسعار نار. متى ستنخفض؟", Kind.BOILERPLATE),
        ("سامي من إربد", Kind.BOILERPLATE),
        ("مقال ممتاز، شكرا للكاتبة.", Kind.BOILERPLATE),
    ],
    "egypt-mena": [
        ("الحكومة تعلن خطة جديدة للنقل العام", B),
        ("كتب - محمد عبد الرحمن", Kind.BYLINE),
        ("القاهرة، الأحد 7 ديسمبر 2025 (أ ش أ)", Kind.DATELINE),
        ("أعلنت وزارة النقل، اليوم الأحد، عن خطة لتطوير شبكة الحافلات في العاصمة. وتشمل الخطة 500 حافلة.", B),
        ("وأوضح الوزير أن التنفيذ يبدأ مطلع العام المقبل.", B),
        ("تعليق (0)", Kind.BOILERPLATE),
    ],
    "morocco-afp": [
        ("المغرب يطلق برنامجا لتحلية مياه البحر", B),
        ("الرباط، 5 جوان 2025 (أ.ف.ب) -", Kind.DATELINE),
        ("أطلق المغرب برنامجا وطنيا لتحلية مياه البحر لمواجهة الجفاف الذي يضرب البلاد منذ ست سنوات.", B),
        ("ويهدف البرنامج إلى إنتاج مليار متر مكعب سنويا بحلول عام 2030.", B),
        ("أ ف ب", Kind.CREDIT),
    ],
    "emirates-wam": [
        ("الإمارات تستضيف قمة دولية للطاقة المتجددة", B),
        ("أبوظبي - وام", Kind.DATELINE),
        ("تستضيف العاصمة أبوظبي الأسبوع المقبل قمة دولية يشارك فيها وزراء من أكثر من 40 دولة.", B),
        ("وتناقش القمة سبل تسريع التحول نحو مصادر الطاقة النظيفة!", B),
        ("إعداد: فريق التحرير", Kind.BYLINE),
        ("(وكالات)", Kind.CREDIT),
    ],
    "iraq-hijri": [
        ("البرلمان العراقي يصوت على قانون الموازنة", B),
        ("الخميس 12 جمادى الأولى 1447 هـ", Kind.DATELINE),
        ("بغداد / متابعات", Kind.DATELINE),
        ("صوت مجلس النواب العراقي، اليوم الخميس، على قانون الموازنة العامة للعام المقبل بعد جلسة طويلة.", B),
        ("وقال رئيس اللجنة المالية إن الموازنة تتضمن زيادة في رواتب الموظفين.", B),
        ("آراء القراء", Kind.BOILERPLATE),
        ("قانون جيد لكنه متأخر كثيرا.", Kind.BOILERPLATE),
    ],
    "london-reuters": [
        ("بريطانيا ترفع سعر الفائدة للمرة الرابعة", B),
        ("لندن - «رويترز»", Kind.DATELINE),
        ("بواسطة سارة جونز", Kind.BYLINE),
        ("رفع بنك إنجلترا سعر الفائدة الرئيسي ربع نقطة مئوية إلى 5.25 بالمئة يوم الخميس.", B),
        ("وكان معظم الاقتصاديين قد توقعوا هذه الخطوة.", B),
        ("(رويترز)", Kind.CREDIT),
    ],
}

# Body sentences that look like furniture: each stays body where it stands.
LOOKALIKES = [
    ("مصر - السودان", B),  # a headline with a dash: no date, no agency shape, first line
    ("القاهرة - أعلنت وزارة الصحة المصرية اليوم عن تسجيل 120 إصابة جديدة بالإنفلونزا.", B),
    ("وقال الوزير (في مؤتمر صحفي عقده بالعاصمة) إن الحكومة ستواصل دعم الأسعار.", B),
    ("غزة - تحت القصف", B),  # a subheading between paragraphs of the body
    ("كتب الرئيس رسالة إلى نظيره الفرنسي يدعوه فيها إلى الحوار.", B),
    ("تعليقات الوزير أثارت جدلا واسعا في البرلمان.", B),
    ("وأشار التقرير إلى أن (د ب أ) نقلت عن مصادر أن الاجتماع تأجل.", B),
    ("12 ديسمبر", B),  # a date alone in the middle of the body
    ("وأضاف أن الأسعار ستبقى مستقرة حتى نهاية العام.", B),
    ("(الدولار = 3.75 ريال)", B),  # a parenthesised note after the body: digits, not an agency
]


def _kinds_of(text: str) -> dict[str, Kind]:
    return {s.text: s.kind for s in segment(text)}


def _line_kinds(text: str) -> list[Kind]:
    """The kind of each line (all sentences of one line share it)."""
    by_line: dict[int, set[Kind]] = {}
    for s in segment(text):
        by_line.setdefault(s.line, set()).add(s.kind)
    assert all(len(k) == 1 for k in by_line.values()), by_line
    return [by_line[n].pop() for n in sorted(by_line)]


def _arabic(text: str) -> list[str]:
    return re.findall("[\u0621-\u064a]", text)


@pytest.mark.parametrize("name", sorted(TEXT_ARTICLES))
def test_text_articles_of_many_outlets_get_their_kinds(name: str) -> None:
    lines = TEXT_ARTICLES[name]
    text = "\n".join(line for line, _ in lines) + "\n"
    assert _line_kinds(text) == [kind for _, kind in lines]
    # nothing dropped: every Arabic letter is in some sentence, in order
    assert _arabic("".join(s.text for s in segment(text))) == _arabic(text)


def test_furniture_lines_are_one_entry_each() -> None:
    """A dateline, byline or credit is not split at its abbreviation periods."""
    text = "عنوان الخبر هنا\nبقلم: د. أحمد م. الخطيب\nنص الخبر الأول طويل بما يكفي هنا.\n(أ.ف.ب)\n"
    assert _kinds_of(text) == {
        "عنوان الخبر هنا": B,
        "بقلم: د. أحمد م. الخطيب": Kind.BYLINE,
        "نص الخبر الأول طويل بما يكفي هنا.": B,
        "(أ.ف.ب)": Kind.CREDIT,
    }


def test_lookalikes_stay_body() -> None:
    body = LOOKALIKES[1:3] + LOOKALIKES[3:8] + LOOKALIKES[8:]
    text = "\n".join([LOOKALIKES[0][0], *(line for line, _ in body)]) + "\n"
    assert set(_line_kinds(text)) == {B}


def test_a_comment_counter_before_the_body_opens_no_comments() -> None:
    """Reader comments follow the article: a counter by the headline is itself boilerplate, and the
    body after it stays body."""
    text = (
        "وزير المالية يعرض الموازنة\nتعليقات (5)\nعرض وزير المالية مشروع الموازنة أمام البرلمان اليوم.\n"
        "وقال إن العجز سينخفض إلى 3 بالمئة.\n"
    )
    assert _line_kinds(text) == [B, Kind.BOILERPLATE, B, B]


def test_a_dateline_inside_the_first_sentence_stays_in_it() -> None:
    """``الرياض، 6 أكتوبر (رويترز) - ارتفعت ...``: the dateline opens the body's first sentence,
    which is one entry, as the segmentation gold has it."""
    text = "عنوان\nالرياض، 6 أكتوبر (رويترز) - ارتفعت أسعار النفط يوم الاثنين بنحو 2.5 بالمئة.\n"
    assert _line_kinds(text) == [B, B]


def test_only_body_caption_alt_title_byline_and_dateline_go_to_the_model() -> None:
    assert {Kind.BYLINE, Kind.DATELINE, Kind.TITLE} <= TRANSLATABLE
    assert Kind.CREDIT not in TRANSLATABLE and Kind.BOILERPLATE not in TRANSLATABLE


# --- HTML ---------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>ارتفاع أسعار الوقود في الأردن | صحيفة الغد</title></head>
<body class="single has-sidebar">
<div class="top-links"><a href="/">الرئيسية</a> | <a href="/local">محليات</a> | <a href="/sport">رياضة</a></div>
<div class="page-with-related"><main>
<article>
  <h1>ارتفاع أسعار الوقود في الأردن للشهر الثالث</h1>
  <p class="byline">بقلم: ليلى الحسيني</p>
  <div class="post-date">الخميس 12 كانون الأول 2025</div>
  <p>عمّان - 12 كانون الأول</p>
  <p>قررت لجنة تسعير المشتقات النفطية رفع أسعار البنزين بنسبة 3 بالمئة.</p>
  <p>القاهرة - أعلنت وزارة الصحة المصرية اليوم عن تسجيل 120 إصابة جديدة.</p>
  <p><a href="/report.pdf">التقرير الكامل للجنة تسعير المشتقات النفطية</a></p>
  <p>وقال مسؤول (في تصريح صحفي) إن القرار يعكس ارتفاع الأسعار العالمية.</p>
  <p>(د ب أ)</p>
  <address>ليلى الحسيني، مراسلة الصحيفة في عمّان</address>
  <ul class="post-tags"><li><a href="/tag/fuel">الوقود</a></li><li><a href="/tag/jordan">الأردن</a></li></ul>
</article>
<aside class="fact-box"><p>ارتفعت أسعار الوقود ثلاث مرات هذا العام.</p></aside>
<aside><ul><li><a href="/a">الأردن يرفع أسعار الكهرباء</a></li><li><a href="/b">تراجع التضخم</a></li></ul></aside>
<p><a rel="tag" href="/tag/x">اقتصاد</a>، <a rel="tag" href="/tag/y">طاقة</a></p>
<section id="comments"><h3>تعليقات القراء</h3><p>أبو محمد: الله يعين الناس.</p></section>
<div class="widget most-read"><a href="/c">الأكثر قراءة اليوم</a></div>
</main></div>
</body></html>
"""


def _page_kinds(tmp_path: Path, page: str, name: str = "page.html") -> dict[str, Kind]:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    doc = read(path)  # the reader refuses a page with a letter left out of every sentence
    return {s.mt_text: s.kind for s in doc.sentences}


def test_html_structure_and_shapes_give_kinds(tmp_path: Path) -> None:
    assert _page_kinds(tmp_path, PAGE) == {
        "ارتفاع أسعار الوقود في الأردن | صحيفة الغد": Kind.TITLE,
        "الرئيسية | محليات | رياضة": Kind.BOILERPLATE,  # a row of banner links outside <main>
        "ارتفاع أسعار الوقود في الأردن للشهر الثالث": B,
        "بقلم: ليلى الحسيني": Kind.BYLINE,
        "الخميس 12 كانون الأول 2025": Kind.DATELINE,
        "عمّان - 12 كانون الأول": Kind.DATELINE,
        "قررت لجنة تسعير المشتقات النفطية رفع أسعار البنزين بنسبة 3 بالمئة.": B,
        "القاهرة - أعلنت وزارة الصحة المصرية اليوم عن تسجيل 120 إصابة جديدة.": B,
        "التقرير الكامل للجنة تسعير المشتقات النفطية": B,  # a link paragraph inside the article
        "وقال مسؤول (في تصريح صحفي) إن القرار يعكس ارتفاع الأسعار العالمية.": B,
        "(د ب أ)": Kind.CREDIT,
        "ليلى الحسيني، مراسلة الصحيفة في عمّان": Kind.BYLINE,
        "الوقود": Kind.BOILERPLATE,
        "الأردن": Kind.BOILERPLATE,
        "ارتفعت أسعار الوقود ثلاث مرات هذا العام.": B,  # an aside's prose is the article's
        "الأردن يرفع أسعار الكهرباء": Kind.BOILERPLATE,  # an aside's list of links is not
        "تراجع التضخم": Kind.BOILERPLATE,
        "اقتصاد، طاقة": Kind.BOILERPLATE,  # rel=tag
        "تعليقات القراء": Kind.BOILERPLATE,
        "أبو محمد: الله يعين الناس.": Kind.BOILERPLATE,
        "الأكثر قراءة اليوم": Kind.BOILERPLATE,
    }


def test_a_fragment_without_main_keeps_its_link_paragraphs(tmp_path: Path) -> None:
    """A CMS fragment marks no content: a paragraph that is one link is still the article's."""
    page = "<h2>عنوان</h2><p>نص الخبر الأول هنا طويل بما يكفي.</p><p><a href='/x'>التقرير الكامل هنا</a></p>"
    kinds = _page_kinds(tmp_path, page)
    assert kinds["التقرير الكامل هنا"] is B


def test_html_roles_and_class_words(tmp_path: Path) -> None:
    page = (
        '<div role="banner"><p>صحيفة المساء</p></div>'
        '<div class="sidebarWidget"><p>اشترك في النشرة البريدية</p></div>'
        "<article><p>نص الخبر الأول هنا طويل بما يكفي للقراءة.</p>"
        '<p class="entry-dateline">دبي - وام</p><p class="article-header">عنوان جانبي</p></article>'
        '<div id="disqus_thread"><p>تعليق قارئ على الخبر.</p></div>'
    )
    assert _page_kinds(tmp_path, page) == {
        "صحيفة المساء": Kind.BOILERPLATE,
        "اشترك في النشرة البريدية": Kind.BOILERPLATE,  # camel case: sidebar, widget
        "نص الخبر الأول هنا طويل بما يكفي للقراءة.": B,
        "دبي - وام": Kind.DATELINE,
        "عنوان جانبي": B,  # "header" in article-header is no banner
        "تعليق قارئ على الخبر.": Kind.BOILERPLATE,
    }


# --- Markdown ---------------------------------------------------------------------

MARKDOWN = """# المغرب يطلق برنامجا لتحلية مياه البحر

**الرباط، 5 جوان 2025 (أ.ف.ب)**

كتب: يوسف العلمي

أطلق المغرب برنامجا وطنيا لتحلية مياه البحر لمواجهة الجفاف الذي يضرب البلاد منذ ست سنوات.

الرباط - ويهدف البرنامج إلى إنتاج مليار متر مكعب سنويا بحلول عام 2030.

(أ ف ب)

## التعليقات

- رشيد: خطوة ممتازة.
- سعاد: متأخرة جدا
"""


def test_markdown_article_kinds(tmp_path: Path) -> None:
    assert _page_kinds(tmp_path, MARKDOWN, "story.md") == {
        "المغرب يطلق برنامجا لتحلية مياه البحر": B,
        "الرباط، 5 جوان 2025 (أ.ف.ب)": Kind.DATELINE,
        "كتب: يوسف العلمي": Kind.BYLINE,
        "أطلق المغرب برنامجا وطنيا لتحلية مياه البحر لمواجهة الجفاف الذي يضرب البلاد منذ ست سنوات.": B,
        "الرباط - ويهدف البرنامج إلى إنتاج مليار متر مكعب سنويا بحلول عام 2030.": B,
        "(أ ف ب)": Kind.CREDIT,
        "التعليقات": Kind.BOILERPLATE,
        "رشيد: خطوة ممتازة.": Kind.BOILERPLATE,
        "سعاد: متأخرة جدا": Kind.BOILERPLATE,
    }


# --- the PO ---------------------------------------------------------------------------


def test_the_po_says_what_each_entry_is_and_leaves_credit_and_comments_to_the_translator(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = TEXT_ARTICLES["jordan-dpa-comments"]
    article = tmp_path / "fuel.ar.txt"
    article.write_text("\n".join(line for line, _ in lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["translate", article.name, "--model", str(tiny_model), "--out", "out"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(tmp_path / "out" / "en" / "LC_MESSAGES" / "fuel.po"))
    entries = {e.msgid: e for e in po}
    sentences = segment(article.read_text(encoding="utf-8"))
    assert {s.kind for s in sentences} == {k for _, k in lines}
    for s in sentences:
        line, kind = s.text, s.kind
        entry = entries[line]
        notes = entry.comment.splitlines()
        assert (f"kind: {kind}" in notes) == (kind is not B), (line, notes)
        if kind in TRANSLATABLE:
            assert entry.msgstr and any(n.startswith("mt: ") for n in notes), line
        else:  # kept for the translator, never machine-translated
            assert entry.msgstr == "" and "fixed: not machine-translated" in notes, line
            assert not any(n.startswith("mt: ") for n in notes), line


def test_link_rows_are_judged_where_they_start(tmp_path: Path) -> None:
    """Links standing right in <main>, <aside> or role=main (no block around them) are judged by
    the element they are in; a headline that is a link stays the headline."""
    page = (
        "<h1><a href='/story'>عنوان الخبر الرئيسي</a></h1>"
        "<div role='main'><a href='/report'>التقرير الكامل للجنة</a><p>نص الخبر الأول هنا طويل بما يكفي.</p></div>"
        "<aside><a href='/x'>خبر ذو صلة</a></aside>"
        "<div><a href='/'>الرئيسية</a> · <a href='/y'>اتصل بنا</a></div>"
    )
    assert _page_kinds(tmp_path, page) == {
        "عنوان الخبر الرئيسي": B,
        "التقرير الكامل للجنة": B,
        "نص الخبر الأول هنا طويل بما يكفي.": B,
        "خبر ذو صلة": Kind.BOILERPLATE,
        "الرئيسية · اتصل بنا": Kind.BOILERPLATE,
    }


def test_headline_labels_are_no_bylines() -> None:
    """``تقرير:``/``حوار:`` opening the headline label it; a byline names someone, with no figure."""
    text = (
        "تقرير: 40 بالمئة من الشباب بلا عمل\nحوار - أحمد سامي\n"
        "كتب: سامر الخطيب\nتقرير: نسبة البطالة 40 بالمئة\n"
        "أظهر تقرير رسمي أن نسبة البطالة بين الشباب بلغت 40 بالمئة هذا العام.\n"
    )
    assert _line_kinds(text) == [B, Kind.BYLINE, Kind.BYLINE, B, B]
