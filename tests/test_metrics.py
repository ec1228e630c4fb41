"""The metric registry drives `tarjama score`, the paired tests and every report format.

A toy metric (plain chrF, sacrebleu's ``CHRF(word_order=0)``) is registered for one test and
must show up everywhere a built-in metric does, with no other edit; then it is gone again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from sacrebleu.metrics import BLEU, CHRF

from tarjama.cli import main
from tarjama.evaluation import metrics as registry
from tarjama.evaluation.compare import System, compare
from tarjama.evaluation.hypotheses import read_reference, read_segments
from tarjama.evaluation.report import as_json, csv_text, markdown, rows
from tarjama.evaluation.scoring import corpus_scores
from tarjama.evaluation.terminal import comparison_table, score_table

from .conftest import EXAMPLE, GOLD_TSV, REFERENCE, read_gold
from .test_score import degrade, reference_lines


def toy(tested: bool = True) -> registry.Metric:
    return registry.SacreBleu(
        "chrF", "chrf0", lambda: CHRF(word_order=0), lambda: CHRF(word_order=0), tested=tested
    )


@pytest.fixture
def plain_chrf() -> Iterator[registry.Metric]:
    with registry.registered(toy()) as metric:
        yield metric
    assert "chrf0" not in [m.key for m in registry.all_metrics()]


@pytest.fixture
def degraded(tmp_path: Path) -> Path:
    path = tmp_path / "degraded.en.txt"
    path.write_text("".join(degrade(line) + "\n" for line in reference_lines()), encoding="utf-8")
    return path


def _headers(table) -> list[str]:
    return [str(column.header) for column in table.columns]


def test_built_in_metrics_in_output_order() -> None:
    metrics = registry.all_metrics()
    assert [(m.name, m.key) for m in metrics] == [("BLEU", "bleu"), ("chrF++", "chrf"), ("TER", "ter")]
    assert [m.key for m in registry.tested()] == ["bleu", "chrf"]
    assert [m.key for m in registry.sentence_level()] == ["bleu", "chrf"]
    assert not registry.get("ter").higher_is_better
    assert [m.key for m in registry.ranking()] == ["chrf", "bleu"]


def test_a_clashing_name_or_key_is_refused() -> None:
    with pytest.raises(ValueError, match="clashes"):
        registry.register(registry.SacreBleu("BLEU", "bleu2", BLEU))
    with pytest.raises(ValueError, match="clashes"):
        registry.register(registry.SacreBleu("Other", "chrf", BLEU))
    # the same sacrebleu metric twice would give two scores one signature entry
    with (
        registry.registered(registry.SacreBleu("BLEU again", "bleu2", BLEU)),
        pytest.raises(ValueError, match="sacrebleu calls it 'BLEU'"),
    ):
        corpus_scores(["a b c"], ["a b c"])


def test_a_registered_metric_is_in_score_json_and_table(plain_chrf: registry.Metric, degraded: Path) -> None:
    args = ["score", str(degraded), "--ref", str(REFERENCE), "--source", str(GOLD_TSV), "--worst", "2"]
    res = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    [result] = json.loads(res.stdout)
    assert list(result)[7:11] == ["BLEU", "chrF++", "TER", "chrF"]  # registry order, after the file fields
    assert result["chrF++"] < result["chrF"] < 100  # word bigrams make chrF++ the harsher of the two
    assert "nw:0" in result["signatures"]["chrF2"]
    assert all(set(w) >= {"bleu", "chrf", "chrf0"} for w in result["worst"])

    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "chrF2 signature: nrefs:1|" in res.stdout
    header = res.stdout.splitlines()[1]
    assert header.index("TER") < header.index("chrF ") < header.index("term accuracy")


def test_a_tested_metric_is_in_the_significance_results_and_every_report(
    plain_chrf: registry.Metric, degraded: Path
) -> None:
    ref = read_reference(REFERENCE)
    systems = [
        System("copy", read_reference(REFERENCE), "copy"),
        System("bad", read_segments(degraded), "bad"),
    ]
    comparison = compare(systems, ref)
    tests = comparison.tests
    assert tests.metrics == ["bleu", "chrf", "chrf0"] and tests.labels["chrf0"] == "chrF2"
    assert tests.systems["bad"]["chrf0"].significant()
    assert "chrF2 (paired bootstrap)" in tests.signatures

    row = rows(comparison)[1]
    assert list(row)[3:9] == ["bleu", "bleu_ci", "chrf", "chrf_ci", "ter", "chrf0"]
    assert row["chrf0_ci"] > 0 and row["p_chrf0_bootstrap"] < 0.05
    assert row["significant"] == "yes: worse (BLEU, chrF2++, chrF2)"

    report = as_json(comparison)
    assert report["systems"][1]["chrf0"] == row["chrf0"]
    assert "chrF2 (approximate randomization)" in report["signatures"]
    assert set(report["sentences"]["bad"][0]) == {"segment", "bleu", "chrf", "chrf0"}

    table = list(csv.DictReader(io.StringIO(csv_text(comparison))))
    assert float(table[1]["chrf0"]) == row["chrf0"] and "p_chrf0_ar" in table[1]

    md = markdown(comparison)
    assert "| system | BLEU | chrF++ | TER | chrF | term accuracy | sentences/s | p BLEU (bs / ar) " in md
    assert "| p chrF (bs / ar) | significant |" in md
    assert f"| {row['chrf0']:.1f} ± {row['chrf0_ci']:.1f} |" in md

    assert "chrF" in _headers(comparison_table(comparison))


def test_an_untested_metric_gets_no_interval_or_p_value(degraded: Path) -> None:
    with registry.registered(toy(tested=False)):
        ref = read_reference(REFERENCE)
        comparison = compare(
            [System("copy", ref, "copy"), System("bad", read_segments(degraded), "bad")], ref
        )
        row = rows(comparison)[1]
        headers = _headers(comparison_table(comparison))
    assert comparison.tests.metrics == ["bleu", "chrf"]
    assert "chrf0" in row and "chrf0_ci" not in row and "p_chrf0_bootstrap" not in row
    assert "chrF" in headers and "p chrF (bs / ar)" not in headers


def test_lower_is_better_decides_the_direction_of_the_verdict(degraded: Path) -> None:
    ter = registry.get("ter")
    registry.unregister("ter")
    registry.register(replace(ter, tested=True))  # TER is last: the order stays the same
    try:
        ref = read_reference(REFERENCE)
        comparison = compare(
            [System("copy", ref, "copy"), System("bad", read_segments(degraded), "bad")], ref
        )
    finally:
        registry.unregister("ter")
        registry.register(ter)
    assert comparison.tests.systems["bad"]["ter"].score > comparison.tests.systems["copy"]["ter"].score
    # a higher TER is worse, so all three metrics agree
    assert rows(comparison)[1]["significant"] == "yes: worse (BLEU, chrF2++, TER)"


def test_score_table_has_a_column_per_metric(degraded: Path) -> None:
    from tarjama.evaluation.scoring import score_segments

    result = score_segments(read_segments(degraded), read_reference(REFERENCE))
    table = score_table([result])
    assert _headers(table) == ["hypothesis", "level", "segments", "BLEU", "chrF++", "TER", "term accuracy"]
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table)
    assert f"{result.scores.values['ter']:.1f}" in console.export_text()


class SourceLength(registry.SentenceMean):
    """A toy metric that needs the sources, scored in batches: how much of the source's length
    the hypothesis has (100 × words(hypothesis) / words(source), at most 100), averaged."""

    name, key, tested, needs_sources, batch_size = "SrcLen", "srclen", True, True, 8

    def __init__(self) -> None:
        self.batches: list[int] = []

    def score_batch(self, hypotheses, references, sources):
        self.batches.append(len(hypotheses))
        return [
            100 * min(1.0, len(h.split()) / max(1, len(s.split())))
            for h, s in zip(hypotheses, sources, strict=True)
        ]

    def signature_fields(self) -> dict[str, str]:
        return {"unit": "words"}


@pytest.fixture
def source_length() -> Iterator[SourceLength]:
    with registry.registered(SourceLength()) as metric:  # the one line
        yield metric
    assert "srclen" not in [m.key for m in registry.all_metrics()]


def _by_hand(hypotheses: list[str]) -> float:
    sources = [g["arabic"] for g in read_gold(GOLD_TSV)]
    scores = [
        100 * min(1.0, len(h.split()) / len(s.split())) for h, s in zip(hypotheses, sources, strict=True)
    ]
    return sum(scores) / len(scores)


def test_a_metric_on_the_sources_is_in_score_json_and_table(
    source_length: SourceLength, degraded: Path
) -> None:
    args = ["score", str(degraded), "--ref", str(REFERENCE), "--source", str(GOLD_TSV), "--worst", "2"]
    res = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    [result] = json.loads(res.stdout)
    assert list(result)[7:11] == ["BLEU", "chrF++", "TER", "SrcLen"]
    assert result["SrcLen"] == pytest.approx(_by_hand(degraded.read_text(encoding="utf-8").splitlines()))
    assert result["signatures"]["SrcLen"] == "nrefs:1|unit:words|version:1"
    assert all("srclen" in w for w in result["worst"])
    assert source_length.batches == [8, 8, 8, 8, 2]  # 34 sentences, in batches of at most 8

    res = CliRunner().invoke(main, args, catch_exceptions=False)
    header = res.stdout.splitlines()[1]
    assert header.index("TER") < header.index("SrcLen") < header.index("term accuracy")
    assert "SrcLen signature: nrefs:1|unit:words|version:1" in res.stdout

    # without the sources it is not scored, and says why
    res = CliRunner().invoke(main, [*args[:4], "--json"], catch_exceptions=False)
    assert json.loads(res.stdout)[0]["SrcLen"] is None
    res = CliRunner().invoke(main, args[:4], catch_exceptions=False)
    assert "SrcLen: needs the Arabic sources" in res.stdout and "—" in res.stdout.splitlines()[3]


def test_a_tested_metric_on_the_sources_is_in_compares_reports_and_table(
    source_length: SourceLength, degraded: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    systems = ["--system", f"copy={REFERENCE}", "--system", f"bad={degraded}"]
    res = CliRunner().invoke(
        main,
        ["compare", str(EXAMPLE), *systems, "--ref", str(REFERENCE), "--out", str(out)],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    assert "SrcLen" in res.stdout.splitlines()[2]  # the terminal table's header (under its title)
    assert source_length.batches == [8, 8, 8, 8, 2] * 2  # each system scored once: table and both tests

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    bad = report["systems"][1]
    assert bad["srclen"] == round(_by_hand(degraded.read_text(encoding="utf-8").splitlines()), 2)
    assert bad["srclen"] < report["systems"][0]["srclen"] and bad["srclen_ci"] > 0
    assert bad["p_srclen_bootstrap"] < 0.05 and bad["p_srclen_ar"] < 0.05
    assert bad["significant"] == "yes: worse (BLEU, chrF2++, SrcLen)"
    assert report["signatures"]["SrcLen"] == "nrefs:1|unit:words|version:1"
    assert (
        report["signatures"]["SrcLen (paired bootstrap)"] == "nrefs:1|unit:words|bs:1000|seed:12345|version:1"
    )
    assert set(report["sentences"]["bad"][0]) == {"segment", "bleu", "chrf", "srclen"}

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| TER | SrcLen | term accuracy |" in md and "| p SrcLen (bs / ar) | significant |" in md
    assert f"| {bad['srclen']:.1f} ± {bad['srclen_ci']:.1f} |" in md
    assert "p SrcLen (bs / ar)" in (out / "report.html").read_text(encoding="utf-8")
    assert "srclen" in (out / "scores.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
