"""The segmentation scorer: hand-counted P/R/F1 and exact accuracy, layout tolerance, gold readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.errors import InputError
from tarjama.evaluation.segmentation import Gold, locate, read_gold, read_gold_lines, read_gold_tsv, score
from tests.conftest import GOLD_TSV

TEXT = "أ ب. ج د. هـ و. ز ح."  # four gold sentences
GOLD = Gold("t", TEXT, locate(TEXT, ["أ ب.", "ج د.", "هـ و.", "ز ح."]))


def test_perfect_segmentation() -> None:
    r = score(GOLD, GOLD.spans)
    assert (r.precision, r.recall, r.f1, r.exact_accuracy) == (1.0, 1.0, 1.0, 1.0)
    assert (r.gold_boundaries, r.predicted_boundaries, r.true_boundaries) == (3, 3, 3)


def test_one_missed_and_one_spurious_boundary() -> None:
    # Glue sentences 1+2 (misses a boundary) and cut sentence 4 in two (a spurious one).
    predicted = locate(TEXT, ["أ ب. ج د.", "هـ و.", "ز", "ح."])
    r = score(GOLD, predicted)
    assert (r.true_boundaries, r.gold_boundaries, r.predicted_boundaries) == (2, 3, 3)
    assert r.precision == pytest.approx(2 / 3)
    assert r.recall == pytest.approx(2 / 3)
    assert r.f1 == pytest.approx(2 / 3)
    assert r.exact == 1  # only "هـ و." survives intact
    assert r.exact_accuracy == 0.25


def test_layout_and_whitespace_do_not_count() -> None:
    text = "![](https://x.example/a.jpg) |\nتعليق الصورة. (تصوير: س) |\n## عنوان\nنص أول. نص ثان."
    gold = Gold("t", text, locate(text, ["تعليق الصورة. (تصوير: س)", "عنوان", "نص أول.", "نص ثان."]))
    # A tool that keeps the markup, the pipe and the newline in its segments, and returns "!" alone.
    sloppy = [
        (0, 1),
        (1, text.index("## ")),
        (text.index("## "), text.index("نص أول")),
        (text.index("نص أول"), text.index("نص ثان")),
        (text.index("نص ثان"), len(text)),
    ]
    r = score(gold, sloppy)
    assert (r.f1, r.exact_accuracy) == (1.0, 1.0)


def test_credit_on_the_wrong_side_is_an_error() -> None:
    text = "صورة أولى. (تصوير: س)\nفقرة تالية."
    gold = Gold("t", text, locate(text, ["صورة أولى. (تصوير: س)", "فقرة تالية."]))
    wrong = locate(text, ["صورة أولى.", "(تصوير: س)\nفقرة تالية."])
    r = score(gold, wrong)
    assert (r.true_boundaries, r.predicted_boundaries, r.exact) == (0, 1, 0)


def test_kinds_counted_on_exact_sentences() -> None:
    gold = Gold("t", TEXT, GOLD.spans, ["body", "body", "caption", "body"])
    r = score(gold, GOLD.spans, ["body", "body", "body", "body"])
    assert (r.exact, r.kinds_right) == (4, 3)


def test_example_gold_tsv_reads_34_sentences_with_kinds() -> None:
    gold = read_gold(GOLD_TSV)
    assert len(gold.spans) == 34
    assert gold.kinds.count("body") == 27 and gold.kinds.count("caption") == 5
    assert gold.text[slice(*gold.spans[-1])] == "تعليق (0)"


def test_lines_gold(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_text("عنوان\n\nجملة أولى.\nجملة ثانية.\n", encoding="utf-8")
    gold = read_gold_lines(path)
    assert gold.text == "عنوان\nجملة أولى. جملة ثانية."
    assert [gold.text[s:e] for s, e in gold.spans] == ["عنوان", "جملة أولى.", "جملة ثانية."]


def test_tsv_sentence_missing_from_article_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "x.ar.txt").write_text("نص المقال.", encoding="utf-8")
    tsv = tmp_path / "x.gold.tsv"
    tsv.write_text("1\t1\tbody\tجملة غير موجودة.\tA sentence.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.gold\.tsv: line 1: sentence not found"):
        read_gold_tsv(tsv)


def test_locate_refuses_text_the_tool_invented() -> None:
    with pytest.raises(ValueError, match="not found"):
        locate(TEXT, ["أ ب.", "شيء آخر"])
