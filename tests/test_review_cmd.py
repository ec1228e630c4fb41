"""`tarjama review`: unreviewed translations riskiest first, as a table and as JSON; hostile
catalogs (a risk note edited to nonsense, a broken file) never a traceback (issue 28)."""

from __future__ import annotations

import json
from pathlib import Path

import polib

from tarjama.catalog.risk import NOT_DECODED


def _catalog(path: Path, entries: list[polib.POEntry]) -> Path:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    for e in entries:
        po.append(e)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def _review_tree(root: Path) -> tuple[Path, Path]:
    E = polib.POEntry
    a = _catalog(
        root / "en" / "LC_MESSAGES" / "a.po",
        [
            E(
                msgid="قال الوزير.",
                msgstr="The minister said.",
                flags=["fuzzy"],
                comment="risk: 0.10\nmt: m @ r",
            ),
            E(
                msgid="في عام 2026.",
                msgstr="In 2025.",
                flags=["fuzzy"],
                comment="risk: 0.93 — number 2026 missing; low model confidence (0.20).\nmt: m @ r",
            ),
            E(msgid="أ.", msgstr="A.", comment="risk: 0.99 — stale.\nmt: m @ r"),  # reviewed: not listed
            E(msgid="ب.", msgstr="", flags=["fuzzy"]),  # nothing to review yet
            # a translator's own variant (msgctxt): theirs, not tarjama's to rate
            E(msgid="قال الوزير.", msgctxt="headline", msgstr="Minister speaks", flags=["fuzzy"]),
        ],
    )
    b = _catalog(
        root / "en" / "LC_MESSAGES" / "b.po",
        [
            # notes a hand made nonsense: no note, rated from the checks
            E(msgid="زار 100 ألف شخص هانوي.", msgstr="100,000 people visited هانوي.", flags=["fuzzy"],
              comment="risk: very high!!\nmt: m @ r"),
            E(msgid="قال.", msgstr="He said.", flags=["fuzzy"], comment="risk: 9.99 — trust me.\nmt: m @ r"),
        ],
    )  # fmt: skip
    return a, b


def test_review_lists_unreviewed_entries_riskiest_first_as_json(tmp_path: Path) -> None:
    from .conftest import run_cli

    a, b = _review_tree(tmp_path / "locales")
    res = run_cli("review", tmp_path / "locales", "--json")
    assert res.returncode == 0, res.stderr
    items = json.loads(res.stdout)
    assert [(Path(i["catalog"]).name, i["msgstr"]) for i in items] == [
        ("a.po", "In 2025."),
        ("b.po", "100,000 people visited هانوي."),
        ("a.po", "The minister said."),
        ("b.po", "He said."),
    ]
    assert [i["risk"] for i in items] == sorted((i["risk"] for i in items), reverse=True)
    assert items[0]["reasons"] == ["number 2026 missing", "low model confidence (0.20)"]
    assert items[0]["msgid"] == "في عام 2026." and items[0]["risk"] == 0.93
    hostile = items[1]
    assert hostile["reasons"][0].startswith("Arabic left") and hostile["reasons"][-1] == NOT_DECODED
    top = json.loads(run_cli("review", a, b, "--json", "--top", "1").stdout)
    assert top == items[:1]


def test_review_table_and_a_broken_catalog_is_one_line(tmp_path: Path) -> None:
    from .conftest import run_cli

    a, _ = _review_tree(tmp_path / "locales")
    table = run_cli("review", a, "--top", "5")
    assert table.returncode == 0, table.stderr
    assert "risk" in table.stdout and "0.93" in table.stdout and "number 2026 missing" in table.stdout
    assert table.stdout.index("0.93") < table.stdout.index("0.10")
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "x"\nmsgstr "y\n', encoding="utf-8")
    res = run_cli("review", a, broken)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert [line for line in res.stderr.splitlines() if line.startswith("tarjama: error:")] == [
        line for line in res.stderr.splitlines() if "broken.po" in line
    ]
    assert "0.93" in res.stdout  # the readable catalog is still listed
    missing = run_cli("review", tmp_path / "nowhere")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr and "nowhere" in missing.stderr


def test_status_counts_what_review_lists_by_risk(tmp_path: Path) -> None:
    from .conftest import run_cli

    a, _ = _review_tree(tmp_path / "locales")
    res = run_cli("status", a, "--json")
    assert res.returncode == 0, res.stderr
    counts = json.loads(res.stdout)["files"][0]
    listed = json.loads(run_cli("review", a, "--json").stdout)
    assert (counts["risk_high"], counts["risk_medium"], counts["risk_low"]) == (1, 0, 1)
    assert counts["risk_high"] + counts["risk_medium"] + counts["risk_low"] == len(listed)
