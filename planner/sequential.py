"""Judging a candidate on fewer than K runs when its verdict is already clear.

The acceptance rule is fixed (planner.evaluate.Objective.met): both objectives hold at the upper
end of their 95% confidence intervals over K runs. A candidate is simulated on runs 0, 1, ... in
stages (FIRST runs, then twice as many, up to K), and after each stage its K-run upper ends are
forecast: the runs not simulated yet are predicted from a reference, a count of the same region
already simulated K times on the same runs (common random numbers: the paired differences vary
far less than the runs themselves), or else from the candidate's own mean. The verdict stops early
only when the forecast, with a margin for what the remaining runs could still change, lies clearly
on one side of the objective; otherwise the candidate gets its K runs and the rule itself decides.

What the plan claims stays exact: the count it keeps is judged on K full runs by the verification
of the whole plan (planner.search), and the count below it is missed on K runs or clearly missed
(its forecast lies above the objective by more than a 99% margin; a clear pass needs only 95%,
since the whole plan's K runs check it)."""

from __future__ import annotations

import math
from collections.abc import Callable

from acgsim.planner import rules
from acgsim.planner.evaluate import Evaluator, Figures, Group, Objective
from acgsim.sim.stats import t975

MAX = rules.MAX_REPLICAS

FIRST = 3  # runs in a candidate's first stage: the fewest with a usable spread (2 degrees)
SEQUENTIAL_FROM = 6  # with fewer runs than this in all, every candidate gets all K

# One-sided 0.995 quantiles of Student's t by degrees of freedom (standard tables).
_T995 = [63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169]
_T995 += [3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845]


def t995(df: int) -> float:
    """The 0.995 quantile of Student's t (beyond 20 degrees, toward the normal's 2.576)."""
    return _T995[df - 1] if df <= len(_T995) else 2.576 + (2.845 - 2.576) * 20 / df


def stages(runs: int) -> list[int]:
    """The run counts a candidate is judged at: 3, 6, 12, ... up to K (K alone when small)."""
    if runs < SEQUENTIAL_FROM:
        return [runs]
    out, k = [], FIRST
    while k < runs:
        out.append(k)
        k *= 2
    return [*out, runs]


def _sd(xs: list[float]) -> float:
    m = sum(xs) / len(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def forecast(
    xs: list[float], ref: list[float] | None, runs: int, confidence: Callable[[int], float]
) -> tuple[float, float]:
    """The K-run upper end (mean + t975 x sd / sqrt K) forecast from the first k runs `xs`, and
    the margin around it at `confidence` (a t quantile by degrees of freedom). With a reference
    (K runs, the same seeds), run i >= k is predicted as ref[i] plus the mean paired difference;
    without, as the mean of `xs`."""
    k = len(xs)
    if ref is not None:
        diffs = [x - r for x, r in zip(xs, ref[:k], strict=True)]
        shift = sum(diffs) / k
        rest = [r + shift for r in ref[k:]]
        spread = _sd(diffs)
    else:
        rest = [sum(xs) / k] * (runs - k)
        spread = _sd(xs)
    left = runs - k
    values = [*xs, *rest]
    mean = sum(values) / runs
    sd = math.sqrt(_sd(values) ** 2 + spread**2 * left / runs)  # what the rest adds
    upper = mean + t975(runs - 1) * sd / math.sqrt(runs)
    # the mean of the remaining runs' deviations, and their effect on the spread
    se = spread * math.sqrt(left * (1 + left / k)) / runs
    margin = confidence(k - 1) * se + t975(runs - 1) * spread / math.sqrt(runs) * left / runs
    return upper, margin


def _metric(xs: list, ref: list | None, runs: int, goal: float, meet_at) -> bool | None:
    """True: clearly within `goal`; False: clearly over; None: not clear."""
    if ref is not None and any(r is None for r in ref):
        ref = None
    upper, margin = forecast(xs, ref, runs, t995)
    if upper - margin > goal:
        return False
    upper, margin = forecast(xs, ref, runs, meet_at)
    return True if upper + margin <= goal else None


def verdict(goal: Objective, f: Figures, ref: Figures | None, runs: int) -> bool | None:
    """Whether `f` meets the objectives on K runs: the rule itself once it has K runs; before,
    True or False only when clear (None: it needs more runs)."""
    k = len(f.p95_runs)
    if k >= runs:
        return goal.met(f)
    if goal.p95 is not None and (f.requests == 0 or any(x is None for x in f.p95_runs)):
        return False  # more than 5% never ran in a run: no K-run p95 can hold
    if k < FIRST:
        return None  # two runs whose differences happen to agree would look certain
    seen: list[bool | None] = []
    if goal.p95 is not None:
        ref_p95 = ref.p95_runs if ref is not None else None
        seen.append(_metric(f.p95_runs, ref_p95, runs, goal.p95, t975))
    if goal.failure is not None:
        ref_fail = ref.failure_runs if ref is not None else None
        seen.append(_metric(f.failure_runs, ref_fail, runs, goal.failure, t975))
    if False in seen:
        return False
    return True if all(seen) else None


def judge(
    goal: Objective,
    figures: Callable[[int], Figures],
    reference: Callable[[], Figures | None],
    runs: int,
) -> bool:
    """Simulate a candidate stage by stage (figures(k): its first k runs) until its verdict is
    clear or it has K runs; `reference` gives the region's nearest count with K runs, if any."""
    for k in stages(runs):
        decided = verdict(goal, figures(k), reference() if k < runs else None, runs)
        if decided is not None:
            return decided
    raise AssertionError("a candidate with K runs always has a verdict")


def estimate(
    start: int, base: int, top: int, objective: float, upper: Callable[[int], float | None]
) -> int:
    """Where to start a region's search: the count where the p95's upper end, fitted as
    a + b / replicas through its forecasts at `start` and at twice as many replicas (a few runs
    each), reaches the objective. `base` is the region's count at extra 0; counts are extras."""
    here = upper(start)
    if here is None or here <= objective:
        return start
    n0 = base + start
    far = min(top, start + max(1, n0))
    there = upper(far)
    n1 = base + far
    if there is None or far == start or there >= here:
        return far
    b = (here - there) / (1 / n0 - 1 / n1)
    a = here - b / n0
    if a >= objective:
        return far
    return max(start, min(far, math.ceil(b / (objective - a)) - base))


class Candidates:
    """One region's candidates (its extra replicas, the other regions of the group as they are),
    judged on as few runs as make the verdict clear (planner.sequential)."""

    def __init__(self, ev: Evaluator, group: Group, region: str, goal, extra: dict, counts):
        self.ev, self.group, self.region, self.goal = ev, group, region, goal
        self.extra, self.counts = extra, counts

    def _counts(self, e: int) -> tuple[int, ...]:
        return self.counts(self.extra | {self.region: e})

    def fig(self, e: int, runs: int | None = None) -> Figures:
        """The figures of extra `e` over its first `runs` runs (default: all K)."""
        return self.ev.group(self.group, self._counts(e), runs)[self.region]

    def seen(self, e: int) -> Figures:
        """The figures of extra `e` over the runs simulated so far."""
        return self.group.tried[self._counts(e)][self.region]

    def met(self, e: int) -> bool:
        """The verdict of the acceptance rule on K runs, or earlier where it is clear; always on
        K runs in a group where a forecast has proved wrong (planner.search)."""
        if self.group.exact:
            return self.goal.met(self.fig(e))
        return judge(self.goal, lambda k: self.fig(e, k), lambda: self._reference(e), self.ev.runs)

    def upper(self, e: int) -> float | None:
        """A point forecast of the K-run upper end of the p95 from a first stage of runs."""
        f = self.fig(e, stages(self.ev.runs)[0])
        xs = f.p95_runs
        if len(xs) < 2 or any(x is None for x in xs):
            return None
        return forecast(xs, None, self.ev.runs, lambda df: 0.0)[0]

    def _reference(self, e: int) -> Figures | None:
        """The nearest extra of this region simulated K times with the others as they are."""
        done = [
            x
            for x in tried_extras(self.group, self.counts, self.extra, self.region)
            if x != e and len(self.seen(x).p95_runs) >= self.ev.runs
        ]
        return self.seen(min(done, key=lambda x: (abs(x - e), x))) if done else None


def tried_extras(group: Group, counts, extra: dict[str, int], region: str) -> list[int]:
    """The extras of `region` already simulated with the other regions as they are now."""
    out = []
    for e in range(-MAX, MAX + 1):
        if counts(extra | {region: e}) in group.tried:
            out.append(e)
    return out
