"""What the SimPy processes leave behind, filled in by the fast path (sim.fastpath): the sampler
while replication runs, the recorder's counts and arrays in the order requests finished, the time
series' request columns as the sampler would have seen them, and the trace's records.

Where two events fall at one instant whose order SimPy settles by its event ids (two finishes in
one region, an event at a sample time), `Coincident` is raised and the run goes to SimPy.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np

from acgsim.sim.metrics import Request, WaveStats
from acgsim.sim.model import Simulation
from acgsim.sim.results import Series
from acgsim.sim.submissions import Coincident


def sampler(m: Simulation) -> Generator:
    """The SimPy process that samples a run the fast path computes: the rows `m.sample()` would
    record with no request in SimPy (the requests' columns 0, filled in afterwards; available
    slots and replication progress as they are), and once nothing is left to happen before the
    horizon (replication done), the same row at each remaining sample time, copied. The law in
    tests/sim/test_fastpath.py holds it to `m.sample()`'s series."""
    env, horizon, step = m.env, m.scenario.horizon, m.params.sample_interval
    rows = {
        region: m.series.regions.setdefault(region, {k: [] for k in Series.FIELDS})
        for region in m.rec.regions
    }
    idle = [k for k in Series.FIELDS if k not in ("capacity", "replication_progress")]
    while True:
        now = env.now
        m.series.t.append(round(now, 3))
        for region, row in rows.items():
            for k in idle:
                row[k].append(0)
            row["capacity"].append(sum(p.up_slots for p in m.pools.get(region, [])))
            copies = m.copies.get(region, [])
            row["replication_progress"].append(
                round(sum(c.progress(now) for c in copies) / len(copies), 2) if copies else 0.0
            )
        wake = env.timeout(step)
        # SimPy's pending events (its queue; no public view): only ours, or past the horizon
        if all(e is wake or t >= horizon for t, _, _, e in env._queue):
            break
        yield wake
    t, later = env.now, []
    while (t := t + step) < horizon:
        later.append(round(t, 3))
    m.series.t.extend(later)
    for row in rows.values():
        for values in row.values():
            values.extend([values[-1]] * len(later))


def tick_times(step: float, horizon: float) -> np.ndarray:
    """The sampler's clock readings before the horizon: 0, then each the last plus `step`."""
    k = int(horizon // step) + 2
    ticks = np.cumsum(np.concatenate(([0.0], np.full(k, step))))
    return ticks[ticks < horizon]


def record(m, ws, pos, times, arrived, done, waited, granted, disks, boots, batched) -> None:
    """The recorder as SimPy leaves it: counts, and per region and wave the finished requests'
    figures in the order they finished (a wave's requests are one slice of the arrays)."""
    rec, horizon = m.rec, m.env.now
    rec.next_id = len(times)
    opening = [(int(pos[w.start : w.stop].min()), i) for i, w in enumerate(ws) if w.stop > w.start]
    for _, i in sorted(opening):  # waves appear as their first request opens
        w = ws[i]
        stats = rec.waves[w.key] = WaveStats(w.wave.region)
        stats.requests = w.stop - w.start
        region = rec.regions[w.wave.region]
        region.requests += stats.requests
        region.in_flight += stats.requests
    for region, stats in rec.regions.items():
        mine = [w for w in ws if w.wave.region == region and w.stop > w.start]
        if not mine:
            continue
        index = np.concatenate([np.arange(w.start, w.stop) for w in mine])
        index = index[done[index] < horizon]
        index = index[np.argsort(done[index], kind="stable")]  # in the order they finished
        ended = done[index]
        distinct(ended, "two requests of a region finish at one instant")
        off_ticks(m, ended, "a request finishes at a sample time")
        stats.succeeded += len(index)
        stats.in_flight -= len(index)
        stats.ttr.frombytes(_raw(ended - times[index]))
        stats.waits.frombytes(_raw(_waits(waited, granted, arrived, index)))
    for w in ws:
        at = np.arange(w.start, w.stop)
        index = at[done[w.start : w.stop] < horizon]
        if not len(index):
            continue
        index = index[np.argsort(done[index], kind="stable")]
        stats = rec.waves[w.key]
        stats.succeeded = len(index)
        stats.ttr.frombytes(_raw(done[index] - times[index]))
        parts = np.zeros((len(index), 6), dtype=np.float32)  # each float64 rounded as array('f')
        before = 0.0 if batched is None else batched.queued_before[index]
        parts[:, 2] = _waits(waited, granted, arrived, index) + before  # + queued_before
        if batched is not None:
            parts[:, 1] = batched.batches[index]
        parts[:, 3] = disks[index]
        parts[:, 5] = boots[index]
        stats.parts.frombytes(_raw(parts))


def _raw(a: np.ndarray) -> memoryview:
    """An array's bytes without copying them (array.frombytes reads any byte buffer)."""
    return memoryview(np.ascontiguousarray(a)).cast("B")


def _waits(waited, granted, arrived, index) -> np.ndarray:
    """Time queued for a slot: `0.0 + (granted - asked)` for those that waited, else 0.0."""
    return np.where(waited[index], granted[index] - arrived[index], 0.0)


def distinct(sorted_values: np.ndarray, why: str) -> None:
    if len(sorted_values) > 1 and np.any(sorted_values[1:] == sorted_values[:-1]):
        raise Coincident(why)


def off_ticks(m: Simulation, values: np.ndarray, why: str) -> None:
    """Ineligible if any value is one of the sampler's clock readings (SimPy would order them)."""
    step = m.params.sample_interval
    ticks = tick_times(step, m.env.now)
    if not len(values) or not len(ticks):
        return
    k = np.clip(np.rint(values / step).astype(np.int64), 0, len(ticks) - 1)
    if np.any(ticks[k] == values):
        raise Coincident(why)


def series(m, ws, wave_of, pos, times, arrived, ticks, opened, served, done, finished):
    """In flight, busy slots and queue at each sample, as the sampler saw them. A request that
    reached its pool as it was opened counts from its step's place among the sampler's; one that
    reached it later (a later batch), and every grant after a wait, from its time."""
    granted, waited, _, released = served
    for region, row in m.series.regions.items():
        mine = np.flatnonzero(
            np.array([w.wave.region == region for w in ws] or [False])[wave_of]
            if len(ws)
            else np.zeros(0, dtype=bool)
        )
        if not len(mine):
            continue
        first = arrived[mine] == times[mine]  # reached the pool as it was opened
        at_once = first & ~waited[mine]  # and took a slot then
        got_at = granted[mine]
        came = np.searchsorted(np.sort(pos[mine][first]), opened, side="left") + np.searchsorted(
            np.sort(arrived[mine][~first]), ticks, side="left"
        )
        got = np.searchsorted(np.sort(pos[mine][at_once]), opened, side="left") + np.searchsorted(
            np.sort(got_at[~at_once]), ticks, side="left"
        )
        opened_here = np.searchsorted(np.sort(pos[mine]), opened, side="left")
        freed = np.searchsorted(np.sort(released[mine]), ticks, side="left")
        ended = np.searchsorted(np.sort(done[mine][finished[mine]]), ticks, side="left")
        row["in_flight"] = (opened_here - ended).tolist()
        row["busy"] = (got - freed).tolist()
        row["queue"] = (came - got).tolist()


def trace(m, ws, wave_of, order, times, served, disks, boots, done, batched) -> None:
    """Every request's record, in the order they were opened, as far as it got by the horizon."""
    granted, waited, replica, released = served
    horizon = m.env.now
    records = []
    for k, i in enumerate(order.tolist(), start=1):
        w = ws[wave_of[i]]
        x = w.wave
        kind, name, asked = "vm", w.name, float(times[i])
        if w.sets is not None:
            kind, name = "vmss_instance", f"{w.name}#{int(w.sets[i - w.start])}"
        req = Request(k, kind, name, x.region, x.subscription, x.image, asked, source=w.key)
        if batched is not None and w.sets is not None:
            asked = float(batched.arrived[i])
            if asked < horizon:  # its batch started: the set's earlier batches are known
                req.version = w.version
                req.batches = float(batched.batches[i])
                req.queued_before = float(batched.queued_before[i])
        else:
            req.version = w.version
        if granted[i] < horizon and waited[i]:
            req.wait = 0.0 + (float(granted[i]) - asked)
        if released[i] < horizon:
            req.disk = 0.0 + float(disks[i])
            req.replica = int(replica[i])
            req.boot = float(boots[i])
            if done[i] < horizon:
                req.finished, req.outcome = float(done[i]), "succeeded"
        records.append(req)
    m.rec.records = records
