"""`tarjama finetune` input: reviewed PO entries and TSV pairs, validated before any training."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tarjama.errors import InputError, TarjamaError
from tarjama.training.data import deduplicate, load_dataset, read_pairs, split_dev
from tarjama.training.train import load_scratch_config
from tests.conftest import GOLD_TSV, run_cli


def write_po(path: Path, entries: list[tuple[str, str, bool]]) -> Path:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    for msgid, msgstr, fuzzy in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"] if fuzzy else []))
    po.save(str(path))
    return path


def test_po_gives_only_reviewed_entries(tmp_path: Path) -> None:
    po = write_po(
        tmp_path / "a.po",
        [
            ("جملة أولى.", "First sentence.", False),
            ("جملة ثانية.", "MT guess.", True),
            ("جملة ثالثة.", "", False),
        ],
    )
    pairs = read_pairs(po)
    assert [(p.source, p.target) for p in pairs] == [("جملة أولى.", "First sentence.")]
    assert pairs[0].origin.startswith(f"{po}:")


def test_gold_tsv_reads_arabic_and_english_columns() -> None:
    pairs = read_pairs(GOLD_TSV)
    assert len(pairs) == 34
    assert pairs[0].target.startswith("The Ministry of Foreign Affairs and the Ministry of Public Security")
    assert pairs[0].source.startswith("نظمت وزارة الخارجية")


def test_two_column_tsv_keeps_quotes_as_text(tmp_path: Path) -> None:
    tsv = tmp_path / "p.tsv"
    tsv.write_text('قال "نعم".\tHe said "yes".\nمرحبا\tHello\n', encoding="utf-8")
    assert [(p.source, p.target) for p in read_pairs(tsv)] == [
        ('قال "نعم".', 'He said "yes".'),
        ("مرحبا", "Hello"),
    ]


def test_later_translation_of_a_source_wins_and_duplicates_are_counted(tmp_path: Path) -> None:
    old = tmp_path / "old.tsv"
    new = tmp_path / "new.tsv"
    old.write_text("أ\tA old\nب\tB\n", encoding="utf-8")
    new.write_text("أ\tA new\nب\tB\n", encoding="utf-8")
    unique, dropped = deduplicate([*read_pairs(old), *read_pairs(new)])
    assert dropped == 2
    assert {p.source: p.target for p in unique} == {"أ": "A new", "ب": "B"}


def test_dev_split_is_seeded_disjoint_and_falls_back_on_tiny_data() -> None:
    pairs = read_pairs(GOLD_TSV)
    train, dev, same = split_dev(pairs, 0.2, seed=3)
    assert not same and len(dev) == 7 and len(train) == 27
    assert not {p.source for p in train} & {p.source for p in dev}
    assert split_dev(pairs, 0.2, seed=3)[1] == dev  # reproducible
    assert split_dev(pairs, 0.2, seed=4)[1] != dev
    tiny_train, tiny_dev, tiny_same = split_dev(pairs[:5], 0.2, seed=0)
    assert tiny_same and tiny_train == tiny_dev == pairs[:5]


def test_eval_file_is_the_dev_set_and_everything_else_trains(tmp_path: Path) -> None:
    dev = tmp_path / "dev.tsv"
    dev.write_text("مرحبا\tHello\n", encoding="utf-8")
    ds = load_dataset([GOLD_TSV], eval_data=[dev])
    assert len(ds.train) == 34 and [p.target for p in ds.dev] == ["Hello"] and not ds.dev_is_train


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("أ\tA\nب\tB\textra\n", "line 2: 3 columns where line 1 has 2"),
        ("أ\tA\tB\n", "line 1: 3 TAB-separated columns"),
        ("أ\tA\nب\t \n", "line 2: empty target text"),
        ("\n\n", "no sentence pairs"),
    ],
)
def test_bad_tsv_fails_with_the_line(tmp_path: Path, content: str, message: str) -> None:
    tsv = tmp_path / "bad.tsv"
    tsv.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read_pairs(tsv)
    assert err.value.path == str(tsv)


def test_po_without_reviewed_entries_fails(tmp_path: Path) -> None:
    po = write_po(tmp_path / "mt.po", [("جملة.", "MT.", True), ("أخرى.", "", False)])
    with pytest.raises(InputError, match="no reviewed entries to learn from"):
        read_pairs(po)


def test_scratch_config_json_is_checked(tmp_path: Path) -> None:
    cfg = tmp_path / "c.json"
    cfg.write_text('{"d_model": 16, "layers": 1}', encoding="utf-8")
    assert load_scratch_config(str(cfg)).d_model == 16
    cfg.write_text('{"d_modle": 16}', encoding="utf-8")
    with pytest.raises(TarjamaError, match="unknown config keys"):
        load_scratch_config(str(cfg))
    assert load_scratch_config("tiny").dropout == 0.0


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("fuzzy-po", "no reviewed entries to learn from"),
        ("bad-tsv", "line 2: 1 columns where line 1 has 2"),
        ("missing", "no such data file"),
        ("no-model", "give --model ID_OR_DIR to fine-tune, or --from-scratch CONFIG"),
    ],
)
def test_cli_bad_data_fails_before_training(tmp_path: Path, setup: str, message: str) -> None:
    """One line, exit 1, and no output directory created: nothing was trained."""
    good = tmp_path / "good.tsv"
    good.write_text("أ\tA\n", encoding="utf-8")
    data = {
        "fuzzy-po": write_po(tmp_path / "mt.po", [("جملة.", "MT.", True)]),
        "bad-tsv": tmp_path / "bad.tsv",
        "missing": tmp_path / "nope.tsv",
        "no-model": good,
    }[setup]
    if setup == "bad-tsv":
        data.write_text("أ\tA\nب\n", encoding="utf-8")
    out = tmp_path / "model"
    extra = [] if setup == "no-model" else ["--from-scratch", "tiny"]
    result = run_cli("finetune", "--data", data, "--out", out, *extra)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tarjama: error: ") and message in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()
