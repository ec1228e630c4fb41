"""The CTranslate2 backend on the tiny real Marian model, converted by CTranslate2's own converter."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from tarjama.errors import TarjamaError
from tarjama.glossary import Matcher, check_hypothesis, find_forbidden, load_default, required_targets
from tarjama.sources.segment import TRANSLATABLE, segment
from tarjama.translate.backend import DecodeSettings
from tarjama.translate.backends import open_backend
from tarjama.translate.ct2_backend import CTranslate2Backend
from tarjama.translate.ct2_convert import CT2_FILES, converted_dir, ensure_converted
from tarjama.translate.ct2_repair import MAX_INSERT_SPOTS, TermRepair, repair_spans
from tarjama.translate.model_source import resolve_model

from .conftest import EXAMPLE, run_cli


@pytest.fixture(scope="session")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tarjama-cache")


@pytest.fixture(autouse=True)
def _cache_env(ct2_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARJAMA_CACHE", str(ct2_cache))  # subprocesses (run_cli) inherit it


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return [s.text for s in segment(EXAMPLE.read_text(encoding="utf-8")) if s.kind in TRANSLATABLE]


def test_converted_once_into_a_cache_keyed_by_model_and_revision(tiny_model: Path, ct2_cache: Path) -> None:
    source = resolve_model(str(tiny_model))
    target = ensure_converted(source, "int8")
    assert target == converted_dir(source, "int8")
    assert target.is_relative_to(ct2_cache / "ct2")
    assert source.revision.replace(":", "--") in str(target)  # the revision is part of the key
    assert all((target / f).is_file() for f in CT2_FILES)
    config = json.loads((target / "config.json").read_text())
    assert config["decoder_start_token"] == "</s>" and config["unk_token"] == "<unk>"
    stamp = (target / "model.bin").stat().st_mtime_ns
    assert ensure_converted(source, "int8") == target
    assert (target / "model.bin").stat().st_mtime_ns == stamp  # not converted again
    assert sorted(p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")) == [target.name]


def test_a_changed_checkpoint_gets_its_own_conversion(tiny_model: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(tiny_model, tmp_path / "edited")
    gen = json.loads((copy / "generation_config.json").read_text())
    gen["num_beams"] = 2
    (copy / "generation_config.json").write_text(json.dumps(gen))
    a, b = resolve_model(str(tiny_model)), resolve_model(str(copy))
    assert a.revision != b.revision
    assert converted_dir(a, "int8") != converted_dir(b, "int8")


def test_source_pieces_are_the_marian_tokenizers(tiny_model: Path, sentences: list[str]) -> None:
    from transformers import MarianTokenizer

    backend = CTranslate2Backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", beam=1))
    tok = MarianTokenizer.from_pretrained(tiny_model)
    texts = [*sentences, " ".join(sentences)]  # the last is longer than the encoder reads
    ours = backend.encode(texts)
    for text, pieces in zip(texts, ours, strict=True):
        ids = tok(text, truncation=True, max_length=backend.max_source_tokens)["input_ids"]
        assert pieces == tok.convert_ids_to_tokens(ids), text
    assert len(ours[-1]) == backend.max_source_tokens  # the truncation case is covered


def test_token_counts_are_the_marian_tokenizers_untruncated(tiny_model: Path, sentences: list[str]) -> None:
    """What a caller compares with max_source_tokens to tell a sentence would be cut."""
    from transformers import MarianTokenizer

    backend = CTranslate2Backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", beam=1))
    tok = MarianTokenizer.from_pretrained(tiny_model)
    texts = [*sentences, " ".join(sentences)]
    counts = backend.token_counts(texts)
    assert counts == [len(ids) for ids in tok(texts, truncation=False)["input_ids"]]
    # the encoder's 256 positions, not the generation cap of 48 tokens
    assert backend.max_source_tokens == 256 > backend.model_max == 48
    assert counts[-1] > backend.max_source_tokens
    cut = [i for i, n in enumerate(counts) if n > backend.max_source_tokens]
    assert cut and all(len(backend.encode([texts[i]])[0]) == backend.max_source_tokens for i in cut)


@pytest.mark.parametrize("compute_type", ["int8", "float32"])
def test_translates_every_sentence_in_order_and_independently_of_batching(
    tiny_model: Path, sentences: list[str], compute_type: str
) -> None:
    source = resolve_model(str(tiny_model))
    wide = open_backend(
        source, DecodeSettings(backend="ct2", beam=2, batch_size=16, compute_type=compute_type)
    )
    assert wide.name == "ct2" and wide.compute_type == compute_type
    out = wide.translate(sentences)
    assert len(out) == len(sentences) and all(isinstance(o, str) and o.strip() for o in out)
    one = open_backend(source, DecodeSettings(backend="ct2", beam=2, batch_size=1, compute_type=compute_type))
    picked = [sentences[5], sentences[0], sentences[17]]
    assert one.translate(picked) == [out[5], out[0], out[17]]


def test_a_call_smaller_than_the_batch_is_shared_by_every_worker(
    tiny_model: Path, sentences: list[str]
) -> None:
    """A call of 6 sentences with room for 32 goes to both workers as two batches of 3 (one batch
    would keep one core idle: the service's batches of one-sentence requests), and each sentence
    decodes as it does alone."""
    from tarjama.translate.backend import CpuLayout

    source = resolve_model(str(tiny_model))
    backend = open_backend(
        source, DecodeSettings(backend="ct2", beam=2, batch_size=32), CpuLayout(threads=2, parts=2)
    )
    started: list[int] = []
    start = backend._start
    backend._start = lambda tokens, *rest: started.append(len(tokens)) or start(tokens, *rest)  # type: ignore[method-assign]
    out = backend.translate(sentences[:6])
    assert started == [3, 3]
    one = open_backend(source, DecodeSettings(backend="ct2", beam=2, batch_size=1))
    assert one.translate(sentences[:6]) == out
    assert backend.batch_cut(100) == 16 and backend.batch_cut(1) == 1


def test_opening_ct2_leaves_torch_its_threads(tiny_model: Path) -> None:
    """CTranslate2 sets the OpenMP thread count of the thread that opens it (to intra_threads = 1);
    a transformers system run after a ct2 one in the same process must still get every thread."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        open_backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", beam=1))
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_float32_greedy_agrees_with_transformers(tiny_model: Path, sentences: list[str]) -> None:
    """Same checkpoint, same budgets, greedy, float32: the two engines give the same text."""
    source = resolve_model(str(tiny_model))
    ct2 = open_backend(source, DecodeSettings(backend="ct2", beam=1, compute_type="float32"))
    hf = open_backend(source, DecodeSettings(backend="transformers", beam=1))
    a, b = ct2.translate(sentences), hf.translate(sentences)
    assert [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y] == []


def _with_trained_pad_row(model: Path, out: Path) -> Path:
    """A copy whose <pad> embedding is not zero, as fine-tuning with tied embeddings leaves it."""
    import torch
    from safetensors.torch import load_file, save_file

    shutil.copytree(model, out)
    pad = json.loads((model / "config.json").read_text())["pad_token_id"]
    weights = load_file(out / "model.safetensors")
    row = torch.randn(weights["model.shared.weight"].shape[1], generator=torch.Generator().manual_seed(3))
    for name, w in weights.items():
        if name.endswith(("shared.weight", "embed_tokens.weight", "lm_head.weight")):
            w[pad] = row
    save_file(weights, out / "model.safetensors", metadata={"format": "pt"})
    return out


def test_a_trained_pad_embedding_decodes_the_same_in_both_engines(
    tiny_model: Path, sentences: list[str], tmp_path: Path
) -> None:
    """transformers starts the decoder from <pad>'s embedding, CTranslate2 from zeros: the conversion
    must reconcile them, or a fine-tuned model says something else under ct2."""
    import ctranslate2

    model = _with_trained_pad_row(tiny_model, tmp_path / "tuned")
    source = resolve_model(str(model))
    hf = open_backend(source, DecodeSettings(backend="transformers", beam=1)).translate(sentences)
    ct2 = open_backend(source, DecodeSettings(backend="ct2", beam=1, compute_type="float32"))
    ours = ct2.translate(sentences)
    assert [i for i, (x, y) in enumerate(zip(ours, hf, strict=True)) if x != y] == []

    # The stock converter (no fold) on the same checkpoint: the difference is real.
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(model)).convert(str(tmp_path / "stock"), force=True)
    stock = ctranslate2.Translator(str(tmp_path / "stock"), compute_type="float32")
    assert isinstance(ct2, CTranslate2Backend)
    pieces = ct2.encode(sentences)
    stock_out = [r.hypotheses[0] for r in stock.translate_batch(pieces, beam_size=1, max_decoding_length=3)]
    ours_out = [
        r.hypotheses[0] for r in ct2.translator.translate_batch(pieces, beam_size=1, max_decoding_length=3)
    ]
    assert stock_out != ours_out


def test_glossary_terms_are_enforced(tiny_model: Path, sentences: list[str]) -> None:
    """Random weights never write a term by chance; n-best + target_prefix repair must put each in."""
    matcher = Matcher(load_default())
    terms = [required_targets(matcher.find(s)) for s in sentences]
    assert sum(map(len, terms)) > 50
    backend = open_backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", beam=2))
    out = backend.translate(sentences, terms=terms)
    checks = [check_hypothesis(t, o) for t, o in zip(terms, out, strict=True)]
    correct, total = sum(c.correct for c in checks), sum(c.total for c in checks)
    assert correct / total >= 0.97, (correct, total, backend.term_stats)
    assert backend.term_stats["repaired"] > 0
    assert sum(backend.term_stats.values()) == sum(1 for t in terms if t)
    # sentences without terms are not touched by enforcement
    plain = backend.translate(sentences)
    for t, with_terms, without in zip(terms, out, plain, strict=True):
        if not t:
            assert with_terms == without


class _CountedCalls:
    """The real translator, its calls counted (how many model calls the repair made)."""

    def __init__(self, translator) -> None:
        self.translator = translator
        self.calls: list[tuple[str, int, bool]] = []  # (method, sentences, with suppress_sequences)

    def translate_batch(self, source, *args, **kwargs):
        self.calls.append(("translate_batch", len(source), bool(kwargs.get("suppress_sequences"))))
        return self.translator.translate_batch(source, *args, **kwargs)

    def score_batch(self, source, *args, **kwargs):
        self.calls.append(("score_batch", len(source), False))
        return self.translator.score_batch(source, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.translator, name)


def _owing_several(sentences: list[str]) -> tuple[list[str], list[list[str]]]:
    matcher = Matcher(load_default())
    picked = [(s, required_targets(matcher.find(s))) for s in sentences]
    picked = [(s, t) for s, t in picked if len(t) >= 3][:4]
    assert len(picked) == 4
    return [s for s, _ in picked], [t for _, t in picked]


def _bigram(text: str) -> str:
    """Two consecutive Latin words of an output, to forbid (what the model wrote unasked; an
    Arabic run may be copied source pieces, which no target-side ban can reach)."""
    words = re.findall(r"[A-Za-z]+", text)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    assert pairs, text
    return max(pairs, key=lambda p: (find_forbidden(text, [p]).get(p, 0), p))


def test_every_missing_term_is_put_in_by_one_pass_with_forbidden_renderings_still_banned(
    tiny_model: Path, sentences: list[str]
) -> None:
    """Random weights write no term: each sentence owes several, and one splice plus one
    re-decoding call (per set of bans) puts them all in, each once, nothing scored."""
    texts, terms = _owing_several(sentences)
    backend = open_backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", beam=2))
    free = backend.translate(texts)
    banned = [[_bigram(free[0])], [], [_bigram(free[2])], []]
    assert find_forbidden(free[0], banned[0]) and find_forbidden(free[2], banned[2])
    counted = _CountedCalls(backend.repair.translator)
    backend.repair.translator = counted
    out = backend.translate(texts, terms=terms, banned=banned)
    for t, o, ban in zip(terms, out, banned, strict=True):
        assert check_hypothesis(t, o).ok, (t, o)  # every term, each once
        assert not find_forbidden(o, ban), (ban, o)
    assert backend.term_stats == {"repaired": 4}
    assert backend.repair_stats == {"one_pass": 4}
    # the repair's model calls: no scoring, and each sentence in at most one re-decoding call
    # (none where the last term went at the end: nothing follows it to decode again)
    assert [c[0] for c in counted.calls] == ["translate_batch"] * len(counted.calls)
    assert sum(n for _, n, _ in counted.calls) <= 4


def test_the_rounds_still_settle_what_the_one_pass_splice_leaves(
    tiny_model: Path, sentences: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-term-per-round repair is the fallback: with the splice finding nothing, the
    rounds alone still put every term in, each once."""
    texts, terms = _owing_several(sentences)
    monkeypatch.setattr(TermRepair, "_splice", lambda self, r: (None, []))
    backend = open_backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", beam=2))
    out = backend.translate(texts, terms=terms)
    for t, o in zip(terms, out, strict=True):
        assert check_hypothesis(t, o).ok, (t, o)
    assert backend.term_stats == {"repaired": 4}
    assert backend.repair_stats == {"fallback": 4}


def test_unsupported_compute_type_is_one_line(tiny_model: Path, article: Path, tmp_path: Path) -> None:
    with pytest.raises(TarjamaError, match="float16 is not supported by CTranslate2 on cpu"):
        open_backend(resolve_model(str(tiny_model)), DecodeSettings(backend="ct2", compute_type="float16"))
    res = run_cli(
        "translate", article, "--model", tiny_model, "--out", tmp_path / "o", "--backend", "ct2",
        "--compute-type", "float16",
    )  # fmt: skip
    assert res.returncode == 1
    assert res.stderr.startswith("tarjama: error: --compute-type float16") and res.stderr.count("\n") == 1
    assert not (tmp_path / "o" / "en").exists()
    res = run_cli(
        "translate", article, "--model", tiny_model, "--out", tmp_path / "o", "--compute-type", "int8"
    )
    assert res.returncode == 1 and "needs --backend ct2" in res.stderr


def _pieces(text: str) -> list[str]:
    """Word-level SentencePiece-like pieces, plus a split word, enough for repair_spans."""
    out = []
    for word in text.split():
        out += ["\u2581" + word[:3], word[3:]] if len(word) > 6 else ["\u2581" + word]
    return [p for p in out if p]


def _text(pieces) -> str:
    return "".join(pieces).replace("\u2581", " ").strip()


def _apply(pieces: list[str], span: tuple[int, int], term: str) -> str:
    a, b = span
    return _text([*pieces[:a], *_pieces(term), *pieces[b:]])


def test_a_misspelt_name_is_replaced_in_place() -> None:
    hyp = _pieces("Deputy Minister Dang Hoang Jiang affirmed the Hanoi Agreement today")
    spans = repair_spans(hyp, "Dang Hoang Giang", _text)
    options = {_apply(hyp, s, "Dang Hoang Giang") for s in spans}
    assert "Deputy Minister Dang Hoang Giang affirmed the Hanoi Agreement today" in options
    assert len(spans) <= 4  # a few spelling-based places, not every word start


def test_a_run_holding_another_required_term_is_never_replaced() -> None:
    hyp = _pieces("the United Nations Convention against Cybercrime in Hanoi")
    wanted = "United Nations Convention against Transnational Organized Crime"
    keep = ["United Nations Convention against Cybercrime", "Hanoi"]
    for span in repair_spans(hyp, wanted, _text, keep=keep):
        out = _apply(hyp, span, wanted)
        assert all(k in out for k in keep), out


def test_an_omitted_term_may_go_before_any_word_or_at_the_end() -> None:
    hyp = _pieces("officials signed the text yesterday")
    spans = repair_spans(hyp, "Hanoi Convention", _text)
    assert all(a == b for a, b in spans)  # insertions only: nothing looks like the term
    starts = [i for i, p in enumerate(hyp) if p.startswith("\u2581")]
    assert [a for a, _ in spans] == [*starts, len(hyp)]


def test_a_long_output_is_tried_at_a_bounded_number_of_spread_places() -> None:
    hyp = _pieces(" ".join(f"word{i}" for i in range(100)))
    spans = repair_spans(hyp, "Hanoi Convention", _text)
    assert len(spans) == MAX_INSERT_SPOTS
    assert spans[0] == (0, 0) and spans[-1] == (len(hyp), len(hyp))
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(spans)]
    assert max(gaps) - min(gaps) <= 2  # evenly spread


def test_a_term_owed_twice_keeps_the_occurrence_already_written() -> None:
    hyp = _pieces("Hanoi hosted the ceremony and Hanoy welcomed the guests")
    spans = repair_spans(hyp, "Hanoi", _text)
    assert [_apply(hyp, s, "Hanoi") for s in spans] == [
        "Hanoi hosted the ceremony and Hanoi welcomed the guests"
    ]
