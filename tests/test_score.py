"""`tarjama score`: metrics with signatures, term accuracy, PO/text/directory input, alignment errors."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from tarjama.errors import InputError
from tarjama.evaluation.hypotheses import Misaligned, State, read_reference, read_segments
from tarjama.evaluation.scoring import score_segments
from tarjama.glossary import load_default

from .conftest import GOLD_TSV, REFERENCE, read_gold, run_cli

MISSPELLED = {"Hanoi": "Hanoy", "Dang Hoang Giang": "Dang Hong Jiang", "Guterres": "Guteres"}


def degrade(line: str) -> str:
    """Drop every third word and misspell names: what a weak system does."""
    for right, wrong in MISSPELLED.items():
        line = line.replace(right, wrong)
    words = line.split()
    return " ".join(w for i, w in enumerate(words) if i % 3 != 2)


def reference_lines() -> list[str]:
    return REFERENCE.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def degraded(tmp_path: Path) -> Path:
    path = tmp_path / "degraded.en.txt"
    path.write_text("".join(degrade(line) + "\n" for line in reference_lines()), encoding="utf-8")
    return path


def score_json(*args: str | Path) -> list[dict]:
    res = run_cli("score", *args, "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_reference_against_itself_is_perfect() -> None:
    [result] = score_json(REFERENCE, "--ref", REFERENCE, "--source", GOLD_TSV)
    assert result["segments"] == 34
    assert result["BLEU"] == pytest.approx(100)
    assert result["chrF++"] == pytest.approx(100)
    assert result["TER"] == pytest.approx(0)
    terms = result["term_accuracy"]
    assert terms["accuracy"] == 1.0 and terms["correct"] == terms["total"] > 90
    assert set(result["signatures"]) == {"BLEU", "chrF2++", "TER"}
    assert result["signatures"]["BLEU"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
    assert "nw:2" in result["signatures"]["chrF2++"]  # chrF++, not plain chrF
    assert "tok:tercom" in result["signatures"]["TER"]


def test_degraded_copy_scores_lower_on_every_metric(degraded: Path) -> None:
    perfect, worse = score_json(REFERENCE, degraded, "--ref", REFERENCE, "--source", GOLD_TSV, "--worst", "3")
    assert worse["BLEU"] < perfect["BLEU"] - 20
    assert worse["chrF++"] < perfect["chrF++"] - 10
    assert worse["TER"] > 20
    terms = worse["term_accuracy"]
    assert terms["accuracy"] < 1.0
    missed = {m["target"] for m in terms["misses"]}
    assert {"Hanoi", "Dang Hoang Giang"} <= missed
    # the worst list is the lowest sentences by sentence chrF++, numbered as in the files
    assert len(worse["worst"]) == 3
    chrf = [w["chrf"] for w in worse["worst"]]
    assert chrf == sorted(chrf) and chrf[0] < 100
    lines = reference_lines()
    for w in worse["worst"]:
        assert w["reference"] == lines[w["index"] - 1]
        assert w["hypothesis"] == degrade(lines[w["index"] - 1])


def test_human_output_shows_table_signatures_and_worst_sentences(degraded: Path) -> None:
    res = run_cli("score", degraded, "--ref", REFERENCE, "--source", GOLD_TSV, "--worst", "2")
    assert res.returncode == 0, res.stderr
    assert "BLEU signature: nrefs:1|" in res.stdout
    assert "TER signature:" in res.stdout
    assert "the 2 worst sentences" in res.stdout
    assert "ref: " in res.stdout


def write_po(path: Path, article: str = "a.ar.txt") -> Path:
    """A catalog in a scrambled entry order, with reviewed, fuzzy, untranslated, obsolete and repeated entries."""
    gold = read_gold()[:5]
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}

    def add(i: int, msgstr: str, flags: list[str], lines: list[int], obsolete: bool = False) -> None:
        po.append(
            polib.POEntry(
                msgid=gold[i]["arabic"],
                msgstr=msgstr,
                flags=flags,
                occurrences=[(article, str(n)) for n in lines],
                obsolete=obsolete,
            )
        )

    add(2, gold[2]["english"], [], [3])  # reviewed
    add(0, gold[0]["english"], ["fuzzy"], [1, 5])  # fuzzy, its sentence repeated on line 5
    add(1, "", [], [2])  # untranslated
    add(3, "an old review of a sentence that is gone", [], [4], obsolete=True)
    add(4, gold[4]["english"], [], [4])  # reviewed
    po.save(str(path))
    return path


def test_po_entries_are_read_in_document_order_with_their_review_state(tmp_path: Path) -> None:
    gold = read_gold()
    seg = read_segments(write_po(tmp_path / "a.po"))
    assert seg.sources == [gold[i]["arabic"] for i in (0, 1, 2, 4, 0)]
    assert seg.texts == [gold[0]["english"], "", gold[2]["english"], gold[4]["english"], gold[0]["english"]]
    assert seg.states == [State.FUZZY, State.UNTRANSLATED, State.REVIEWED, State.REVIEWED, State.FUZZY]
    assert "an old review" not in " ".join(seg.texts)  # obsolete entries are not hypotheses


def test_po_hypothesis_fuzzy_included_by_default_and_left_out_with_reviewed_only(tmp_path: Path) -> None:
    gold = read_gold()
    po = write_po(tmp_path / "a.po")
    ref = tmp_path / "ref.txt"
    ref.write_text("".join(gold[i]["english"] + "\n" for i in (0, 1, 2, 4, 0)), encoding="utf-8")
    [everything] = score_json(po, "--ref", ref)
    assert everything["segments"] == 5 and everything["excluded_unreviewed"] == 0
    assert everything["BLEU"] < 100  # the untranslated entry counts as an empty hypothesis
    assert everything["term_accuracy"] is not None  # sources come from the msgids
    [reviewed] = score_json(po, "--ref", ref, "--reviewed-only", "--worst", "5")
    assert reviewed["segments"] == 2 and reviewed["excluded_unreviewed"] == 3
    assert reviewed["BLEU"] == pytest.approx(100)
    assert sorted(w["index"] for w in reviewed["worst"]) == [3, 4]  # numbered as in the catalog's order


def test_po_reference_and_directory_of_hypotheses(tmp_path: Path) -> None:
    gold = read_gold()
    reviewed = tmp_path / "ref.po"
    po = polib.POFile()
    for i, g in enumerate(gold):
        po.append(
            polib.POEntry(msgid=g["arabic"], msgstr=g["english"], occurrences=[("a.ar.txt", str(i + 1))])
        )
    po.save(str(reviewed))
    hyps = tmp_path / "hyps"
    hyps.mkdir()
    lines = reference_lines()
    (hyps / "a.txt").write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    (hyps / "b.txt").write_text("\n".join(lines[20:]) + "\n", encoding="utf-8")
    [result] = score_json(hyps, "--ref", reviewed)
    assert result["segments"] == 34
    assert result["BLEU"] == pytest.approx(100)
    assert result["term_accuracy"]["accuracy"] == 1.0  # sources from the reference PO's msgids


def test_misaligned_counts_give_one_clear_line(tmp_path: Path) -> None:
    lines = reference_lines()
    merged = [*lines[:3], lines[3] + " " + lines[4], *lines[5:]]  # tarjama joined two sentences
    hyp = tmp_path / "merged.txt"
    hyp.write_text("\n".join(merged) + "\n", encoding="utf-8")
    res = run_cli("score", hyp, "--ref", REFERENCE)
    assert res.returncode == 1
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert str(hyp) in res.stderr and "33 segments" in res.stderr and "34" in res.stderr
    assert "--document" in res.stderr
    # at document level the same text scores as what it is: the reference, re-split
    [doc] = score_json(hyp, "--ref", REFERENCE, "--document")
    assert doc["level"] == "document" and doc["segments"] == 1
    assert doc["BLEU"] == pytest.approx(100)


def test_same_count_but_different_sources_is_misaligned_too(tmp_path: Path) -> None:
    gold = read_gold()[:3]
    hyp = polib.POFile()
    for i, g in enumerate(gold):
        hyp.append(polib.POEntry(msgid=g["arabic"], msgstr=g["english"], occurrences=[("a", str(i + 1))]))
    hyp_path = tmp_path / "hyp.po"
    hyp.save(str(hyp_path))
    ref = tmp_path / "ref.txt"
    ref.write_text("".join(g["english"] + "\n" for g in gold), encoding="utf-8")
    swapped = [gold[0]["arabic"], gold[2]["arabic"], gold[1]["arabic"]]
    with pytest.raises(Misaligned, match=r"different source sentences at segments 2, 3"):
        score_segments(read_segments(hyp_path), read_segments(ref), swapped, load_default())


def test_unreadable_inputs_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe broken")
    res = run_cli("score", bad, "--ref", REFERENCE)
    assert res.returncode == 1 and "not valid UTF-8" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("score", tmp_path / "missing.po", "--ref", REFERENCE)
    assert res.returncode == 1 and "no such file" in res.stderr
    empty_ref = tmp_path / "ref.po"
    po = polib.POFile()
    po.append(polib.POEntry(msgid="x", msgstr=""))
    po.save(str(empty_ref))
    with pytest.raises(InputError, match="have no translation"):
        read_reference(empty_ref)


def test_realign_regroups_a_different_segmentation_by_its_arabic_sources(tmp_path: Path) -> None:
    """tarjama joined sentences 4+5 and split sentence 7: same count (34), different segments."""
    gold = read_gold()
    pairs = [(g["arabic"], g["english"]) for g in gold]
    half_ar, half_en = pairs[6][0].split(" "), pairs[6][1].split(" ")
    cut_ar, cut_en = len(half_ar) // 2, len(half_en) // 2
    segments = [
        *pairs[:3],
        (pairs[3][0] + " " + pairs[4][0], pairs[3][1] + " " + pairs[4][1]),
        pairs[5],
        (" ".join(half_ar[:cut_ar]), " ".join(half_en[:cut_en])),
        (" ".join(half_ar[cut_ar:]), " ".join(half_en[cut_en:])),
        *pairs[7:],
    ]
    po = polib.POFile()
    for n, (ar, en) in enumerate(segments):
        po.append(polib.POEntry(msgid=ar, msgstr=en, flags=["fuzzy"], occurrences=[("a.ar.txt", str(n + 1))]))
    hyp = tmp_path / "other-segmentation.po"
    po.save(str(hyp))

    res = run_cli("score", hyp, "--ref", REFERENCE, "--source", GOLD_TSV)
    assert res.returncode == 1 and "different source sentences at segments 4, 5, 6, 7" in res.stderr
    assert "--realign" in res.stderr
    [result] = score_json(hyp, "--ref", REFERENCE, "--source", GOLD_TSV, "--realign")
    assert result["level"] == "re-aligned"
    assert result["segments"] == 33 and result["merged_groups"] == 2
    assert [4, 5] in [g[1] for g in result["realigned_groups"]]  # reference sentences 4 and 5 joined
    assert [6, 7] in [g[0] for g in result["realigned_groups"]]  # hypothesis pieces 6 and 7 joined
    assert result["BLEU"] == pytest.approx(100) and result["TER"] == pytest.approx(0)
    assert result["term_accuracy"]["accuracy"] == 1.0


def test_realign_refuses_a_different_source_text(tmp_path: Path) -> None:
    gold = read_gold()
    po = polib.POFile()
    for n, g in enumerate(gold[:-1]):  # the last sentence is missing: not the same article
        po.append(polib.POEntry(msgid=g["arabic"], msgstr=g["english"], occurrences=[("a", str(n + 1))]))
    hyp = tmp_path / "short.po"
    po.save(str(hyp))
    res = run_cli("score", hyp, "--ref", REFERENCE, "--source", GOLD_TSV, "--realign")
    assert res.returncode == 1 and "not the same Arabic text" in res.stderr
