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

from .conftest import GOLD_TSV, REFERENCE
from .test_score import degrade, reference_lines


def toy(tested: bool = True) -> registry.Metric:
    return registry.Metric(
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
        registry.register(registry.Metric("BLEU", "bleu2", BLEU))
    with pytest.raises(ValueError, match="clashes"):
        registry.register(registry.Metric("Other", "chrf", BLEU))
    # the same sacrebleu metric twice would give two scores one signature entry
    with (
        registry.registered(registry.Metric("BLEU again", "bleu2", BLEU)),
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
