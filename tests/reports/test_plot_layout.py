"""Every kind of plot, laid out: no text outside the figure, no title under a legend, whole
numbers on count axes, the time axis zoomed to what happened (the horizon named), plurals right.
Checked with matplotlib's renderer: each text's window extent against the figure and the legends.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

from acgsim import api
from acgsim.reports import plots, time_axis
from acgsim.reports.sweep import sweep_plot
from acgsim.sim.sweep import Axis

from .test_reports import a_plan  # noqa: F401  (the fixture)


@pytest.fixture(scope="module")
def outage():
    """A 3-hour run whose activity is an hour in (zone-outage-lrs: 300 VMs over ten minutes)."""
    return api.simulate(api.load("zone-outage-lrs"))


@pytest.fixture(scope="module")
def outage_by_the_clock():
    """The same run with a start half an hour before midnight, an hour east of UTC: its burst
    is on the next day, so the time axis shows clock times and a date."""
    data = api.load("zone-outage-lrs").model_dump(mode="json")
    return api.simulate(api.Scenario.model_validate({**data, "start": "2026-12-01T23:30+01:00"}))


def _figures(result, plan, clock=None):
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
        **(
            {}
            if clock is None
            else {
                "over_time_clock": plots.over_time(clock),
                "replication_gantt_clock": plots.replication_gantt(clock),
            }
        ),
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


def test_no_text_leaves_the_figure_or_sits_under_a_legend(
    outage,
    outage_by_the_clock,
    a_plan,  # noqa: F811
):
    for name, fig in _figures(outage, a_plan, outage_by_the_clock).items():
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
        for ax in fig.axes:  # tick labels side by side never overlap (clock times are long)
            shown = [
                t.get_window_extent(renderer)
                for t in ax.get_xticklabels()
                if t.get_visible() and t.get_text()
            ]
            for left, right in itertools.pairwise(shown):
                assert left.x1 <= right.x0, f"{name}: x tick labels overlap"
        titles = [ax.title for ax in fig.axes if ax.get_title()]
        titles += [fig.get_suptitle() and fig._suptitle] if fig.get_suptitle() else []
        for title in titles:
            e = title.get_window_extent(renderer)
            for legend in legends:
                assert not e.overlaps(legend), (
                    f"{name}: the title {title.get_text()!r} is under a legend"
                )
        plt.close(fig)


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


def test_a_scenario_with_a_start_shows_clock_time(outage_by_the_clock):
    fig = plots.over_time(outage_by_the_clock)
    axis = fig.axes[-1]
    axis.figure.canvas.draw()
    label = axis.get_xlabel()
    assert label.startswith("clock time, UTC+01:00, from Tue 1 Dec 2026 23:30")
    assert "the run lasted 3h00m" in label
    lo, hi = axis.get_xlim()
    ticks = [t for t in axis.get_xticks() if lo <= t <= hi]
    shown = [t.get_text() for t in axis.get_xticklabels() if t.get_text()]
    assert len(shown) == len(ticks) >= 3
    # round clock times: the minutes past midnight (23:30 is minute 1410) a multiple of the step
    step = ticks[1] - ticks[0]
    assert step in time_axis.CLOCK_STEPS
    assert all(((t + 1410) % step) < 1e-6 for t in ticks)
    # the burst is an hour after the 23:30 start: the next day, dated once
    assert shown[0].startswith("Dec 02 ") and all(":" in x and len(x) == 5 for x in shown[1:])


@pytest.mark.parametrize(
    ("start", "minutes", "shown"),
    [
        ("2026-12-01T09:00:00Z", [0, 15, 30], ["09:00", "09:15", "09:30"]),
        ("2026-12-01T23:50:00-05:00", [0, 10, 20], ["23:50", "Dec 02 00:00", "00:10"]),
        ("2026-03-29T00:30:00+02:00", [30], ["01:00"]),
    ],
)
def test_clock_labels(start, minutes, shown):
    from datetime import datetime

    assert time_axis.ClockFormatter(datetime.fromisoformat(start)).format_ticks(minutes) == shown


def test_without_a_start_the_axis_stays_in_simulated_minutes(outage):
    assert plots.replication_gantt(outage).axes[0].get_xlabel() == "simulated minutes"
