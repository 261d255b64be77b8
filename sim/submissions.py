"""When each VM request is submitted, and in which order, computed the way the SimPy engine does.

The fast path (sim.fastpath) needs, without running SimPy's event loop, exactly what the SimPy
processes of sim.deployment produce: every request's disk factor and boot time (the same named
streams, drawn in the same blocks), its submission time (the float the clock holds: each wait is
`env.timeout(due - env.now)`, so the clock reads `now + (due - now)`, not always `due`), and the
global order in which requests are opened, which sets their ids, the FIFO order at a replica pool
and what a time-series sample taken at the same instant sees.

Order at one instant: a wave process that wakes at time t submits its requests in one step; SimPy
runs the events of an instant in the order they were scheduled, and a process schedules its next
wake-up while handling its previous one. So among the wave processes and the sampler, the steps
at one instant run in the order of their previous steps, recursively, back to the processes'
creation (waves in the scenario's order, then the sampler). `step_order` computes that order as
the fixed point of "sort by (time, rank of the previous step)".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acgsim.sim.deployment import CHUNK
from acgsim.sim.params import ModelParams
from acgsim.sim.streams import Streams, durations
from acgsim.sim.workload import Arrivals, ScaleSetWave, VmWave


@dataclass
class Submissions:
    """One wave's requests up to the horizon: submission times, disk factors, boot times, and
    the steps (wake-ups) that submit them: request i's is `step_of[i]`, at `step_times[k]`."""

    times: np.ndarray
    factors: np.ndarray
    boots: np.ndarray
    step_of: np.ndarray
    step_times: np.ndarray
    sets: np.ndarray | None = None  # a scale-set wave's: each instance's set (0, 1, ...)


def _draws(rng: np.random.Generator, p: ModelParams, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Disk-time factors and boot times, as sim.deployment._draws draws them."""
    disk, boot = p.disk, p.boot
    return (
        durations(rng, disk.dist, 1.0, disk.cv, n),
        durations(rng, boot.dist, boot.mean, boot.cv, n),
    )


def clock_times(due: np.ndarray) -> np.ndarray:
    """The clock's readings when a process waits for each of the non-decreasing `due` times in
    turn from time 0: `now + (due - now)` when due > now, else no wait (now unchanged)."""
    if len(due) == 0:
        return due.astype(np.float64)
    prev = np.concatenate(([0.0], due[:-1]))
    got = prev + (due - prev)
    waits = due > prev
    # exact whenever the previous reading equals the previous due time (Sterbenz): check it
    if np.array_equal(got[waits], due[waits]):
        return due.astype(np.float64, copy=True)
    out = np.empty(len(due))
    now = 0.0
    for i, d in enumerate(due.tolist()):
        if d > now:
            now = now + (d - now)
        out[i] = now
    return out


def _steps(times: np.ndarray, due: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Steps: a new one each time the process waited (its due time was after the clock)."""
    prev = np.concatenate(([0.0], times[:-1])) if len(times) else times
    new = due > prev
    step_of = np.cumsum(new) - 1
    return step_of, times[new]


def vm_wave(
    wave: VmWave, index: int, streams: Streams, p: ModelParams, horizon: float
) -> Submissions:
    """A VM wave's requests (sim.deployment.vm_wave, without client concurrency)."""
    factors, boots = _draws(streams.rng(f"workload/vms/{index}"), p, wave.count)
    gap = wave.spread / wave.count
    due = wave.at + np.arange(wave.count, dtype=np.float64) * gap
    times = clock_times(due)
    step_of, step_times = _steps(times, due)
    keep = int(np.searchsorted(times, horizon, side="left"))  # steps at the horizon never run
    return Submissions(times[:keep], factors[:keep], boots[:keep], step_of[:keep], step_times)


def arrivals(
    a: Arrivals, index: int, streams: Streams, p: ModelParams, horizon: float
) -> Submissions:
    """An arrival stream's requests (sim.deployment.arrival_stream): gaps, factors and boots are
    drawn CHUNK at a time from one stream, in that order, until a time reaches the end."""
    rng = streams.rng(f"workload/arrivals/{index}")
    mean_gap, end, t = 60.0 / a.rate_per_min, a.at + a.duration, a.at
    dues, fs, bs = [], [], []
    stop = min(end, horizon)
    while True:
        gaps = rng.exponential(mean_gap, CHUNK)
        factors, boots = _draws(rng, p, CHUNK)
        ts = np.cumsum(np.concatenate(([t], gaps)))[1:]  # sequential, as `t += gap` is
        n = int(np.searchsorted(ts, end, side="left"))  # the first t >= end returns
        dues.append(ts[:n])
        fs.append(factors[:n])
        bs.append(boots[:n])
        if n < CHUNK or ts[-1] >= stop:
            break
        t = float(ts[-1])
    due = np.concatenate(dues)
    times = clock_times(due)
    step_of, step_times = _steps(times, due)
    keep = int(np.searchsorted(times, horizon, side="left"))
    return Submissions(
        times[:keep],
        np.concatenate(fs)[:keep],
        np.concatenate(bs)[:keep],
        step_of[:keep],
        step_times,
    )


def scale_set_wave(
    wave: ScaleSetWave, index: int, streams: Streams, p: ModelParams, horizon: float
) -> Submissions:
    """A scale-set wave's instances (sim.deployment.scale_set_wave): each set submitted as a VM
    wave's request is, its instances' factors and boots drawn set after set from one stream;
    every instance carries its set's submission time and step."""
    rng = streams.rng(f"workload/scale_sets/{index}")
    gap = wave.spread / wave.count
    due = wave.at + np.arange(wave.count, dtype=np.float64) * gap
    times = clock_times(due)
    step_of, step_times = _steps(times, due)
    keep = int(np.searchsorted(times, horizon, side="left"))
    n = wave.instances
    draws = [_draws(rng, p, n) for _ in range(keep)]
    return Submissions(
        np.repeat(times[:keep], n),
        np.concatenate([f for f, _ in draws] or [np.empty(0)]),
        np.concatenate([b for _, b in draws] or [np.empty(0)]),
        np.repeat(step_of[:keep], n),
        step_times,
        np.repeat(np.arange(keep), n),
    )


class Coincident(Exception):
    """Events at one instant whose order the fast path cannot settle."""


def step_order(steps: list[np.ndarray]) -> list[np.ndarray]:
    """The rank of every step of every process in SimPy's processing order. `steps[p]` holds
    process p's wake-up times (increasing, all after time 0), processes in creation order."""
    times = np.concatenate(steps) if steps else np.empty(0)
    proc = np.concatenate([np.full(len(s), p) for p, s in enumerate(steps)]) if steps else times
    sizes = [len(s) for s in steps]
    starts = np.cumsum([0, *sizes])[:-1]
    first = np.zeros(len(times), dtype=bool)
    first[starts[np.array(sizes) > 0]] = True
    parent = np.arange(len(times)) - 1
    # before its first wake-up a process was started: in creation order, before every wake-up
    key = np.where(first, proc - len(steps), 0).astype(np.float64)
    order = np.lexsort((key, times))
    rank = np.empty(len(times), dtype=np.int64)
    rank[order] = np.arange(len(times))
    st = times[order]
    if not np.any(st[1:] == st[:-1]):
        return _split(rank, sizes)
    for _ in range(64):
        key = np.where(first, proc - len(steps), rank[np.maximum(parent, 0)])
        again = np.lexsort((key, times))
        if np.array_equal(again, order):
            return _split(rank, sizes)
        order = again
        rank[order] = np.arange(len(times))
    raise Coincident("the order of simultaneous steps did not settle")


def _split(rank: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    out, at = [], 0
    for n in sizes:
        out.append(rank[at : at + n])
        at += n
    return out
