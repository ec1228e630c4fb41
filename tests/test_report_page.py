"""`tarjama compare`'s report.html in a real Chromium: a page a QA reader decides with.

The page is `tarjama compare`'s own, from three systems (two tiny models translated by the
command, and the reference copied as hypotheses); every check asks the browser's DOM.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import polib
import pytest

from tarjama.catalog.notes import RiskNote
from tarjama.evaluation.compare import System, compare
from tarjama.evaluation.hypotheses import read_reference, read_segments
from tarjama.evaluation.report_files import write_report
from tarjama.glossary import load_default
from tarjama.sources.text import is_mostly_arabic

from .browser import Harness
from .conftest import EXAMPLE, REFERENCE, read_gold, run_cli
from .test_compare import hypothesis_files  # noqa: F401 (a fixture)
from .test_score import degrade, reference_lines

WIDTH = 1280
SYSTEMS = ["small", "other", "degraded"]
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def cli_report(
    tiny_model: Path,
    second_model: Path,
    hypothesis_files: dict[str, Path],  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    out = tmp_path_factory.mktemp("page") / "report"
    res = run_cli(
        "compare", EXAMPLE,
        "--system", f"small={tiny_model}", "--system", f"other={second_model}",
        "--system", f"degraded={hypothesis_files['degraded']}",
        "--ref", REFERENCE, "--out", out, "--beam", "1",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return out


def visible_segments(page) -> list[int]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('#sentences tbody.seg'))"
        ".filter((b) => !b.hidden && b.checkVisibility()).map((b) => Number(b.dataset.segment))"
    )


def test_scores_are_a_table_and_the_chart_an_inline_svg_with_a_mark_per_system(
    browser: Harness, cli_report: Path
) -> None:
    report = json.loads((cli_report / "report.json").read_text(encoding="utf-8"))
    with browser.open(cli_report / "report.html", WIDTH) as opened:
        page = opened.page
        table = page.evaluate(
            """() => {
              const t = document.getElementById("scores");
              return {
                tag: t.localName,
                header: Array.from(t.tHead.rows[0].cells).map((c) => c.textContent),
                rows: Array.from(t.tBodies[0].rows).map((r) => Array.from(r.cells).map((c) => c.textContent)),
              };
            }"""
        )
        chart = page.evaluate(
            """() => {
              const svg = document.querySelector("svg.chart");
              const box = svg.getBoundingClientRect();
              return {
                visible: svg.checkVisibility(), width: box.width, height: box.height,
                systems: Array.from(svg.querySelectorAll("g.system")).map((g) => ({
                  name: g.dataset.system,
                  bars: Array.from(g.querySelectorAll("rect.bar")).map((r) => ({
                    metric: r.dataset.metric, height: r.getBoundingClientRect().height,
                    visible: r.checkVisibility(),
                  })),
                })),
              };
            }"""
        )
        assert opened.requests == [(cli_report / "report.html").resolve().as_uri()]
        assert opened.errors == []
    # the same table as report.md and the terminal: every registered metric, CI, p-values, terms, speed
    header = md_header(cli_report)
    assert table["tag"] == "table" and table["header"] == header
    assert [r[0] for r in table["rows"]] == SYSTEMS
    for row, system in zip(table["rows"], report["systems"], strict=True):
        assert row[header.index("BLEU")].startswith(f"{system['bleu']:.1f} ± ")
        assert row[header.index("term accuracy")].endswith(
            f"({system['terms_correct']}/{system['terms_total']})"
        )
        assert row[-1] == system["significant"]
    assert (
        table["rows"][0][header.index("sentences/s")] != "—"
        and table["rows"][2][header.index("sentences/s")] == "—"
    )
    # one group of bars per system, one bar per tested metric, each drawn
    assert chart["visible"] and chart["width"] > 500 and chart["height"] > 200
    assert [s["name"] for s in chart["systems"]] == SYSTEMS
    for s in chart["systems"]:
        assert [b["metric"] for b in s["bars"]] == ["bleu", "chrf"]
        assert all(b["visible"] and b["height"] > 0 for b in s["bars"])
    degraded = next(s for s in chart["systems"] if s["name"] == "degraded")
    small = next(s for s in chart["systems"] if s["name"] == "small")
    assert degraded["bars"][0]["height"] > small["bars"][0]["height"]  # BLEU 13 against a random model's


def md_header(out: Path) -> list[str]:
    """report.md's results header: the page's table must have the same columns."""
    line = next(
        x for x in (out / "report.md").read_text(encoding="utf-8").splitlines() if x.startswith("| system |")
    )
    return [c.strip() for c in line.strip("| ").split(" | ")]


OVERFLOW_JS = """(width) => {
  const wide = Array.from(document.querySelectorAll("td, th, svg, table, pre, p, li, .controls"))
    .filter((e) => { const r = e.getBoundingClientRect(); return r.right > width + 0.5 || r.width > width; })
    .map((e) => e.outerHTML.slice(0, 80));
  return { scroll: document.documentElement.scrollWidth, wide };
}"""


@pytest.mark.parametrize("width", [WIDTH, 900])
def test_three_systems_fit_the_viewport(browser: Harness, cli_report: Path, width: int) -> None:
    with browser.open(cli_report / "report.html", width) as opened:
        fit = opened.page.evaluate(OVERFLOW_JS, width)
        assert opened.errors == []
    assert fit["scroll"] <= width and fit["wide"] == []


def test_sorting_and_filtering_change_the_visible_rows(browser: Harness, cli_report: Path) -> None:
    report = json.loads((cli_report / "report.json").read_text(encoding="utf-8"))
    chrf = {name: {s["segment"]: s["chrf"] for s in sents} for name, sents in report["sentences"].items()}
    segments = sorted(chrf["small"])
    gain = {i: chrf["other"][i] - chrf["small"][i] for i in segments}  # other (B) against small (A)
    kinds = [row["kind"] for row in read_gold()]
    with browser.open(cli_report / "report.html", WIDTH) as opened:
        page = opened.page
        assert page.locator("#controls").is_visible()
        assert visible_segments(page) == segments  # segment order at first
        page.select_option("#sys-a", label="small")
        page.select_option("#sys-b", label="other")
        page.select_option("#metric", label="chrF++")
        page.select_option("#sort", "worse")
        worse_first = sorted(segments, key=lambda i: (gain[i], i))
        assert visible_segments(page) == worse_first and worse_first != segments
        page.select_option("#sort", "better")
        assert visible_segments(page) == sorted(segments, key=lambda i: (-gain[i], i))
        # drops of at least T chrF++ points (T: the median drop, whole points), worst first
        losses = sorted(-g for g in gain.values() if g < 0)
        threshold = math.floor(losses[len(losses) // 2])
        page.select_option("#sort", "worse")
        page.fill("#threshold", str(threshold))
        page.check("#only-drops")
        drops = [i for i in worse_first if gain[i] < 0 and gain[i] <= -threshold]
        assert 0 < len(drops) < len(segments) and visible_segments(page) == drops
        page.fill("#threshold", "0")
        assert visible_segments(page) == [i for i in worse_first if gain[i] < 0]
        page.uncheck("#only-drops")
        # term misses of B (degraded: a hypothesis file that drops glossary terms), worst first
        page.select_option("#sys-b", label="degraded")
        page.check("#only-misses")
        rows = page.evaluate(
            """() => Array.from(document.querySelectorAll('#sentences tbody.seg')).map((b) => [
                 Number(b.dataset.segment),
                 Number(b.querySelector('tr.hyp[data-sys="2"]').dataset.misses),
                 b.querySelector('tr.hyp[data-sys="2"] .miss') !== null])"""
        )
        degraded = next(r for r in report["systems"] if r["system"] == "degraded")
        assert sum(r[1] for r in rows) == degraded["terms_total"] - degraded["terms_correct"] > 0
        gain = {i: chrf["degraded"][i] - chrf["small"][i] for i in segments}
        missing = sorted((i for i, n, marked in rows if n > 0 and marked), key=lambda i: (gain[i], i))
        assert 0 < len(missing) < len(segments) and visible_segments(page) == missing
        page.uncheck("#only-misses")
        # kinds, as the run's catalogs noted them: the example's captions
        page.select_option("#kind", "caption")
        captions = sorted((i for i in segments if kinds[i - 1] == "caption"), key=lambda i: (gain[i], i))
        assert len(captions) == 5 and visible_segments(page) == captions
        assert page.locator("#shown").text_content() == f"5 of {len(segments)} sentences shown"
        assert opened.errors == []


def test_arabic_cells_are_right_to_left_and_english_left_to_right(browser: Harness, cli_report: Path) -> None:
    """Sources and glossary forms are Arabic; references and outputs English, unless most of a
    cell's letters are Arabic (the tiny models copy some of their source)."""
    with browser.open(cli_report / "report.html", WIDTH) as opened:
        cells = opened.page.evaluate(
            """() => {
                 // a system's own words: without the reference's words the diff inserts, or the term notes
                 const own = (c) => {
                   const copy = c.cloneNode(true);
                   copy.querySelectorAll("ins, .miss").forEach((e) => e.remove());
                   return copy.textContent;
                 };
                 return Array.from(document.querySelectorAll("td, th")).map((c) => ({
                 text: c.textContent, row: c.closest("tr").className, cls: c.className,
                 table: c.closest("table").id, own: own(c),
                 lang: c.closest("[lang]").getAttribute("lang"), dir: getComputedStyle(c).direction }));
               }"""
        )
        page_lang = opened.page.evaluate(
            "() => [document.documentElement.lang, document.documentElement.dir]"
        )
    assert page_lang == ["en", "ltr"]
    sources = [c for c in cells if c["row"] == "src" and c["cls"] == "text"]
    assert len(sources) == len(read_gold())
    arabic = sources + [c for c in cells if is_mostly_arabic(c["own"])]
    assert all((c["lang"], c["dir"]) == ("ar", "rtl") for c in arabic)
    copied = [c for c in cells if c["row"] == "hyp" and c["cls"] == "text" and is_mostly_arabic(c["own"])]
    english = [c for c in cells if c["row"] in ("ref", "hyp") and c["cls"] == "text" and c not in copied]
    assert len(english) + len(copied) == 4 * len(read_gold())  # the reference and three systems
    assert all((c["lang"], c["dir"]) == ("en", "ltr") for c in english)
    terms = [c for c in cells if c["table"] == "terms" and ARABIC.search(c["text"])]
    assert terms and all((c["lang"], c["dir"]) == ("ar", "rtl") for c in terms)


HOSTILE_TEXT = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2"><style>*{display:none}</style>'
HOSTILE_NAME = "<img src=x onerror=window.pwned=3>'\"&amp;"


@pytest.fixture(scope="module")
def hostile_report(hypothesis_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    work = tmp_path_factory.mktemp("hostile")
    lines = reference_lines()
    hostile = work / "hostile.en.txt"
    hostile.write_text("".join(f"{x}\n" for x in [HOSTILE_TEXT, *lines[1:]]), encoding="utf-8")
    systems = [
        System("copy", read_segments(hypothesis_files["copy"]), str(hypothesis_files["copy"])),
        System(HOSTILE_NAME, read_segments(hostile), "http://example.invalid/x.png"),
    ]
    sources = [row["arabic"] for row in read_gold()]
    comparison = compare(systems, read_reference(REFERENCE), sources, load_default())
    write_report(comparison, work)
    return work / "report.html"


def test_hostile_text_stays_text_and_the_page_loads_nothing(browser: Harness, hostile_report: Path) -> None:
    with browser.open(hostile_report, WIDTH) as opened:
        page = opened.page
        found = page.evaluate(
            """() => ({
              pwned: window.pwned,
              scripts: document.scripts.length,
              styles: document.querySelectorAll("style").length,
              images: document.images.length,
              first: document.querySelector('#seg-1 tr.hyp[data-sys="1"] td.text').textContent,
              names: Array.from(document.querySelectorAll("#sys-b option")).map((o) => o.textContent),
              rowName: document.querySelector("#scores tbody tr:nth-child(2) th").textContent,
              chartName: document.querySelectorAll("svg.chart g.system")[1].dataset.system,
              controls: !document.getElementById("controls").hidden,
              layout: getComputedStyle(document.getElementById("sentences")).tableLayout,
            })"""
        )
        assert opened.errors == []  # a blocked inline script or style would be a CSP error here
        assert opened.requests == [hostile_report.resolve().as_uri()]
        # the policy is enforced, not just written: a script added to the page does not run,
        # an image it adds is not fetched
        policy = page.evaluate(
            """async () => {
              const s = document.createElement("script");
              s.textContent = "window.injected = 1";
              document.body.append(s);
              const img = document.createElement("img");
              const settled = new Promise((done) => { img.onerror = img.onload = done; });
              img.src = "https://example.invalid/beacon.png";
              document.body.append(img);
              await settled;  // refused by the policy: an error, and no request
              return [document.querySelector("meta[http-equiv=Content-Security-Policy]").content,
                      window.injected];
            }"""
        )
        assert policy[0].startswith("default-src 'none'; style-src 'sha256-") and policy[1] is None
        assert opened.requests == [hostile_report.resolve().as_uri()]
    assert found["pwned"] is None and found["images"] == 0
    assert found["scripts"] == 1 and found["styles"] == 1
    assert HOSTILE_TEXT in found["first"]
    assert found["names"][1] == found["rowName"] == found["chartName"] == HOSTILE_NAME
    assert found["controls"] and found["layout"] == "fixed"  # the page's own script and style ran


def test_a_risk_column_and_sort_appear_only_where_entries_carry_a_risk(
    browser: Harness, cli_report: Path, tmp_path: Path
) -> None:
    gold = read_gold()
    risks = [round((i * 37 % 100) / 100, 2) for i in range(len(gold))]
    risks[3] = None  # an entry with no risk note: last in the risk order
    po = polib.POFile()
    for row, risk, line in zip(gold, risks, reference_lines(), strict=True):
        comment = RiskNote(risk, ("a reason",)).format() if risk is not None else None
        po.append(polib.POEntry(msgid=row["arabic"], msgstr=degrade(line), comment=comment, flags=["fuzzy"]))
    path = tmp_path / "risky.po"
    po.save(str(path))
    risky = read_segments(path)
    assert risky.risks == risks
    ref = read_reference(REFERENCE)
    comparison = compare([System("base", ref, "ref"), System("mt", risky, str(path))], ref)
    write_report(comparison, tmp_path / "out")
    with browser.open(tmp_path / "out" / "report.html", WIDTH) as opened:
        page = opened.page
        header = page.locator("#sentences thead th").all_text_contents()
        assert header[-1] == "risk"
        page.select_option("#sort", "risk")
        order = visible_segments(page)
        shown = page.locator('#seg-1 tr.hyp[data-sys="1"] td').last.text_content()
        assert opened.errors == []
    expected = sorted(
        range(1, len(gold) + 1), key=lambda i: (-(risks[i - 1] if risks[i - 1] is not None else -1), i)
    )
    assert order == expected and order[-1] == 4
    assert shown == f"{risks[0]:.2f}"
    # the CLI's report: the models' catalogs carry the review risk tarjama wrote (docs/risk.md),
    # so the column and the sort are there; a text file of hypotheses carries none
    with browser.open(cli_report / "report.html", WIDTH) as opened:
        header = opened.page.locator("#sentences thead th").all_text_contents()
        sorts = opened.page.locator("#sort option").evaluate_all("(os) => os.map((o) => o.value)")
    assert "risk" in header and "risk" in sorts
    without = [
        System("base", ref, "ref"),
        System("txt", read_segments(hypothesis_files_degraded(tmp_path)), "t"),
    ]
    write_report(compare(without, ref), tmp_path / "plain")
    with browser.open(tmp_path / "plain" / "report.html", WIDTH) as opened:
        header = opened.page.locator("#sentences thead th").all_text_contents()
    assert "risk" not in header


def hypothesis_files_degraded(tmp_path: Path) -> Path:
    """A hypothesis text file (one sentence a line): no notes, so no risk."""
    path = tmp_path / "degraded.txt"
    path.write_text("".join(degrade(line) + "\n" for line in reference_lines()), encoding="utf-8")
    return path


def test_the_page_prints_without_its_controls(browser: Harness, cli_report: Path) -> None:
    with browser.open(cli_report / "report.html", WIDTH) as opened:
        opened.page.emulate_media(media="print")
        shown = opened.page.evaluate(
            """() => [getComputedStyle(document.getElementById("controls")).display,
                      document.querySelector("svg.chart").checkVisibility(),
                      document.querySelectorAll("#sentences tbody.seg").length]"""
        )
        pdf = opened.page.pdf(format="A4")
    assert shown[0] == "none" and shown[1] and shown[2] == len(read_gold())
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_many_systems_and_long_unbroken_names_still_fit(
    browser: Harness,
    hypothesis_files: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """Systems are rows of the sentence view, so their number does not widen it; a name with no
    place to break wraps anywhere."""
    names = [f"system-{i}-" + "x" * (40 * i) for i in range(6)]
    files = [hypothesis_files[k] for k in ("copy", "degraded", "near", "degraded", "near", "copy")]
    systems = [
        System(n, read_segments(f), str(f) + "/" + "y" * 300) for n, f in zip(names, files, strict=True)
    ]
    write_report(
        compare(systems, read_reference(REFERENCE), [r["arabic"] for r in read_gold()], load_default()),
        tmp_path,
    )
    with browser.open(tmp_path / "report.html", WIDTH) as opened:
        fit = opened.page.evaluate(OVERFLOW_JS, WIDTH)
        marks = opened.page.locator("svg.chart g.system").count()
        assert opened.errors == []
    assert fit["scroll"] <= WIDTH and fit["wide"] == [] and marks == 6


def test_the_term_view_lists_every_term_and_which_systems_got_it(browser: Harness, cli_report: Path) -> None:
    report = json.loads((cli_report / "report.json").read_text(encoding="utf-8"))
    with browser.open(cli_report / "report.html", WIDTH) as opened:
        terms = opened.page.evaluate(
            """() => Array.from(document.querySelectorAll("#terms tbody tr")).map((r) => ({
                 term: r.dataset.term,
                 got: Object.fromEntries(Array.from(r.querySelectorAll("td[data-system]")).map(
                   (c) => [c.dataset.system, c.querySelector("span").textContent])),
                 links: Array.from(r.cells[2].querySelectorAll("a")).map((a) => a.getAttribute("href")),
               }))"""
        )
        # a link goes to its segment
        opened.page.click(f"#terms a[href='{terms[0]['links'][0]}']")
        at = opened.page.evaluate("() => location.hash")
    for system in report["systems"]:
        got = [tuple(map(int, t["got"][system["system"]].split("/"))) for t in terms]
        assert (
            sum(g for g, _ in got) == system["terms_correct"]
            and sum(n for _, n in got) == system["terms_total"]
        )
    assert {"Hanoi Convention", "Vietnam"} <= {t["term"] for t in terms}
    assert at == terms[0]["links"][0]
