"""Write a comparison for QA: report.md, report.json, scores.csv, scores.png and report.html.

All files are rendered in memory first and written atomically, so a failure never leaves
a half-written report next to an old one.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import json
from pathlib import Path

from tarjama.evaluation.compare import Comparison
from tarjama.files import atomic_write_bytes

FILES = ("report.md", "report.json", "scores.csv", "scores.png", "report.html")


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def verdict(comparison: Comparison, name: str) -> str:
    """'baseline', 'no', or 'yes: worse (BLEU, chrF2++)' when both tests agree at alpha."""
    if name == comparison.baseline:
        return "baseline"
    by_direction: dict[str, list[str]] = {}
    for metric in comparison.tests.metrics:
        t = comparison.tests.systems[name][metric]
        if t.significant(comparison.alpha):
            base = comparison.tests.systems[comparison.baseline][metric].score
            by_direction.setdefault("better" if t.score > base else "worse", []).append(metric)
    if not by_direction:
        return "no"
    return "; ".join(f"yes: {d} ({', '.join(ms)})" for d, ms in by_direction.items())


def rows(comparison: Comparison) -> list[dict]:
    """One flat row per system (the CSV and the JSON summary)."""
    out = []
    bleu_name, chrf_name = comparison.tests.metrics
    for system in comparison.systems:
        s = comparison.scores[system.name]
        t = comparison.tests.systems[system.name]
        out.append(
            {
                "system": system.name,
                "source": system.origin,
                "segments": s.segments,
                "bleu": round(s.bleu, 2),
                "bleu_ci": round(t[bleu_name].ci, 2),
                "chrf": round(s.chrf, 2),
                "chrf_ci": round(t[chrf_name].ci, 2),
                "ter": round(s.ter, 2),
                "term_accuracy": round(s.terms.accuracy, 4) if s.terms else None,
                "terms_correct": s.terms.correct if s.terms else None,
                "terms_total": s.terms.total if s.terms else None,
                "sentences_per_second": round(system.sentences_per_second, 2)
                if system.sentences_per_second
                else None,
                "p_bleu_bootstrap": t[bleu_name].p_bootstrap,
                "p_bleu_ar": t[bleu_name].p_ar,
                "p_chrf_bootstrap": t[chrf_name].p_bootstrap,
                "p_chrf_ar": t[chrf_name].p_ar,
                "significant": verdict(comparison, system.name),
            }
        )
    return out


def markdown(comparison: Comparison) -> str:
    lines = [
        "# tarjama compare",
        "",
        f"Reference: `{comparison.reference}` ({comparison.segments} segments). "
        f"Baseline: **{comparison.baseline}**. 95% confidence intervals from paired bootstrap "
        f"resampling; p-values against the baseline from paired bootstrap (bs) and paired "
        f"approximate randomization (ar); *significant* means both tests give p < {comparison.alpha}.",
        "",
        "| system | BLEU | chrF++ | TER | term accuracy | sentences/s | p BLEU (bs / ar) | p chrF++ (bs / ar) | significant |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows(comparison):
        terms = (
            f"{r['term_accuracy']:.1%} ({r['terms_correct']}/{r['terms_total']})"
            if r["term_accuracy"] is not None
            else "—"
        )
        speed = f"{r['sentences_per_second']:.1f}" if r["sentences_per_second"] else "—"
        lines.append(
            f"| {r['system']} | {r['bleu']:.1f} ± {r['bleu_ci']:.1f} | {r['chrf']:.1f} ± {r['chrf_ci']:.1f} "
            f"| {r['ter']:.1f} | {terms} | {speed} | {_p(r['p_bleu_bootstrap'])} / {_p(r['p_bleu_ar'])} "
            f"| {_p(r['p_chrf_bootstrap'])} / {_p(r['p_chrf_ar'])} | {r['significant']} |"
        )
    lines += ["", "Systems:", ""]
    for system in comparison.systems:
        extra = f", {system.seconds:.2f} s translating" if system.seconds is not None else ""
        lines.append(f"- **{system.name}**: `{system.origin}`{extra}")
    lines += ["", "## Signatures", ""]
    first = comparison.scores[comparison.baseline].signatures
    lines += [f"- {name}: `{sig}`" for name, sig in first.items()]
    lines += [f"- {name}: `{sig}`" for name, sig in comparison.tests.signatures.items()]
    if comparison.disagreements:
        lines += ["", f"## The {len(comparison.disagreements)} sentences where the systems disagree most", ""]
        lines.append("Ranked by the spread of sentence chrF++ between systems.")
        for d in comparison.disagreements:
            lines += ["", f"### Segment {d.index} (chrF++ spread {d.spread:.1f})", ""]
            lines.append("| | text | chrF++ |")
            lines.append("|---|---|---:|")
            if d.source:
                lines.append(f"| source | {_cell(d.source)} | |")
            lines.append(f"| reference | {_cell(d.reference)} | |")
            for name, (hyp, value) in d.outputs.items():
                lines.append(f"| {name} | {_cell(hyp)} | {value:.1f} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "*(empty)*"


def as_json(comparison: Comparison) -> dict:
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
                "outputs": {k: {"hypothesis": h, "chrf": v} for k, (h, v) in d.outputs.items()},
            }
            for d in comparison.disagreements
        ],
        "sentences": {
            name: [{"segment": s.index, "bleu": s.bleu, "chrf": s.chrf} for s in scores.sentences]
            for name, scores in comparison.scores.items()
        },
    }


def csv_text(comparison: Comparison) -> str:
    data = rows(comparison)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(data[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    return buffer.getvalue()


def chart_png(comparison: Comparison) -> bytes:
    """Grouped bars (BLEU, chrF++) per system with 95% CI whiskers; system names on the axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = rows(comparison)
    names = [r["system"] for r in data]
    width = 0.38
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(names) + 2), 4.5), dpi=110)
    try:
        xs = range(len(names))
        for offset, key, label, colour in (
            (-width / 2, "bleu", "BLEU", "#4C72B0"),
            (width / 2, "chrf", "chrF++", "#DD8452"),
        ):
            values = [r[key] for r in data]
            bars = ax.bar(
                [x + offset for x in xs],
                values,
                width,
                yerr=[r[f"{key}_ci"] for r in data],
                capsize=4,
                label=label,
                color=colour,
            )
            # each value above its whisker, so neither hides the other (even on a near-zero bar)
            for bar, value, ci in zip(bars, values, [r[f"{key}_ci"] for r in data], strict=True):
                x = bar.get_x() + bar.get_width() / 2
                ax.text(x, value + ci + 1.5, f"{value:.1f}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(xs), [f"{r['system']}\n({_short(r['significant'])})" for r in data])
        ax.set_ylabel("score, 95% CI (paired bootstrap)")
        ax.set_ylim(0, 125)  # room for a label over a 100 bar below the legend
        ax.set_yticks(range(0, 101, 20))
        ax.set_title(f"tarjama compare: {comparison.segments} segments vs {Path(comparison.reference).name}")
        ax.legend(loc="upper left", ncol=2, frameon=False)
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


def _short(verdict_text: str) -> str:
    """The verdict as an axis label: 'baseline', 'n.s.', 'sig. worse'..."""
    if verdict_text in ("baseline", "no"):
        return "baseline" if verdict_text == "baseline" else "not significant"
    return "sig. " + " / ".join(part.split()[1] for part in verdict_text.split("; "))


def html_report(comparison: Comparison) -> str:
    """The table, then every segment with each system's words coloured against the reference."""
    table = markdown(comparison).split("## Signatures")[0]
    parts = [
        "<!doctype html><meta charset='utf-8'><title>tarjama compare</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:auto}del{background:#fdd}"
        "ins{background:#dfd;text-decoration:none}td,th{border:1px solid #ccc;padding:.3em;vertical-align:top}"
        "table{border-collapse:collapse}</style>",
        f"<pre>{html.escape(table)}</pre>",
        "<p>Green: words the reference has; red strike-through: words the reference lacks.</p>",
        "<table><tr><th>#</th><th>source / reference</th>"
        + "".join(f"<th>{html.escape(s.name)}</th>" for s in comparison.systems)
        + "</tr>",
    ]
    first = comparison.scores[comparison.baseline]
    for i, sentence in enumerate(first.sentences):
        cells = []
        for system in comparison.systems:
            s = comparison.scores[system.name].sentences[i]
            cells.append(f"<td>{_diff(s.hypothesis, s.reference)}<br><small>chrF++ {s.chrf:.1f}</small></td>")
        source = f"<div dir='rtl'>{html.escape(sentence.source)}</div>" if sentence.source else ""
        parts.append(
            f"<tr><td>{i + 1}</td><td>{source}{html.escape(sentence.reference)}</td>{''.join(cells)}</tr>"
        )
    parts.append("</table>")
    return "\n".join(parts) + "\n"


def _diff(hypothesis: str, reference: str) -> str:
    hyp, ref = hypothesis.split(), reference.split()
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=hyp, b=ref, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(hyp[a1:a2])))
            continue
        if a2 > a1:
            out.append(f"<del>{html.escape(' '.join(hyp[a1:a2]))}</del>")
        if b2 > b1:
            out.append(f"<ins>{html.escape(' '.join(ref[b1:b2]))}</ins>")
    return " ".join(out)


def write_report(comparison: Comparison, out_dir: Path) -> list[Path]:
    """Render everything, then write it; returns the paths written."""
    rendered = {
        "report.md": markdown(comparison).encode(),
        "report.json": (json.dumps(as_json(comparison), ensure_ascii=False, indent=2) + "\n").encode(),
        "scores.csv": csv_text(comparison).encode(),
        "scores.png": chart_png(comparison),
        "report.html": html_report(comparison).encode(),
    }
    out_dir = Path(out_dir)
    paths = []
    for name, data in rendered.items():
        path = out_dir / name
        atomic_write_bytes(path, data)
        paths.append(path)
    return paths
