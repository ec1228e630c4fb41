"""Review triage (issue 28 section 1): the decoder's confidence on both backends, and a risk with
its reasons on every unreviewed translation tarjama writes."""

from __future__ import annotations

import math
from pathlib import Path

import polib
import pytest

from tarjama.catalog import risk
from tarjama.catalog.notes import FixedNote, GlossaryMissing, MemoryFuzzy, RiskNote, SplitNote, parse_note
from tarjama.catalog.risk import DecoderScores, assess, repetition, risk_of
from tarjama.run import Resources, RunOptions, translate_articles
from tarjama.translate.backend import DecodeSettings

SURE = DecoderScores(confidence=-0.05)
SOURCE = "قال الوزير إن 100 ألف شخص زاروا هانوي في عام 2026."
GOOD = "The minister said 100,000 people visited Hanoi in 2026."


def test_a_clean_sure_translation_is_low_risk_and_says_nothing() -> None:
    note = assess(SOURCE, GOOD, (), SURE)
    assert note.risk < 0.1 and note.reasons == ()


@pytest.mark.parametrize(
    ("msgstr", "said", "reason"),
    [
        ("The minister said 100,000 people visited هانوي in 2026.", (), "Arabic left: هانوي"),
        ("The minister said 100,000 people visited Hanoi in 2025.", (), "number 2026 missing"),
        ("The minister said 100 people visited Hanoi in 2026.", (), "number 100000 missing"),
        (
            "The minister said said said said 100,000 people visited Hanoi in 2026.",
            (),
            "repeated phrase: said",
        ),
        (
            "The minister said the talks the talks the talks: 100,000 in Hanoi in 2026.",
            (),
            "repeated phrase: the talks",
        ),
        ("100,000 Hanoi 2026.", (), "length ×0.3 the catalog's usual"),
        (GOOD, (GlossaryMissing("Hanoi"),), "glossary: Hanoi"),
        (GOOD, (SplitNote(3),), "split in 3 parts for the model"),
        (GOOD, (MemoryFuzzy(0.75, "other.po"),), "only a 0.75 fuzzy memory match"),
    ],
)
def test_each_check_raises_the_risk_and_names_itself(msgstr: str, said: tuple, reason: str) -> None:
    clean = assess(SOURCE, GOOD, (), SURE).risk
    note = assess(SOURCE, msgstr, said, SURE)
    assert note.risk > clean
    assert any(r.startswith(reason) for r in note.reasons), note.reasons


def test_markup_and_placeholders_count() -> None:
    clean = assess("قال <b>الوزير</b> %s", "The <b>minister</b> said %s", (), SURE)
    broken = assess("قال <b>الوزير</b> %s", "The minister said %s", (), SURE)
    lost = assess("قال الوزير %s", "The minister said", (), SURE)
    assert clean.reasons == () and broken.risk > clean.risk and lost.risk > clean.risk
    assert broken.reasons[0].startswith("markup: lacks") and lost.reasons[0] == "placeholder %s missing"


def test_risk_grows_as_the_model_doubts_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # the shipped fit gives the decoder's signals no weight (docs/risk.md: on the benchmark's
    # model they rank nothing); a refit on a real model may, and then they count as here
    monkeypatch.setitem(risk.WEIGHTS, "doubt", 3.0)
    monkeypatch.setitem(risk.WEIGHTS, "close second", 0.5)
    risks = [assess(SOURCE, GOOD, (), DecoderScores(c)).risk for c in (-0.01, -0.3, -1.0, -3.0)]
    assert risks == sorted(risks) and risks[-1] > 0.4
    assert assess(SOURCE, GOOD, (), DecoderScores(-3.0)).reasons == ("low model confidence (0.05)",)
    # a near tie with the next hypothesis adds a little, named
    tie = assess(SOURCE, GOOD, (), DecoderScores(-0.05, gap=0.01))
    assert tie.risk > assess(SOURCE, GOOD, (), SURE).risk and "a close second translation" in tie.reasons


def test_the_length_signal_is_graded_from_the_usual_spread_to_four_times_off() -> None:
    """Within ×1.25 of the typical ratio (where 80 % of reviewed pairs lie) nothing; then the
    further off, the riskier, either way, up to ×4: a step at ×1.5 made most sentences tie."""
    source = "قال الوزير إن المحادثات ستستمر " * 4  # 124 characters: 149 of English are typical
    words = "the minister said talks would go on until an agreement was reached with every side "

    def rated(n: int) -> RiskNote:
        return assess(source, (words * 20)[:n].strip() + ".", (), SURE)

    assert rated(150) == RiskNote(rated(150).risk, ())  # nothing to say
    longer = [rated(n).risk for n in (150, 180, 230, 300, 450, 600, 1200)]
    assert longer[0] == longer[1] < longer[2] < longer[3] < longer[4] < longer[5] == longer[6]
    shorter = [rated(n).risk for n in (150, 125, 80, 50, 30, 10)]
    assert shorter[0] == shorter[1] < shorter[2] < shorter[3] < shorter[4] == shorter[5]
    assert any(r.startswith("length ×2.0") for r in rated(300).reasons), rated(300)


def test_a_line_rendered_by_rule_has_risk_zero() -> None:
    assert assess("المصدر: رويترز", "Source: Reuters", (FixedNote(),)) == RiskNote(0.0, ("rendered by rule",))


@pytest.mark.parametrize(
    ("msgid", "msgstr", "decoded"),
    [
        ("", "", DecoderScores()),
        ("x" * 100_000, "y", DecoderScores(float("nan"), float("inf"))),
        ("٣" * 5000 + " مليار", "le " * 20_000, DecoderScores(-1e308, -1e308)),
        ("<<<>>>", "</b></i><a>" * 500, DecoderScores(5.0)),
        ("\u200f\u202e", "نغ" * 3000, DecoderScores(float("-inf"))),
    ],
)
def test_hostile_entries_get_a_risk_that_reads_back(msgid: str, msgstr: str, decoded: DecoderScores) -> None:
    note = assess(msgid, msgstr, (), decoded)
    assert 0.0 <= note.risk <= 1.0 and math.isfinite(note.risk)
    assert parse_note(note.format()) == RiskNote(round(note.risk, 2), note.reasons)


def test_a_hand_edited_note_never_lowers_the_risk() -> None:
    clean = assess(SOURCE, GOOD, (), SURE).risk
    assert assess(SOURCE, GOOD, (MemoryFuzzy(5.0, "x.po"),), SURE).risk >= clean


def test_repetition_is_a_loop_not_a_repeat() -> None:
    assert repetition("le le le le") == "le"
    assert repetition("the talks, the talks, the talks") == "the talks"
    assert repetition("نغنغنغنغنغ") == "نغ"
    assert repetition("He said that he said that it was fine.") == ""
    assert repetition("1 1 1 1") == ""  # numbers in a list are no loop


def _translate(article: Path, model: Path, out: Path, backend: str) -> polib.POFile:
    options = RunOptions(out_dir=out, settings=DecodeSettings(backend=backend, beam=2))
    [report] = translate_articles([article], options, Resources(model=str(model)))
    assert report.status == "written", report.error
    return polib.pofile(str(report.po_path))


@pytest.mark.parametrize("backend", ["transformers", "ct2"])
def test_every_unreviewed_translation_carries_its_risk(
    backend: str, tiny_model: Path, tmp_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(risk.WEIGHTS, "doubt", 3.0)  # weighed, so that its reason shows (as above)
    po = _translate(article, tiny_model, tmp_path / "out", backend)
    mt = [e for e in po if "mt: " in (e.comment or "")]
    fixed = [e for e in po if "fixed: " in (e.comment or "")]
    assert mt and fixed
    for e in mt:
        note = risk_of(e.comment)
        assert note is not None and 0 <= note.risk <= 1, e.comment
        assert e.comment.splitlines()[0].startswith("risk: ")  # what a translator reads first
        # the decoder's confidence reached the catalog (the random tiny model is unsure of all)
        assert any(r.startswith("low model confidence (") for r in note.reasons), note
    for e in fixed:
        assert risk_of(e.comment) == RiskNote(0.0, ("rendered by rule",))


def test_kept_machine_output_keeps_its_risk_and_a_reviewed_entry_has_none(
    tiny_model: Path, tmp_path: Path, article: Path
) -> None:
    out = tmp_path / "out"
    first = _translate(article, tiny_model, out, "ct2")
    target = next(e for e in first if "mt: " in (e.comment or ""))
    target.flags.remove("fuzzy")  # a translator reviews one entry
    first.save()
    second = _translate(article, tiny_model, out, "ct2")  # same model, same settings: MT kept
    # (an entry close to the reviewed one now starts from it as a fuzzy memory match: rated anew)
    kept = {e.msgid for e in second if "mt: " in (e.comment or "")} - {target.msgid}
    before = {e.msgid: risk_of(e.comment) for e in first if e.msgid in kept}
    after = {e.msgid: risk_of(e.comment) for e in second if e.msgid in kept}
    assert len(kept) > 20 and after == before
    offered = [e for e in second if "fuzzy match" in (e.comment or "")]
    assert all("fuzzy memory match" in " ".join(risk_of(e.comment).reasons) for e in offered)
    assert "risk: " not in (second.find(target.msgid).comment or "")
