"""`tarjama translate` end to end through the real CLI with a tiny real Marian model."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from tarjama.sources import read
from tarjama.sources.segment import TRANSLATABLE

from .conftest import EXAMPLE, run_cli
from .review_helpers import msgfmt_check


def po_for(out: Path, stem: str = "hanoi-convention") -> Path:
    return out / "en" / "LC_MESSAGES" / f"{stem}.po"


@pytest.fixture(scope="module")
def translated(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("translate")
    art = work / "hanoi-convention.ar.txt"
    shutil.copyfile(EXAMPLE, art)
    # In this process and on CTranslate2 (converted once per session): what these tests read is the
    # catalog, which either engine writes alike. The installed command in a process of its own is
    # run by test_file_faults, test_finetune_threads and the served tests; transformers through the
    # CLI at --beam 2 by test_enforce's pipeline.
    res = run_cli(
        "translate", art, "--model", tiny_model, "--out", work / "out", "--beam", "2", "--backend", "ct2"
    )
    assert res.returncode == 0, res.stderr
    return po_for(work / "out")


def test_po_has_one_entry_per_sentence_in_document_order(translated: Path) -> None:
    po = polib.pofile(str(translated))
    sentences = read(EXAMPLE).sentences
    expected = list(dict.fromkeys(s.text for s in sentences))
    assert [e.msgid for e in po if not e.obsolete] == expected
    assert len(expected) == 34


def test_every_machine_translation_is_fuzzy_with_the_model_comment(
    translated: Path, tiny_model: Path
) -> None:
    po = polib.pofile(str(translated))
    by_text = {s.text: s for s in read(EXAMPLE).sentences}
    mt = [e for e in po if by_text[e.msgid].kind in TRANSLATABLE]
    assert len(mt) == 32
    for entry in mt:
        assert entry.msgstr.strip(), entry.msgid
        assert "fuzzy" in entry.flags
        assert f"mt: {tiny_model} @ sha256:" in entry.comment
    for entry in po:
        assert entry.occurrences and entry.occurrences[0][0].endswith("hanoi-convention.ar.txt")


def test_captions_are_marked_and_page_furniture_is_kept_but_not_machine_translated(translated: Path) -> None:
    po = polib.pofile(str(translated))
    captions = [e for e in po if "kind: caption" in (e.comment or "")]
    assert len(captions) == 5
    assert all("تصوير" in e.msgid for e in captions)
    source = next(e for e in po if e.msgid.startswith("المصدر"))
    assert "kind: source" in source.comment and "mt: " not in source.comment
    assert source.msgstr.startswith("Source: https://baoquocte.vn/")
    counter = po.find("تعليق (0)")
    assert counter is not None and counter.msgstr == "Comment (0)"
    assert not any("![]()" in e.msgid or e.msgid.endswith("|") for e in po)


def test_header_fields(translated: Path, tiny_model: Path) -> None:
    meta = polib.pofile(str(translated)).metadata
    assert meta["Language"] == "en"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert meta["X-Generator"].startswith("tarjama ")
    assert meta["X-Source-Language"] == "ar"
    assert meta["X-Tarjama-Model"] == str(tiny_model)
    assert meta["X-Tarjama-Model-Revision"].startswith("sha256:")
    assert meta["Project-Id-Version"] == "hanoi-convention"


def test_msgfmt_check_passes(translated: Path) -> None:
    msgfmt_check(translated)  # no warning either


@pytest.mark.slow  # two whole-article runs; a rerun leaving the bytes alone is also test_run_core's
def test_second_run_with_same_inputs_is_byte_identical(
    tiny_model: Path, article: Path, tmp_path: Path
) -> None:
    args = ("translate", article, "--model", tiny_model, "--out", tmp_path / "o", "--beam", "1")
    assert run_cli(*args).returncode == 0
    first = po_for(tmp_path / "o").read_bytes()
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr
    assert po_for(tmp_path / "o").read_bytes() == first


@pytest.mark.parametrize("beam", [1, 3])
def test_model_load_path_is_the_real_one(tiny_model: Path, beam: int) -> None:
    """The tiny checkpoint has exactly the files of an opus-mt checkpoint and loads through Auto* classes."""
    names = {p.name for p in tiny_model.iterdir()}
    assert {"config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json"} <= names
    from tarjama.translate.backend import DecodeSettings
    from tarjama.translate.hf_backend import TransformersBackend
    from tarjama.translate.model_source import resolve_model

    backend = TransformersBackend(resolve_model(str(tiny_model)), DecodeSettings(beam=beam, batch_size=3))
    assert type(backend.model).__name__ == "MarianMTModel"
    assert type(backend.tokenizer).__name__ == "MarianTokenizer"
    outputs = backend.translate(
        ["في عصر يوم 8 أكتوبر.", "هانوي", "فيتنام تريد بناء فضاء إلكتروني من أجل السلام والتنمية."]
    )
    assert len(outputs) == 3 and all(isinstance(o, str) and o for o in outputs)
    # batching and sorting by length must not change results
    single = TransformersBackend(resolve_model(str(tiny_model)), DecodeSettings(beam=beam, batch_size=1))
    assert single.translate(["هانوي", "في عصر يوم 8 أكتوبر."]) == [outputs[1], outputs[0]]
