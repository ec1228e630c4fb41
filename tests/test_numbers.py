"""The number check compares values, not digit strings: Arabic scale words, percent and
Arabic-Indic digits against their English forms (issue 28 section 1)."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from tarjama.catalog.checks import entry_problems, lost_numbers, numbers

from .conftest import ROOT, run_cli

SAME = [
    ("بأكثر من 100 ألف حالة", "more than 100,000 cases"),
    ("100 ألف", "100 thousand"),
    ("١٠٠ ألف", "100k"),
    ("20 ألفاً", "20,000"),
    ("٢٠ ألفًا", "20 thousand"),
    ("3 آلاف", "3,000"),
    ("ألفين", "2,000"),
    ("1.5 مليون", "1.5 million"),
    ("١٫٥ مليون", "1,500,000"),
    ("مليون ونصف", "1.5 million"),
    ("مليون ونصف", "a million and a half"),
    ("3 ملايين ونصف", "3.5 million"),
    ("2.5 مليار", "two and a half billion"),
    ("نصف مليون", "half a million"),
    ("مليون دولار", "a million dollars"),
    ("مليون دولار", "$1 million"),
    ("وتكلفتها 9.4 مليار ريال", "cost 9.4 billion riyals"),
    ("٣٧٫٦ مليار", "$37.6bn"),
    ("مليار و500 مليون", "1.5 billion"),
    ("20 بالمئة", "20%"),
    ("20 في المائة", "20 percent"),
    ("٢٠٪", "20 per cent"),
    ("48.5 بالمئة", "48.5%"),
    ("100.000 برميل", "100,000 barrels"),
    ("١٬٠٠٠", "1000"),
    ("١٢.٥", "12.50"),
    ("٢٠٢٦", "2026"),
    ("1,2,3", "1, 2 and 3"),
]


@pytest.mark.parametrize(("arabic", "english"), SAME)
def test_one_number_in_both_languages(arabic: str, english: str) -> None:
    assert numbers(arabic) == numbers(english), (numbers(arabic), numbers(english))
    assert lost_numbers(arabic, english) == []


@pytest.mark.parametrize(
    ("arabic", "english", "lost"),
    [
        ("100 ألف حالة", "100 cases", ["100000"]),  # the scale word is part of the number
        ("1.5 مليون", "1.5 people", ["1500000"]),
        ("في عام 2026", "in 2025", ["2026"]),
        ("20 بالمئة من 300", "20%", ["300"]),
        ("3.5 مليار", "35 billion", ["3500000000"]),
        ("مليون", "millions", ["1000000"]),
    ],
)
def test_a_changed_or_lost_number_is_still_named(arabic: str, english: str, lost: list[str]) -> None:
    assert lost_numbers(arabic, english) == lost
    assert entry_problems(arabic, english) == ["numbers: lacks " + ", ".join(lost)]


def test_plurals_alone_and_percent_words_are_no_numbers() -> None:
    assert numbers("آلاف الأشخاص وملايين الدولارات بالمئة في المائة") == {}
    assert numbers("thousands of people, millions of dollars, a few percent") == {}


@pytest.mark.parametrize(
    "hostile",
    [
        "9" * 5000 + " ألف",
        "1" + ",000" * 3000 + " million",
        "1.2.3.4,,5..6 ٫٫ ٬ ,,, ...",
        "و" * 2000 + " مليار و" * 500,
        "and a half " * 1000 + "million",
        "0.000000001 مليار 1e999 million " + "٫" * 100,
        "\u00a0".join(["999"] * 2000) + " trillion",
        "ألفاً" + "\u064b" * 500,
    ],
)
def test_hostile_text_never_crashes(hostile: str) -> None:
    values = numbers(hostile)
    assert all(isinstance(k, str) and k for k in values)
    lost_numbers(hostile, hostile[::-1])
    assert lost_numbers(hostile, hostile) == []


def test_every_reviewed_sentence_pair_keeps_its_numbers() -> None:
    """The project's own gold: no pair of a reviewed source and its reference loses a number."""
    pairs = 0
    for tsv in sorted(glob.glob(str(ROOT / "examples" / "*.gold.tsv"))) + sorted(
        glob.glob(str(ROOT / "tests" / "data" / "*.gold.tsv"))
    ):
        for line in Path(tsv).read_text(encoding="utf-8").splitlines():
            cells = line.rstrip("\n").split("\t")
            if len(cells) >= 5:
                pairs += 1
                assert lost_numbers(cells[3], cells[4]) == [], (tsv, cells[0])
    assert pairs > 50


def test_check_passes_on_the_shipped_reviewed_catalog() -> None:
    res = run_cli("check", ROOT / "locales", cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "numbers" not in res.stdout
