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
        E(
            msgid="ت.",
            msgstr="T?",
            flags=["fuzzy"],
            comment="risk: 0.82 — low model confidence (0.10).\nmt: m @ r\nglossary-missing: 'Hanoi'",
        ),
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
        entries=5,
        reviewed=2,
        fuzzy=2,
        untranslated=1,
        obsolete=1,
        from_memory=1,
        glossary_misses=1,
        risk_high=1,
        risk_low=1,
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
        "numbers_lost": 0,
        "placeholders_lost": 0,
        "markup_broken": 0,
        "source_copies": 0,
        "risk_high": 0,
        "risk_medium": 0,
        "risk_low": 0,
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
        "numbers_lost": 0,
        "placeholders_lost": 0,
        "markup_broken": 0,
        "source_copies": 0,
        "risk_high": 1,  # its risk note
        "risk_medium": 0,
        "risk_low": 1,  # no note: rated from its checks (a 0.81 fuzzy memory match)
    }
    table = run_cli("status", a, b)
    assert table.returncode == 0, table.stderr
    rows = {line.split("│")[1].strip(): line for line in table.stdout.splitlines() if line.count("│") > 2}
    assert [c.strip() for c in rows["total"].split("│")[2:-1]] == [
        "6",
        "3",
        "2",
        "1",
        "1",
        "1",
        "1",
        "0",
        "0",
        "0",  # markup broken
        "0",
        "1",  # risk high
        "0",
        "1",
    ]
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


def test_status_flags_what_a_translators_edit_lost(tmp_path: Path) -> None:
    E = polib.POEntry
    path = catalog(
        tmp_path / "edited.po",
        [
            E(msgid="وقع دانغ هوانغ جيانغ الاتفاقية.", msgstr="Dang Hoang Giang signed it."),
            E(
                msgid="وقع دانغ هوانغ جيانغ الاتفاقية في هانوي.",
                msgstr="The deputy minister signed it in Hanoi.",
            ),
            E(msgid="في ٢٤ أكتوبر ٢٠٢٥ وقعت ٦٥ دولة.", msgstr="On 24 October 2025, 65 countries signed."),
            E(
                msgid="في ٢٤ أكتوبر ٢٠٢٥ وقعت ٦٥ دولة.",
                msgctxt="x",
                msgstr="On 24 October, 65 countries signed.",
            ),
            E(msgid="بلغت ١٬٢٥٠ مليون أو 3٫5%", msgstr="It reached 1,250 million or 3.5%"),
            E(msgid="الذكرى الثمانين", msgstr="the 80th anniversary"),  # a number the Arabic spelt out
            E(msgid="مرحبا %(name)s، لديك {count} رسائل", msgstr="Hello %(name)s, you have messages"),
            E(msgid="مرحبا %s", msgstr="Hello %s", flags=["fuzzy"]),
        ],
    )
    res = run_cli("status", path, "--json")
    assert res.returncode == 0, res.stderr
    total = json.loads(res.stdout)["total"]
    assert (total["glossary_misses"], total["numbers_lost"], total["placeholders_lost"]) == (1, 1, 1)
    res = run_cli("status", path, "--json", "--no-glossary")
    assert json.loads(res.stdout)["total"]["glossary_misses"] == 0


def test_status_counts_equal_translate_toolkits_pocount(tmp_path: Path) -> None:
    import csv
    import shutil
    import subprocess

    from .conftest import ROOT

    pocount = shutil.which("pocount")
    assert pocount, "translate-toolkit (the test extra) provides pocount"
    reviewed = ROOT / "locales" / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    mixed = catalog(tmp_path / "mixed.po", [e for e in sample_entries() if not e.obsolete])
    for path in (reviewed, mixed):
        out = subprocess.run([pocount, "--csv", str(path)], capture_output=True, text=True, check=True).stdout
        row = next(csv.DictReader(out.splitlines()))
        mine = json.loads(run_cli("status", path, "--json").stdout)["total"]
        assert (mine["reviewed"], mine["fuzzy"], mine["untranslated"]) == (
            int(row["Translated Messages"]),
            int(row["Fuzzy Messages"]),
            int(row["Untranslated Messages"]),
        ), path


# pofilter checks that do not apply from Arabic to English: Arabic has no capitals (startcaps,
# simplecaps), ends and opens sentences with its own punctuation (، ؛ ؟ and the
# Arabic full stop: endpunc, startpunc) and quotes with «» where English uses “” and ‘’
# (doublequoting, singlequoting).
NOT_APPLYING = {"startcaps", "simplecaps", "endpunc", "startpunc", "doublequoting", "singlequoting"}


def test_pofilter_finds_nothing_that_applies_in_the_shipped_reviewed_catalog(tmp_path: Path) -> None:
    import re
    import shutil
    import subprocess

    from .conftest import ROOT

    pofilter = shutil.which("pofilter")
    assert pofilter, "translate-toolkit (the test extra) provides pofilter"
    reviewed = ROOT / "locales" / "en" / "LC_MESSAGES" / "hanoi-convention.po"
    out = tmp_path / "failures.po"
    subprocess.run([pofilter, str(reviewed), "-o", str(out)], capture_output=True, check=True)
    failed = set(re.findall(r"^# \(pofilter\) (\w+):", out.read_text(encoding="utf-8"), re.M))
    assert failed - NOT_APPLYING == set()
    assert "numbers" not in failed and "printf" not in failed and "untranslated" not in failed
    # and it does catch a lost number, so the check above is not blind
    po = polib.pofile(str(reviewed))
    entry = next(e for e in po if re.search(r"\d", e.msgstr))
    entry.msgstr = re.sub(r"\d+", "", entry.msgstr)
    po.save(str(tmp_path / "broken.po"))
    subprocess.run([pofilter, str(tmp_path / "broken.po"), "-o", str(out)], capture_output=True, check=True)
    assert "# (pofilter) numbers:" in out.read_text(encoding="utf-8")
