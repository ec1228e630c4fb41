"""Property tests: spans are disjoint, cover the text, are idempotent, and never cut a protected token.

Articles are generated from Arabic words, punctuation, quotes and brackets, with
protected tokens mixed in: glossary terms (read from glossary/ar-en.csv with the csv
module), numbers, URLs and e-mail addresses, and abbreviations with the word after them.
"""

from __future__ import annotations

import csv
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarjama.sources.segment import segment
from tests.conftest import ROOT

with (ROOT / "glossary" / "ar-en.csv").open(encoding="utf-8", newline="") as fh:
    TERMS = [row["source"] for row in csv.DictReader(fh)]

WORDS = [
    "إنّه",
    "كشفٌ",
    "مُهمّ",
    "الاجتمـــاع",
    "قال",
    "أكد",
    "الوزير",
    "الحكومة",
    "إن",
    "أن",
    "في",
    "من",
    "على",
    "الاجتماع",
    "المؤتمر",
    "وأضاف",
    "التقرير",
    "الدول",
    "ويُقدّر",
    "وقــال",
    "جدًّا",
]
NUMBERS = ["2.500", "3.5", "100.000", "٣٫٥", "١٢.٥", "١٠٠.٠٠٠", "25-26", "0.7", "84.25"]
URLS = [
    "https://www.iea.org/reports/oil-2025?lang=ar",
    "www.opec.org",
    "press@opec.org",
    "https://baoquocte.vn/khoang-200-quoc-gia-330342.html",
    "report@unodc.org",
]
ABBREVIATIONS = [
    "د. محمد",
    "م. أحمد",
    "ص. 45",
    "ق.م",
    "أ.ف.ب",
    "U.S. News",
    "Dr. Weber",
    "No. 5",
    "Peter J. Collins",
]
PROTECTED = TERMS + NUMBERS + URLS + ABBREVIATIONS
PUNCT = [".", "!", "؟", "?", "…", "؟!", "،", "؛", ":", "...", '."', "»", "«", '"', "“", "”", "(", ")"]

token = st.one_of(
    st.sampled_from(WORDS).map(lambda w: ("word", w)),
    st.sampled_from(PROTECTED).map(lambda w: ("protected", w)),
    st.sampled_from(PUNCT).map(lambda p: ("punct", p)),
)
line = st.tuples(st.sampled_from(WORDS), st.lists(token, max_size=30))


@st.composite
def articles(draw) -> tuple[str, list[tuple[int, int]]]:
    """An article and the spans of the protected tokens in it."""
    parts: list[str] = []
    protected: list[tuple[int, int]] = []
    pos = 0
    for first, tokens in draw(st.lists(line, min_size=1, max_size=6)):
        if parts:
            parts.append("\n")
            pos += 1
        parts.append(first)
        pos += len(first)
        for kind, text in tokens:
            sep = "" if kind == "punct" and draw(st.booleans()) else " "
            parts.append(sep)
            pos += len(sep)
            if kind == "protected":
                protected.append((pos, pos + len(text)))
            parts.append(text)
            pos += len(text)
    return "".join(parts), protected


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(articles())
def test_spans_are_ordered_disjoint_and_exact(case) -> None:
    text, _ = case
    prev_end = 0
    for s in segment(text):
        assert prev_end <= s.start < s.end
        assert text[s.start : s.end] == s.text == s.text.strip()
        prev_end = s.end


@FAST
@given(articles())
def test_every_non_space_character_is_covered(case) -> None:
    text, _ = case
    covered = [False] * len(text)
    for s in segment(text):
        covered[s.start : s.end] = [True] * (s.end - s.start)
    missing = [(i, ch) for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert missing == []


@FAST
@given(articles())
def test_segmenting_a_sentence_returns_it(case) -> None:
    text, _ = case
    for s in segment(text):
        assert [t.text for t in segment(s.text)] == [s.text]


@FAST
@given(articles())
def test_no_cut_inside_terms_numbers_urls_abbreviations(case) -> None:
    text, protected = case
    sentences = segment(text)
    cuts = {s.end for s in sentences} | {s.start for s in sentences}
    for a, b in protected:
        inside = [c for c in cuts if a < c < b]
        assert inside == [], (text[a:b], text)


MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel


@FAST
@given(articles())
def test_diacritics_and_tatweel_change_no_boundary(case) -> None:
    text, _ = case
    plain = MARKS.sub("", text)
    assert [MARKS.sub("", s.text) for s in segment(text)] == [s.text for s in segment(plain)]
