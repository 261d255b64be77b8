"""Statistical agreement between acgsim's per-run figures and the bare baseline's.

Each side gives one figure per independent run (acgsim on child seeds, the baseline on its own
generator); two means agree when their difference is within Z standard errors of the difference
(CLT: sqrt(var_a / n_a + var_b / n_b)), plus a small absolute slack for figures that are nearly
constant (acgsim rounds to 3 decimals). Z = 4 keeps a correct model from failing on noise over
the few dozen figures the suite compares (all seeds are fixed, so a verdict never flips between
runs of the suite), while the sensitivity tests show that a baseline with one semantic changed is
rejected.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

import acgsim
from acgsim.sim.engine import simulate

HERE = Path(__file__).resolve().parent / "scenarios"
Z = 4.0
ROUNDING = 1e-3  # acgsim rounds its figures to 3 decimals


def load(name: str):
    """A scenario of tests/baseline/scenarios, as a user passes it to acgsim."""
    return acgsim.load(HERE / f"{name}.yaml")


def runs(scenario, k: int, *, seed: int | None = None, engine: str | None = None, trace=False):
    """K runs of acgsim on the child seeds of the scenario's seed (as `acgsim run -k K`)."""
    out = [simulate(scenario, seed, i, engine=engine, trace=trace) for i in range(k)]
    for r in out:
        assert r.error is None, r.error
    return out


def region(result, name: str):
    return next(s for s in result.regions if s.region == name)


def z_score(a, b, slack: float = ROUNDING) -> float:
    """(mean a - mean b), less the slack, over the standard error of the difference."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    d = a.mean() - b.mean()
    excess = max(0.0, abs(d) - slack)
    if excess == 0:
        return 0.0
    return math.copysign(excess / se if se else math.inf, d)


def disagreements(acg: dict[str, list[float]], bare: dict[str, list[float]], slack=None):
    """The figures whose means differ by more than Z standard errors (plus slack), described."""
    slack = slack or {}
    out = []
    for key in acg:
        z = z_score(acg[key], bare[key], slack.get(key, ROUNDING))
        if abs(z) > Z:
            a, b = np.mean(acg[key]), np.mean(bare[key])
            out.append(f"{key}: acgsim {a:.4g} vs baseline {b:.4g} (z {z:.1f})")
    return out


def summary(ttr: list[float], waits: list[float]) -> dict[str, float]:
    """A run's figures as acgsim's region summary names them."""
    t = np.asarray(ttr, float)
    w = np.asarray(waits, float)
    return {
        "ttr_mean_s": float(t.mean()),
        "ttr_p50_s": float(np.percentile(t, 50)),
        "ttr_p95_s": float(np.percentile(t, 95)),
        "waited_share": float((w > 0).mean()),
        "wait_mean_s": float(w.mean()),
    }


def collect(rows: list[dict[str, float]]) -> dict[str, list[float]]:
    return {k: [r[k] for r in rows] for k in rows[0]}


def acgsim_figures(results, region_name: str, keys) -> dict[str, list[float]]:
    return {k: [getattr(region(r, region_name), k) for r in results] for k in keys}
