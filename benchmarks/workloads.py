"""The benchmark workloads, as acgsim scenarios and as a bare SimPy model doing the same work.

Ten regions, one 30 GB image version with 5 replicas in each, 20 disk creations per replica at
once (100 slots a region). The workload starts at 12 h, once replication into every region is
done, and the horizon leaves time for every request to finish; throttling is off (the bare model
has none), so no request fails or waits for a reason the bare model does not have.

- light: Poisson arrivals at 3.1 a second per region (about 93% of the slots busy);
- heavy: every region's share of the requests spread evenly at 16 a second (most wait).

The bare model is what one would write by hand: per region one `simpy.Resource` with a slot per
(replica x concurrency) (acgsim's least_loaded selection is exactly such a pooled FIFO queue), a
process per request that takes a slot, holds it for the disk time, releases it and boots. It
draws its numbers from the same named streams, in the same blocks, as acgsim does, so both do the
same work on the same numbers: its mean wait and time to running must equal acgsim's.
"""

from __future__ import annotations

import numpy as np
import simpy

REGIONS = [
    "westeurope",
    "northeurope",
    "eastus",
    "eastus2",
    "westus2",
    "uksouth",
    "francecentral",
    "swedencentral",
    "japaneast",
    "australiaeast",
]
REPLICAS, SLOTS, SIZE_GB = 5, 20, 30
START = 12 * 3600.0  # replication into all ten regions is done by then
RATE_PER_S = 3.1  # light: per region, about 93% of the slots busy
HEAVY_PER_S = 16.0  # heavy: per region, about 5x what its slots serve
DISK = {"dist": "lognormal", "base": "15s", "per_gb": "0.5s", "cv": 0.3}
BOOT = {"dist": "lognormal", "mean": "40s", "cv": 0.3}
DISK_MEAN_S = 15.0 + 0.5 * SIZE_GB


def _span(kind: str, requests: int) -> float:
    per = requests / len(REGIONS)
    return per / (RATE_PER_S if kind == "light" else HEAVY_PER_S)


def scenario(kind: str, requests: int, seed: int = 7):
    """The workload as an acgsim Scenario."""
    from acgsim.sim.scenario import Scenario

    span = _span(kind, requests)
    drain = requests / len(REGIONS) * DISK_MEAN_S * 1.6 / (REPLICAS * SLOTS) + 600
    common = {"subscription": "s", "image": "g/i/1.0.0", "at": START}
    if kind == "light":
        workload = {
            "arrivals": [
                {**common, "region": r, "duration": span, "rate_per_min": RATE_PER_S * 60}
                for r in REGIONS
            ]
        }
    else:
        per = requests // len(REGIONS)
        workload = {"vms": [{**common, "region": r, "count": per, "spread": span} for r in REGIONS]}
    return Scenario.model_validate(
        {
            "name": f"bench-{kind}",
            "seed": seed,
            "horizon": START + span + drain,
            "tenants": [{"name": "t", "subscriptions": [{"name": "s"}]}],
            "galleries": [
                {
                    "name": "g",
                    "subscription": "s",
                    "region": REGIONS[0],
                    "images": [
                        {
                            "name": "i",
                            "publisher": "p",
                            "offer": "o",
                            "sku": "k",
                            "os_type": "Linux",
                            "os_state": "Generalized",
                            "versions": [
                                {
                                    "name": "1.0.0",
                                    "size_gb": SIZE_GB,
                                    "replicas": REPLICAS,
                                    "storage": "Standard_ZRS",
                                    "regions": REGIONS,
                                }
                            ],
                        }
                    ],
                }
            ],
            "workload": workload,
            "model": {
                "replica_concurrency": SLOTS,
                "throttling": False,
                "disk": DISK,
                "boot": BOOT,
                # the bare model has no OS-provisioning clock: no request may fail on it (the
                # heavy burst of 100,000 waits longer than Azure's assumed 20 minutes)
                "os_provisioning_timeout": "7d",
            },
        }
    )


def bare(kind: str, requests: int, seed: int = 7) -> dict:
    """The same work in bare SimPy; returns its requests, the share that waited, the mean time
    to running and the mean wait (to check against acgsim's)."""
    from acgsim.sim.streams import Streams, durations

    env = simpy.Environment()
    streams = Streams(np.random.SeedSequence(seed))
    disk_s = 15.0 + 0.5 * SIZE_GB
    ttr: list[float] = []
    waits: list[float] = []

    def request(slots: simpy.Resource, disk: float, boot: float):
        submitted = env.now
        with slots.request() as turn:
            yield turn
            waits.append(env.now - submitted)
            yield env.timeout(disk)
        yield env.timeout(boot)
        ttr.append(env.now - submitted)

    def draws(rng, n):
        return durations(rng, "lognormal", 1.0, 0.3, n), durations(rng, "lognormal", 40.0, 0.3, n)

    def arrivals(slots: simpy.Resource, index: int, span: float):
        rng = streams.rng(f"workload/arrivals/{index}")
        t, end = START, START + span
        while True:
            gaps = rng.exponential(60.0 / (RATE_PER_S * 60), 4096)
            factors, boots = draws(rng, 4096)
            for g, f, b in zip(gaps.tolist(), factors.tolist(), boots.tolist(), strict=True):
                t += g
                if t >= end:
                    return
                if t > env.now:
                    yield env.timeout(t - env.now)
                env.process(request(slots, disk_s * f, b))

    def burst(slots: simpy.Resource, index: int, count: int, span: float):
        factors, boots = draws(streams.rng(f"workload/vms/{index}"), count)
        gap = span / count
        for i in range(count):
            due = START + i * gap
            if due > env.now:
                yield env.timeout(due - env.now)
            env.process(request(slots, disk_s * float(factors[i]), float(boots[i])))

    span = _span(kind, requests)
    for i, _ in enumerate(REGIONS):
        slots = simpy.Resource(env, capacity=REPLICAS * SLOTS)
        if kind == "light":
            env.process(arrivals(slots, i, span))
        else:
            env.process(burst(slots, i, requests // len(REGIONS), span))
    env.run(until=scenario(kind, requests, seed).horizon)
    w = np.array(waits)
    return {
        "requests": len(ttr),
        "waited_share": float((w > 0).mean()) if len(w) else 0.0,
        "ttr_mean_s": float(np.mean(ttr)) if ttr else None,
        "wait_mean_s": float(w.mean()) if len(w) else None,
    }
