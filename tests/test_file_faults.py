"""Files the user names and files that fail: no command writes over its own input, a full disk
is one line naming the file (old files intact, no temporary left), and a file name that is not
UTF-8 is refused alone in one line, never a traceback that stops the others."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from tarjama.cli import main
from tarjama.errors import TarjamaError
from tarjama.files import atomic_write_bytes

from .conftest import EXAMPLE, ROOT, run_cli
from .review_helpers import po_for, review_all_with_gold

HTML = ROOT / "examples" / "hanoi-convention.ar.html"
ODD = os.fsdecode(b"\xff\xfeodd.ar.txt")  # a name that is not UTF-8, as os.listdir gives it
FULL = "cannot write: No space left on device"


def cli(*args: str | Path):
    """The command in this process (no interpreter start-up): exit code, stdout, stderr lines."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr.splitlines()


@pytest.fixture(scope="module")
def made(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A text and an HTML article with their catalogs (the text one fully reviewed), made once."""
    work = tmp_path_factory.mktemp("faults")
    text, page = work / "hanoi-convention.ar.txt", work / "page.ar.html"
    shutil.copyfile(EXAMPLE, text)
    shutil.copyfile(HTML, page)
    out = work / "locales"
    res = run_cli(
        "translate", text, page, "--model", tiny_model, "--out", out, "--beam", "1", "--no-glossary",
        "--backend", "ct2",  # what is checked is files, not the engine: CTranslate2 is several times faster
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    review_all_with_gold(po_for(out))
    return {"text": text, "page": page, "out": out, "text_po": po_for(out), "page_po": po_for(out, "page")}


# --- item 11: an output that is one of the command's inputs -----------------------------------


@pytest.mark.parametrize("way", ["same path", "another spelling", "symbolic link", "hard link"])
@pytest.mark.parametrize("kind", ["text", "page"])
def test_export_refuses_to_write_over_the_article_it_reads(
    made: dict[str, Path], tmp_path: Path, way: str, kind: str
) -> None:
    source, catalog = made[kind], made[f"{kind}_po"]
    before = source.read_bytes()
    output = {
        "same path": source,
        "another spelling": source.parent / "." / ".." / source.parent.name / source.name,
        "symbolic link": tmp_path / "link.html",
        "hard link": tmp_path / "hard.html",
    }[way]
    if way == "symbolic link":
        output.symlink_to(source)
    elif way == "hard link":
        os.link(source, output)
    code, _, err = cli("export", catalog, "-o", output)
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"tarjama: error: {output}: is the article")
    assert "or pass --force" in err[0]
    assert source.read_bytes() == before


def test_export_refuses_the_catalog_and_the_source_it_is_given_and_force_overrides(
    made: dict[str, Path], tmp_path: Path
) -> None:
    catalog = tmp_path / "copy.po"
    shutil.copyfile(made["page_po"], catalog)
    before = catalog.read_bytes()
    code, _, err = cli("export", catalog, "--source", made["page"], "-o", catalog)
    assert code == 1 and err == [
        f"tarjama: error: {catalog}: is the catalog that this command reads; writing it would replace "
        "it: choose another output, or pass --force to overwrite it"
    ]
    assert catalog.read_bytes() == before

    source = tmp_path / "source.ar.html"
    shutil.copyfile(made["page"], source)
    code, _, err = cli("export", made["page_po"], "--source", source, "-o", tmp_path / "." / source.name)
    assert code == 1 and "is the article" in err[0] and source.read_bytes() == made["page"].read_bytes()
    code, _, err = cli(
        "export", made["page_po"], "--source", source, "-o", source, "--force", "--include-fuzzy"
    )
    assert code == 0, err
    assert source.read_bytes() != made["page"].read_bytes()  # asked for: the page is now the export


def test_tmx_export_and_memory_import_never_write_over_what_they_read(
    made: dict[str, Path], tmp_path: Path
) -> None:
    catalogs = tmp_path / "po"
    shutil.copytree(made["out"] / "en" / "LC_MESSAGES", catalogs)
    target = catalogs / "hanoi-convention.po"
    before = target.read_bytes()
    code, _, err = cli("export", catalogs, "--tmx", "-o", target)
    assert code == 1 and err[0].startswith(f"tarjama: error: {target}: is a catalog")
    assert target.read_bytes() == before

    memory = tmp_path / "memory"
    tmx = tmp_path / "desk.tmx"
    code, _, err = cli("export", catalogs, "--tmx", "-o", tmx)
    assert code == 0, err
    code, _, err = cli("memory", "import", tmx, "--memory", memory)
    assert code == 0, err
    imported = memory / "tmx" / "desk.tmx"
    data = imported.read_bytes()
    for force in ([], ["--force"]):  # --force replaces an earlier import, never the file being read
        code, _, err = cli("memory", "import", imported, "--memory", memory, *force)
        assert code == 1 and err == [
            f"tarjama: error: {imported}: is the TMX file being imported that this command reads; "
            "writing it would replace it: choose another output"
        ]
        assert imported.read_bytes() == data


def test_finetune_out_onto_its_data_is_one_line(made: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "reviewed.po"
    shutil.copyfile(made["text_po"], data)
    before = data.read_bytes()
    code, _, err = cli("finetune", "--from-scratch", "tiny", "--data", data, "--out", data)
    assert code == 1 and err == [
        f"tarjama: error: {data}: is a file, not a checkpoint directory: give --out a folder"
    ]
    assert data.read_bytes() == before


def test_one_file_under_any_name(tmp_path: Path) -> None:
    from tarjama.files import check_not_input, same_file

    a = tmp_path / "a.txt"
    a.write_text("x", encoding="utf-8")
    (tmp_path / "sym").symlink_to(a)
    os.link(a, tmp_path / "hard")
    (tmp_path / "dir").mkdir()
    for name in ("a.txt", "sym", "hard", "dir/../a.txt", "./a.txt"):
        assert same_file(tmp_path / name, a), name
    assert not same_file(tmp_path / "new.txt", a)
    (tmp_path / "dangling").symlink_to(tmp_path / "later.txt")
    assert same_file(tmp_path / "dangling", tmp_path / "later.txt")  # neither exists yet: same place
    with pytest.raises(TarjamaError, match=r"is the reference \(.*a\.txt\) that"):
        check_not_input(tmp_path / "hard", [("an article", None), ("the reference", a)], force=None)
    check_not_input(tmp_path / "hard", [("the reference", a)], force=True)  # --force: allowed
    check_not_input(tmp_path / "b.txt", [("the reference", a)])


def test_compare_report_never_replaces_an_input(tmp_path: Path) -> None:
    ref = tmp_path / "report.md"
    ref.write_text("The minister said.\n", encoding="utf-8")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("The minister said.\n", encoding="utf-8")
    code, _, err = cli(
        "compare", "--system", f"a={hyp}", "--system", f"b={hyp}", "--ref", ref, "--out", tmp_path
    )
    assert code == 1 and err[-1].startswith(f"tarjama: error: {ref}: is the reference")
    assert ref.read_text(encoding="utf-8") == "The minister said.\n"


# --- item 16: a full disk -----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 64 KiB tmpfs of its own (mounting needs root, or CAP_SYS_ADMIN): skipped where not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0777", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({res.stderr.strip() or 'mount failed'})")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until ``leave`` bytes are free (whole pages)."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    (disk / "filler").write_bytes(b"\0" * (free - leave))
    st = os.statvfs(disk)
    assert st.f_bavail * st.f_frsize == leave


def leftovers(disk: Path) -> list[str]:
    return sorted(p.name for p in disk.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".tarjama"))


def test_translate_onto_a_full_disk_is_one_line_before_the_model_is_loaded(
    small_disk: Path, tiny_model: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "model"  # loading it would fail with another line: the disk is found first
    shutil.copytree(tiny_model, broken)
    (broken / "model.safetensors").write_bytes(b"not a checkpoint")
    fill(small_disk, 0)
    out = small_disk / "locales"
    res = run_cli("translate", EXAMPLE, "--model", broken, "--out", out)
    assert res.returncode == 1
    assert res.stderr.splitlines() == [f"tarjama: error: {po_for(out)}: {FULL}"]
    assert leftovers(small_disk) == []


def test_exports_and_import_that_run_out_of_room_name_the_file_and_keep_the_old_one(
    made: dict[str, Path], small_disk: Path, tmp_path: Path
) -> None:
    tmx = tmp_path / "desk.tmx"
    assert cli("export", made["text_po"], "--tmx", "-o", tmx)[0] == 0
    fill(small_disk, 3 * 4096)
    html, desk = small_disk / "page.en.html", small_disk / "desk.tmx"
    memory_file = small_disk / "memory" / "tmx" / "desk.tmx"
    memory_file.parent.mkdir(parents=True)
    for old in (html, desk, memory_file):  # one page each: the probe's block is still free
        old.write_text("old\n", encoding="utf-8")
    for args, target in (
        (["export", made["page_po"], "--include-fuzzy", "-o", html], html),
        (["export", made["text_po"], "--tmx", "-o", desk], desk),
        (["memory", "import", tmx, "--memory", small_disk / "memory", "--force"], memory_file),
    ):
        code, _, err = cli(*args)
        assert code == 1 and err == [f"tarjama: error: {target}: {FULL}"], args
        assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(small_disk) == []


def test_batch_on_a_disk_that_fills_names_the_catalog_that_failed_and_writes_the_others(
    small_disk: Path, tiny_model: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.ar.txt"
    shutil.copyfile(EXAMPLE, big)
    small = tmp_path / "small.ar.txt"
    small.write_text("وصلت الوفود إلى هانوي.\n", encoding="utf-8")
    fill(small_disk, 4 * 4096)  # room for the small catalog, not for the big one
    out = small_disk / "locales"
    res = run_cli(
        "batch", big, small, "--model", tiny_model, "--out", out, "--beam", "1", "-q", "--backend", "ct2"
    )  # CTranslate2: the disk, not the engine, is what is tested
    assert res.returncode == 1
    assert res.stderr.splitlines() == [f"tarjama: error: {po_for(out, 'big')}: {FULL}"]
    assert polib.pofile(str(po_for(out, "small"))).find("وصلت الوفود إلى هانوي.") is not None
    assert not po_for(out, "big").exists() and leftovers(small_disk) == []


def test_a_write_that_fails_names_the_file_and_removes_its_temporary(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old", encoding="utf-8")

    def full(fd: int) -> None:  # where the disk is found full (an NFS mount says so at fsync)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(TarjamaError) as caught:
        atomic_write_bytes(path, b"new")
    assert str(caught.value) == f"{path}: {FULL}"
    assert path.read_text(encoding="utf-8") == "old" and os.listdir(tmp_path) == ["a.txt"]


# --- item 17: a file name that is not UTF-8 ---------------------------------------------------


def test_a_name_that_is_not_utf8_is_refused_alone_before_the_model_loads(
    tiny_model: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    odd = folder / ODD
    shutil.copyfile(EXAMPLE, odd)
    good = folder / "good.ar.txt"
    good.write_text("وصلت الوفود إلى هانوي.\n", encoding="utf-8")
    shown = f"{folder}/\\xff\\xfeodd.ar.txt"  # as it is shown: its odd bytes escaped
    refusal = f"tarjama: error: {shown}: the file name is not valid UTF-8; rename the file"

    broken = tmp_path / "model"  # translate reads every article before it loads any model
    shutil.copytree(tiny_model, broken)
    (broken / "model.safetensors").write_bytes(b"not a checkpoint")
    res = run_cli("translate", odd, "--model", broken, "--out", tmp_path / "t")
    assert res.returncode == 1 and res.stderr.splitlines() == [refusal]
    assert not (tmp_path / "t").exists()

    out = tmp_path / "b"
    res = run_cli("batch", folder, "--model", tiny_model, "--out", out, "--beam", "1")
    assert res.returncode == 1, res.stderr
    assert res.stderr.splitlines() == [refusal] and "Traceback" not in res.stdout
    assert "\\xff\\xfeodd.ar.txt" in res.stdout  # the summary table shows it, escaped
    assert sorted(p.name for p in (out / "en" / "LC_MESSAGES").iterdir()) == ["good.po"]


def test_a_memory_file_named_in_odd_bytes_is_written_escaped_into_the_catalog(
    tiny_model: Path, tmp_path: Path
) -> None:
    """A reviewed entry from a memory PO whose name is not UTF-8: the catalog's memory comment names
    it escaped (a PO is UTF-8), and the catalog is written (no sentence needs the model)."""
    sentence = "وصلت الوفود إلى هانوي."
    article = tmp_path / "story.ar.txt"
    article.write_text(sentence + "\n", encoding="utf-8")
    memory = tmp_path / "memory"
    memory.mkdir()
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    po.append(polib.POEntry(msgid=sentence, msgstr="Delegations arrived in Hanoi."))
    po.save(os.path.join(memory, os.fsdecode(b"\xe9t\xe9.po")))
    out = tmp_path / "out"
    res = run_cli(
        "translate", article, "--model", tiny_model, "--out", out, "--memory", memory, "--no-glossary"
    )
    assert res.returncode == 0, res.stderr
    written = po_for(out, "story").read_text(encoding="utf-8")
    assert "\\xe9t\\xe9.po" in written
    assert polib.pofile(written).find(sentence).msgstr == "Delegations arrived in Hanoi."


def test_names_that_are_not_utf8_print_escaped_even_where_stdout_is_strict(
    made: dict[str, Path], tmp_path: Path
) -> None:
    """A UTF-8 locale makes Python's stdout strict: a lone surrogate printed there ended `status`
    and `check` with a UnicodeEncodeError."""
    import sys

    folder = tmp_path / "po"
    folder.mkdir()
    shutil.copyfile(made["page_po"], os.path.join(folder, os.fsdecode(b"\xe9t\xe9.po")))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    for command in (["status"], ["check"], ["status", "--json"]):
        res = subprocess.run(
            [sys.executable, "-m", "tarjama", *command, str(folder)],
            capture_output=True, text=True, env=env, check=False, errors="replace",
        )  # fmt: skip
        assert "Traceback" not in res.stderr and res.returncode in (0, 1), (command, res.stderr)
        assert "\\xe9t\\xe9.po" in res.stdout or "\\udce9t\\udce9.po" in res.stdout, command
