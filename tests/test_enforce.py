"""Decoding-time glossary enforcement: guarantees under hostile scores, with the real tiny model, via the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
import torch
from transformers import AutoTokenizer

from tarjama.evaluation.term_accuracy import term_accuracy
from tarjama.glossary import Matcher, check_hypothesis, load_default, required_targets
from tarjama.sources import read
from tarjama.sources.segment import TRANSLATABLE
from tarjama.translate.backend import DecodeSettings, output_budget
from tarjama.translate.hf_backend import TransformersBackend
from tarjama.translate.hf_enforce import TargetVocab, TermEnforcer, term_budget
from tarjama.translate.length_limit import PerSentenceLengthLimit
from tarjama.translate.model_source import resolve_model

from .conftest import EXAMPLE, run_cli

# --- the processor alone, driven by hostile score functions (greedy) ----------------------


@pytest.fixture(scope="module")
def vocab(tiny_model: Path) -> TargetVocab:
    return TargetVocab(AutoTokenizer.from_pretrained(tiny_model))


Prefer = Callable[[list[int]], dict[int, float]]


def drive(
    vocab: TargetVocab, required: list[str], prefer: Prefer, budget: int = 30
) -> tuple[str, list[int], int]:
    """Greedy decoding where ``prefer`` plays the model; returns (text, tokens, budget used)."""
    tok = vocab.tokenizer
    eos, pad = tok.eos_token_id, tok.pad_token_id
    plan = vocab.plan(required)
    budget = term_budget(budget, plan, 255)
    enforcer = TermEnforcer([plan], [budget], 1, eos, pad, vocab.continuation)
    limit = PerSentenceLengthLimit([budget], 1, eos)
    seq = [pad]
    for _ in range(budget + 5):
        scores = torch.full((1, len(tok)), -20.0)
        for t, v in prefer(seq[1:]).items():
            scores[0, t] = v
        ids = torch.tensor([seq])
        scores = limit(ids, enforcer(ids, scores))
        nxt = int(scores.argmax())
        seq.append(nxt)
        if nxt == eos:
            break
    return tok.decode(seq[1:], skip_special_tokens=True).strip(), seq[1:], budget


def ids(vocab: TargetVocab, text: str) -> list[int]:
    return list(vocab.encode(text))


def test_a_model_that_wants_to_stop_at_once_still_writes_every_term(vocab: TargetVocab) -> None:
    need = ["Dang Hoang Giang", "Hanoi", "Hanoi Convention", "Hanoi"]
    eos = vocab.tokenizer.eos_token_id
    text, toks, budget = drive(vocab, need, lambda _: {eos: 0.0})
    check = check_hypothesis(need, text)
    assert check.ok, (text, check.missing, check.duplicated)
    assert len(toks) <= budget


def test_a_model_that_parrots_a_term_gets_it_exactly_as_often_as_the_source(vocab: TargetVocab) -> None:
    hanoi = ids(vocab, "Hanoi")
    text, _, _ = drive(vocab, ["Hanoi", "Vietnam"], lambda seq: {hanoi[len(seq) % len(hanoi)]: 0.0})
    check = check_hypothesis(["Hanoi", "Vietnam"], text)
    assert check.ok, text
    words = text.split()
    assert words.count("Hanoi") == 1, text
    # the written-out term may start one longer word per occurrence ("Hanoian"), never a run of them
    assert sum(w.startswith("Hanoi") for w in words) <= 2, text


def test_a_model_that_repeats_a_multi_token_name_cannot_duplicate_it(vocab: TargetVocab) -> None:
    name = ids(vocab, "Dang Hoang Giang")
    assert len(name) > 3
    text, _, _ = drive(vocab, ["Dang Hoang Giang"], lambda seq: {name[len(seq) % len(name)]: 0.0})
    assert check_hypothesis(["Dang Hoang Giang"], text).ok, text
    assert text.count("Giang") == 1


def test_letters_are_never_glued_onto_a_term(vocab: TargetVocab) -> None:
    glue = [i for i in vocab.continuation if vocab.pieces[i].isalpha()][:3]
    prefer = {g: -1.0 * n for n, g in enumerate(glue)}
    text, _, _ = drive(vocab, ["Hanoi", "Vietnam"], lambda _: prefer)
    assert check_hypothesis(["Hanoi", "Vietnam"], text).ok, text


def follow(vocab: TargetVocab, text: str) -> Prefer:
    """A model that wants to write exactly ``text`` and then stop."""
    seqs, eos = ids(vocab, text), vocab.tokenizer.eos_token_id
    return lambda seq: {seqs[len(seq)]: 0.0} if len(seq) < len(seqs) else {eos: 0.0}


@pytest.mark.parametrize(
    "wanted",
    [
        "Vietnamese officials welcomed the Vietnam delegation",  # longer word first, term still owed
        "Vietnam welcomed Vietnamese officials",  # term done, then a longer word
        "Hanoian officials praised the Hanoi Convention in Hanoi",  # shared first word, longer word
    ],
)
def test_a_term_inside_a_longer_word_is_left_alone(vocab: TargetVocab, wanted: str) -> None:
    """An occurrence counts only as a whole word: "Vietnamese" is neither the term nor a duplicate."""
    need = ["Vietnam"] if "Vietnam" in wanted else ["Hanoi Convention", "Hanoi"]
    text, _, _ = drive(vocab, need, follow(vocab, wanted))
    assert text == wanted
    assert check_hypothesis(need, text).ok


@pytest.mark.parametrize(
    "wanted", ["Signed in Hanoi (Hanoi Convention).", 'Signed in Hanoi, the "Hanoi Convention".']
)
def test_a_term_in_brackets_or_quotes_is_seen(vocab: TargetVocab, wanted: str) -> None:
    """'(Hanoi' is other tokens than ' Hanoi': the term must still count, or the model is kept
    from stopping and the term is forced again at the end."""
    need = ["Hanoi", "Hanoi Convention"]
    text, _, _ = drive(vocab, need, follow(vocab, wanted))
    assert text == wanted
    assert check_hypothesis(need, text).ok


def test_a_longer_word_does_not_pay_for_the_term(vocab: TargetVocab) -> None:
    """The model writes only "Vietnamese" and stops: "Vietnam" is still owed, so it is written."""
    text, _, _ = drive(vocab, ["Vietnam"], follow(vocab, "Vietnamese officials"))
    assert text.startswith("Vietnamese officials"), text
    assert text.split().count("Vietnam") == 1, text
    assert check_hypothesis(["Vietnam"], text).ok


def test_a_started_term_is_finished_where_the_model_started_it(vocab: TargetVocab) -> None:
    """Writing the first word ("Dang") commits: the rest is forced right there, not at the end."""
    dang = ids(vocab, "Dang")
    said = ids(vocab, "said")
    eos = vocab.tokenizer.eos_token_id

    def prefer(seq: list[int]) -> dict[int, float]:
        if len(seq) < len(dang):
            return {dang[len(seq)]: 0.0}
        return {said[0]: 0.0, eos: -1.0}

    text, _, _ = drive(vocab, ["Dang Hoang Giang"], prefer, budget=40)
    assert text.startswith("Dang Hoang Giang"), text
    assert check_hypothesis(["Dang Hoang Giang"], text).ok


def test_shared_first_word_lets_the_model_choose_the_longer_term(vocab: TargetVocab) -> None:
    """'Hanoi' and 'Hanoi Convention' both owed: after 'Hanoi' the model may go on to 'Convention'."""
    seqs = ids(vocab, "Hanoi Convention in Hanoi")
    eos = vocab.tokenizer.eos_token_id

    def prefer(seq: list[int]) -> dict[int, float]:
        return {seqs[len(seq)]: 0.0} if len(seq) < len(seqs) else {eos: 0.0}

    text, _, _ = drive(vocab, ["Hanoi", "Hanoi Convention"], prefer)
    assert text == "Hanoi Convention in Hanoi"


def test_a_capitalised_term_at_the_sentence_start_counts_once(vocab: TargetVocab) -> None:
    """'Signing ceremony' written by the model is the owed 'signing ceremony': not forced again."""
    seqs = ids(vocab, "Signing ceremony held")
    eos = vocab.tokenizer.eos_token_id

    def prefer(seq: list[int]) -> dict[int, float]:
        return {seqs[len(seq)]: 0.0} if len(seq) < len(seqs) else {eos: 0.0}

    text, _, _ = drive(vocab, ["signing ceremony"], prefer)
    assert text == "Signing ceremony held"
    assert check_hypothesis(["signing ceremony"], text).ok


def test_no_room_means_missing_not_overflow(vocab: TargetVocab) -> None:
    """A term longer than the hard cap cannot fit: the output still ends within its budget."""
    eos = vocab.tokenizer.eos_token_id
    plan = vocab.plan(["Department of Cybersecurity and High-Tech Crime Prevention"])
    assert term_budget(10, plan, 12) == 12
    text, toks, _ = drive(vocab, ["Dang Hoang Giang"], lambda _: {eos: 0.0}, budget=4)
    assert check_hypothesis(["Dang Hoang Giang"], text).ok  # grown budget: the name fits
    assert len(toks) <= term_budget(4, vocab.plan(["Dang Hoang Giang"]), 255)


# --- the transformers backend with the real tiny random model -----------------------------


@pytest.fixture(scope="module")
def example() -> tuple[list[str], list[list[str]]]:
    matcher = Matcher(load_default())
    texts = [s.text for s in read(EXAMPLE).sentences if s.kind in TRANSLATABLE]
    return texts, [required_targets(matcher.find(t)) for t in texts]


# The wide beam in small batches is the slow lane's; beam search under the enforcer is in the
# fast lane through the pipeline below (--beam 2).
@pytest.mark.parametrize(("beam", "batch"), [(1, 16), pytest.param(4, 5, marks=pytest.mark.slow)])
def test_backend_enforces_every_term_within_the_budget(
    tiny_model: Path, example, beam: int, batch: int
) -> None:
    texts, required = example
    backend = TransformersBackend(resolve_model(str(tiny_model)), DecodeSettings(beam=beam, batch_size=batch))
    plain = backend.translate(texts)
    outputs = backend.translate(texts, terms=required)
    assert (
        sum(check_hypothesis(r, o).correct for r, o in zip(required, plain, strict=True)) < 10
    )  # luck alone
    vocab = TargetVocab(backend.tokenizer)
    for text, need, out in zip(texts, required, outputs, strict=True):
        check = check_hypothesis(need, out)
        assert check.ok, (need, out, check.missing, check.duplicated)
        src = len(backend.encode([text])[0])
        limit = term_budget(output_budget(src, backend.model_max), vocab.plan(need), backend.hard_max)
        assert len(vocab.tokenizer(text_target=out)["input_ids"]) <= limit
        if not need:
            assert out == plain[texts.index(text)]  # sentences without terms are untouched


# --- the pipeline through the CLI -------------------------------------------------------


@pytest.fixture(scope="module")
def translated(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("glossary-run")
    art = work / "hanoi-convention.ar.txt"
    shutil.copyfile(EXAMPLE, art)
    res = run_cli("translate", art, "--model", tiny_model, "--out", work / "out", "--beam", "2")
    assert res.returncode == 0, res.stderr
    assert "glossary terms 101/101 (100.0% term accuracy)" in res.stdout
    return work / "out" / "en" / "LC_MESSAGES" / "hanoi-convention.po"


def test_pipeline_term_accuracy_is_100_percent_on_the_example(translated: Path) -> None:
    po = polib.pofile(str(translated))
    mt = [e for e in po if e.comment and "mt: " in e.comment]
    result = term_accuracy([e.msgid for e in mt], [e.msgstr for e in mt], load_default())
    assert (result.correct, result.total) == (101, 101)
    assert result.misses == [] and result.duplicates == []


def test_po_entries_carry_glossary_comments_and_no_marker_leaks(translated: Path) -> None:
    po = polib.pofile(str(translated))
    matcher = Matcher(load_default())
    with_terms = 0
    for entry in po:
        own = [c for c in (entry.comment or "").splitlines() if c.startswith("glossary: ")]
        matches = matcher.find(entry.msgid) if "mt: " in (entry.comment or "") else []
        assert len(own) == len({(m.target, m.surface if not m.clitics else m.term.source) for m in matches})
        with_terms += bool(matches)
        assert "glossary-missing" not in (entry.comment or "")
        assert "glossary" not in entry.msgstr and "<" not in entry.msgstr and "→" not in entry.msgstr
    assert with_terms == 28  # 34 sentences; 15, 26, 28, 29 have no term, 33-34 are not translated
    giang = po.find(next(e.msgid for e in po if e.msgid.startswith("نائب وزير الخارجية دانغ")))
    assert "glossary: دانغ هوانغ جيانغ → Dang Hoang Giang" in giang.comment
    assert "glossary: نائب وزير الخارجية → Deputy Minister of Foreign Affairs" in giang.comment


def test_glossary_check_passes_then_catches_a_dropped_term(translated: Path, tmp_path: Path) -> None:
    res = run_cli("glossary", "check", translated)
    assert res.returncode == 0, res.stdout + res.stderr
    po = polib.pofile(str(translated))
    entry = next(e for e in po if "Hanoi Convention" in e.msgstr)
    entry.msgstr = entry.msgstr.replace("Hanoi Convention", "Hanoi Agreement")
    edited = tmp_path / "edited.po"
    po.save(str(edited))
    res = run_cli("glossary", "check", edited)
    assert res.returncode == 1
    assert f"{edited}:" in res.stdout and "missing 'Hanoi Convention'" in res.stdout


def test_an_unfittable_term_is_marked_missing_fuzzy_and_reported(tiny_model: Path, tmp_path: Path) -> None:
    art = tmp_path / "a.ar.txt"
    art.write_text("وصل الوفد إلى هانوي اليوم.\nعاد الوفد أمس.", encoding="utf-8")
    gl = tmp_path / "g.csv"
    gl.write_text("source,target\nهانوي," + " ".join(["Hanoi"] * 300) + "\n", encoding="utf-8")
    res = run_cli(
        "translate", art, "--model", tiny_model, "--out", tmp_path / "out", "--glossary", gl, "--beam", "1"
    )
    assert res.returncode == 0, res.stderr
    po_path = tmp_path / "out" / "en" / "LC_MESSAGES" / "a.po"
    entry = polib.pofile(str(po_path)).find("وصل الوفد إلى هانوي اليوم.")
    assert "fuzzy" in entry.flags
    assert "glossary-missing: 'Hanoi Hanoi" in entry.comment
    assert "glossary-missing" not in entry.msgstr
    res = run_cli("glossary", "check", po_path, "--glossary", gl)
    assert res.returncode == 1 and "missing 'Hanoi Hanoi" in res.stdout and f"{po_path}:" in res.stdout


def test_no_glossary_and_bad_glossary(tiny_model: Path, article: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # (CTranslate2: without a glossary the engine does not matter, and it is several times faster)
    res = run_cli(
        "translate",
        article,
        "--model",
        tiny_model,
        "--out",
        out,
        "--no-glossary",
        "--beam",
        "1",
        "--backend",
        "ct2",
    )
    assert res.returncode == 0, res.stderr
    text = (out / "en" / "LC_MESSAGES" / "hanoi-convention.po").read_text(encoding="utf-8")
    assert "#. glossary" not in text and "term accuracy" not in res.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target\nهانوي,\n", encoding="utf-8")
    out2 = tmp_path / "out2"
    res = run_cli("translate", article, "--model", tiny_model, "--out", out2, "--glossary", bad)
    assert res.returncode != 0
    assert res.stderr.strip() == f"tarjama: error: {bad}: line 2: empty target for 'هانوي'"
    assert not (out2 / "en").exists()


def test_glossary_show_lists_every_match(tmp_path: Path) -> None:
    res = run_cli("glossary", "show", EXAMPLE)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 101
    n, _rel, absolute, surface, target = lines[0].split("\t")
    assert (n, surface, target) == ("1", "وزارة الخارجية", "Ministry of Foreign Affairs")
    start, end = map(int, absolute.split("-"))
    assert EXAMPLE.read_text(encoding="utf-8")[start:end] == surface
    override = tmp_path / "o.csv"
    override.write_text("source,target\nهانوي,Ha Noi\n", encoding="utf-8")
    res = run_cli(
        "glossary",
        "show",
        EXAMPLE,
        "--glossary",
        str(Path(__file__).parent.parent / "glossary" / "ar-en.csv"),
        "--glossary",
        override,
    )
    assert "'Ha Noi' overrides 'Hanoi'" in res.stderr
    assert any(line.endswith("\tHa Noi") for line in res.stdout.splitlines())
