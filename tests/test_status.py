"""`tarjama status`: review progress per PO file and in total, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import polib

from tarjama.catalog.status import Counts, count

from .conftest import run_cli


def catalog(path: Path, entries: list[polib.POEntry]) -> Path:
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    for e in entries:
        po.append(e)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def sample_entries() -> list[polib.POEntry]:
    E = polib.POEntry
    return [
        E(msgid="أ.", msgstr="A.", comment="mt: m @ r"),  # reviewed
        E(msgid="ب.", msgstr="B.", comment="memory: exact match, other.po"),  # reviewed, from memory
        E(msgid="ت.", msgstr="T?", flags=["fuzzy"], comment="mt: m @ r\nglossary-missing: 'Hanoi'"),
        E(
            msgid="ث.",
            msgstr="Th?",
            flags=["fuzzy"],
            previous_msgid="ث ث.",
            comment="memory: 0.81 fuzzy match, x.po",
        ),
        E(msgid="ج.", msgstr=""),  # untranslated
        E(msgid="ح.", msgstr="H.", obsolete=True),
    ]


def test_counts_of_one_catalog(tmp_path: Path) -> None:
    path = catalog(tmp_path / "a.po", sample_entries())
    assert count(polib.pofile(str(path))) == Counts(
        entries=5, reviewed=2, fuzzy=2, untranslated=1, obsolete=1, from_memory=1, glossary_misses=1
    )


def test_status_cli_per_file_and_total_json_and_table(tmp_path: Path) -> None:
    root = tmp_path / "locales"
    a = catalog(root / "en" / "LC_MESSAGES" / "a.po", sample_entries())
    b = catalog(root / "en" / "LC_MESSAGES" / "b.po", [polib.POEntry(msgid="س.", msgstr="S.")])
    res = run_cli("status", root, "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert [f["path"] for f in data["files"]] == [str(a), str(b)]
    assert data["files"][1] == {
        "path": str(b),
        "entries": 1,
        "reviewed": 1,
        "fuzzy": 0,
        "untranslated": 0,
        "obsolete": 0,
        "from_memory": 0,
        "glossary_misses": 0,
    }
    assert data["total"] == {
        "files": 2,
        "entries": 6,
        "reviewed": 3,
        "fuzzy": 2,
        "untranslated": 1,
        "obsolete": 1,
        "from_memory": 1,
        "glossary_misses": 1,
    }
    table = run_cli("status", a, b)
    assert table.returncode == 0, table.stderr
    rows = {line.split("│")[1].strip(): line for line in table.stdout.splitlines() if line.count("│") > 2}
    assert [c.strip() for c in rows["total"].split("│")[2:-1]] == ["6", "3", "2", "1", "1", "1", "1"]
    assert str(b) in rows


def test_status_defaults_to_locales_and_reports_a_broken_catalog_by_line(tmp_path: Path) -> None:
    root = tmp_path / "locales"
    catalog(root / "en" / "LC_MESSAGES" / "good.po", [polib.POEntry(msgid="س.", msgstr="S.")])
    broken = root / "en" / "LC_MESSAGES" / "broken.po"
    broken.write_text('msgid ""\nmsgstr ""\n\nmsgid "س"\nmsgstr "S\n', encoding="utf-8")
    res = run_cli("status", "--json", cwd=tmp_path)
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert data["total"]["files"] == 1 and data["total"]["reviewed"] == 1
    assert (
        f"tarjama: error: {Path('locales/en/LC_MESSAGES/broken.po')}: line 5: invalid PO file" in res.stderr
    )
    missing = run_cli("status", tmp_path / "nowhere")
    assert missing.returncode == 1 and "nowhere: no such file or directory" in missing.stderr
    assert "Traceback" not in missing.stderr + res.stderr
