"""Alternative approved forms of a term (issue 27): "Saudi Arabia|Saudi" in a CSV target, several
English terms in a TBX entry; the post-check accepts any, the enforcers on both backends keep
the one the model wrote and force the first only when none is there; a place's adjective."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from tarjama.errors import InputError
from tarjama.evaluation.term_accuracy import accuracy_of, term_accuracy
from tarjama.glossary import (
    Glossary,
    Matcher,
    Term,
    check_hypothesis,
    find_targets,
    read_glossary_file,
    required_targets,
)
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.ct2_repair import repair_spans
from tarjama.translate.hf_enforce import TargetVocab
from tarjama.translate.model_source import resolve_model

from .conftest import run_cli
from .test_enforce import drive, follow

SAUDI = ("Saudi Arabia", "Saudi")

# --- reading the glossary ---------------------------------------------------------------


def _csv(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "g.csv"
    path.write_text("source,target,type\n" + rows, encoding="utf-8")
    return path


def test_a_csv_target_gives_alternatives_the_first_forced(tmp_path: Path) -> None:
    (term,) = read_glossary_file(_csv(tmp_path, "السعودية,Saudi Arabia | Saudi,place\n"))
    assert (term.target, term.others, term.approved) == ("Saudi Arabia", ("Saudi",), SAUDI)


def test_a_tbx_entry_with_several_english_terms_gives_alternatives(tmp_path: Path) -> None:
    path = tmp_path / "g.tbx"
    path.write_text(
        '<tbx><text><body><termEntry id="1"><descrip type="subjectField">place</descrip>'
        '<langSet xml:lang="ar"><tig><term>السعودية</term></tig></langSet>'
        '<langSet xml:lang="en"><tig><term>Saudi Arabia</term></tig><tig><term>Saudi</term></tig>'
        '<tig><term>KSA</term><termNote type="administrativeStatus">forbidden</termNote></tig>'
        "</langSet></termEntry></body></text></tbx>",
        encoding="utf-8",
    )
    (term,) = read_glossary_file(path)
    assert term.approved == SAUDI and term.forbidden == ("KSA",)


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("Saudi Arabia||Saudi", "empty rendering in target 'Saudi Arabia||Saudi'"),
        ("Saudi Arabia|", "empty rendering in target 'Saudi Arabia|'"),
        ("|Saudi", "empty rendering in target '|Saudi'"),
        ("Saudi|Saudi Arabia|Saudi", "rendering 'Saudi' is given twice"),
        ("Saudi|saudi", "rendering 'saudi' is given twice"),
    ],
)
def test_a_bad_alternative_is_one_line_naming_the_file_and_row(
    tmp_path: Path, target: str, problem: str
) -> None:
    path = _csv(tmp_path, f"مصر,Egypt,place\nالسعودية,{target},place\n")
    with pytest.raises(InputError, match=re.escape(f"line 3: {problem}")):
        read_glossary_file(path)
    art = tmp_path / "a.ar.txt"
    art.write_text("زار الوفد السعودية.", encoding="utf-8")
    res = run_cli("glossary", "show", art, "--glossary", path)
    assert res.returncode != 0 and res.stdout == ""
    assert res.stderr.startswith(f"tarjama: error: {path}: line 3: {problem}")
    assert len(res.stderr.strip().splitlines()) == 1


def test_a_forbidden_rendering_inside_an_alternative_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("source,target,forbidden\nالسعودية,Saudi Arabia|KSA,KSA\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2: 'KSA' is both the approved and a forbidden"):
        read_glossary_file(path)


def test_two_files_with_other_alternatives_are_a_reported_override(tmp_path: Path) -> None:
    from tarjama.glossary import load_glossaries

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("source,target\nالسعودية,Saudi Arabia\n", encoding="utf-8")
    b.write_text("source,target\nالسعودية,Saudi Arabia|Saudi\n", encoding="utf-8")
    g = load_glossaries([a, b])
    assert [t.approved for t in g.terms] == [SAUDI]
    assert "'Saudi Arabia|Saudi' overrides 'Saudi Arabia'" in str(g.conflicts[0])


# --- matching and the post-check -------------------------------------------------------

GLOSSARY = Glossary(
    [
        Term("السعودية", "Saudi Arabia", "place", origin="t:1", others=("Saudi",)),
        Term("مصر", "Egypt", "place", origin="t:2", others=("Egyptian",)),
        Term("روسيا", "Russia", "place", origin="t:3", others=("Russian",)),
        Term("ألمانيا", "Germany", "place", origin="t:4", others=("German",)),
        Term("فرنسا", "France", "place", origin="t:5"),  # no adjective given: none asked for
        Term("العراق", "Iraq", "country", origin="t:6", others=("Iraqi",)),
    ]
)


@pytest.mark.parametrize(
    ("text", "surface", "required"),
    [
        ("افتتحت القنصلية السعودية مكتبا", "السعودية", SAUDI),  # the same string: either
        ("قال المسؤول المصري إن", "المصري", "Egyptian"),
        ("وصل وفد مصري", "مصري", "Egyptian"),
        ("الحكومة المصرية قالت", "المصرية", "Egyptian"),
        ("وللحكومة المصرية", "المصرية", "Egyptian"),
        ("قال الوزير الروسي", "الروسي", "Russian"),
        ("السفارة الروسية في", "الروسية", "Russian"),
        ("زار روسية أمس", "روسية", ("Russia", "Russian")),  # Syrian spelling of the place, or the adjective
        ("الحكومة الألمانية", "الألمانية", "German"),
        ("شركة ألمانية", "ألمانية", ("Germany", "German")),  # or ألمانيا, Syrian style
        ("الجيش العراقي", "العراقي", "Iraqi"),
        ("مواطن عراقي", "عراقي", "Iraqi"),
        ("في العراق", "العراق", ("Iraq", "Iraqi")),
    ],
)
def test_a_place_adjective_asks_for_the_rows_adjective(text: str, surface: str, required) -> None:
    (m,) = Matcher(GLOSSARY).find(text)
    assert text[m.start : m.end].endswith(surface)
    assert required_targets([m]) == [required]


@pytest.mark.parametrize(
    "text",
    [
        "الحكومة الفرنسية",  # the row gives no adjective
        "قال المصريون",  # a plural is as often a noun ("the Egyptians")
        "ماني لاعب",  # ألمانيا's أل is its own letters, not the article: ماني is no adjective of it
        "المصرف المركزي",  # مصرف is not مصر + ي
    ],
)
def test_no_adjective_where_none_is_given_or_the_word_is_another(text: str) -> None:
    assert Matcher(GLOSSARY).find(text) == []


def test_the_post_check_accepts_any_alternative_and_reports_the_forced_one() -> None:
    assert check_hypothesis([SAUDI], "The Saudi consulate opened").ok
    assert check_hypothesis([SAUDI], "He flew to Saudi Arabia").ok
    missing = check_hypothesis([SAUDI], "The consulate opened")
    assert (missing.missing, missing.correct, missing.total) == ({"Saudi Arabia": 1}, 0, 1)
    # an alternative two terms share counts once, for the term it helps
    shared = [SAUDI, "Saudi"]
    assert check_hypothesis(shared, "The Saudi consulate in Saudi Arabia").ok
    assert check_hypothesis(shared, "The Saudi consulate").missing == {"Saudi Arabia": 1}
    dup = check_hypothesis([SAUDI], "Saudi officials in Saudi Arabia")
    assert dup.duplicated == {"Saudi Arabia": 1} and dup.correct == 1


def test_term_accuracy_takes_the_alternatives() -> None:
    sources = ["افتتحت القنصلية السعودية", "قال المسؤول المصري", "زار مصر"]
    hyps = ["The Saudi consulate opened", "The Egyptian official said", "He visited Egyptian"]
    result = term_accuracy(sources, hyps, GLOSSARY)
    assert (result.correct, result.total) == (3, 3)
    result = accuracy_of([[SAUDI], ["Egyptian"]], ["nothing", "An Egypt official"])
    assert (result.correct, result.total) == (0, 2)
    assert [(m.target, m.expected, m.found) for m in result.misses] == [
        ("Saudi Arabia", 1, 0),
        ("Egyptian", 1, 0),
    ]


# --- enforcement: the transformers processor with hostile scores -------------------------


@pytest.fixture(scope="module")
def vocab(tiny_model: Path) -> TargetVocab:
    return TargetVocab(AutoTokenizer.from_pretrained(tiny_model))


@pytest.mark.parametrize(
    "wanted",
    [
        "The Saudi consulate opened an office",
        "Officials flew to Saudi Arabia",
        "Saudi officials said",
    ],
)
def test_the_enforcer_keeps_the_alternative_the_model_writes(vocab: TargetVocab, wanted: str) -> None:
    # room for the model's sentence and the owed term both: the deadline reserves the term's
    # tokens until it is written (tests/test_enforce.py: the deadline)
    text, _, _ = drive(vocab, [SAUDI], follow(vocab, wanted), budget=60)
    assert text == wanted


def test_the_enforcer_forces_the_first_when_none_is_written(vocab: TargetVocab) -> None:
    eos = vocab.tokenizer.eos_token_id
    text, _, _ = drive(vocab, [SAUDI], lambda _: {eos: 0.0})
    assert [t for _, _, t in find_targets(text, SAUDI)] == ["Saudi Arabia"], text


def test_the_enforcer_owes_each_occurrence_once_whichever_form(vocab: TargetVocab) -> None:
    wanted = "Saudi officials met in Saudi Arabia"
    text, _, _ = drive(vocab, [SAUDI, SAUDI], follow(vocab, wanted), budget=80)
    assert text == wanted
    # a model that stops after one: the second occurrence is forced, as the first form
    text, _, _ = drive(vocab, [SAUDI, SAUDI], follow(vocab, "Saudi officials met"), budget=80)
    assert text.startswith("Saudi officials met") and check_hypothesis([SAUDI, SAUDI], text).ok, text
    assert "Saudi Arabia" in text


# --- enforcement on both backends with the real tiny model ------------------------------


@pytest.fixture(autouse=True)
def _cache_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path_factory.getbasetemp() / "tarjama-cache"))


TEXTS = ["افتتحت القنصلية السعودية في القاهرة مكتبا جديدا.", "قال الوزير إن الاتفاقية ستوقع في هانوي."]


def _own_word(tokenizer, outputs: list[str]) -> str:
    """A Latin word the model writes on its own in every output, the way the glossary spells it."""
    counts = [Counter(re.findall(r"(?<!\w)[A-Za-z]+(?!\w)", o)) for o in outputs]
    for word, _ in counts[0].most_common():
        pieces = tokenizer(text_target=word, add_special_tokens=False)["input_ids"]
        if all(c[word] for c in counts) and all(
            _holds(tokenizer(text_target=o, add_special_tokens=False)["input_ids"], pieces) for o in outputs
        ):
            return word
    raise AssertionError(f"no word the model writes everywhere: {outputs}")


def _holds(seq: list[int], part: list[int]) -> bool:
    return any(seq[i : i + len(part)] == part for i in range(len(seq) - len(part) + 1))


@pytest.mark.parametrize("engine", ["transformers", "ct2"])
def test_a_forced_term_never_replaces_an_alternative_the_model_wrote(tiny_model: Path, engine: str) -> None:
    """The random model writes some word w on its own. With w an approved alternative of a term
    whose first form is "Hanoi", the output is the model's own, w kept and nothing forced;
    with "Hanoi" alone, "Hanoi" is forced (the enforcement is live); with w an alternative and
    another term owing "Hanoi" besides, "Hanoi" is put in and every w the model wrote stays."""
    backend = open_backend(
        resolve_model(str(tiny_model)), DecodeSettings(backend=engine, beam=1, batch_size=4)
    )
    plain = backend.translate(TEXTS)
    word = _own_word(AutoTokenizer.from_pretrained(tiny_model), plain)
    times = [len([t for _, _, t in find_targets(p, [word])]) for p in plain]
    kept = backend.translate(TEXTS, terms=[[("Hanoi", word)] * n for n in times])
    assert kept == plain
    forced = backend.translate(TEXTS, terms=[["Hanoi"] * n for n in times])
    assert all(check_hypothesis(["Hanoi"] * n, o).ok for n, o in zip(times, forced, strict=True)), forced
    assert forced != plain
    both = [[*[("Hanoi", word)] * n, "Hanoi"] for n in times]
    out = backend.translate(TEXTS, terms=both)
    for need, o, n in zip(both, out, times, strict=True):
        assert check_hypothesis(need, o).ok, (need, o)
        assert len([t for _, _, t in find_targets(o, [word, "Hanoi"]) if t == word]) == n, o


def test_the_ct2_repair_never_puts_a_term_over_a_written_alternative() -> None:
    """ "Saudi consulate" looks like "Saudi Aramco" (one word of two in place): without the
    alternative it is the model's rendering to replace; with "Saudi" approved, it stays."""
    hyp = ["▁The", "▁Saudi", "▁consulate", "▁opened"]

    def decode(pieces) -> str:
        return "".join(pieces).replace("▁", " ").strip()

    assert (1, 3) in repair_spans(hyp, "Saudi Aramco", decode)
    spans = repair_spans(hyp, "Saudi Aramco", decode, whole=["Saudi"])
    assert spans and all(b <= 1 or a >= 2 for a, b in spans), spans


def test_glossary_check_accepts_an_alternative_a_translator_wrote(tmp_path: Path) -> None:
    import polib

    glossary = _csv(tmp_path, "السعودية,Saudi Arabia|Saudi,place\nمصر,Egypt|Egyptian,place\n")
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(
        polib.POEntry(msgid="افتتحت القنصلية السعودية مكتبا.", msgstr="The Saudi consulate opened an office.")
    )
    po.append(
        polib.POEntry(msgid="قال المسؤول المصري إن الوفد وصل.", msgstr="The Egyptian official said it came.")
    )
    good = tmp_path / "good.po"
    po.save(str(good))
    res = run_cli("glossary", "check", good, "--glossary", glossary)
    assert res.returncode == 0, res.stdout + res.stderr
    po[0].msgstr, po[1].msgstr = "The consulate opened an office.", "The Egypt official said it came."
    bad = tmp_path / "bad.po"
    po.save(str(bad))
    res = run_cli("glossary", "check", bad, "--glossary", glossary)
    assert res.returncode == 1
    assert "missing 'Saudi Arabia'" in res.stdout and "missing 'Egyptian'" in res.stdout
