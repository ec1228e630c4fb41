"""Approved forms the model's vocabulary cannot spell: a stand-in is decoded, the exact form written.

The model here is a real tiny Marian whose target SentencePiece was trained on the example's
English with the capitals E, H, K and Q lowered, so it has no piece for them, and the
glossary gives the Vietnamese names with their diacritics (none of which the vocabulary has).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import polib
import pytest

from tarjama.glossary import Matcher, check_hypothesis, load_glossaries, required_targets
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.model_source import resolve_model
from tarjama.translate.scratch_model import ScratchConfig, build_scratch_model
from tarjama.translate.stand_in import base_letters, make_stand_in, plan_stand_ins, restore

from .conftest import EXAMPLE, run_cli

LACKING = "EHKQ"  # capitals the model's target vocabulary never saw

# The shipped glossary's rows with the targets a Vietnamese desk's style keeps (diacritics),
# plus capitals the model lacks ("UNITED NATIONS": E; "Hanoi Convention": H).
TARGETS = {
    "Dang Hoang Giang": "Đặng Hoàng Giang",
    "Pham The Tung": "Phạm Thế Tùng",
    "Le Xuan Minh": "Lê Xuân Minh",
    "Luong Cuong": "Lương Cường",
    "Nguyen Hong": "Nguyễn Hồng",
    "Vietnam": "Việt Nam",
    "United Nations": "UNITED NATIONS",
    "Senior Lieutenant General": "Thượng tướng",
    "Major General": "Thiếu tướng",
}


@pytest.fixture(scope="module")
def lacking_model(tmp_path_factory: pytest.TempPathFactory, gold) -> Path:
    table = str.maketrans(LACKING, LACKING.lower())
    return build_scratch_model(
        tmp_path_factory.mktemp("lacking"),
        [g["arabic"] for g in gold],
        [g["english"].translate(table) for g in gold],
        ScratchConfig(max_length=48),
    )


@pytest.fixture(scope="module")
def diacritic_glossary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shipped = Path(__file__).resolve().parent.parent / "glossary" / "ar-en.csv"
    with shipped.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = tmp_path_factory.mktemp("glossary") / "vi-style.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "target": TARGETS.get(row["target"], row["target"])})
    return out


def spells_without(missing: str):
    return lambda text: not any(c in missing for c in text)


def test_a_stand_in_changes_only_the_letters_the_vocabulary_lacks() -> None:
    assert [base_letters(c) for c in "ặĐıøßÅ"] == ["a", "D", "i", "o", "ss", "A"]
    spells = spells_without("ĐặàễồÜğıEK")
    assert make_stand_in("Đặng Hoàng Giang", spells) == "Dang Hoang Giang"
    assert make_stand_in("Nguyễn Hồng", spells) == "Nguyen Hong"
    assert make_stand_in("Ağrı", spells) == "Agri"
    assert make_stand_in("UNESCO", spells) == "UNeSCO"  # no base letter: the other case
    assert make_stand_in("Nguyen Khanh", spells) == "Nguyen khanh"
    assert make_stand_in("Hanoi", spells) == ""  # spellable: needs none
    # nothing spellable for a letter: it is left out (the exact form still comes back)
    assert make_stand_in("Ǆemal", spells_without("ǄǅǆDZdz")) == "emal"
    # a stand-in that is another approved form could not be read back: none is used
    plan = plan_stand_ins(["Nguyễn Hồng", "Nguyen Hong", "UNESCO"], spells)
    assert plan == {"Nguyễn Hồng": "", "UNESCO": "UNeSCO"}


def test_restore_writes_the_exact_form_where_each_stand_in_stands() -> None:
    stand = {"Đặng Hoàng Giang": "Dang Hoang Giang", "Nguyễn Hồng": "Nguyen Hong"}
    required = ["Đặng Hoàng Giang", "Hanoi Convention", "Nguyễn Hồng"]
    text = "Dang Hoang Giang signed the Hanoi Convention (photo: Nguyen Hong)."
    assert restore(text, required, stand) == (
        "Đặng Hoàng Giang signed the Hanoi Convention (photo: Nguyễn Hồng)."
    )
    # only whole words, and only terms this sentence owes
    assert restore("Nguyen Hongs met Dang Hoang Giang", ["Đặng Hoàng Giang"], stand) == (
        "Nguyen Hongs met Đặng Hoàng Giang"
    )
    # a stand-in inside a longer owed term is that term, not the name
    stand2 = {"Hà Nội": "Ha Noi"}
    assert restore("the Ha Noi Convention in Ha Noi", ["Ha Noi Convention", "Hà Nội"], stand2) == (
        "the Ha Noi Convention in Hà Nội"
    )
    # the model's own extra copy is restored too, so the post-check sees the duplicate
    twice = restore("Dang Hoang Giang and Dang Hoang Giang", ["Đặng Hoàng Giang"], stand)
    assert check_hypothesis(["Đặng Hoàng Giang"], twice).duplicated == {"Đặng Hoàng Giang": 1}


# transformers decodes this text several times slower than CTranslate2: the fast lane runs the ct2
# case (transformers decoding is in the fast lane through test_translate_cli and test_enforce)
@pytest.mark.parametrize("backend", [pytest.param("transformers", marks=pytest.mark.slow), "ct2"])
def test_every_approved_form_comes_out_byte_exact_on_a_model_that_cannot_spell_it(
    backend: str, lacking_model: Path, diacritic_glossary: Path, tmp_path: Path
) -> None:
    model = open_backend(resolve_model(str(lacking_model)), DecodeSettings(backend=backend, beam=2))
    glossary = load_glossaries([diacritic_glossary])
    plan = model.stand_ins(glossary.targets)
    # the vocabulary really lacks them: each of these would lose letters if forced as is
    for exact in [*TARGETS.values(), "Hanoi Convention"]:
        assert plan.get(exact), exact
    assert plan["Đặng Hoàng Giang"] == "Dang hoang Giang"  # Đ ặ à → base letters, H → h

    res = run_cli(
        "translate", EXAMPLE, "--model", lacking_model, "--backend", backend, "--beam", "2",
        "--glossary", diacritic_glossary, "--out", tmp_path / "locales",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    # reported once per term (not per occurrence), naming the letters the model lacks
    warnings = [line for line in res.stderr.splitlines() if "cannot spell" in line]
    assert Counter(w.split("cannot spell ")[1].split(" (")[0] for w in warnings) == Counter(
        {repr(t): 1 for t, s in plan.items() if s}
    )
    assert any("cannot spell 'Đặng Hoàng Giang' (it has no 'Đ', 'ặ', 'H', 'à')" in w for w in warnings)

    po = polib.pofile(str(tmp_path / "locales" / "en" / "LC_MESSAGES" / "hanoi-convention.po"))
    matcher = Matcher(glossary)
    total = correct = 0
    stands = {s for s in plan.values() if s}
    for entry in po:
        required = required_targets(matcher.find(entry.msgid))
        check = check_hypothesis(required, entry.msgstr)
        total += check.total
        correct += check.correct
        assert check.ok, (entry.msgid, entry.msgstr, check.missing, check.duplicated)
        assert "glossary-missing" not in entry.comment
        for t in required:  # byte-exact, and no stand-in left behind
            assert t in entry.msgstr
        assert not any(s in entry.msgstr for s in stands if s not in glossary.targets)
    assert total >= 101 and correct == total
