"""Write a comparison for QA: report.md, report.json, scores.csv, scores.png and report.html
(the page itself is :mod:`tarjama.evaluation.report_html`).

All files are rendered in memory first and written atomically, so a failure never leaves
a half-written report next to an old one. Columns come from the metric registry
(:mod:`tarjama.evaluation.metrics`), in its order; term accuracy and speed are columns of their
own (term accuracy needs sources and a glossary, so it is not a registered metric).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tarjama.evaluation import metrics as registry
from tarjama.evaluation.compare import Comparison

FILES = ("report.md", "report.json", "scores.csv", "scores.png", "report.html")
ROUND = 2  # decimals of the scores in report.json and scores.csv
# One colour per charted metric, in scores.png and report.html's chart alike: the Okabe-Ito
# palette, told apart with any common colour-vision deficiency (yellow last: faint on white).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def verdict(comparison: Comparison, name: str) -> str:
    """'baseline', 'no', or 'yes: worse (BLEU, chrF2++)' when both tests agree at alpha."""
    if name == comparison.baseline:
        return "baseline"
    by_direction: dict[str, list[str]] = {}
    for key in comparison.tests.metrics:
        t = comparison.tests.systems[name][key]
        if t.significant(comparison.alpha):
            base = comparison.tests.systems[comparison.baseline][key].score
            better = (t.score > base) == registry.get(key).higher_is_better
            label = comparison.tests.labels.get(key, key)
            by_direction.setdefault("better" if better else "worse", []).append(label)
    if not by_direction:
        return "no"
    return "; ".join(f"yes: {d} ({', '.join(ms)})" for d, ms in by_direction.items())


def scored_metrics(comparison: Comparison) -> list[registry.Metric]:
    """The registered metrics this comparison was scored with, in registry order."""
    scored = comparison.scores[comparison.baseline].values
    return [m for m in registry.all_metrics() if m.key in scored]


def tested_metrics(comparison: Comparison) -> list[registry.Metric]:
    return [m for m in scored_metrics(comparison) if m.key in comparison.tests.metrics]


def rows(comparison: Comparison) -> list[dict]:
    """One flat row per system (the CSV and the JSON summary): each metric, its CI if tested, then
    p-values; scores rounded to ROUND decimals."""
    out = []
    for raw in raw_rows(comparison):
        row = dict(raw)
        for m in scored_metrics(comparison):
            row[m.key] = round(raw[m.key], ROUND)
            if f"{m.key}_ci" in raw:
                row[f"{m.key}_ci"] = round(raw[f"{m.key}_ci"], ROUND)
        out.append(row)
    return out


def raw_rows(comparison: Comparison) -> list[dict]:
    """:func:`rows` before rounding: the tables format these once, as sacrebleu prints them
    (rounded to 2 and then to 1 decimal, a CI of 3.4462 read "3.5")."""
    out = []
    tested = tested_metrics(comparison)
    for system in comparison.systems:
        s = comparison.scores[system.name]
        t = comparison.tests.systems[system.name]
        row: dict = {"system": system.name, "source": system.origin, "segments": s.segments}
        for m in scored_metrics(comparison):
            row[m.key] = s.values[m.key]
            if m in tested:
                row[f"{m.key}_ci"] = t[m.key].ci
        row |= {
            "term_accuracy": round(s.terms.accuracy, 4) if s.terms else None,
            "terms_correct": s.terms.correct if s.terms else None,
            "terms_total": s.terms.total if s.terms else None,
            "sentences_per_second": round(system.sentences_per_second, 2)
            if system.sentences_per_second
            else None,
        }
        for m in tested:
            row[f"p_{m.key}_bootstrap"] = t[m.key].p_bootstrap
            row[f"p_{m.key}_ar"] = t[m.key].p_ar
        row["significant"] = verdict(comparison, system.name)
        out.append(row)
    return out


def summary(comparison: Comparison) -> tuple[list[tuple[str, bool]], list[list[str]]]:
    """The results table as text: (header, right-aligned?) and one row of cells per system.

    report.md, report.html and the terminal (``evaluation/terminal.py``) all show this table,
    so they cannot drift apart.
    """
    metrics, tested = scored_metrics(comparison), tested_metrics(comparison)
    header = [("system", False)]
    header += [(m.name, True) for m in metrics]
    header += [("term accuracy", True), ("sentences/s", True)]
    header += [(f"p {m.name} (bs / ar)", True) for m in tested]
    header += [("significant", False)]
    body = []
    for r in raw_rows(comparison):
        cells = [r["system"]]
        for m in metrics:
            ci = f" ± {m.format(r[f'{m.key}_ci'])}" if m in tested else ""
            cells.append(m.format(r[m.key]) + ci)
        cells.append(
            f"{r['term_accuracy']:.1%} ({r['terms_correct']}/{r['terms_total']})"
            if r["term_accuracy"] is not None
            else "—"
        )
        cells.append(f"{r['sentences_per_second']:.1f}" if r["sentences_per_second"] else "—")
        cells += [f"{_p(r[f'p_{m.key}_bootstrap'])} / {_p(r[f'p_{m.key}_ar'])}" for m in tested]
        cells.append(r["significant"])
        body.append(cells)
    return header, body


def markdown(comparison: Comparison) -> str:
    header, body = summary(comparison)
    ranked = registry.ranking()[0]
    lines = [
        "# tarjama compare",
        "",
        f"Reference: {_code(comparison.reference)} ({comparison.segments} segments). "
        f"Baseline: **{_md(comparison.baseline)}**. 95% confidence intervals from paired bootstrap "
        f"resampling; p-values against the baseline from paired bootstrap (bs) and paired "
        f"approximate randomization (ar); *significant* means both tests give p < {comparison.alpha}.",
        "",
        "| " + " | ".join(label for label, _ in header) + " |",
        "|" + "".join("---:|" if right else "---|" for _, right in header),
    ]
    lines += ["| " + " | ".join([_cell(cells[0]), *cells[1:]]) + " |" for cells in body]
    lines += ["", "Systems:", ""]
    for system in comparison.systems:
        extra = f", {system.seconds:.2f} s translating" if system.seconds is not None else ""
        lines.append(f"- **{_md(system.name)}**: {_code(system.origin)}{extra}")
    lines += ["", "## Signatures", ""]
    first = comparison.scores[comparison.baseline].signatures
    lines += [f"- {name}: `{sig}`" for name, sig in first.items()]
    lines += [f"- {name}: `{sig}`" for name, sig in comparison.tests.signatures.items()]
    if comparison.disagreements:
        lines += ["", f"## The {len(comparison.disagreements)} sentences where the systems disagree most", ""]
        lines.append(f"Ranked by the spread of sentence {ranked.name} between systems.")
        for d in comparison.disagreements:
            lines += ["", f"### Segment {d.index} ({ranked.name} spread {ranked.format(d.spread)})", ""]
            lines.append(f"| | text | {ranked.name} |")
            lines.append("|---|---|---:|")
            if d.source:
                lines.append(f"| source | {_cell(d.source)} | |")
            lines.append(f"| reference | {_cell(d.reference)} | |")
            for name, (hyp, value) in d.outputs.items():
                lines.append(f"| {_cell(name)} | {_cell(hyp)} | {ranked.format(value)} |")
    return "\n".join(lines) + "\n"


# Markdown's backslash escapes for what can format inline text (CommonMark lets any ASCII
# punctuation be escaped). A system name or a hypothesis is data: "**x**", "[a](b)", "<img>"
# or "|" in it must show as typed, not as emphasis, a link, HTML or a new table column.
_MD_SPECIAL = set("\\`*_[]<>|~&")


def _md(text: str) -> str:
    return "".join(f"\\{c}" if c in _MD_SPECIAL else c for c in " ".join(text.split()))


def _cell(text: str) -> str:
    return _md(text) or "*(empty)*"


def _code(text: str) -> str:
    """A code span that holds any text: fenced with more backticks than it has in a row."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def as_json(comparison: Comparison) -> dict:
    ranked = registry.ranking()[0].key
    return {
        "reference": comparison.reference,
        "segments": comparison.segments,
        "baseline": comparison.baseline,
        "alpha": comparison.alpha,
        "systems": rows(comparison),
        "signatures": comparison.scores[comparison.baseline].signatures | comparison.tests.signatures,
        "disagreements": [
            {
                "segment": d.index,
                "spread": d.spread,
                "source": d.source,
                "reference": d.reference,
                "outputs": {k: {"hypothesis": h, ranked: v} for k, (h, v) in d.outputs.items()},
            }
            for d in comparison.disagreements
        ],
        "sentences": {
            name: [{"segment": s.index, **s.values} for s in scores.sentences]
            for name, scores in comparison.scores.items()
        },
    }


# OWASP's CSV-injection rule: a cell a spreadsheet would read as a formula starts with a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def csv_text(comparison: Comparison) -> str:
    data = [{k: _csv_safe(v) for k, v in row.items()} for row in rows(comparison)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(data[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    return buffer.getvalue()


def chart_png(comparison: Comparison) -> bytes:
    """Grouped bars per system, one per tested metric, with 95% CI whiskers; system names on the axis.

    Only tested metrics are drawn: they are the ones with a confidence interval, and on the
    same higher-is-better 0-100 scale.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = rows(comparison)
    names = [r["system"] for r in data]
    tested = tested_metrics(comparison)
    width = 0.76 / max(1, len(tested))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(names) + 2), 4.5), dpi=110)
    try:
        xs = range(len(names))
        for j, m in enumerate(tested):
            offset = (j - (len(tested) - 1) / 2) * width
            values = [r[m.key] for r in data]
            cis = [r[f"{m.key}_ci"] for r in data]
            bars = ax.bar(
                [x + offset for x in xs],
                values,
                width,
                yerr=cis,
                capsize=4,
                label=m.name,
                color=COLOURS[j % len(COLOURS)],
            )
            # each value above its whisker, so neither hides the other (even on a near-zero bar)
            for bar, value, ci in zip(bars, values, cis, strict=True):
                x = bar.get_x() + bar.get_width() / 2
                ax.text(x, value + ci + 1.5, m.format(value), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(xs), [f"{r['system']}\n({short_verdict(r['significant'])})" for r in data])
        ax.set_ylabel("score, 95% CI (paired bootstrap)")
        ax.set_ylim(0, 125)  # room for a label over a 100 bar below the legend
        ax.set_yticks(range(0, 101, 20))
        ax.set_title(f"tarjama compare: {comparison.segments} segments vs {Path(comparison.reference).name}")
        ax.legend(loc="upper left", ncol=max(1, len(tested)), frameon=False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(
            out,
            format="png",
            metadata={"Title": "tarjama compare", "Description": "systems: " + ", ".join(names)},
        )
        return out.getvalue()
    finally:
        plt.close(fig)


def short_verdict(verdict_text: str) -> str:
    """The verdict as an axis label: 'baseline', 'n.s.', 'sig. worse'..."""
    if verdict_text in ("baseline", "no"):
        return "baseline" if verdict_text == "baseline" else "not significant"
    return "sig. " + " / ".join(part.split()[1] for part in verdict_text.split("; "))
