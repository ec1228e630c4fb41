"""What `tarjama score` and `tarjama compare` print on a terminal, built from the metric registry.

Rendering lives here, not in the command line, so the CLI stays a thin caller and a new metric
shows up on the terminal without a CLI edit. Tables are rich tables (the CLI prints them);
nothing here imports click.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from tarjama.evaluation import metrics as registry
from tarjama.evaluation.compare import Comparison
from tarjama.evaluation.report import summary
from tarjama.evaluation.scoring import FileScore


def score_table(results: Sequence[FileScore]) -> Table:
    """One row per scored file: level, segments, every registered metric, term accuracy."""
    metrics = registry.all_metrics()
    table = Table("hypothesis", "level", "segments", *(m.name for m in metrics), "term accuracy")
    for r in results:
        s = r.scores
        segments = f"{s.segments}" + (f" ({r.excluded} unreviewed left out)" if r.excluded else "")
        segments += f" ({r.merged} re-aligned groups)" if r.merged else ""
        terms = f"{s.terms.accuracy:.1%} ({s.terms.correct}/{s.terms.total})" if s.terms else "—"
        values = [m.format(s.values[m.key]) if m.key in s.values else "—" for m in metrics]
        table.add_row(r.hypothesis, r.level, segments, *values, terms)
    return table


def score_notes(results: Sequence[FileScore], worst: int) -> list[str]:
    """The lines printed under the score table: signatures, a term-accuracy hint, the worst sentences."""
    if not results:
        return []
    lines = [f"{name} signature: {signature}" for name, signature in results[0].scores.signatures.items()]
    needs = "needs the Arabic sources (a PO hypothesis or reference, or --source)"
    lines += [f"{registry.get(key).name}: {needs}" for key in results[0].scores.unscored]
    if results[0].scores.terms is None:
        lines.append(f"term accuracy: {needs}")
    ranking = registry.ranking()
    names = ", ".join(m.name for m in ranking)
    for r in results:
        if worst and r.level != "document":
            lines.append(f"\n{r.hypothesis}: the {min(worst, r.scores.segments)} worst sentences ({names})")
            for s in r.scores.worst(worst):
                values = " ".join(m.format(s.values[m.key], 5) for m in ranking)
                lines.append(f"  {s.index:>4}  {values}  {s.hypothesis}\n{'':>20}ref: {s.reference}")
    return lines


def comparison_table(comparison: Comparison) -> Table:
    """The results table of report.md for the terminal: metrics, term accuracy, speed, p-values, verdict."""
    header, body = summary(comparison)
    table = Table(title=f"{comparison.segments} segments, baseline {comparison.baseline}")
    for label, right in header:
        table.add_column(label, justify="right" if right else "left")
    for cells in body:
        table.add_row(*(Text(cell) for cell in cells))  # Text: a system name is not rich markup
    return table
