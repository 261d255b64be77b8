"""What a run and a plan say sets the p95 must be what happened: the held-out scenarios where
the cause is known from the scenario itself."""

from __future__ import annotations

from acgsim.api import load
from acgsim.reports.breakdown import run_causes
from acgsim.sim import engine

from .scenarios_index import path


def test_a_region_outage_is_not_called_throttling():
    """h07: East US is down for 40 minutes in the middle of a spread burst and nothing is
    throttled (no 429 anywhere): the tail waits out the outage, so the sentence must name the
    outage, and not send the user to the PutVM bucket."""
    result = engine.simulate(load(path("h07")))
    east = next(r for r in result.regions if r.region == "eastus")
    assert east.throttled_429 == 0
    assert east.bottleneck.part == "throttled"  # the part: refused at the front door
    text = " ".join([east.bottleneck.text, *east.bottleneck.levers])
    assert "outage" in text
    assert "429" not in text and "PutVM" not in text
    east_cause = next(c for c in run_causes(result) if c[0] == "eastus")
    assert "region down" in east_cause[1]  # the tail's parts, named


def test_a_plan_row_missed_in_an_outage_names_it():
    from acgsim.api import plan
    from acgsim.reports.plan_rows import reason

    result = plan(load(path("h07")), runs=2, workers=1)
    east = next(r for r in result.regions if r.region == "eastus")
    assert east.meets_objectives is False
    assert "region outage" in reason(east) and "429" not in reason(east)


def test_a_plan_missed_by_failures_says_which_limit_fails_them():
    """h16 (one principal, ARM's hourly write limit, 1,500 VMs in 2 minutes) and h02 (a 1.9 TB
    image whose disk takes longer than the OS provisioning timeout): the requests fail, so the
    p95 over those that ran is not what misses; the row and the message name the limit."""
    from acgsim.api import plan
    from acgsim.reports.plan_rows import reason

    for prefix, limit in (("h16", "arm_limits"), ("h02", "os_provisioning_timeout")):
        result = plan(load(path(prefix)), runs=2, workers=1)
        for row in result.regions:
            if row.meets_objectives is False:
                assert "fail" in reason(row), (prefix, reason(row))
        assert result.infeasible and all(limit in m for m in result.infeasible), prefix


def test_a_budget_no_plan_can_meet_says_so():
    """h23: a budget of 1 USD a month for a 30 GB image in two regions: one ZRS replica in each
    already costs more, so 'the other objectives need these replicas' is not why."""
    from acgsim.api import plan

    result = plan(load(path("h23")), runs=2, workers=1)
    (over,) = [m for m in result.infeasible if "budget" in m]
    assert "no plan fits" in over and "the other objectives need" not in over


def test_an_outage_of_no_time_changes_nothing():
    """A sweep over an outage's length from 0s (held-out h07, faults[0].duration=0s,10m,1h): an
    outage that lasts no time must not interrupt the disk creations running at its instant."""
    from acgsim.api import change

    scenario = load(path("h07"))
    zero = change(scenario, {"faults[0].duration": "0s"})
    none = change(scenario, {"faults": []})
    a = engine.simulate(zero, engine="simpy", trace=True)
    b = engine.simulate(none, engine="simpy", trace=True)
    assert a.overall == b.overall and a.regions == b.regions and a.records == b.records


def test_a_plan_missed_by_requests_in_flight_at_the_horizon_names_the_horizon():
    """h19: an arrival stream runs past the 2h horizon, so over 5% of its requests are still in
    flight when the run stops and the p95 of all requests is 'never', while nothing fails:
    the binding limit is the horizon, not boot time."""
    from acgsim.api import plan
    from acgsim.reports.plan_rows import reason

    result = plan(load(path("h19")), runs=2, workers=1)
    missed = [r for r in result.regions if r.meets_objectives is False]
    assert missed and all("horizon" in reason(r) for r in missed), [reason(r) for r in missed]
    assert result.infeasible and all("horizon" in m for m in result.infeasible)


def test_a_region_whose_replication_fails_is_not_said_to_be_still_replicating():
    """h26 with Brazil South's copies failing every time (probability 1.0, two attempts): its
    requests meet NotAvailableInRegion because the region ended Failed, not because it had not
    finished yet; the plan must name the replication failures."""
    from acgsim.api import change, plan

    scenario = change(load(path("h26")), {"faults[0].probability": 1.0})
    result = plan(scenario, runs=2, workers=1)
    (brazil,) = [m for m in result.infeasible if m.startswith("brazilsouth:")]
    assert "replication_failure" in brazil and "max_attempts" in brazil, brazil
