"""split_for_mt: a sentence too long for the model is cut into parts that partition it exactly."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from tarjama.translate.long_sentences import split_for_mt


def words(s: str) -> int:
    """A stand-in tokenizer: one token per word, plus EOS."""
    return len(s.split()) + 1


def assert_partition(text: str, spans: list[tuple[int, int]]) -> None:
    assert spans and spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a < b for a, b in spans)
    assert all(spans[k][1] == spans[k + 1][0] for k in range(len(spans) - 1))
    assert "".join(text[a:b] for a, b in spans) == text


SENTENCE = (
    "قال الوزير إن الاتفاقية مهمة، وأضاف أن الدول ستوقع عليها؛ ثم غادر القاعة بينما كان الصحفيون ينتظرون"
)


def parts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_a_sentence_that_fits_is_one_part() -> None:
    assert split_for_mt(SENTENCE, words, 18) == [(0, len(SENTENCE))]
    assert split_for_mt("", words, 1) == [(0, 0)]


def test_clause_punctuation_comes_first_and_parts_are_balanced() -> None:
    spans = split_for_mt(SENTENCE, words, 8)
    assert_partition(SENTENCE, spans)
    assert parts(SENTENCE, spans) == [
        "قال الوزير إن الاتفاقية مهمة، ",
        "وأضاف أن الدول ستوقع عليها؛ ",
        "ثم غادر القاعة بينما كان الصحفيون ينتظرون",
    ]


def test_then_conjunctions_then_whitespace() -> None:
    text = "ذهب الوفد إلى هانوي ثم عاد إلى بلاده بينما بقي السفير هناك لكن المفاوضات استمرت"
    spans = split_for_mt(text, words, 6)
    assert_partition(text, spans)
    assert all(words(p) <= 6 for p in parts(text, spans))
    starts = [p.split()[0] for p in parts(text, spans)[1:]]
    assert starts == ["ثم", "بينما", "لكن"]  # no punctuation: the conjunctions carry the cuts
    # an attached waw is a word, not a clause boundary ("وزارة" is "ministry")
    text = "أعلنت وزارة الخارجية وزارة الدفاع وزارة المالية وزارة العدل"
    spans = split_for_mt(text, words, 4)
    assert_partition(text, spans)
    assert all(words(p) <= 4 for p in parts(text, spans))


def test_latin_punctuation_inside_numbers_is_not_a_clause_boundary() -> None:
    text = "بلغ العدد 1,000,000 شخص في الساعة 10:30 صباحا, وفق المصادر"
    spans = split_for_mt(text, words, 6)
    assert_partition(text, spans)
    assert all("1,000,000" in p or "1,0" not in p for p in parts(text, spans))
    assert any(p.endswith("صباحا, ") for p in parts(text, spans))  # the clause cut was taken
    assert not any(p.endswith(("1,", "10:")) for p in parts(text, spans))


def test_whitespace_then_characters_when_nothing_better_exists() -> None:
    text = " ".join(["كلمة"] * 20)
    spans = split_for_mt(text, words, 6)
    assert_partition(text, spans)
    assert [words(p) for p in parts(text, spans)] == [6, 6, 6, 6]  # 20 words, 5 (+ EOS) each
    text = " ".join(["كلمة"] * 15)
    spans = split_for_mt(text, words, 12)
    assert [words(p) for p in parts(text, spans)] == [8, 9]  # balanced, not 11 words and a scrap of 4
    run = "ب" * 1000
    per4 = lambda s: len(s) // 4 + 1  # noqa: E731
    spans = split_for_mt(run, per4, 100)
    assert_partition(run, spans)
    assert all(per4(p) <= 100 for p in parts(run, spans))
    assert len(spans) == 3


def test_protected_spans_are_never_cut() -> None:
    text = "وقع ممثلو الدول على اتفاقية الأمم المتحدة لمكافحة الجرائم الإلكترونية في هانوي اليوم"
    term = "اتفاقية الأمم المتحدة لمكافحة الجرائم الإلكترونية"
    start = text.index(term)
    protected = [(start, start + len(term))]
    assert words(term) == 7
    for limit in (7, 8, 10, 12):
        spans = split_for_mt(text, words, limit, protected)
        assert_partition(text, spans)
        assert all(not (a < c < b) for c, _ in spans for a, b in protected), (limit, parts(text, spans))
        assert any(term in p for p in parts(text, spans))
    # a protected span that alone is over the limit must be cut (no text may be lost)
    for limit in (3, 4, 6):
        spans = split_for_mt(text, words, limit, protected)
        assert_partition(text, spans)
        assert all(words(p) <= limit for p in parts(text, spans))


def test_parts_fit_whenever_the_text_allows() -> None:
    rng = random.Random(7)
    vocab = ["قال", "الوزير،", "و", "ثم", "هانوي؛", "الاتفاقية", "بينما", "1,000", "كلمة"]
    for _ in range(200):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 60)))
        limit = rng.randint(2, 20)
        spans = split_for_mt(text, words, limit)
        assert_partition(text, spans)
        if words(text) > limit:
            assert all(words(p) <= limit for p in parts(text, spans)), (text, limit)


def test_a_200_kb_line_without_punctuation_splits_in_well_under_a_second() -> None:
    rng = random.Random(1)
    text = " ".join(rng.choice(["كلمة", "اتفاقية", "هانوي", "الأمم"]) for _ in range(40_000))
    assert len(text) > 200_000
    took = time.perf_counter()
    spans = split_for_mt(text, words, 512)
    took = time.perf_counter() - took
    assert_partition(text, spans)
    assert all(words(p) <= 512 for p in parts(text, spans))
    assert len(spans) == -(-40_000 // 511)  # as few parts as fit: 511 words + EOS each
    assert took < 0.5, took
    run = "ب" * 200_000  # one giant token run: cut at characters
    took = time.perf_counter()
    spans = split_for_mt(run, lambda s: len(s) // 4 + 1, 512)
    assert time.perf_counter() - took < 0.5
    assert_partition(run, spans)


def test_with_the_tiny_models_tokenizer(tiny_model: Path) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)

    def count(s: str) -> int:
        return len(tok(s, truncation=False)["input_ids"])  # EOS included

    text = " ".join([SENTENCE] * 12)
    limit = 48
    assert count(text) > limit
    spans = split_for_mt(text, count, limit)
    assert_partition(text, spans)
    assert len(spans) > 1 and all(count(p) <= limit for p in parts(text, spans))
    assert all(p.rstrip().endswith(("،", "؛")) for p in parts(text, spans)[:-1]) or any(
        p.split()[0] in ("ثم", "بينما") for p in parts(text, spans)[1:]
    )


@pytest.mark.parametrize("limit", [1, 2])
def test_a_limit_nothing_fits_still_loses_nothing(limit: int) -> None:
    spans = split_for_mt(SENTENCE, words, limit)
    assert_partition(SENTENCE, spans)
