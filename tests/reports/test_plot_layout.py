"""Every kind of plot, laid out: no text outside the figure, no title under a legend, whole
numbers on count axes, the time axis zoomed to what happened (the horizon named), plurals right.
Checked with matplotlib's renderer: each text's window extent against the figure and the legends.
"""

from __future__ import annotations

import pytest
from matplotlib.text import Text

from acgsim import api
from acgsim.reports import plots
from acgsim.reports.sweep import sweep_plot
from acgsim.sim.sweep import Axis

from .test_reports import a_plan  # noqa: F401  (the fixture)


@pytest.fixture(scope="module")
def outage():
    """A 3-hour run whose activity is an hour in (zone-outage-lrs: 300 VMs over ten minutes)."""
    return api.simulate(api.load("zone-outage-lrs"))


def _figures(result, plan):
    summary = [
        {"a": a, "b": b, "ttr_p95_s": 60.0 * (a + b), "ttr_p95_s_ci": 1.0}
        for a in (1, 2)
        for b in (3, 4)
    ]
    return {
        "ttr_cdf": plots.ttr_cdf(result, 600),
        "over_time": plots.over_time(result),
        "replication_gantt": plots.replication_gantt(result),
        "plan_tradeoff": plots.plan_tradeoff(plan),
        "plan_cost": plots.plan_cost(plan),
        "sweep_line": sweep_plot(summary, [Axis("a", (1, 2))], "ttr_p95_s"),
        "sweep_heatmap": sweep_plot(summary, [Axis("a", (1, 2)), Axis("b", (3, 4))], "ttr_p95_s"),
    }


def _texts(fig):
    """Every text drawn but the tick labels (the figure's tight box covers those: only the
    ticks inside the view are drawn)."""
    ticks = {
        id(label)
        for ax in fig.axes
        for axis in (ax.xaxis, ax.yaxis)
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
        for label in (tick.label1, tick.label2)
    }
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in ticks
    ]


def test_no_text_leaves_the_figure_or_sits_under_a_legend(outage, a_plan):  # noqa: F811
    for name, fig in _figures(outage, a_plan).items():
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        box = fig.bbox
        drawn = fig.get_tightbbox(renderer)  # inches: everything drawn, tick labels too
        inches = fig.bbox_inches
        assert drawn.x0 >= inches.x0 - 0.01 and drawn.y0 >= inches.y0 - 0.01, name
        assert drawn.x1 <= inches.x1 + 0.01 and drawn.y1 <= inches.y1 + 0.01, name
        for t in _texts(fig):
            e = t.get_window_extent(renderer)
            inside = (
                e.x0 >= box.x0 - 1
                and e.y0 >= box.y0 - 1
                and e.x1 <= box.x1 + 1
                and e.y1 <= box.y1 + 1
            )
            assert inside, f"{name}: {t.get_text()!r} is cut off at the figure's edge"
        legends = [
            lg.get_window_extent(renderer)
            for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
        ]
        titles = [ax.title for ax in fig.axes if ax.get_title()]
        titles += [fig.get_suptitle() and fig._suptitle] if fig.get_suptitle() else []
        for title in titles:
            e = title.get_window_extent(renderer)
            for legend in legends:
                assert not e.overlaps(legend), (
                    f"{name}: the title {title.get_text()!r} is under a legend"
                )


def test_the_time_axis_zooms_to_the_activity_and_names_the_horizon(outage):
    fig = plots.over_time(outage)
    lo, hi = fig.axes[-1].get_xlim()
    assert lo >= 50 and hi <= 110, "an hour of quiet before the burst is not drawn"
    assert "the run lasted 3h00m" in fig.axes[-1].get_xlabel()


def test_count_axes_have_whole_numbers(outage):
    fig = plots.over_time(outage)
    for ax in (fig.axes[0], fig.axes[2], fig.axes[3]):
        ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
        assert all(float(t).is_integer() for t in ticks), ax.get_ylabel()


def test_plurals():
    assert plots.plural(1, "replica") == "1 replica" and plots.plural(3, "replica") == "3 replicas"
    result = api.simulate(api.load("quickstart"))
    labels = [t.get_text() for t in plots.replication_gantt(result).axes[0].get_yticklabels()]
    assert any("1 replica)" in x for x in labels) and any("2 replicas)" in x for x in labels)


def test_the_heatmap_writes_each_cell_in_minutes():
    summary = [{"a": a, "b": b, "ttr_p95_s": 60.0 * (a + b)} for a in (1, 2) for b in (3, 4)]
    fig = sweep_plot(summary, [Axis("a", (1, 2)), Axis("b", (3, 4))], "ttr_p95_s")
    cells = sorted(t.get_text() for t in fig.axes[0].texts)
    assert cells == ["4.0", "5.0", "5.0", "6.0"]
    assert "(minutes)" in fig.axes[1].get_ylabel()
