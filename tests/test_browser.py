"""The browser harness itself: a real Chromium reports script errors, and the screenshot's
pixels tell left-to-right text from right-to-left text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageOps

from .browser import Box, Harness, Rendered, ink_alignment, layout_alignment

ENGLISH = (
    "On the afternoon of October 8, the Ministry of Foreign Affairs and the Ministry of Public Security "
    "held a joint international press conference on the opening of the signing ceremony."
)
ENGLISH_2 = "The UN Secretary-General is scheduled to attend the signing ceremony of the Hanoi Convention."
ARABIC = (
    "في عصر يوم 8 أكتوبر، عقدت وزارة الخارجية ووزارة الأمن العام مؤتمرا صحفيا دوليا مشتركا "
    "لافتتاح حفل توقيع اتفاقية الأمم المتحدة لمكافحة الجرائم الإلكترونية في هانوي (اتفاقية هانوي)."
)
# A line that is short in any font: the evidence of the side text starts from.
SHORT_EN = "Hanoi, October 8."
SHORT_AR = "هانوي، 8 أكتوبر."
ARABIC_2 = "من المقرر أن يحضر الأمين العام للأمم المتحدة حفل توقيع اتفاقية هانوي ."

# Narrow columns so that every paragraph wraps onto several lines; a blockquote with a bar
# and a tinted background, as article styles have them.
STYLE = """<style>
  body { width: 360px; font: 16px sans-serif; }
  blockquote { margin: 0; padding: 6px 12px; border-inline-start: 4px solid #b00; background: #f1f1f1; }
</style>"""


def page(tmp_path: Path, name: str, html: str) -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def render(harness: Harness, tmp_path: Path, name: str, html: str) -> Rendered:
    return harness.render(page(tmp_path, f"{name}.html", html), tmp_path / f"{name}.png", width=600)


def test_english_page_is_left_to_right_in_the_pixels(browser: Harness, tmp_path: Path) -> None:
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>{STYLE}</head>
<body><h1>Hanoi Convention</h1><p>{ENGLISH}<br>{SHORT_EN}</p><blockquote>{ENGLISH_2}</blockquote></body></html>"""
    rendered = render(browser, tmp_path, "en", html)
    assert not rendered.errors and not rendered.failed_requests
    assert [b.tag for b in rendered.blocks] == ["h1", "p", "blockquote"]
    for block in rendered.blocks:
        assert (block.direction, block.lang) == ("ltr", "en")
        assert ink_alignment(rendered.screenshot, block.box, block.lines) == "ltr", block
    p = rendered.blocks[1]
    assert p.text == f"{ENGLISH}\n{SHORT_EN}"
    assert p.lines >= 4, "the paragraph should wrap onto several lines"


def test_arabic_page_is_right_to_left_in_the_pixels(browser: Harness, tmp_path: Path) -> None:
    html = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title>{STYLE}</head>
<body><h1>اتفاقية هانوي</h1><p>{ARABIC}<br>{SHORT_AR}</p><blockquote>{ARABIC_2}</blockquote></body></html>"""
    rendered = render(browser, tmp_path, "ar", html)
    assert not rendered.errors and not rendered.failed_requests
    assert [b.tag for b in rendered.blocks] == ["h1", "p", "blockquote"]
    for block in rendered.blocks:
        assert (block.direction, block.lang) == ("rtl", "ar")
        assert ink_alignment(rendered.screenshot, block.box, block.lines) == "rtl", block
    assert rendered.blocks[1].lines >= 4


@pytest.mark.parametrize(("lang", "direction", "text"), [("en", "ltr", ENGLISH), ("ar", "rtl", ARABIC)])
def test_touching_lines_are_cut_by_the_browsers_line_count(
    browser: Harness, tmp_path: Path, lang: str, direction: str, text: str
) -> None:
    """At line-height 1 one line's descenders meet the next line's dots and ascenders, so no
    row of background separates them; the browser's line count says where to cut."""
    html = f"""<!DOCTYPE html><html lang="{lang}" dir="{direction}"><meta charset="utf-8"><title>t</title>
<body><p style="width: 450px; font-size: 24px; line-height: 1">{text} {text}</p></body></html>"""
    rendered = render(browser, tmp_path, f"tight-{lang}", html)
    (p,) = rendered.blocks
    assert p.lines >= 5
    assert ink_alignment(rendered.screenshot, p.box, p.lines) == direction
    # Without the count the pixels may not tell, but they never tell the wrong way.
    assert ink_alignment(rendered.screenshot, p.box) in (direction, "unclear")


def test_a_wrong_direction_shows_in_the_pixels(browser: Harness, tmp_path: Path) -> None:
    """English in an rtl page (the mistake a writer must not make) is right-aligned on screen;
    centred text is neither."""
    html = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title>{STYLE}</head>
<body><p lang="en">{ENGLISH}<br>{SHORT_EN}</p><p style="text-align: center">{ARABIC_2}</p>
<p lang="en" dir="ltr">{ENGLISH_2}</p></body></html>"""
    rendered = render(browser, tmp_path, "mixed", html)
    wrong, centred, right = rendered.blocks
    assert (wrong.lang, wrong.direction) == ("en", "rtl")
    assert ink_alignment(rendered.screenshot, wrong.box, wrong.lines) == "rtl"
    assert ink_alignment(rendered.screenshot, centred.box, centred.lines) == "unclear"
    assert (right.lang, right.direction) == ("en", "ltr")
    assert ink_alignment(rendered.screenshot, right.box, right.lines) == "ltr"


def test_the_layout_tells_the_direction_without_pixels(browser: Harness, tmp_path: Path) -> None:
    """`layout_alignment` reads the same answers from the browser's layout (computed text-align,
    where each line's text starts and ends in the content box), whatever the font draws."""
    html = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title>{STYLE}</head>
<body><p lang="en">{ENGLISH}<br>{SHORT_EN}</p><p style="text-align: center">{ARABIC_2}</p>
<p lang="en" dir="ltr">{ENGLISH_2}</p><blockquote lang="en" dir="ltr">{ENGLISH}</blockquote>
<p>{ARABIC}</p><p lang="en" dir="ltr" style="text-align: right">{ENGLISH}</p>
<p lang="en" dir="ltr" style="text-align: justify">{ENGLISH} {ENGLISH_2}</p></body></html>"""
    rendered = render(browser, tmp_path, "layout", html)
    wrong, centred, right, quote, arabic, pushed, justified = rendered.blocks
    assert layout_alignment(wrong) == "rtl" and wrong.text_align == "start"
    assert layout_alignment(centred) == "unclear" and centred.text_align == "center"
    assert layout_alignment(right) == "ltr"
    assert layout_alignment(quote) == "ltr" and quote.lines >= 3  # padding and a bar, not text
    assert layout_alignment(arabic) == "rtl" and arabic.lines >= 3
    assert layout_alignment(pushed) == "rtl"  # English pushed to the right is not laid out left to right
    assert layout_alignment(justified) == "ltr" and justified.lines >= 4
    assert len(right.extents) == right.lines


def test_empty_box_is_unclear(browser: Harness, tmp_path: Path) -> None:
    rendered = render(browser, tmp_path, "blank", "<!DOCTYPE html><title>t</title><p>x</p>")
    assert ink_alignment(rendered.screenshot, Box(0, 300, 200, 100)) == "unclear"


@pytest.mark.parametrize(
    ("script", "console", "thrown"),
    [
        ('console.error("x")', ["x"], []),
        ('throw new Error("boom")', [], ["boom"]),
        ('console.log("fine"); console.warn("only a warning")', [], []),
    ],
)
def test_script_errors_are_reported(
    browser: Harness, tmp_path: Path, script: str, console: list[str], thrown: list[str]
) -> None:
    html = f'<!DOCTYPE html><html lang="en"><title>t</title><p>Text.</p><script>{script}</script></html>'
    rendered = render(browser, tmp_path, "script", html)
    assert rendered.console_errors == console
    assert [e for e in rendered.page_errors if "boom" in e] == thrown
    assert len(rendered.page_errors) == len(thrown)
    assert rendered.failed_requests == []


def test_missing_and_remote_resources_are_failed_requests_not_script_errors(
    browser: Harness, tmp_path: Path
) -> None:
    html = """<!DOCTYPE html><html lang="en"><title>t</title><p>Text.</p>
<img src="missing.png" alt=""><img src="https://example.com/a.png" alt="">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""></html>"""
    rendered = render(browser, tmp_path, "images", html)
    assert rendered.errors == []
    failed = sorted(rendered.failed_requests)
    assert len(failed) == 2, failed
    assert failed[0].startswith("file://") and "missing.png" in failed[0]
    assert failed[1].startswith("https://example.com/a.png")


def test_clean_page_reports_nothing(browser: Harness, tmp_path: Path) -> None:
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>
<body><ul><li>One</li><li>Two</li></ul><table><tr><th>Date</th><td>October 25</td></tr></table>
<figure><figcaption>{ENGLISH_2}</figcaption></figure><dl><dt>Term</dt><dd>Meaning</dd></dl>
<p hidden>Hidden text is no block.</p><p>   </p></body></html>"""
    rendered = render(browser, tmp_path, "clean", html)
    assert (rendered.console_errors, rendered.page_errors, rendered.failed_requests) == ([], [], [])
    assert [(b.tag, b.text) for b in rendered.blocks] == [
        ("li", "One"),
        ("li", "Two"),
        ("th", "Date"),
        ("td", "October 25"),
        ("figcaption", ENGLISH_2),
        ("dt", "Term"),
        ("dd", "Meaning"),
    ]
    assert rendered.screenshot.stat().st_size > 0


def test_arabic_and_latin_render_as_glyphs_not_boxes(browser: Harness, tmp_path: Path) -> None:
    """Without a font that has them, letters come out as the fallback font's empty box, the
    same box an unassigned code point (U+0378) gets: then the two crops would be identical."""
    rows = {
        "arabic": "ا ب ت ث ج",
        "latin": "a b c d e",
        "tofu": " ".join(["\u0378"] * 5),
        "other tofu": " ".join(["\u0380"] * 5),  # the control: another code point, the same boxes
    }
    body = "".join(f'<p dir="ltr" style="font-size:32px">{text}</p>' for text in rows.values())
    rendered = render(
        browser, tmp_path, "glyphs", f'<!DOCTYPE html><meta charset="utf-8"><title>t</title>{body}'
    )
    crops = {}
    with Image.open(rendered.screenshot) as im:
        for name, block in zip(rows, rendered.blocks, strict=True):
            b = block.box
            crops[name] = im.convert("L").crop(
                (round(b.x), round(b.y), round(b.x + b.width), round(b.y + b.height))
            )
    assert ImageOps.invert(crops["tofu"]).getbbox() is not None, "an unassigned code point draws a box"
    assert crops["other tofu"].tobytes() == crops["tofu"].tobytes()
    for script in ("arabic", "latin"):
        assert crops[script].tobytes() != crops["tofu"].tobytes(), f"{script} letters render as empty boxes"
