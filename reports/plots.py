"""Figures for runs and plans: each function takes a result and returns a matplotlib Figure.

Only reports/ imports matplotlib, with the Agg backend (no screen needed). Colours are the
Okabe-Ito palette (yellow left out: too faint on white), with line styles once the colours run
out, so regions stay distinguishable for colour-blind readers; every axis has a unit; legends sit
outside the data; faults are shaded on every time axis; an empty figure says why it is empty.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from acgsim.planner.plan import Plan
from acgsim.reports.files import write_atomic
from acgsim.reports.time_axis import activity, time_axis
from acgsim.sim.results import RunResult
from acgsim.sim.units import human_duration

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
STYLES = ["-", "--", ":"]  # 7 colours x 3 styles: 21 regions stay distinguishable
FAULT_COLOUR = "#D55E00"
STORAGE_COLOURS = {"Standard_LRS": "#56B4E9", "Standard_ZRS": "#0072B2", "Premium_LRS": "#CC79A7"}


def plain_text(make: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build a figure with math text off: names come from files people share, and "$x$" in one
    is text to show, not math to typeset (matplotlib's parser raised on some). A context, not a
    global setting, so a notebook's own plots keep their math."""

    @functools.wraps(make)
    def build(*args, **kwargs) -> Figure:
        with matplotlib.rc_context({"text.parse_math": False}):
            return make(*args, **kwargs)

    return build


def _style(i: int) -> dict:
    """Colour and line style of series i: colours first, then dashes, then dots."""
    return {
        "color": OKABE_ITO[i % len(OKABE_ITO)],
        "ls": STYLES[(i // len(OKABE_ITO)) % len(STYLES)],
    }


def _minutes(seconds: float) -> float:
    return seconds / 60.0


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def plural(n: int, word: str) -> str:
    """'1 replica', '3 replicas'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _shade_faults(ax, result: RunResult) -> bool:
    """Shade every fault window on a minutes axis; True if there was any."""
    shaded = False
    for f in result.faults:
        at, duration = f.get("at"), f.get("duration")
        if at is None or duration is None:
            continue
        ax.axvspan(_minutes(at), _minutes(at + duration), color=FAULT_COLOUR, alpha=0.12, lw=0)
        shaded = True
    return shaded


@plain_text
def ttr_cdf(result: RunResult, objective_s: float | None = None) -> Figure:
    """Time from request to running VM: the share of requests running by then, per region, with
    the objective; failed requests never run, so a region's curve stops below 100%."""
    objective_s = objective_s if objective_s is not None else result.objective_p95_s
    fig, ax = plt.subplots(figsize=(9.5, 4.8), layout="constrained")
    drawn = [s for s in result.regions if s.ttr_percentiles_s]
    for i, s in enumerate(drawn):
        share = s.succeeded / s.requests if s.requests else 0.0
        ax.plot(
            [_minutes(x) for x in s.ttr_percentiles_s],
            [share * p / 100 for p in range(101)],
            lw=2,
            label=f"{s.region}: {s.succeeded:,} of {s.requests:,} running",
            **_style(i),
        )
    if not drawn:
        _empty(ax, "no VM reached running")
    elif objective_s is not None:
        ax.axvline(
            _minutes(objective_s),
            color="#000000",
            ls="--",
            lw=1.2,
            label=f"objective: p95 {human_duration(objective_s)}",
        )
        ax.axhline(0.95, color="#777777", ls=":", lw=1)
    fig.suptitle(f"{result.scenario}: time from request to running VM")
    ax.set(
        xlabel="minutes from request to running",
        ylabel="share of requests running",
        ylim=(0, 1.02),
    )
    ax.grid(alpha=0.3)
    if drawn:
        fig.legend(loc="outside right upper", fontsize="small")
    return fig


@plain_text
def over_time(result: RunResult) -> Figure:
    """Requests in flight, replica use, queue, 429s and retries over time, per region."""
    series = result.timeseries
    fig, axes = plt.subplots(4, 1, figsize=(10.5, 9.5), sharex=True, layout="constrained")
    t = [_minutes(x) for x in series.t] if series else []
    for i, (region, rows) in enumerate(sorted(series.regions.items()) if series else []):
        style = _style(i)
        axes[0].plot(t, rows["in_flight"], label=region, **style)
        use = [
            b / cap if cap else 0.0 for b, cap in zip(rows["busy"], rows["capacity"], strict=True)
        ]
        axes[1].plot(t, [100 * u for u in use], **style)
        axes[2].plot(t, rows["queue"], **style)
        axes[3].plot(t, rows["throttled"], **style)
        axes[3].plot(t, rows.get("retries", []), color=style["color"], ls="-.", lw=1)
    labels = [
        "requests in flight",
        "replica slots busy (%)",
        "requests waiting\nfor a replica",
        "HTTP 429s (solid)\nand retries (-.) so far",
    ]
    faults = False
    for ax, label in zip(axes, labels, strict=True):
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0, top=max(1.0, ax.get_ylim()[1]))
        faults = _shade_faults(ax, result) or faults
    for ax in (axes[0], axes[2], axes[3]):  # counts: whole numbers
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    window = activity(result)
    if window is not None:
        axes[-1].set_xlim(*window)
    time_axis(axes[-1], result, window is not None)
    fig.suptitle(f"{result.scenario}: over time" + (" (shaded: faults)" if faults else ""))
    handles, names = axes[0].get_legend_handles_labels()
    if faults:
        handles.append(Patch(color=FAULT_COLOUR, alpha=0.3))
        names.append("fault")
    if handles:
        fig.legend(handles, names, loc="outside right upper", fontsize="small")
    return fig


@plain_text
def replication_gantt(result: RunResult) -> Figure:
    """Replication per version and region: first copy, in-region replicas, failures."""
    log = result.replication_log
    fig, ax = plt.subplots(figsize=(10, max(2.8, 0.45 * len(log) + 1.6)), layout="constrained")
    for i, rec in enumerate(log):
        y = len(log) - 1 - i
        start = rec.started_s or 0.0
        end = rec.completed_s if rec.completed_s is not None else result.simulated_end_s or start
        first = rec.first_copy_s if rec.first_copy_s is not None else end
        ax.barh(y, _minutes(first - start), left=_minutes(start), color=OKABE_ITO[0], height=0.6)
        ax.barh(y, _minutes(end - first), left=_minutes(first), color=OKABE_ITO[1], height=0.6)
        for failure in rec.failures:
            ax.plot(_minutes(failure["at_s"]), y, marker="x", color=FAULT_COLOUR, ms=9, mew=2)
        if rec.state != "Completed":
            ax.text(_minutes(end), y, f"  {rec.state}", va="center", fontsize="small")
    if not log:
        _empty(ax, "nothing is replicated")
    else:
        ax.set_yticks(
            range(len(log)),
            [f"{r.region} ({r.version}, {plural(r.replicas, 'replica')})" for r in reversed(log)],
            fontsize="small",
        )
    faults = _shade_faults(ax, result)
    ax.set_title(f"{result.scenario}: replication")
    time_axis(ax, result, zoomed=False)
    ax.grid(axis="x", alpha=0.3)
    handles = [
        Patch(color=OKABE_ITO[0], label="first copy (across regions)"),
        Patch(color=OKABE_ITO[1], label="in-region replicas"),
        plt.Line2D([], [], color=FAULT_COLOUR, marker="x", ls="", label="failure"),
    ]
    if faults:
        handles.append(Patch(color=FAULT_COLOUR, alpha=0.3, label="fault"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize="small")
    return fig


def _version_names(plan: Plan) -> list[str]:
    """Each region's version as the plan table names it: image/version when the plan has one
    gallery, gallery/image/version otherwise."""
    short = len({r.version.split("/")[0] for r in plan.regions}) == 1
    return [r.version.split("/", 1)[1] if short else r.version for r in plan.regions]


@plain_text
def plan_tradeoff(plan: Plan) -> Figure:
    """p95 against replica count, one panel per version and region the search simulated: every
    candidate it tried (mean and 95% CI), the objective, the count chosen and the rules' count."""
    searched = [
        (name, r)
        for name, r in zip(_version_names(plan), plan.regions, strict=True)
        if r.candidates
    ]
    cols = min(3, max(1, len(searched)))
    rows = max(1, -(-len(searched) // cols))
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(max(7.0, 4.3 * cols), 3.6 * rows + 0.8),
        squeeze=False,
        layout="constrained",
    )
    for ax, (name, r) in zip(axes.flat, searched, strict=False):
        points = sorted(
            (c.replicas, c.p95_s.mean, c.p95_s.half_width or 0, c.met)
            for c in r.candidates
            if c.p95_s.mean is not None
        )
        if points:
            xs, ys, hw, met = zip(*points, strict=True)
            ax.errorbar(
                xs,
                [_minutes(y) for y in ys],
                yerr=[_minutes(h) for h in hw],
                color=OKABE_ITO[0],
                marker="o",
                ls="-",
                capsize=3,
                zorder=3,
            )
            ax.scatter(
                [x for x, m in zip(xs, met, strict=True) if m],
                [_minutes(y) for y, m in zip(ys, met, strict=True) if m],
                color=OKABE_ITO[2],
                zorder=4,
            )
        if r.objective_p95_s is not None:
            ax.axhline(_minutes(r.objective_p95_s), color="#000000", ls="--", lw=1)
        ax.axvline(r.replicas, color=OKABE_ITO[1], lw=4, alpha=0.6, zorder=1)
        ax.axvline(r.baseline_replicas, color=OKABE_ITO[3], ls=":", lw=2, zorder=2)
        counts = [c.replicas for c in r.candidates] + [r.replicas, r.baseline_replicas]
        ax.set_xlim(min(counts) - 0.5, max(counts) + 0.5)  # whole replicas, even for one point
        target = (
            "" if r.objective_p95_s is None else f", objective {human_duration(r.objective_p95_s)}"
        )
        ax.set_title(
            f"{name} in {r.region}\n{r.replicas} chosen, rules {r.baseline_replicas}{target}",
            fontsize="medium",
        )
        ax.set(xlabel="replicas", ylabel="p95 (minutes)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(searched) :]:
        ax.axis("off")
    if not searched:
        axes.flat[0].axis("on")
        _empty(axes.flat[0], "no region has a workload: nothing was simulated")
    fig.legend(
        handles=[
            plt.Line2D([], [], color=OKABE_ITO[0], marker="o", label="candidate (mean, 95% CI)"),
            plt.Line2D([], [], color=OKABE_ITO[2], marker="o", ls="", label="meets the objectives"),
            plt.Line2D([], [], color="#000000", ls="--", label="objective"),
            plt.Line2D([], [], color=OKABE_ITO[1], lw=4, alpha=0.6, label="chosen"),
            plt.Line2D([], [], color=OKABE_ITO[3], ls=":", lw=2, label="rules"),
        ],
        loc="outside lower center",
        ncol=5,
        fontsize="small",
    )
    fig.suptitle(f"{plan.scenario}: p95 time to running against replicas")
    return fig


@plain_text
def plan_cost(plan: Plan) -> Figure:
    """Monthly cost by region and storage type: the rules' baseline against the verified plan."""
    regions = sorted({r.region for r in plan.regions})
    fig, ax = plt.subplots(figsize=(max(7.5, 0.8 * len(regions) + 4), 4.8), layout="constrained")
    width = 0.38
    for j, (key, hatch) in enumerate(
        (("baseline_monthly_cost_usd", "//"), ("monthly_cost_usd", ""))
    ):
        bottoms = [0.0] * len(regions)
        for storage, colour in STORAGE_COLOURS.items():
            heights = [
                sum(
                    getattr(r, key)
                    for r in plan.regions
                    if r.region == region and r.storage == storage
                )
                for region in regions
            ]
            xs = [i + (j - 0.5) * width for i in range(len(regions))]
            ax.bar(
                xs,
                heights,
                width,
                bottom=bottoms,
                color=colour,
                hatch=hatch,
                edgecolor="#333333",
                lw=0.4,
            )
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    ax.set_xticks(range(len(regions)), regions, rotation=30, ha="right")
    ax.margins(y=0.12)
    # the figure's title, not the axes': above the legend beside the axes, never under it
    fig.suptitle(f"{plan.scenario}: monthly replica storage (prices as of {plan.prices.as_of})")
    ax.set(ylabel=f"{plan.prices.currency} per month")
    ax.grid(axis="y", alpha=0.3)
    used = sorted({r.storage for r in plan.regions})
    fig.legend(
        handles=[Patch(facecolor=STORAGE_COLOURS[s], label=s) for s in used]
        + [
            Patch(
                facecolor="white",
                edgecolor="#333333",
                hatch="//",
                label="rules baseline (left bar)",
            ),
            Patch(facecolor="white", edgecolor="#333333", label="verified plan (right bar)"),
        ],
        loc="outside lower center",
        ncol=3,
        fontsize="small",
    )
    return fig


def save(fig: Figure, path, svg: bool = False) -> list[Path]:
    """Write the figure as PNG (and SVG), close it, and return the paths written."""
    path = Path(path)
    written = [path.with_suffix(".png"), *([path.with_suffix(".svg")] if svg else [])]
    try:
        for target in written:  # rendered in memory, then written atomically: never half a file
            buffer = io.BytesIO()
            fig.savefig(buffer, format=target.suffix[1:], dpi=110)
            write_atomic(target, buffer.getvalue(), force=True)
    finally:
        plt.close(fig)
    return written


@plain_text
def calibration_fit(comparisons: list) -> Figure:
    """Observed against simulated (the calibrated model) for each kind of operation calibrate
    compared: the two distribution functions, with the KS statistic and its p-value."""
    n = max(1, len(comparisons))
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n + 1, 4.2), layout="constrained", squeeze=False)
    for ax, c in zip(axes[0], comparisons, strict=False):
        for i, (label, values) in enumerate((("observed", c.observed), ("model", c.simulated))):
            xs = sorted(_minutes(v) for v in values)
            ys = [(k + 1) / len(xs) for k in range(len(xs))]
            ax.step(xs, ys, where="post", lw=2, label=f"{label} ({len(xs):,})", **_style(i))
        verdict = "reproduced" if c.reproduced else "NOT reproduced"
        ax.set(
            title=f"{c.what}\nKS D={c.ks:.3f}, p={c.p_value:.2g}: {verdict}",
            xlabel="minutes",
            ylabel="share at or below",
            ylim=(0, 1.02),
        )
        ax.title.set_fontsize("small")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize="small")
    if not comparisons:
        _empty(axes[0][0], "nothing was fitted, so nothing to compare")
    return fig
