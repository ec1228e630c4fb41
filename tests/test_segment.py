"""The segmenter against the gold files, and one real example for every rule it has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarjama.evaluation.segmentation import read_gold, score
from tarjama.sources.segment import Kind, segment
from tests.conftest import EXAMPLE, GOLD_TSV, ROOT, run_cli

DATA = ROOT / "tests" / "data"
GOLD_FILES = [GOLD_TSV, *sorted(DATA.glob("seg-*.gold.tsv")), *sorted(DATA.glob("seg-*.lines.txt"))]


def texts(article: str) -> list[str]:
    return [s.text for s in segment(article)]


def test_there_are_new_gold_files_beside_the_example() -> None:
    assert len(GOLD_FILES) >= 4
    assert sum(len(read_gold(p).spans) for p in GOLD_FILES[1:]) >= 80


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_targets(path: Path) -> None:
    gold = read_gold(path)
    sentences = segment(gold.text)
    result = score(gold, [(s.start, s.end) for s in sentences], [s.kind for s in sentences])
    assert result.f1 >= 0.99, result
    assert result.exact_accuracy >= 0.97, result
    if gold.kinds is not None:  # TSV gold also fixes each sentence's kind
        assert result.kinds_right == result.exact, result


def test_offsets_index_the_article() -> None:
    article = EXAMPLE.read_text(encoding="utf-8")
    sentences = segment(article)
    assert [s.n for s in sentences] == list(range(1, len(sentences) + 1))
    for s in sentences:
        assert article[s.start : s.end] == s.text
        assert article.count("\n", 0, s.start) + 1 == s.line


# One real example per rule: (article text, expected sentences).
RULES = {
    "full stop, question marks, exclamation, runs": (
        "انتهى الاجتماع. هل نجح؟ نعم! أليس كذلك؟! بالطبع?",
        ["انتهى الاجتماع.", "هل نجح؟", "نعم!", "أليس كذلك؟!", "بالطبع?"],
    ),
    "ellipsis ends a sentence outside quotes": (
        "وهبطت الأسعار إلى أدنى مستوى منذ 2021… وقد تعافت منذ ذلك الحين... ثم استقرت.",
        ["وهبطت الأسعار إلى أدنى مستوى منذ 2021…", "وقد تعافت منذ ذلك الحين...", "ثم استقرت."],
    ),
    "Arabic comma, semicolon and colon never end a sentence": (
        "وقال الوزير، في مؤتمر صحفي؛ إن الحكومة قررت: رفع الأجور.",
        ["وقال الوزير، في مؤتمر صحفي؛ إن الحكومة قررت: رفع الأجور."],
    ),
    "straight quotes: split only between quoted sentences": (
        'وقال مسؤول أمني: "لقد أوقفنا ١٥٠ مشتبها بهم. وسنواصل الحملة". وأضاف أن التحقيق مستمر.',
        ['وقال مسؤول أمني: "لقد أوقفنا ١٥٠ مشتبها بهم.', 'وسنواصل الحملة".', "وأضاف أن التحقيق مستمر."],
    ),
    "guillemets with an ellipsis inside: a pause, not an end": (
        "وقال حواس: «لم نرَ مثلها منذ عقود… حقًّا!» ثم غادر.",
        ["وقال حواس: «لم نرَ مثلها منذ عقود… حقًّا!»", "ثم غادر."],
    ),
    "curly quotes closed by a question and a reporting verb": (
        "وتساءل الباحث: “هل نعرف كيف بُنيت؟” مضيفا أن الإجابة ناقصة. وانتهى اللقاء.",
        ["وتساءل الباحث: “هل نعرف كيف بُنيت؟” مضيفا أن الإجابة ناقصة.", "وانتهى اللقاء."],
    ),
    "a quoted question followed by its speaker": (
        '"هل هذا آخر الاكتشافات؟" تساءل أحد الصحفيين. فأجاب الوزير: "لا!"',
        ['"هل هذا آخر الاكتشافات؟" تساءل أحد الصحفيين.', 'فأجاب الوزير: "لا!"'],
    ),
    "a terminator closing a parenthetical inside a sentence": (
        "بدأت الحفريات في سبتمبر (وهو الموسم الثالث!) واستمرت ستة أسابيع. وشارك فيها فريق.",
        ["بدأت الحفريات في سبتمبر (وهو الموسم الثالث!) واستمرت ستة أسابيع.", "وشارك فيها فريق."],
    ),
    "a parenthesised sentence": (
        "انتهى الاجتماع. (وقد نفى المتحدث ذلك.) وغادر الوفد.",
        ["انتهى الاجتماع.", "(وقد نفى المتحدث ذلك.)", "وغادر الوفد."],
    ),
    "photo credit in parentheses joins the sentence before": (
        "صحفيون أثناء عملهم في المؤتمر الصحفي. (تصوير: نجوين هونغ)",
        ["صحفيون أثناء عملهم في المؤتمر الصحفي. (تصوير: نجوين هونغ)"],
    ),
    "dash credit joins the sentence before": (
        "منصة نفطية في بحر الشمال. - الصورة: رويترز",
        ["منصة نفطية في بحر الشمال. - الصورة: رويترز"],
    ),
    "closing parenthetical note joins the sentence before": (
        "وبلغت التكلفة 9.4 مليار ريال. (الدولار = 3.75 ريال)",
        ["وبلغت التكلفة 9.4 مليار ريال. (الدولار = 3.75 ريال)"],
    ),
    "decimal and thousands separators": (
        "وبلغ الإنتاج 100.000 برميل بتكلفة 2.500 مليون دولار ونمو 3.5 بالمئة. وارتفع السهم.",
        ["وبلغ الإنتاج 100.000 برميل بتكلفة 2.500 مليون دولار ونمو 3.5 بالمئة.", "وارتفع السهم."],
    ),
    "Eastern Arabic digits": (
        "ونما الطلب ١٫٣ مليون برميل و٠.٧ مليون في عام ٢٠٢٦. وتجاوز عدد البلاغات ١٠٠.٠٠٠ بلاغ.",
        ["ونما الطلب ١٫٣ مليون برميل و٠.٧ مليون في عام ٢٠٢٦.", "وتجاوز عدد البلاغات ١٠٠.٠٠٠ بلاغ."],
    ),
    "a sentence ending in a number before one starting with a number": (
        "وفي عام 2000. 15 شخصا فقط نجوا.",
        ["وفي عام 2000.", "15 شخصا فقط نجوا."],
    ),
    "dates with month pairs and day ranges": (
        "تلقت فيتنام، حتى 6 أكتوبر/تشرين الأول، تأكيدات. ويعقد الاجتماع يومي 25-26 نوفمبر/تشرين الثاني.",
        ["تلقت فيتنام، حتى 6 أكتوبر/تشرين الأول، تأكيدات.", "ويعقد الاجتماع يومي 25-26 نوفمبر/تشرين الثاني."],
    ),
    "Arabic one-letter abbreviations": (
        "وقال د. محمد خالد إن م. أحمد سلم التقرير، ص. 45، لوكالة أ.ف.ب. وانتهى اللقاء.",
        ["وقال د. محمد خالد إن م. أحمد سلم التقرير، ص. 45، لوكالة أ.ف.ب. وانتهى اللقاء."],
    ),
    "an abbreviation with a proclitic written on is still an abbreviation": (
        "حضر اللقاء م. خالد العمر، وم. سامي الحسن، مدير الشركة. وتحدث ود. سمير فد. علي"
        " ولد. هالة وأ.د. كمال وكم. رامي وبم. سعيد عن الخطة. ثم شكر وم.خالد الحضور.",
        [
            "حضر اللقاء م. خالد العمر، وم. سامي الحسن، مدير الشركة.",
            "وتحدث ود. سمير فد. علي ولد. هالة وأ.د. كمال وكم. رامي وبم. سعيد عن الخطة.",
            "ثم شكر وم.خالد الحضور.",
        ],
    ),
    "a preposition with its pronoun, لا and في are words: they end a sentence": (
        "وقال إن الأمر يعود له. فأجاب: لا. وشكره عليه وعلى ثقته بك. ووصل الوفد. وانتهى.",
        ["وقال إن الأمر يعود له.", "فأجاب: لا.", "وشكره عليه وعلى ثقته بك.", "ووصل الوفد.", "وانتهى."],
    ),
    "eras: BC, AH, and AD after a year": (
        "تعود المقبرة إلى 2400 ق.م. وتعود الطبقة العليا إلى عام 250 هـ. وهذه ثالث مقبرة منذ عام 2020 م. وتعمل البعثة.",
        [
            "تعود المقبرة إلى 2400 ق.م.",
            "وتعود الطبقة العليا إلى عام 250 هـ.",
            "وهذه ثالث مقبرة منذ عام 2020 م.",
            "وتعمل البعثة.",
        ],
    ),
    "BC inside a sentence": (
        "مقبرة من عصر الأسرة الخامسة (نحو 2400 ق.م) في سقارة.",
        ["مقبرة من عصر الأسرة الخامسة (نحو 2400 ق.م) في سقارة."],
    ),
    "Latin abbreviations and initials": (
        "وكتب Peter J. Collins في U.S. News أن Dr. Weber نشرت في Vol. 111, No. 2 دراسة. وانتهى.",
        ["وكتب Peter J. Collins في U.S. News أن Dr. Weber نشرت في Vol. 111, No. 2 دراسة.", "وانتهى."],
    ),
    "Latin abbreviation inside an Arabic sentence": (
        "ويرى محللون في Goldman Sachs Group Inc. أن ذلك مرجح.",
        ["ويرى محللون في Goldman Sachs Group Inc. أن ذلك مرجح."],
    ),
    "URLs and e-mail addresses, also at a sentence end": (
        "راجع الموقع www.opec.org أو راسل press@opec.org. والتقرير على https://www.iea.org/r/oil.v2?lang=ar. وانتهى.",
        [
            "راجع الموقع www.opec.org أو راسل press@opec.org.",
            "والتقرير على https://www.iea.org/r/oil.v2?lang=ar.",
            "وانتهى.",
        ],
    ),
    "Latin names and acronyms ending a sentence": (
        "حذّر مكتب الأمم المتحدة (UNODC). وافتتح المركز في المبنى A05. (تصوير: ليلى منصور)",
        ["حذّر مكتب الأمم المتحدة (UNODC).", "وافتتح المركز في المبنى A05. (تصوير: ليلى منصور)"],
    ),
    "diacritics and tatweel": (
        "وقــال الوزيـــر إنّه كشفٌ مُهمّ جدًّا. ولم نرَ مثله.",
        ["وقــال الوزيـــر إنّه كشفٌ مُهمّ جدًّا.", "ولم نرَ مثله."],
    ),
    "a period glued to the next word": (
        "ووقعت أكبر الهجمات في الربع الأول.وقال المكتب إن الضحايا كثر.",
        ["ووقعت أكبر الهجمات في الربع الأول.", "وقال المكتب إن الضحايا كثر."],
    ),
    "bidi marks between sentences": (
        "وانتهى الاجتماع.\u200f وغادر الوفد.",
        ["وانتهى الاجتماع.", "وغادر الوفد."],
    ),
    "headings without punctuation end at the line end": (
        "## توقعات أوبك+\nاكتشاف مقبرة فرعونية جديدة\nوقال الوزير إن الكشف مهم.",
        ["توقعات أوبك+", "اكتشاف مقبرة فرعونية جديدة", "وقال الوزير إن الكشف مهم."],
    ),
    "lists: bullets dropped, numbers kept": (
        "وتشمل الأساليب:\n- الاستثمار الوهمي.\n- عروض العمل المزيفة\n1. تعزيز التعاون.",
        ["وتشمل الأساليب:", "الاستثمار الوهمي.", "عروض العمل المزيفة", "1. تعزيز التعاون."],
    ),
    "markdown tables: one segment a cell, rule rows dropped": (
        "| الخام | الإغلاق |\n|---|:---:|\n| برنت | 84.25 |",
        ["الخام", "الإغلاق", "برنت", "84.25"],
    ),
    "markdown images dropped, caption kept": (
        "![صورة](https://example.com/img/a05.png) مركز المراقبة. (تصوير: ليلى)\n![]() |\nنص الصورة. |",
        ["مركز المراقبة. (تصوير: ليلى)", "نص الصورة."],
    ),
}


@pytest.mark.parametrize(("article", "expected"), RULES.values(), ids=RULES.keys())
def test_rule(article: str, expected: list[str]) -> None:
    assert texts(article) == expected


def test_kinds_from_page_layout() -> None:
    article = (
        "![](https://x.example/a.jpg)\n"
        "جانب من النقوش. (تصوير: أحمد حسن)\n"
        "| الخام | الإغلاق |\n"
        "|---|---|\n"
        "| برنت | 84.25 |\n"
        "الصورة: وزارة السياحة والآثار\n"
        "المصدر: https://www.youm7.com/story/2025/10/12/saqqara.html\n"
        "اقرأ أيضاً: السعودية ترفع الأسعار. الإمارات تزيد الإنتاج\n"
        "تعليقات (٣)"
    )
    assert [(s.kind, s.text) for s in segment(article)] == [
        (Kind.CAPTION, "جانب من النقوش. (تصوير: أحمد حسن)"),
        (Kind.BODY, "الخام"),
        (Kind.BODY, "الإغلاق"),
        (Kind.BODY, "برنت"),
        (Kind.BODY, "84.25"),
        (Kind.CAPTION, "الصورة: وزارة السياحة والآثار"),
        (Kind.SOURCE, "المصدر: https://www.youm7.com/story/2025/10/12/saqqara.html"),
        (Kind.BOILERPLATE, "اقرأ أيضاً: السعودية ترفع الأسعار. الإمارات تزيد الإنتاج"),
        (Kind.BOILERPLATE, "تعليقات (٣)"),
    ]


def test_cli_lines_and_json(tmp_path: Path) -> None:
    article = tmp_path / "a.ar.txt"
    article.write_text("# عنوان الخبر\nقال د. أحمد إن النمو 3.5 بالمئة. وانتهى.\nتعليق (0)", encoding="utf-8")
    plain = run_cli("segment", article)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.splitlines() == [
        "عنوان الخبر",
        "قال د. أحمد إن النمو 3.5 بالمئة.",
        "وانتهى.",
        "تعليق (0)",
    ]
    js = run_cli("segment", "--json", article)
    assert js.returncode == 0, js.stderr
    records = [json.loads(line) for line in js.stdout.splitlines()]
    text = article.read_text(encoding="utf-8")
    assert [r["kind"] for r in records] == ["body", "body", "body", "boilerplate"]
    assert [r["n"] for r in records] == [1, 2, 3, 4]
    assert all(text[r["start"] : r["end"]] == r["text"] for r in records)
    assert set(records[0]) == {"n", "start", "end", "kind", "text", "where", "plain"}
    assert records[0]["where"] == "1" and records[0]["plain"] == records[0]["text"]  # text: line, no markup


def test_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin.txt"
    bad.write_text("Hello world. Nothing Arabic here.", encoding="utf-8")
    result = run_cli("segment", bad)
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"tarjama: error: {bad}: no Arabic text found"]
