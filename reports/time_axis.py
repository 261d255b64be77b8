"""The time axis of run plots: zoomed to the activity, in simulated minutes, or in clock time
(round times of day in the start's zone, the date named) where the scenario has a start.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from matplotlib.ticker import Formatter, Locator

from acgsim.reports.narrate import zone_name
from acgsim.sim.results import RunResult
from acgsim.sim.units import human_duration


def activity(result: RunResult) -> tuple[float, float] | None:
    """The minutes the run was busy (requests in flight or queued, a fault, replication), padded
    by a twentieth on each side; None if it was busy most of the horizon (nothing to zoom)."""
    series, spans = result.timeseries, []
    if series and series.t:
        for rows in series.regions.values():
            busy = [
                t
                for t, a, q in zip(series.t, rows["in_flight"], rows["queue"], strict=True)
                if a or q
            ]
            spans += busy[:1] + busy[-1:]
    for f in result.faults:
        if f.get("at") is not None and f.get("duration") is not None:
            spans += [f["at"], f["at"] + f["duration"]]
    if not spans:
        return None
    lo, hi = min(spans), max(spans)
    end = result.simulated_end_s or result.horizon_s
    if hi - lo > 0.8 * end:
        return None
    pad = max(60.0, (hi - lo) / 20)
    return max(0.0, lo - pad) / 60.0, min(end, hi + pad) / 60.0


CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440]  # minutes between ticks


class ClockLocator(Locator):
    """Ticks at round clock times (09:15, 09:30, ...) on an axis in minutes from `start`."""

    def __init__(self, start: datetime, most: int = 7):
        self.start, self.most = start, most
        midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
        self.offset = (start - midnight).total_seconds() / 60  # minutes past midnight there

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin: float, vmax: float) -> list[float]:
        lo, hi = sorted((vmin, vmax))
        span = max(hi - lo, 1e-9)
        step = next((s for s in CLOCK_STEPS if span / s <= self.most), None)
        step = step or 1440 * math.ceil(span / 1440 / self.most)
        first = math.ceil((lo + self.offset) / step) * step - self.offset
        return [first + k * step for k in range(int((hi - first) // step) + 1)]


class ClockFormatter(Formatter):
    """Clock times (09:15) on an axis in minutes from `start`, in its zone; a tick on a later
    day than the one before it (or than the start) carries the date: Dec 02 00:15."""

    def __init__(self, start: datetime):
        self.start = start

    def __call__(self, x: float, pos=None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values) -> list[str]:
        out, day = [], self.start.date()
        for x in values:
            at = self.start + timedelta(minutes=float(x))
            out.append(at.strftime("%H:%M" if at.date() == day else "%b %d %H:%M"))
            day = at.date()
        return out


def time_axis(ax, result: RunResult, zoomed: bool) -> None:
    """An axis in minutes from the start: clock time where the scenario has a start (its date
    and zone named), simulated minutes otherwise; a zoomed axis names the run's length."""
    horizon = human_duration(result.simulated_end_s or result.horizon_s)
    note = f" (zoomed to the activity; the run lasted {horizon})" if zoomed else ""
    if result.start is None:
        ax.set_xlabel("simulated minutes" + note)
        return
    start = result.start
    ax.xaxis.set_major_locator(ClockLocator(start))
    ax.xaxis.set_major_formatter(ClockFormatter(start))
    day = f"{start:%a} {start.day} {start:%b %Y}"
    ax.set_xlabel(f"clock time, {zone_name(start)}, from {day} {start:%H:%M}" + note)
