// tarjama compare's report.html: sort and filter the per-sentence comparison in place.
// Everything it reads is in the page's own DOM (numbers in data- attributes, written by
// tarjama); it fetches nothing and writes no HTML, only moves, hides and shows rows.
"use strict";
(() => {
  const byId = (id) => document.getElementById(id);
  const table = byId("sentences");
  const controls = byId("controls");
  if (table === null || controls === null) return;
  const segments = Array.from(table.tBodies).filter((b) => b.classList.contains("seg"));
  const field = {
    a: byId("sys-a"), b: byId("sys-b"), metric: byId("metric"), sort: byId("sort"),
    misses: byId("only-misses"), drops: byId("only-drops"), threshold: byId("threshold"), kind: byId("kind"),
  };
  const shown = byId("shown");

  const number = (value) => (value === undefined || value === "" ? NaN : Number(value));
  const systemRow = (segment, system) => segment.querySelector(`tr.hyp[data-sys="${Number(system)}"]`);

  const update = () => {
    const metric = Number(field.metric.value);
    const chosen = field.metric.selectedOptions[0];
    const higher = chosen === undefined || chosen.dataset.higher === "1";
    const threshold = Math.max(0, number(field.threshold.value) || 0);
    const kind = field.kind === null ? "" : field.kind.value;
    const rows = segments.map((segment) => {
      const a = systemRow(segment, field.a.value);
      const b = systemRow(segment, field.b.value);
      const scoreA = number(a.dataset[`s${metric}`]);
      const scoreB = number(b.dataset[`s${metric}`]);
      // gain: how much better B does than A on this sentence (positive: B is better)
      const gain = (scoreB - scoreA) * (higher ? 1 : -1);
      return {
        segment,
        index: Number(segment.dataset.segment),
        gain: Number.isNaN(gain) ? 0 : gain,
        risk: number(b.dataset.risk),
        misses: Number(b.dataset.misses || 0),
      };
    });
    const order = {
      segment: (x, y) => x.index - y.index,
      worse: (x, y) => x.gain - y.gain || x.index - y.index,
      better: (x, y) => y.gain - x.gain || x.index - y.index,
      // entries without a risk go last, in segment order
      risk: (x, y) =>
        (Number.isNaN(y.risk) ? -1 : y.risk) - (Number.isNaN(x.risk) ? -1 : x.risk) || x.index - y.index,
    }[field.sort.value] || ((x, y) => x.index - y.index);
    rows.sort(order);
    let count = 0;
    for (const row of rows) {
      const keep =
        (!field.misses.checked || row.misses > 0) &&
        (!field.drops.checked || (row.gain < 0 && row.gain <= -threshold)) &&
        (kind === "" || row.segment.dataset.kind === kind);
      row.segment.hidden = !keep;
      if (keep) count += 1;
      table.appendChild(row.segment);
    }
    shown.textContent = `${count} of ${segments.length} sentences shown`;
  };

  for (const element of Object.values(field)) {
    if (element !== null) element.addEventListener("change", update);
  }
  field.threshold.addEventListener("input", update);
  controls.hidden = false;
  update();
})();
