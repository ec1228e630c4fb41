"""Readers leave nothing out silently. Markdown nested deep is read to the end, or refused in one
line naming the line; never a file whose text after markdown-it's nesting limit vanishes. The
general rule behind it, for the Markdown and the HTML reader: every Arabic letter of the file is
in a sentence, in markup kept as written, or in a part the reader sets aside on purpose, or the
file is refused naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.errors import InputError
from tarjama.sources import markdown as md_reader
from tarjama.sources import read

AFTER = ["فقرة أولى بعد القائمة.", "فقرة ثانية بعد القائمة."]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deep.md"
    path.write_text(text, encoding="utf-8")
    return path


def texts(path: Path) -> list[str]:
    return [s.text for s in read(path).sentences]


def test_thirty_nested_list_items_then_two_paragraphs_are_all_read(tmp_path: Path) -> None:
    items = [f"بند رقم {i} في القائمة." for i in range(30)]
    text = "".join(f"{'  ' * i}- {item}\n" for i, item in enumerate(items)) + "\n" + "\n\n".join(AFTER) + "\n"
    assert texts(write(tmp_path, text)) == [*items, *AFTER]


def test_a_hundred_and_fifty_nested_quotes_then_a_paragraph_are_all_read(tmp_path: Path) -> None:
    text = ">" * 150 + " نص عربي مقتبس في العمق.\n\n" + AFTER[0] + "\n"
    assert texts(write(tmp_path, text)) == ["نص عربي مقتبس في العمق.", AFTER[0]]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (">" * 20_000 + " نص عربي مقتبس.\n\n" + AFTER[0] + "\n", 1),
        (">" * 200_000 + " نص عربي مقتبس.\n", 1),
        ("مقدمة الخبر.\n\n" + "- " * 20_000 + "بند.\n\n" + AFTER[0] + "\n", 3),
        ("مقدمة الخبر.\n\n" + "".join(f"{'  ' * i}- بند {i}.\n" for i in range(150)) + "\n" + AFTER[0], 102),
    ],
    ids=["20k quotes", "200k quotes", "20k list markers", "150 indented lists"],
)
def test_nesting_past_what_is_read_is_refused_in_one_line_naming_the_line(
    tmp_path: Path, text: str, line: int
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {line}: blockquotes or lists nested deeper than 200 levels")
    assert "\n" not in message


def test_a_block_the_reader_cannot_map_refuses_the_file_naming_its_line(tmp_path: Path, monkeypatch) -> None:
    """Whatever the reader fails to read (here: a block it could not map back to the file) is
    refused, not dropped; before, such a block was left out and the rest written."""
    text = "الفقرة الأولى سليمة.\n\nفقرة **ثانية** لا تقرأ.\n\nالفقرة الثالثة سليمة.\n"
    path = write(tmp_path, text)
    assert len(texts(path)) == 3
    run = md_reader._Walk.run

    def fails_on_the_second(self, children, src, base):
        if "ثانية" in src:
            raise md_reader._Unmapped
        return run(self, children, src, base)

    monkeypatch.setattr(md_reader._Walk, "run", fails_on_the_second)
    with pytest.raises(InputError, match=r"deep\.md: line 3: text the Markdown reader could not map back"):
        read(path)


def test_what_is_set_aside_on_purpose_is_not_a_loss(tmp_path: Path) -> None:
    text = (
        "---\ntitle: عنوان في المقدمة\n---\n\n"
        "```\nكود عربي\n```\n\n"
        '[مرجع]: /مسار "عنوان المرجع"\n\n'
        "| أ | ب |\n|---|---|\n| ج | د | خلية زائدة |\n\n"
        "<!-- تعليق عربي -->\n\n"
        "![](/صورة.png)\n\n"
        "    شيفرة بمسافة بادئة\n\n"
        "قال الوزير [كلمة](/رابط-عربي) و`كود عربي` هنا.\n"
    )
    assert texts(write(tmp_path, text)) == [
        "أ",
        "ب",
        "ج",
        "د",
        "قال الوزير [كلمة](/رابط-عربي) و`كود عربي` هنا.",
    ]


def test_the_html_reader_refuses_a_paragraph_whose_text_no_sentence_holds(
    tmp_path: Path, monkeypatch
) -> None:
    """The same rule for HTML: a paragraph's text that no sentence holds (here the engine is made to
    lose a paragraph's last sentence) refuses the page, naming the line."""
    from tarjama.sources import html as html_reader

    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html lang=ar><body>\n<p>الفقرة الأولى سليمة.</p>\n"
        "<p>جملة أولى. جملة ثانية تضيع.</p>\n<script>var x = 'نص في شيفرة';</script>\n</body></html>\n",
        encoding="utf-8",
    )
    assert len(read(page).sentences) == 3
    split = html_reader.paragraph_sentences

    def loses_the_second(par, escape, fmt):
        pieces = split(par, escape, fmt)
        return pieces[:1] if len(pieces) == 2 else pieces

    monkeypatch.setattr(html_reader, "paragraph_sentences", loses_the_second)
    with pytest.raises(
        InputError, match=r"page\.html: line 3: text the HTML reader could not place in a sentence"
    ):
        read(page)
