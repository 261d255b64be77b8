"""When the whole plan's runs are its groups' runs: the plan's verification assembled from them.

The search simulates each group of interacting regions alone (planner.groups): its waves, every
replication of its versions, the scenario's named random streams. The plan is then verified on K
runs of the whole. Where nothing one group does can reach another, each region's part of a whole
run is its group's run with the chosen counts, event for event, and the verification is those
runs (extended to K where the search judged on fewer) rather than everything simulated again.
That holds when all of these do (otherwise the whole plan is simulated, and the plan says why):

1. no zone or region outage (they act on replicas while VMs deploy); `updates:` are left out of
   every run the planner makes, the whole plan's included (planner.assemble warns of it), so
   they change nothing here;
2. every wave of the whole is in exactly one group and, with throttling on, no subscription
   deploys waves of two groups (every bucket is keyed by subscription, or subscription and
   region, and a subscription's VM requests take its ARM principals in turn: sim.throttle,
   sim.polling);
3. each wave's image gives, in its region, the same version once the group's replications are
   done as once the whole plan's are (what `latest` gives in a region depends on that region's
   copies only: sim.gallery);
4. on every run, every replication of the whole plan, and of each group's runs, has completed and
   propagated (`replication.propagation_delay`) before the whole's first wave starts (`at`): no
   replica is still copying, no source copy slot busy, no region still unseen, while any VM
   deploys. The whole plan's replication is simulated alone to that time (sim.readiness: before
   it no request exists, so that is the whole run up to it).

Client concurrency is per wave, replica slots per version and region, and random numbers come
from streams named for their wave or copy, so nothing else is shared. The law in
tests/planner/test_separable.py holds assembled figures to the whole run's, byte for byte.
"""

from __future__ import annotations

import math

from acgsim.planner.evaluate import Evaluator, Figures, Group
from acgsim.sim.fault_models import RegionOutage, ZoneOutage
from acgsim.sim.gallery import GalleryState
from acgsim.sim.readiness import replicated_before
from acgsim.sim.scenario import Scenario


def static_reason(scenario: Scenario, whole: Group, groups: list[Group]) -> str | None:
    """Why the scenario and its groups cannot be separated, whatever the runs give (or None)."""
    if any(isinstance(f, (ZoneOutage, RegionOutage)) for f in scenario.faults):
        return "zone or region outages act on replicas while VMs deploy"
    waves = {w.key: w.wave for w in scenario.waves()}
    group_of: dict[str, int] = {}
    for i, g in enumerate(groups):
        for key in sorted(g.waves):
            if group_of.setdefault(key, i) != i:
                return f"wave {key} is in two groups"
    if set(group_of) != set(whole.waves):
        return "a wave of the plan is in no group searched"
    p = scenario.model
    if p.throttling:
        owner: dict[str, int] = {}
        for key in sorted(group_of):
            sub = waves[key].subscription
            if owner.setdefault(sub, group_of[key]) != group_of[key]:
                return f"subscription {sub} deploys waves of two groups (shared buckets)"
    for g in groups:
        for key in sorted(g.waves):
            w = waves[key]
            mine = _resolves(scenario, w.image, w.region, g.copies)
            if mine is None or mine != _resolves(scenario, w.image, w.region, whole.copies):
                return f"{key}'s image may resolve otherwise in its group's runs than in the whole"
    return None


def _resolves(scenario: Scenario, image: str, region: str, copies: frozenset) -> str | None:
    """The version `image` gives in `region` once these replications are done (the others never
    start), or None if it gives none."""
    gallery = GalleryState(scenario)
    for c in gallery.copies():
        c.serving_since = 0.0 if (c.version, c.region) in copies else None
    gallery.clock = lambda: math.inf  # long propagated
    state, error = gallery.resolve(image, region)
    return None if state is None or error else state.ref


def first_wave(scenario: Scenario, whole: Group) -> float:
    """When the whole plan's first wave starts: no request exists before it."""
    return min((w.wave.at for w in scenario.waves() if w.key in whole.waves), default=0.0)


def assembled(
    ev: Evaluator,
    whole: Group,
    whole_counts: tuple[int, ...],
    parts: list[tuple[Group, tuple[int, ...]]],
) -> tuple[dict[str, Figures] | None, str]:
    """Each region's figures over K runs of the whole plan, taken from its group's runs with the
    chosen counts, and how they were shown to be the whole plan's; or (None, why not)."""
    counts = {(u.version, u.region): n for g, c in parts for u, n in zip(g.units, c, strict=True)}
    if counts != {(u.version, u.region): n for u, n in zip(whole.units, whole_counts, strict=True)}:
        raise ValueError("the groups' counts are not the whole plan's")
    variant, subset = ev.variant(whole, whole_counts)
    why = static_reason(variant, whole, [g for g, _ in parts])
    if why is not None:
        return None, why
    p = ev.scenario.model
    delay, start = p.replication.propagation_delay, first_wave(ev.scenario, whole)
    if start <= delay:
        return None, (
            f"the first wave starts at {start:g} s, before any replication can be done and "
            f"propagated ({delay:g} s)"
        )
    by = start - delay
    runs = (replicated_before(variant, ev.seed, i, by, subset) for i in range(ev.runs))
    late = next(filter(None, runs), None)
    figures: dict[str, Figures] = {}
    for g, c in parts:
        if late is not None:
            break
        late = ev.replicated_by(g, c, by)  # before simulating more of its runs
        if late is None:
            figures.update(ev.group(g, c))
            late = ev.replicated_by(g, c, by)
    if late is not None:
        return (
            None,
            f"replication is not done and propagated by the first wave at {start:,.0f} s: {late}",
        )
    shared = "no subscription in two of them" if p.throttling else "no bucket (throttling off)"
    return figures, (
        f"{ev.runs} runs of the whole plan, each region's part its group's run with the chosen "
        f"counts ({len(parts)} group{'s' if len(parts) != 1 else ''}, {shared}, each image "
        f"resolving alike, every replication done and propagated before the first wave: "
        f"{ev.runs} more runs of the whole plan's replication alone show it; planner.separable)"
    )
