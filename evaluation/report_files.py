"""Every file `tarjama compare` writes, rendered first and then written (each atomically).

Apart from report.py because the page (report_html.py) is built on report.py's tables: this
module imports both, and neither imports the other's importer (no cycle)."""

from __future__ import annotations

import json
from pathlib import Path

from tarjama.evaluation.compare import Comparison
from tarjama.evaluation.report import FILES, as_json, chart_png, csv_text, markdown
from tarjama.evaluation.report_html import html_report
from tarjama.files import atomic_write_bytes


def write_report(comparison: Comparison, out_dir: Path) -> list[Path]:
    """Render everything, then write it (``FILES`` in ``out_dir``); returns the paths written."""
    rendered = {
        "report.md": markdown(comparison).encode(),
        "report.json": (json.dumps(as_json(comparison), ensure_ascii=False, indent=2) + "\n").encode(),
        "scores.csv": csv_text(comparison).encode(),
        "scores.png": chart_png(comparison),
        "report.html": html_report(comparison).encode(),
    }
    assert tuple(rendered) == FILES
    out_dir = Path(out_dir)
    paths = []
    for name, data in rendered.items():
        path = out_dir / name
        atomic_write_bytes(path, data)
        paths.append(path)
    return paths
