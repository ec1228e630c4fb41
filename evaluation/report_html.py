"""report.html: the comparison as one self-contained page a QA reader decides with.

The score table (the same cells as report.md and the terminal, from ``report.summary``), the
scores drawn inline as SVG, every sentence side by side with word diffs and sentence scores,
sortable and filterable, and every glossary term with the systems that got it.

Self-contained and closed: no file, font or script is loaded from anywhere; a Content
Security Policy allows only the page's own style and script, by their hashes. Everything
that came from outside (sentences, system names, file names, glossary terms) is written as
escaped text, never as markup or script: the script reads numbers from ``data-`` attributes
and only moves, hides and shows the rows that are already in the page. Without JavaScript the
page is complete, in segment order. Arabic cells carry ``lang="ar" dir="rtl"``, English ones
``lang="en" dir="ltr"`` (unless most of their letters are Arabic: a model that copied its
source); names a user typed get ``dir="auto"``.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

from tarjama.evaluation import metrics as registry
from tarjama.evaluation.compare import Comparison
from tarjama.evaluation.report import COLOURS, raw_rows, short_verdict, summary, tested_metrics
from tarjama.evaluation.term_accuracy import TermAccuracy, TermMiss
from tarjama.sources.text import is_mostly_arabic

# The sentence filter's default: sentence scores are noisy, so a drop is a drop of at least
# this many points (chrF++/BLEU scale) of the chosen metric; the reader can change it.
DROP_THRESHOLD = 10


def _e(text: object) -> str:
    """Text as HTML text or attribute value: nothing in it can open a tag, end an attribute
    or a script."""
    return html.escape(str(text), quote=True)


@cache
def _asset(name: str) -> str:
    text = resources.files("tarjama.evaluation").joinpath("assets", name).read_text(encoding="utf-8")
    end = "</style" if name.endswith(".css") else "</script"
    if end in text.lower():  # would end the element early
        raise ValueError(f"assets/{name} holds {end}")
    return text


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _policy(css: str, js: str) -> str:
    """Nothing but the page's own style and script, by hash: no network, no other script."""
    return (
        f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(js)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _verdict_class(text: str) -> str:
    if "worse" in text:
        return "worse"
    return "better" if "better" in text else ""


def _score_table(comparison: Comparison) -> str:
    header, body = summary(comparison)
    out = ["<table id='scores'><thead><tr>"]
    out += [f"<th scope='col' class='{'num' if right else ''}'>{_e(label)}</th>" for label, right in header]
    out.append("</tr></thead><tbody>")
    for cells in body:
        name, *rest = cells
        row = [f"<th scope='row' dir='auto'>{_e(name)}</th>"]
        for (_, right), cell in zip(header[1:-1], rest[:-1], strict=True):
            row.append(f"<td class='{'num' if right else ''}'>{_e(cell)}</td>")
        row.append(f"<td class='{_verdict_class(rest[-1])}'>{_e(rest[-1])}</td>")
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _chart(comparison: Comparison) -> str:
    """Grouped bars per system, one per tested metric, 95% CI whiskers, in a viewBox (it scales)."""
    tested = tested_metrics(comparison)
    data = raw_rows(comparison)
    if not tested:
        return "<p class='note'>No metric is tested for significance: nothing to chart.</p>"
    n, k = len(data), len(tested)
    # wide enough that the page shows it near its own scale (12 px text) rather than blown up
    width, height = max(760, 170 * n + 100), 360
    left, right, top, bottom = 70, 16, 40, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [(r[m.key], r[f"{m.key}_ci"]) for r in data for m in tested]
    step, lo, hi = _axis(min(0.0, *(v - ci for v, ci in values)), max(100.0, *(v + ci for v, ci in values)))

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    parts = [
        f"<svg class='chart' viewBox='0 0 {width} {height}' role='img' aria-labelledby='chart-title'>",
        f"<title id='chart-title'>{_e(_chart_title(comparison))}</title>",
    ]
    for i in range(round((hi - lo) / step) + 1):  # y grid and ticks
        v = lo + step * i
        parts.append(
            f"<line class='grid' x1='{left}' x2='{width - right}' y1='{y(v):.1f}' y2='{y(v):.1f}'/>"
            f"<text x='{left - 6}' y='{y(v) + 4:.1f}' text-anchor='end'>{v:g}</text>"
        )
    parts.append(
        f"<line class='axis' x1='{left}' x2='{width - right}' y1='{y(0):.1f}' y2='{y(0):.1f}'/>"
        f"<text transform='translate(16 {top + plot_h / 2:.0f}) rotate(-90)' text-anchor='middle'>"
        "score, 95% CI</text>"
    )
    for j, m in enumerate(tested):  # legend
        key_x = left + j * 130
        parts.append(
            f"<rect x='{key_x}' y='10' width='12' height='12' fill='{COLOURS[j % len(COLOURS)]}'/>"
            f"<text x='{key_x + 17}' y='20.5'>{_e(m.name)}</text>"
        )
    group = plot_w / n
    bar = 0.7 * group / k
    for i, r in enumerate(data):
        parts.append(f"<g class='system' data-system='{_e(r['system'])}'>")
        for j, m in enumerate(tested):
            v, ci = r[m.key], r[f"{m.key}_ci"]
            x = left + i * group + 0.15 * group + j * bar
            cx = x + bar / 2
            top_y, base_y = min(y(v), y(0)), max(y(v), y(0))
            label = f"{r['system']}: {m.name} {m.format(v)} ± {m.format(ci)}"
            parts.append(
                f"<rect class='bar' data-metric='{_e(m.key)}' x='{x:.1f}' y='{top_y:.1f}' "
                f"width='{bar * 0.92:.1f}' height='{max(base_y - top_y, 0.5):.1f}' "
                f"fill='{COLOURS[j % len(COLOURS)]}'><title>{_e(label)}</title></rect>"
                f"<line class='whisker' x1='{cx:.1f}' x2='{cx:.1f}' y1='{y(v - ci):.1f}' y2='{y(v + ci):.1f}'/>"
                f"<line class='whisker' x1='{cx - bar / 4:.1f}' x2='{cx + bar / 4:.1f}' "
                f"y1='{y(v + ci):.1f}' y2='{y(v + ci):.1f}'/>"
                f"<line class='whisker' x1='{cx - bar / 4:.1f}' x2='{cx + bar / 4:.1f}' "
                f"y1='{y(v - ci):.1f}' y2='{y(v - ci):.1f}'/>"
                f"<text x='{cx:.1f}' y='{y(v + ci) - 4:.1f}' text-anchor='middle'>{_e(m.format(v))}</text>"
            )
        name = r["system"] if len(r["system"]) <= 24 else r["system"][:23] + "…"
        mid = left + (i + 0.5) * group
        parts.append(
            f"<text x='{mid:.1f}' y='{height - bottom + 20}' text-anchor='middle'>{_e(name)}</text>"
            f"<text x='{mid:.1f}' y='{height - bottom + 38}' text-anchor='middle'>"
            f"({_e(short_verdict(r['significant']))})</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _axis(lo: float, hi: float) -> tuple[float, float, float]:
    """(step, low, high): about five ticks on a 1-2-2.5-5 step, the range widened to whole steps."""
    raw = (hi - lo) / 5 or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step, math.floor(lo / step) * step, math.ceil(hi / step) * step


def _chart_title(comparison: Comparison) -> str:
    return f"{comparison.segments} segments vs {Path(comparison.reference).name}"


def _text(text: str, content: str) -> str:
    """A text cell of a reference or system output: English, left to right, unless most of its
    letters are Arabic (a model that copied its source): then Arabic, right to left."""
    lang = "lang='ar' dir='rtl'" if is_mostly_arabic(text) else "lang='en' dir='ltr'"
    return f"<td class='text' {lang}>{content}</td>"


def _diff(hypothesis: str, reference: str) -> str:
    """The hypothesis's words, those the reference lacks struck through (<del>), the
    reference's words it lacks inserted (<ins>)."""
    hyp, ref = hypothesis.split(), reference.split()
    if not hyp:
        return "<span class='empty'>(empty)</span>"
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=hyp, b=ref, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(_e(" ".join(hyp[a1:a2])))
            continue
        if a2 > a1:
            out.append(f"<del>{_e(' '.join(hyp[a1:a2]))}</del>")
        if b2 > b1:
            # the reference's words: English, kept in their order inside an Arabic (copied) output
            out.append(f"<ins lang='en' dir='ltr'>{_e(' '.join(ref[b1:b2]))}</ins>")
    return " ".join(out)


def _per_segment(values: Sequence[Sequence[object | None]], count: int) -> list[object | None]:
    """The first of several per-segment lists that knows anything (kinds: from any PO system)."""
    for candidate in values:
        if len(candidate) == count and any(v is not None for v in candidate):
            return list(candidate)
    return [None] * count


def _risks(comparison: Comparison) -> dict[str, list[float | None]]:
    """Each system's per-entry risk, where its entries carry one (see hypotheses._risk)."""
    return {
        s.name: list(s.hypotheses.risks)
        for s in comparison.systems
        if len(s.hypotheses.risks) == comparison.segments and any(r is not None for r in s.hypotheses.risks)
    }


def _sentence_metrics(comparison: Comparison) -> list[registry.Metric]:
    first = comparison.scores[comparison.baseline].sentences
    return [m for m in registry.all_metrics() if first and m.key in first[0].values]


def _controls(comparison: Comparison, metrics: list[registry.Metric], kinds: list[str], risk: bool) -> str:
    names = [s.name for s in comparison.systems]

    def options(chosen: int) -> str:
        return "".join(
            f"<option value='{i}'{' selected' if i == chosen else ''}>{_e(name)}</option>"
            for i, name in enumerate(names)
        )

    ranked = registry.ranking()[0].key
    metric_options = "".join(
        f"<option value='{i}' data-higher='{int(m.higher_is_better)}'"
        f"{' selected' if m.key == ranked else ''}>{_e(m.name)}</option>"
        for i, m in enumerate(metrics)
    )
    sorts = [
        ("segment", "segment order"),
        ("worse", "B worse than A first"),
        ("better", "B better than A first"),
    ]
    if risk:
        sorts.append(("risk", "B's risk, highest first"))
    sort_options = "".join(f"<option value='{v}'>{_e(t)}</option>" for v, t in sorts)
    kind = ""
    if kinds:
        kind = (
            "<label>kind <select id='kind'><option value=''>all</option>"
            + "".join(f"<option value='{_e(k)}'>{_e(k)}</option>" for k in kinds)
            + "</select></label>"
        )
    return (
        "<div id='controls' class='controls' hidden>"
        f"<label>A <select id='sys-a'>{options(0)}</select></label>"
        f"<label>B <select id='sys-b'>{options(len(names) - 1)}</select></label>"
        f"<label>score <select id='metric'>{metric_options}</select></label>"
        f"<label>sort <select id='sort'>{sort_options}</select></label>"
        "<label><input type='checkbox' id='only-misses'> B misses a term</label>"
        "<label><input type='checkbox' id='only-drops'> B at least "
        f"<input type='number' id='threshold' min='0' step='1' value='{DROP_THRESHOLD}'> points below A</label>"
        f"{kind}<output id='shown'></output></div>"
    )


def _sentences(comparison: Comparison) -> str:
    metrics = _sentence_metrics(comparison)
    n = comparison.segments
    kinds = _per_segment([s.hypotheses.kinds for s in comparison.systems], n)
    risks = _risks(comparison)
    misses = {name: _misses_by_sentence(s.terms, n) for name, s in comparison.scores.items()}
    kind_names = list(dict.fromkeys(k for k in kinds if isinstance(k, str)))
    out = [
        _controls(comparison, metrics, kind_names, bool(risks)),
        "<table id='sentences'><colgroup><col class='seg'><col class='who'><col class='text'>"
        "<col class='scores'>" + ("<col class='risk'>" if risks else "") + "</colgroup>"
        "<thead><tr><th scope='col'>#</th><th scope='col'>from</th><th scope='col'>text</th>"
        "<th scope='col'>sentence scores</th>"
        + ("<th scope='col'>risk</th>" if risks else "")
        + "</tr></thead>",
    ]
    blank = "<td></td>" if risks else ""
    baseline = comparison.scores[comparison.baseline].sentences
    for i in range(n):
        first = baseline[i]
        kind, number = kinds[i], first.index
        rows = 1 + len(comparison.systems) + (1 if first.source else 0)
        head = (
            f"<th scope='rowgroup' rowspan='{rows}'><a href='#seg-{number}'>{number}</a>"
            + (f"<span class='kind'>{_e(kind)}</span>" if kind else "")
            + "</th>"
        )
        out.append(
            f"<tbody class='seg' id='seg-{number}' data-segment='{number}' data-kind='{_e(kind or '')}'>"
        )
        if first.source:
            out.append(
                f"<tr class='src'>{head}<td class='who'>source</td>"
                f"<td class='text' lang='ar' dir='rtl'>{_e(first.source)}</td><td></td>{blank}</tr>"
            )
            head = ""
        out.append(
            f"<tr class='ref'>{head}<td class='who'>reference</td>"
            f"{_text(first.reference, _e(first.reference))}<td></td>{blank}</tr>"
        )
        for j, system in enumerate(comparison.systems):
            s = comparison.scores[system.name].sentences[i]
            attrs = "".join(f" data-s{k}='{s.values[m.key]!r}'" for k, m in enumerate(metrics))
            lost = misses[system.name][i]
            attrs += f" data-misses='{sum(m.expected - m.found for m in lost)}'"
            risk = risks.get(system.name, [None] * n)[i]
            if risk is not None:
                attrs += f" data-risk='{risk!r}'"
            scores = []
            for m in metrics:
                text = f"{m.name} {m.format(s.values[m.key])}"
                if j:
                    delta = s.values[m.key] - baseline[i].values[m.key]
                    text += f" ({'+' if delta >= 0 else '−'}{m.format(abs(delta))})"
                scores.append(_e(text))
            terms = f"<span class='miss'>missing {_e(_missing(lost))}</span>" if lost else ""
            risk_cell = f"<td class='num'>{risk:.2f}</td>" if risk is not None else blank
            out.append(
                f"<tr class='hyp' data-sys='{j}'{attrs}><td class='who' dir='auto'>{_e(system.name)}</td>"
                f"{_text(s.hypothesis, _diff(s.hypothesis, s.reference) + terms)}"
                f"<td class='num'>{'<br>'.join(scores)}</td>{risk_cell}</tr>"
            )
        out.append("</tbody>")
    out.append("</table>")
    return "".join(out)


def _misses_by_sentence(terms: TermAccuracy | None, n: int) -> list[list[TermMiss]]:
    by_sentence: list[list[TermMiss]] = [[] for _ in range(n)]
    for miss in terms.misses if terms is not None else []:
        by_sentence[miss.sentence].append(miss)
    return by_sentence


def _missing(misses: Sequence[TermMiss]) -> str:
    """'Hanoi', 'Hanoi Convention' x2: the terms a system's sentence lacks, as the notes write them."""
    gaps = [(m.target, m.expected - m.found) for m in misses]
    return ", ".join(repr(t) + (f" x{gap}" if gap > 1 else "") for t, gap in gaps)


def _terms(comparison: Comparison) -> str:
    """One row per required target term: its Arabic forms, where it occurs, and per system how
    many of its occurrences that system got (and where it missed them); most-missed first."""
    scored = {name: s.terms for name, s in comparison.scores.items() if s.terms is not None}
    if not scored:
        return (
            "<p class='note'>No term accuracy: it needs the Arabic sources (articles, a PO "
            "reference or hypothesis) and a glossary.</p>"
        )
    first = next(iter(scored.values()))
    where: dict[str, list[int]] = {}
    for occ in first.occurrences:
        where.setdefault(occ.target, []).extend([occ.sentence] * occ.expected)
    got: dict[str, dict[str, int]] = {name: {} for name in scored}
    missed: dict[str, dict[str, list[int]]] = {name: {} for name in scored}
    for name, terms in scored.items():
        for occ in terms.occurrences:
            got[name][occ.target] = got[name].get(occ.target, 0) + min(occ.found, occ.expected)
            if occ.found < occ.expected:
                missed[name].setdefault(occ.target, []).append(occ.sentence)
    if not where:
        return "<p class='note'>No glossary term occurs in the sources.</p>"

    def misses(target: str) -> int:
        return sum(len(where[target]) - got[name].get(target, 0) for name in scored)

    names = list(scored)
    out = [
        "<table id='terms'><colgroup><col class='term'><col class='ar'><col class='count'>"
        + "<col>" * len(names)
        + "</colgroup><thead><tr><th scope='col'>term</th><th scope='col'>Arabic</th>"
        "<th scope='col'>occurrences</th>"
        + "".join(f"<th scope='col' dir='auto'>{_e(name)}</th>" for name in names)
        + "</tr></thead><tbody>"
    ]
    for target in sorted(where, key=lambda t: (-misses(t), t)):
        total = len(where[target])
        segments = sorted(set(where[target]))
        links = ", ".join(f"<a href='#seg-{s + 1}'>{s + 1}</a>" for s in segments)
        cells = []
        for name in names:
            n_got = got[name].get(target, 0)
            lost = missed[name].get(target, [])
            cls = "" if n_got == total else " class='worse'"
            detail = (
                " <span class='note'>missed in "
                + ", ".join(f"<a href='#seg-{s + 1}'>{s + 1}</a>" for s in lost)
                + "</span>"
                if lost
                else ""
            )
            cells.append(f"<td data-system='{_e(name)}'><span{cls}>{n_got}/{total}</span>{detail}</td>")
        arabic = "، ".join(first.surfaces.get(target, []))
        out.append(
            f"<tr data-term='{_e(target)}'><th scope='row' lang='en' dir='ltr'>{_e(target)}</th>"
            f"<td lang='ar' dir='rtl'>{_e(arabic)}</td><td>{total} in {links}</td>{''.join(cells)}</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def html_report(comparison: Comparison) -> str:
    css, js = _asset("report.css"), _asset("report.js")
    systems = "".join(
        f"<li><b dir='auto'>{_e(s.name)}</b>: <code dir='auto'>{_e(s.origin)}</code>"
        + (f", {s.seconds:.2f} s translating" if s.seconds is not None else "")
        + "</li>"
        for s in comparison.systems
    )
    signatures = comparison.scores[comparison.baseline].signatures | comparison.tests.signatures
    sigs = "".join(f"<li>{_e(name)}: <code>{_e(sig)}</code></li>" for name, sig in signatures.items())
    return (
        "<!doctype html>\n<html lang='en' dir='ltr'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{_e(_policy(css, js))}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>tarjama compare: {_e(_chart_title(comparison))}</title>"
        f"<style>{css}</style></head><body>"
        f"<h1>tarjama compare</h1><p>Reference <code dir='auto'>{_e(comparison.reference)}</code>, "
        f"{comparison.segments} segments; baseline <b dir='auto'>{_e(comparison.baseline)}</b>.</p>"
        "<nav><a href='#results'>scores</a><a href='#chart'>chart</a>"
        "<a href='#sentence-view'>sentences</a><a href='#term-view'>terms</a></nav>"
        "<h2 id='results'>Scores</h2>"
        f"<p class='note'>± is the 95% confidence interval from paired bootstrap resampling; "
        f"p-values against the baseline from paired bootstrap (bs) and paired approximate "
        f"randomization (ar); <i>significant</i> means both tests give p &lt; {_e(comparison.alpha)}. "
        "Sentences/s: translation speed, model loading excluded (— for hypothesis files).</p>"
        f"{_score_table(comparison)}<ul>{systems}</ul>"
        f"<h2 id='chart'>Chart</h2><figure>{_chart(comparison)}</figure>"
        "<h2 id='sentence-view'>Sentences</h2>"
        "<p class='note'>Each system's words against the reference: <del>struck through</del> "
        "where the reference lacks them, <ins>underlined</ins> the reference's words it lacks. "
        "Sentence scores, in brackets the difference from the baseline. Sort and filter by "
        "the difference between two systems A and B; sentence scores are noisy, so a drop "
        "counts from a threshold you set.</p>"
        f"{_sentences(comparison)}"
        f"<h2 id='term-view'>Glossary terms</h2>{_terms(comparison)}"
        f"<h2 id='signatures'>Signatures</h2><ul>{sigs}</ul>"
        f"<script>{js}</script></body></html>\n"
    )
