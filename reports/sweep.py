"""Sweep outputs: the rows and the per-cell summary as CSV and JSON, and a plot of one figure
(a line per the first varied field, or a heatmap over the first two)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from reports.files import csv_text, write_atomic
from reports.plots import OKABE_ITO

LABELS = {
    "ttr_p50_s": "p50 time to running (s)",
    "ttr_p95_s": "p95 time to running (s)",
    "ttr_p99_s": "p99 time to running (s)",
    "wait_mean_s": "mean replica wait (s)",
    "failure_rate": "failure rate",
    "replica_utilisation": "replica utilisation",
    "replication_done_s": "replication done (s)",
}


def write_tables(out: Path, rows: list[dict], summary: list[dict]) -> list[Path]:
    """rows.csv (sorted by cell and replication), summary.csv and summary.json."""
    ordered = sorted(rows, key=lambda r: (r["cell"], r["replication"]))
    columns = sorted(
        {k for r in ordered for k in r},
        key=lambda k: list(ordered[0]).index(k) if k in ordered[0] else len(ordered[0]),
    )
    full = [{c: r.get(c) for c in columns} for r in ordered]
    write_atomic(out / "rows.csv", csv_text(full), force=True)
    write_atomic(out / "summary.csv", csv_text(summary), force=True)
    write_atomic(out / "summary.json", json.dumps(summary, indent=2) + "\n", force=True)
    return [out / "rows.csv", out / "summary.csv", out / "summary.json"]


def sweep_plot(summary: list[dict], paths: list[str], figure: str) -> Figure:
    """A line (one varied field, error bars = 95% CI) or a heatmap (two varied fields)."""
    label = LABELS.get(figure, figure)
    if len(paths) >= 2:
        xs = sorted({c[paths[0]] for c in summary}, key=str)
        ys = sorted({c[paths[1]] for c in summary}, key=str)
        grid = [
            [
                next((c[figure] for c in summary if c[paths[0]] == x and c[paths[1]] == y), None)
                for x in xs
            ]
            for y in ys
        ]
        fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
        values = [[float("nan") if v is None else v for v in row] for row in grid]
        image = ax.imshow(values, cmap="viridis", aspect="auto", origin="lower")
        ax.set_xticks(range(len(xs)), [str(x) for x in xs], rotation=30, ha="right")
        ax.set_yticks(range(len(ys)), [str(y) for y in ys])
        ax.set(xlabel=paths[0], ylabel=paths[1], title=f"sweep: {label}")
        fig.colorbar(image, ax=ax, label=label)
        return fig
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    points = sorted(
        (
            (c[paths[0]], c[figure], c.get(f"{figure}_ci") or 0)
            for c in summary
            if c[figure] is not None
        ),
        key=lambda p: (str(type(p[0])), p[0]),
    )
    if points:
        xs, ys, ci = zip(*points, strict=True)
        positions = xs if all(isinstance(x, (int, float)) for x in xs) else range(len(xs))
        ax.errorbar(positions, ys, yerr=ci, color=OKABE_ITO[0], marker="o", capsize=3)
        if positions is not xs:
            ax.set_xticks(list(positions), [str(x) for x in xs])
    ax.set(xlabel=paths[0], ylabel=label, title=f"sweep: {label} (mean, 95% CI)")
    ax.grid(alpha=0.3)
    return fig
