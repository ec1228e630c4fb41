"""tarjama writes PO files byte for byte as GNU msgcat writes them (wrapping, escapes, comments, no-wrap).

Every check runs the real `msgcat` over what tarjama wrote and compares bytes.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from tarjama.catalog.po_file import load_po, save_po
from tarjama.catalog.po_format import char_width, possible_breaks, wrap_string

from .conftest import EXAMPLE, ROOT, run_cli

pytestmark = pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext (msgcat) not installed")

SEG_ARTICLES = sorted((ROOT / "tests" / "data").glob("seg-*.ar.txt"))
LONG_AR = (
    "في عصر يوم 8 أكتوبر، عقدت وزارة الخارجية ووزارة الأمن العام مؤتمرًا صحفيًا دوليًا مشتركًا لافتتاح "
    "حفل توقيع اتفاقية الأمم المتحدة لمكافحة الجرائم الإلكترونية في هانوي (اتفاقية هانوي)."
)
LONG_EN = (
    'The "Hanoi Convention" will be signed on October 25 in Hanoi; delegations from nearly 100 '
    "countries\tconfirmed (see C:\\docs\\list.txt) — well-known figures, e.g. U.S./EU officials, 50% more."
)


def msgcat(path: Path) -> bytes:
    res = subprocess.run(["msgcat", str(path)], capture_output=True, check=False)
    assert res.returncode == 0, res.stderr.decode()
    return res.stdout


def assert_msgcat_keeps(path: Path) -> None:
    written = path.read_bytes()
    again = msgcat(path)
    assert again == written, "\n".join(
        f"tarjama: {a!r}\nmsgcat:  {b!r}"
        for a, b in zip(written.decode().splitlines(), again.decode().splitlines(), strict=False)
        if a != b
    )


def save(po: polib.POFile, path: Path) -> Path:
    assert save_po(po, path)
    return path


def new_po() -> polib.POFile:
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "hand-made",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Language": "en",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        "X-Tarjama-Source-SHA256": "1ea8a6b268349caf812f6af7c36acc0f59cde153de4057b0f985508fb4822c37",
    }
    return po


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> list[Path]:
    """The example article and the segmentation test articles, translated by the tiny model."""
    work = tmp_path_factory.mktemp("po-format")
    articles = []
    for src in [EXAMPLE, *SEG_ARTICLES]:
        shutil.copyfile(src, work / src.name)
        articles.append(work / src.name)
    # CTranslate2 decodes them several times faster than transformers; the bytes checked are the PO's
    res = run_cli(
        "translate",
        *articles,
        "--model",
        tiny_model,
        "--backend",
        "ct2",
        "--out",
        work / "out",
        "--beam",
        "1",
    )
    assert res.returncode == 0, res.stderr
    pos = sorted((work / "out" / "en" / "LC_MESSAGES").glob("*.po"))
    assert len(pos) == 1 + len(SEG_ARTICLES) >= 4
    return pos


def test_msgcat_keeps_every_byte_of_translated_articles(translated: list[Path]) -> None:
    for po in translated:
        assert_msgcat_keeps(po)


def test_a_catalog_msgcat_rewrote_is_written_back_unchanged(translated: list[Path], tmp_path: Path) -> None:
    """The other way round: read what msgcat wrote, save it again: no byte moves."""
    for po in translated:
        via_msgcat = tmp_path / po.name
        via_msgcat.write_bytes(msgcat(po))
        save_po(load_po(via_msgcat), tmp_path / "again.po")
        assert (tmp_path / "again.po").read_bytes() == via_msgcat.read_bytes()


def test_hand_made_entries_are_written_as_msgcat_writes_them(tmp_path: Path) -> None:
    po = new_po()
    po.header = "Hand-made catalog\n\nwith an empty header comment line"
    po.append(polib.POEntry(msgid=LONG_AR, msgstr=LONG_EN, flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="سطر أول\nسطر ثان\n", msgstr="first line\nsecond line\n"))
    po.append(polib.POEntry(msgid="x" * 90 + "\n" + "قصير", msgstr='a\\b\t"c"' * 12))
    po.append(polib.POEntry(msgid="y" * 200, msgstr="no break opportunity at all " + "z" * 100))
    po.append(
        polib.POEntry(
            msgid="جملة تحمل #, no-wrap " + LONG_AR,
            msgstr=LONG_EN + "\nand more",
            flags=["no-wrap", "fuzzy"],
        )
    )
    po.append(
        polib.POEntry(
            msgid="تعليقات طويلة",
            msgstr="long comments",
            tcomment="a translator's note that is much longer than seventy-nine columns and is never wrapped by msgcat",
            comment="glossary: اتفاقية الأمم المتحدة لمكافحة الجرائم الإلكترونية → United Nations Convention against Cybercrime\nkind: caption",
            occurrences=[(f"articles/section-{i}/hanoi-convention.ar.txt", str(i * 7)) for i in range(1, 9)],
        )
    )
    po.append(
        polib.POEntry(
            msgid="%d article",
            msgid_plural="%d articles",
            msgstr_plural={0: "%d مقال", 1: "%d مقالات " + "طويلة " * 20},
            flags=["c-format"],
            msgctxt="count",
        )
    )
    po.append(
        polib.POEntry(
            msgid="المصدر الجديد",
            msgstr="",
            previous_msgid="المصدر القديم " * 10,
            flags=["fuzzy"],  # msgcat drops fuzzy where there is no translation: so does tarjama
        )
    )
    po.append(
        polib.POEntry(msgid="جملة حذفت من المقال " * 5, msgstr="A removed sentence. " * 5, obsolete=True)
    )
    po.append(
        polib.POEntry(
            msgid="مراجعة قديمة",
            msgstr="an old review",
            obsolete=True,
            tcomment="kept note",
            flags=["fuzzy"],
        )
    )
    path = save(po, tmp_path / "hand.po")
    assert_msgcat_keeps(path)
    text = path.read_text(encoding="utf-8")
    assert "#, fuzzy, no-wrap\n" in text
    assert '"and more"\n' in text and "\\t" in text and "C:\\\\docs" in text  # escapes as gettext writes them
    assert "#~ msgid" in text and '#~ msgstr "an old review"' in text
    wrapped = wrap_string("msgid", LONG_AR)
    assert len(wrapped) > 2 and all(sum(map(char_width, line)) <= 79 for line in wrapped)


def test_no_wrap_keeps_each_portion_on_one_line() -> None:
    lines = wrap_string("msgstr", LONG_EN + "\n" + LONG_EN, wrap=False)
    assert lines[0] == 'msgstr ""' and len(lines) == 3
    assert lines[1].endswith('\\n"') and len(lines[1]) > 79


def test_breaks_follow_the_line_breaking_rules_not_just_spaces() -> None:
    text = "well-known (note) U.S./EU 9.4 مؤتمرًا"
    breaks = [i for i, b in enumerate(possible_breaks(text)) if b]
    starts = {text[i:].split(" ")[0] for i in breaks}
    assert "known" in starts  # after a hyphen
    assert "(note)" in starts and "مؤتمرًا" in starts  # after a space
    assert all(not text[i].isspace() for i in breaks)  # never before a space
    assert not any(text[i - 1] == "." and text[i].isdigit() for i in breaks)  # not inside 9.4


ALPHABET = list("abc XYZ 0129 .,;:!?-/()[]{}\"'\\\t%$+#&*<>|_~@=") + list(
    "ابتثجحخدذرسشصضطظعغفقكلمنهوي \u064b\u064e\u0651،؛؟٪٠١«»“”—–…\u00a0\u200f\u200c中é"
)
WORDS = ["word", "longerword", "عربي", "الجمهورية", "2024", "U.S.", "well-known", "http://example.com/a/b"]


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
    return "".join(rng.choice([*ALPHABET, "\n"]) for _ in range(rng.randint(1, 250)))


def test_random_entries_match_msgcat(tmp_path: Path) -> None:
    """Many strings mixing Arabic, Latin, digits, punctuation, marks, escapes and newlines, one msgcat run."""
    rng = random.Random(15)
    po = new_po()
    seen = set()
    for n in range(300):
        msgid = random_text(rng)
        if msgid in seen:
            continue
        seen.add(msgid)
        entry = polib.POEntry(msgid=msgid, msgstr=random_text(rng) if n % 4 else "")
        if n % 7 == 0:
            entry.flags.append("no-wrap")
        if n % 5 == 0:
            entry.previous_msgid = random_text(rng)
        if n % 11 == 0 and entry.msgstr:
            entry.obsolete = True
        po.append(entry)
    assert_msgcat_keeps(save(po, tmp_path / "random.po"))


def test_a_catalog_laid_out_by_polib_is_not_rewritten_for_layout_alone(tmp_path: Path) -> None:
    """Catalogs an older tarjama wrote (polib's wrapping) change on disk only when their content does."""
    po = new_po()
    po.append(polib.POEntry(msgid=LONG_AR, msgstr=LONG_EN))
    path = tmp_path / "old.po"
    po.save(str(path))
    before = path.read_bytes()
    assert msgcat(path) != before  # polib's layout
    assert not save_po(load_po(path), path)
    assert path.read_bytes() == before
    changed = load_po(path)
    changed[0].msgstr = "A reviewed translation."
    assert save_po(changed, path)
    assert_msgcat_keeps(path)
