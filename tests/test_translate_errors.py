"""Bad input: one line naming the file, non-zero exit, no PO created or changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tarjama.errors import ModelNotAvailable
from tarjama.sources import read
from tarjama.translate.model_source import resolve_model

from .conftest import EXAMPLE, run_cli


def assert_one_line_error(res, needle: str, code: int | None = None) -> str:
    assert res.returncode != 0
    if code is not None:
        assert res.returncode == code
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert lines[0].startswith("tarjama: error: ")
    assert needle in lines[0], lines[0]
    return lines[0]


def no_po(out: Path) -> bool:
    return not list(out.rglob("*.po"))


BAD_ARTICLES = {
    "empty": (b"", "file is empty"),
    "whitespace": (b"  \n\t\n   \n", "only whitespace"),
    "cp1256": ("في عصر يوم 8 أكتوبر، عقدت وزارة الخارجية مؤتمرا.".encode("cp1256"), "not valid UTF-8"),
    "binary": (bytes(range(256)) * 4, "binary file"),
    "english": (b"The ministry held a press conference in Hanoi on October 8.\n", "no Arabic text"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARTICLES))
def test_bad_article(case: str, tiny_model: Path, tmp_path: Path) -> None:
    data, needle = BAD_ARTICLES[case]
    art = tmp_path / f"{case}.ar.txt"
    art.write_bytes(data)
    res = run_cli("translate", art, "--model", tiny_model, "--out", tmp_path / "out")
    line = assert_one_line_error(res, needle)
    assert str(art) in line
    assert no_po(tmp_path)


def test_missing_file(tiny_model: Path, tmp_path: Path) -> None:
    art = tmp_path / "nope.ar.txt"
    line = assert_one_line_error(
        run_cli("translate", art, "--model", tiny_model, "--out", tmp_path / "o"), "no such file"
    )
    assert str(art) in line
    assert no_po(tmp_path)


def test_one_bad_article_among_good_ones_writes_nothing(
    tiny_model: Path, article: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "empty.ar.txt"
    bad.write_bytes(b"")
    res = run_cli("translate", article, bad, "--model", tiny_model, "--out", tmp_path / "out")
    assert_one_line_error(res, "file is empty")
    assert no_po(tmp_path)


def test_unwritable_out(tiny_model: Path, article: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    res = run_cli("translate", article, "--model", tiny_model, "--out", blocker / "locales")
    line = assert_one_line_error(res, "is not a directory")
    assert f"{blocker} is not a directory" in line
    assert blocker.read_text() == "x"


def test_model_dir_without_vocab_json_leaves_existing_po_untouched(
    tiny_model: Path, article: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    # a few of the example's sentences: the catalog the failed load must leave alone
    article.write_text("\n".join(read(EXAMPLE).translatable()[:3]) + "\n", encoding="utf-8")
    assert run_cli("translate", article, "--model", tiny_model, "--out", out, "--beam", "1").returncode == 0
    po = out / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    before = po.read_bytes()
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    (broken / "vocab.json").unlink()
    # a changed article forces a model load
    article.write_text(
        article.read_text(encoding="utf-8") + "\nجملة جديدة في نهاية المقال.", encoding="utf-8"
    )
    line = assert_one_line_error(
        run_cli("translate", article, "--model", broken, "--out", out), "vocab.json", code=2
    )
    assert str(broken) in line
    assert po.read_bytes() == before


def test_unavailable_hub_model_says_how_to_get_it(article: Path, tmp_path: Path) -> None:
    res = run_cli("translate", article, "--model", "Helsinki-NLP/opus-mt-ar-xx", "--out", tmp_path / "o")
    line = assert_one_line_error(res, "Helsinki-NLP/opus-mt-ar-xx", code=2)
    assert "`hf download Helsinki-NLP/opus-mt-ar-xx --local-dir opus-mt-ar-xx`" in line
    assert "--model ./opus-mt-ar-xx" in line
    assert no_po(tmp_path)


def test_missing_model_directory(article: Path, tmp_path: Path) -> None:
    res = run_cli("translate", article, "--model", str(tmp_path / "models" / "opus"), "--out", tmp_path / "o")
    assert_one_line_error(res, "no such model directory", code=2)


# --- the advice itself (resolve_model directly; HF_HUB_OFFLINE=1 is set by conftest) -------


def test_hub_id_advice_names_the_hf_command_and_the_local_copy() -> None:
    with pytest.raises(ModelNotAvailable) as caught:
        resolve_model("Helsinki-NLP/opus-mt-ar-xx")
    message = str(caught.value)
    assert "not in the local cache (HF_HUB_OFFLINE is set)" in message
    assert (
        "download it on a connected machine with `hf download Helsinki-NLP/opus-mt-ar-xx "
        "--local-dir opus-mt-ar-xx`, copy the directory here and pass --model ./opus-mt-ar-xx"
    ) in message
    assert "huggingface-cli" not in message  # the installed hub ships `hf` only


@pytest.mark.parametrize("model", ["./nonexistent-dir", "models/opus/ar-en", "~/no-such-model/"])
def test_local_path_advice_never_suggests_downloading_the_path(model: str) -> None:
    with pytest.raises(ModelNotAvailable) as caught:
        resolve_model(model)
    message = str(caught.value)
    assert "no such model directory" in message
    assert "--model takes a hub id" in message and "or a local checkpoint directory" in message
    assert "config.json" in message and "source.spm, target.spm, vocab.json" in message
    assert "download" not in message and "huggingface-cli" not in message


def test_a_file_given_as_model_is_explained(tmp_path: Path) -> None:
    f = tmp_path / "model.bin"
    f.write_bytes(b"x")
    with pytest.raises(ModelNotAvailable, match="is a file, not a model directory; --model takes a hub id"):
        resolve_model(str(f))


def test_example_article_is_bundled() -> None:
    assert EXAMPLE.is_file() and EXAMPLE.read_text(encoding="utf-8").startswith("![]() |")


@pytest.mark.parametrize("backend", ["transformers", "ct2"])
def test_corrupt_weights_are_one_line_naming_the_model(
    backend: str, tiny_model: Path, article: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])  # a download cut short
    res = run_cli("translate", article, "--model", broken, "--backend", backend, "--out", tmp_path / "o")
    needle = "cannot load the model" if backend == "transformers" else "CTranslate2 cannot convert this model"
    line = assert_one_line_error(res, needle, code=2)
    assert str(broken) in line and "incomplete metadata" in line  # safetensors' own words
    assert no_po(tmp_path)
