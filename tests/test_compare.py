"""`tarjama compare`: paired significance against the baseline, and the report files, end to end."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from rich.console import Console

from tarjama.errors import InputError, TarjamaError
from tarjama.evaluation.compare import Comparison, System, compare
from tarjama.evaluation.hypotheses import Misaligned, read_reference, read_segments
from tarjama.evaluation.report import FILES, markdown
from tarjama.evaluation.terminal import comparison_table
from tarjama.glossary import load_default
from tarjama.run.systems import SystemSpec, parse_system

from .conftest import EXAMPLE, GOLD_TSV, REFERENCE, run_cli
from .test_score import degrade, reference_lines


@pytest.fixture(scope="module")
def hypothesis_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("hyps")
    lines = reference_lines()
    files = {
        "copy": lines,
        "degraded": [degrade(line) for line in lines],
        # a near miss: one sentence loses its last word; far too small a change to be significant
        "near": [*lines[:-1], lines[-1].rsplit(" ", 1)[0]],
    }
    paths = {}
    for name, content in files.items():
        paths[name] = work / f"{name}.en.txt"
        paths[name].write_text("".join(f"{line}\n" for line in content), encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def three_systems(hypothesis_files: dict[str, Path]) -> Comparison:
    """copy (the baseline), degraded and near against the reference, with the sources and the
    default glossary: one comparison (seconds of resampling) for the tests that only read it."""
    ref = read_reference(REFERENCE)
    systems = [System(name, read_segments(path), str(path)) for name, path in hypothesis_files.items()]
    sources = [line.split("\t")[3] for line in GOLD_TSV.read_text(encoding="utf-8").splitlines()]
    return compare(systems, ref, sources, load_default())


def test_degraded_is_significantly_worse_and_an_identical_copy_is_not_different(
    three_systems: Comparison,
) -> None:
    result = three_systems
    tests = result.tests.systems
    for metric in result.tests.metrics:  # BLEU and chrF2++
        worse = tests["degraded"][metric]
        assert worse.score < tests["copy"][metric].score
        assert worse.p_bootstrap < 0.05 and worse.p_ar < 0.05 and worse.significant()
        assert tests["near"][metric].p_bootstrap > 0.05 and not tests["near"][metric].significant()
        assert tests["copy"][metric].ci == 0  # a perfect system: every resample scores 100
        assert worse.ci > 0
    assert result.scores["degraded"].terms.accuracy < result.scores["copy"].terms.accuracy == 1.0
    # the sentences the systems disagree on most are ranked by their spread of sentence chrF++
    spreads = [d.spread for d in result.disagreements]
    assert len(spreads) == 5 and spreads == sorted(spreads, reverse=True) and spreads[0] > 0


def test_comparison_table_shows_the_report_table_on_the_terminal(three_systems: Comparison) -> None:
    comparison = three_systems
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(comparison_table(comparison))
    text = console.export_text()
    md = markdown(comparison).splitlines()
    top = next(i for i, line in enumerate(md) if line.startswith("| system |"))
    md_header, md_rows = md[top], md[top + 2 : top + 5]

    def cells(row: str, bar: str) -> list[str]:
        return [c.strip() for c in row.strip().strip(bar).split(bar)]

    assert [c.header for c in comparison_table(comparison).columns] == cells(md_header, "|")
    for md_row, name in zip(md_rows, ["copy", "degraded", "near"], strict=True):
        line = next(line for line in text.splitlines() if line.startswith(f"│ {name} "))
        # the same cells as report.md's row, in the same order
        assert cells(line, "│") == cells(md_row, "|")
    assert "yes: worse (BLEU, chrF2++)" in text and "100.0% (101/101)" in text


def test_two_identical_systems_are_not_significantly_different(hypothesis_files: dict[str, Path]) -> None:
    ref = read_reference(REFERENCE)
    same = read_segments(hypothesis_files["degraded"])
    result = compare([System("a", same, "a"), System("b", same, "b")], ref)
    for metric in result.tests.metrics:
        b = result.tests.systems["b"][metric]
        assert b.p_bootstrap == 1.0 and b.p_ar == 1.0 and not b.significant()
    assert result.disagreements == []


def test_misaligned_system_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("\n".join(reference_lines()[:-1]) + "\n", encoding="utf-8")
    ref = read_reference(REFERENCE)
    with pytest.raises(Misaligned, match=r"33 segments .* every system needs the reference.s segmentation"):
        compare([System("a", ref, "a"), System("b", read_segments(short), "b")], ref)


def test_compare_two_tiny_models_end_to_end(
    tiny_model: Path, second_model: Path, hypothesis_files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report"
    res = run_cli(
        "compare",
        EXAMPLE,
        "--system",
        f"small={tiny_model}",
        "--system",
        f"other={second_model}",
        "--system",
        f"human={hypothesis_files['copy']}",
        "--ref",
        REFERENCE,
        "--out",
        out,
        "--beam",
        "1",
    )
    assert res.returncode == 0, res.stderr
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    # the results table on the terminal, then the files written
    table, _, written = res.stdout.partition(str(out / "report.md"))
    assert "┃ system " in table and "┃ significant " in table and "p chrF++ (bs / ar)" in table
    assert all(f"│ {name} " in table for name in ("small", "other", "human"))
    assert "baseline" in table and "yes: better" in table
    assert str(out / "report.html") in written

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rows = {r["system"]: r for r in report["systems"]}
    assert list(rows) == ["small", "other", "human"] and report["baseline"] == "small"
    assert rows["human"]["bleu"] == pytest.approx(100) and rows["human"]["significant"].startswith(
        "yes: better"
    )
    for name in ("small", "other"):
        assert 0 <= rows[name]["bleu"] < 100
        assert rows[name]["sentences_per_second"] > 0  # tarjama translated these: speed is known
        assert rows[name]["term_accuracy"] is not None
    assert rows["human"]["sentences_per_second"] is None
    assert rows["other"]["p_bleu_bootstrap"] is not None and rows["small"]["p_bleu_bootstrap"] is None
    assert any("bs:1000|seed:12345" in sig for sig in report["signatures"].values())
    assert any("ar:10000|seed:12345" in sig for sig in report["signatures"].values())

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| system | BLEU | chrF++ | TER | term accuracy | sentences/s |" in md
    for name in rows:
        assert f"| {name} | " in md
    assert "sentences where the systems disagree most" in md and "| reference |" in md and "| source |" in md

    with (out / "scores.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [r["system"] for r in table] == ["small", "other", "human"]
    assert float(table[2]["bleu"]) == pytest.approx(100)

    with Image.open(out / "scores.png") as image:
        assert image.format == "PNG" and image.width > 300 and image.height > 200
        assert "small, other, human" in image.text["Description"]
        assert len(image.convert("RGB").getcolors(1 << 20)) > 10  # bars and text, not a blank canvas
    assert "<del>" in (out / "report.html").read_text(encoding="utf-8")


def test_compare_needs_two_systems_and_articles_for_models(tiny_model: Path, tmp_path: Path) -> None:
    res = run_cli("compare", "--system", f"a={REFERENCE}", "--ref", REFERENCE, "--out", tmp_path / "r")
    assert res.returncode == 1 and "at least two --system" in res.stderr
    res = run_cli(
        "compare",
        "--system",
        f"a={tiny_model}",
        "--system",
        f"b={REFERENCE}",
        "--ref",
        REFERENCE,
        "--out",
        tmp_path / "r",
    )
    assert res.returncode == 1 and "need ARTICLE" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("compare", "--system", "nonsense", "--system", f"b={REFERENCE}", "--ref", REFERENCE)
    assert res.returncode == 1 and "expected NAME=SOURCE" in res.stderr
    assert not (tmp_path / "r" / "report.md").exists()


def test_system_specs_tell_models_from_hypothesis_files(tiny_model: Path, tmp_path: Path) -> None:
    assert parse_system(f"mt={tiny_model}") == SystemSpec("mt", str(tiny_model), True)
    assert parse_system("opus=Helsinki-NLP/opus-mt-ar-en").is_model  # a hub id, resolved by the pipeline
    assert not parse_system(f"human={REFERENCE}").is_model
    assert not parse_system(f"dir={tmp_path}").is_model  # a directory without config.json: hypotheses
    with pytest.raises(InputError, match="no such hypothesis file"):
        parse_system(f"x={tmp_path / 'missing.po'}")
    with pytest.raises(TarjamaError, match="NAME=SOURCE"):
        parse_system("=x")


def test_reports_treat_system_names_and_text_as_data_and_round_once(
    hypothesis_files: dict[str, Path], tmp_path: Path
) -> None:
    from tarjama.evaluation.report import csv_text, summary

    ref = read_reference(REFERENCE)
    names = ['=HYPERLINK("http://x")', "**bold** | [link](http://x) <b>"]
    systems = [
        System(name, read_segments(path), str(path))
        for name, path in zip(names, (hypothesis_files["copy"], hypothesis_files["degraded"]), strict=True)
    ]
    result = compare(systems, ref)
    # CSV: a name a spreadsheet would run as a formula is neutralised (OWASP), the rest as written
    rows = list(csv.DictReader(io.StringIO(csv_text(result))))
    assert [r["system"] for r in rows] == ["'" + names[0], names[1]]
    # Markdown: the name shows as typed, no emphasis, link, HTML or extra column
    md = markdown(result)
    line = next(row for row in md.splitlines() if row.startswith("| \\*\\*bold"))
    assert line.startswith("| \\*\\*bold\\*\\* \\| \\[link\\](http://x) \\<b\\> |")
    assert line.count(" | ") == md.splitlines()[md.splitlines().index(line) - 1].count(" | ")
    # one rounding, as sacrebleu prints: the table's CI is the unrounded value to 1 decimal
    tests = result.tests.systems[names[1]]
    tests["bleu"] = dataclasses.replace(tests["bleu"], ci=3.4462)  # 3.45 if rounded to 2 first
    _, body = summary(result)
    assert body[1][1] == f"{result.scores[names[1]].values['bleu']:.1f} ± 3.4"


def test_a_failed_compare_leaves_no_report_folder(hypothesis_files: dict[str, Path], tmp_path: Path) -> None:
    short = tmp_path / "short.en.txt"
    short.write_text("one line\n", encoding="utf-8")
    out = tmp_path / "report"
    res = run_cli(
        "compare", "--system", f"a={hypothesis_files['copy']}", "--system", f"b={short}",
        "--ref", REFERENCE, "--out", out,
    )  # fmt: skip
    assert res.returncode == 1 and res.stderr.count("\n") == 1, res.stderr
    assert not out.exists()
