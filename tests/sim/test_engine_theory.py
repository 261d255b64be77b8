"""Theory: Poisson arrivals and exponential disk times on c replica slots behave as M/M/c.

Erlang C gives the probability that an arrival waits and the mean wait in queue. The simulation's
means over runs must hold the formula's value inside their 95% confidence interval.
"""

from __future__ import annotations

import math

import pytest

from acgsim.sim.engine import simulate
from acgsim.sim.stats import mean_ci

from ..helpers import build
from ..sim.engine_cases import one_region


def erlang_c(lam: float, mu: float, c: int) -> tuple[float, float]:
    """P(wait > 0) and mean wait in queue of an M/M/c queue."""
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait, p_wait / (c * mu - lam)


@pytest.mark.parametrize(
    ("rate_per_min", "mean_s", "c"),
    [
        (6.0, 30.0, 4),  # rho = 0.75
        (12.0, 20.0, 5),  # rho = 0.8
        (3.0, 60.0, 4),  # rho = 0.75, slower service
    ],
)
def test_waits_match_erlang_c(rate_per_min, mean_s, c):
    data = one_region(count=1, at="20m")
    data["workload"] = {
        "arrivals": [
            {
                "at": "20m",
                "duration": "100h",
                "region": "westeurope",
                "subscription": "apps",
                "image": "gal/web/latest",
                "rate_per_min": rate_per_min,
            }
        ]
    }
    data["horizon"] = "102h"
    data["model"].update(
        disk={"dist": "exponential", "base": f"{mean_s}s", "per_gb": "0s"},
        boot={"dist": "fixed", "mean": "0s"},
        throttling=False,
        replica_concurrency=c,
    )
    scenario = build(data)
    runs = [simulate(scenario, run=i).overall for i in range(10)]
    p_wait, wq = erlang_c(rate_per_min / 60.0, 1.0 / mean_s, c)
    for observed, expected in (
        (mean_ci([r.waited_share for r in runs]), p_wait),
        (mean_ci([r.wait_mean_s for r in runs]), wq),
    ):
        assert abs(observed["mean"] - expected) <= observed["half_width"], (observed, expected)
