"""When a run's replication is done, simulated without its workload.

No request exists before the first wave's `at` (a wave submits nothing earlier), so up to that
time a run is its replication, its outages and its sampler only, whatever the workload: simulating
them alone to that time gives, event for event, what the full run does up to it. The planner uses
this to show that every replica is in place before any VM deploys (planner.separable).
"""

from __future__ import annotations

from acgsim.sim.engine import Subset, build_simulation, seed_sequence
from acgsim.sim.scenario import Scenario


def replicated_before(
    scenario: Scenario, seed: int, run: int, until: float, subset: Subset | None = None
) -> str | None:
    """None if every replication simulated (the subset's, or all) has completed strictly before
    `until` on this run (child seed `run` of `seed`); otherwise which one has not, and its state."""
    if until <= 0:
        return "a wave starts at 0 s"
    m = build_simulation(scenario, seed_sequence(seed, run), subset=subset, workload=False)
    m.env.run(until=until)
    for copies in m.copies.values():
        for c in copies:
            if c.removed:
                continue
            if c.status != "Completed" or c.completed is None or not c.completed < until:
                state = c.status if c.completed is None else f"completed at {c.completed:.0f} s"
                return f"{c.version} in {c.region}: {state} (run {run})"
    return None
