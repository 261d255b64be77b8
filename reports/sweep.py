"""Sweep outputs: the rows and the per-cell summary as CSV and JSON, and a plot of one figure
(a line per the first varied field, or a heatmap over the first two)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from acgsim.reports.files import csv_text, write_atomic
from acgsim.reports.plots import OKABE_ITO, plain_text
from acgsim.sim.sweep import FIGURES

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
    """rows.csv (sorted by cell and run, columns in a fixed order), summary.csv/json."""
    ordered = sorted(rows, key=lambda r: (r["cell"], r["run"]))
    first = ["cell", "run"]
    params = [k for k in ordered[0] if k not in (*first, "seed", "error", *FIGURES)]
    columns = [*first, *params, "seed", "error", *FIGURES]
    full = [{c: r.get(c) for c in columns} for r in ordered]
    write_atomic(out / "rows.csv", csv_text(full), force=True)
    write_atomic(out / "summary.csv", csv_text(summary), force=True)
    write_atomic(out / "summary.json", json.dumps(summary, indent=2) + "\n", force=True)
    return [out / "rows.csv", out / "summary.csv", out / "summary.json"]


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


@plain_text
def sweep_plot(summary: list[dict], axes: list, figure: str) -> Figure:
    """A line over the first varied field (95% CI bars), or a heatmap over the first two (the
    mean over any further ones), with each axis in the order the values were given."""
    label = LABELS.get(figure, figure)
    paths = [a.path for a in axes]
    if len(axes) >= 2:
        xs, ys = list(axes[0].values), list(axes[1].values)
        grid = [
            [
                _mean([c[figure] for c in summary if c[paths[0]] == x and c[paths[1]] == y])
                for x in xs
            ]
            for y in ys
        ]
        fig, ax = plt.subplots(figsize=(7.5, 5), layout="constrained")
        minutes = figure.endswith("_s")  # durations read in minutes, as on the other plots
        values = [
            [float("nan") if v is None else v / 60 if minutes else v for v in row] for row in grid
        ]
        image = ax.imshow(values, cmap="viridis", aspect="auto", origin="lower")
        for j, row in enumerate(values):
            for i, v in enumerate(row):
                if v == v:  # each cell's value written in it (nan: nothing ran)
                    ax.text(
                        i,
                        j,
                        f"{v:.1f}" if minutes else f"{v:.3g}",
                        ha="center",
                        va="center",
                        color="white",
                        fontsize="small",
                    )
        label = label.replace("(s)", "(minutes)")
        ax.set_xticks(range(len(xs)), [str(x) for x in xs], rotation=30, ha="right")
        ax.set_yticks(range(len(ys)), [str(y) for y in ys])
        rest = f" (mean over {', '.join(paths[2:])})" if len(axes) > 2 else ""
        ax.set(xlabel=paths[0], ylabel=paths[1], title=f"sweep: {label}{rest}")
        fig.colorbar(image, ax=ax, label=label)
        return fig
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    order = list(axes[0].values)
    points = [
        (x, c[figure], c.get(f"{figure}_ci") or 0)
        for x in order
        for c in summary
        if c[paths[0]] == x and c[figure] is not None
    ]
    if points:
        xs, ys, ci = zip(*points, strict=True)
        numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs)
        if numeric:
            pairs = sorted(zip(xs, ys, ci, strict=True))
            xs, ys, ci = zip(*pairs, strict=True)
            ax.errorbar(xs, ys, yerr=ci, color=OKABE_ITO[0], marker="o", capsize=3)
        else:
            ax.errorbar(range(len(xs)), ys, yerr=ci, color=OKABE_ITO[0], marker="o", capsize=3)
            ax.set_xticks(range(len(xs)), [str(x) for x in xs])
    ax.set(xlabel=paths[0], ylabel=label, title=f"sweep: {label} (mean, 95% CI)")
    ax.grid(alpha=0.3)
    return fig
