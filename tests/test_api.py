"""The notebook API is as strict as the command line: bad input raises InputError naming it, a
broken run raises, and nothing returns a result without figures."""

from __future__ import annotations

import pytest

import acgsim
from acgsim.sim import engine
from acgsim.sim.errors import InputError


@pytest.fixture(scope="module")
def quick():
    return acgsim.load("quickstart")


@pytest.mark.parametrize(
    "call, says",
    [
        (lambda s: acgsim.simulate(s, seed=-1), "seed: -1"),
        (lambda s: acgsim.simulate_many(s, runs=0), "runs: 0"),
        (lambda s: acgsim.plan(s, runs=1, workers=1), "2 runs or more"),
        (lambda s: acgsim.export(s, "pulumi"), "format: 'pulumi'"),
        (lambda s: acgsim.change(s, {"galleries[9].name": "x"}), "out of range"),
        (lambda s: acgsim.load("no-such-lesson"), "no bundled scenario"),
    ],
)
def test_bad_input_raises_input_error(quick, call, says):
    with pytest.raises(InputError, match=None) as info:
        call(quick)
    assert says in str(info.value)


def test_a_broken_run_raises(quick, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(engine, "build_simulation", broken)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        acgsim.simulate(quick)


def test_plan_takes_prices_as_a_scenario_writes_them(quick):
    cheap = acgsim.plan(quick, runs=2, workers=1)
    dear = acgsim.plan(
        quick, runs=2, workers=1, prices={"storage_per_gb_month": {"Standard_ZRS": 1.0}}
    )
    assert dear.totals.monthly_cost_usd > cheap.totals.monthly_cost_usd


def test_the_api_names_complete_in_a_notebook():
    assert {"load", "simulate", "plan", "records"} <= set(dir(acgsim))
