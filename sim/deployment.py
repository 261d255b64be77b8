"""The workload: waves of VMs, waves of scale sets and Poisson arrival streams, as SimPy processes.

Each wave submits its requests at their times: a VM wave spread evenly over `spread`, a scale-set
wave its sets likewise, an arrival stream at exponential gaps; at most `concurrency` in flight
where the wave or its client sets it (the client sends the next only when one ends). Every
request draws its disk-time factor and boot time from its wave's own named stream, in blocks. A
VM request's life is sim.vm, a scale set's sim.scaleset, and the PUT and its retries sim.client.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from acgsim.sim.client import Client
from acgsim.sim.footprint import check_room
from acgsim.sim.metrics import Request
from acgsim.sim.model import Simulation
from acgsim.sim.scaleset import scale_set
from acgsim.sim.streams import durations
from acgsim.sim.vm import VmRequest, refusal, start
from acgsim.sim.workload import Arrivals, ScaleSetWave, VmWave

CHUNK = 4096  # random numbers drawn at a time for open-ended arrival streams; also how many
# requests a wave submits between looks at the memory left (a burst submits them in one step)


def vm(
    m: Simulation,
    req: Request,
    factor: float,
    boot: float,
    client: Client,
    refused: str | None = None,
) -> Generator:
    """A SimPy process that starts one VM request (sim.vm) in its first step (acgsim serve's)."""
    VmRequest(m, req, factor, boot, client, refused).start()
    yield from ()


class Sent:
    """The requests a wave process submitted in its current step, started as SimPy would start a
    process for each: right after the step, in order (their urgent Initialize events).

    After the wave's first step (its own Initialize, urgent), a step is a timeout (normal): no
    urgent event can be pending at that instant, so the requests' first steps would run next,
    one after the other. They run at the end of the step instead (`wait`: after the wave
    scheduled its next timeout; `flush`: as it ends), sparing an event each. In the first step,
    other processes' first steps may come before theirs: they are scheduled as SimPy would."""

    __slots__ = ("env", "m", "pending", "woken")

    def __init__(self, m: Simulation):
        self.m, self.env = m, m.env
        self.pending: list = []
        self.woken = False  # the wave process has waited once: its steps are timeouts now

    def add(self, first_step) -> None:
        if self.woken:
            self.pending.append(first_step)
        else:
            start(self.m, first_step)

    def wait(self, delay: float) -> simpy.Event:
        """The wave's timeout for `delay`, scheduled before the requests' first steps run."""
        timeout = self.env.timeout(delay)
        self.flush()
        self.woken = True
        return timeout

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        for first_step in pending:
            first_step(None)


def _draws(m: Simulation, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-request disk-time factors (mean 1) and boot times, from the request's own stream."""
    disk, boot = m.params.disk, m.params.boot
    return (
        durations(rng, disk.dist, 1.0, disk.cv, n),
        durations(rng, boot.dist, boot.mean, boot.cv, n),
    )


class _Held:
    """A VM the client sends only when one of its `concurrency` slots is free (the slot is freed
    when the request ends)."""

    __slots__ = ("args", "m", "slots", "turn", "wave")

    def __init__(self, m: Simulation, slots: simpy.Resource, wave: VmWave, *args):
        self.m, self.slots, self.wave, self.args = m, slots, wave, args

    def start(self, _event: simpy.Event) -> None:
        self.m.rec.hold(self.wave.region, self.args[1])  # requested now, in flight until it ends
        self.turn = self.slots.request()
        self.turn.callbacks.append(self._send)

    def _send(self, _event: simpy.Event) -> None:
        w, (name, source, factor, boot, client, refused) = self.wave, self.args
        now = self.m.env.now
        req = self.m.rec.open("vm", name, w.region, w.subscription, w.image, now, source, True)
        VmRequest(self.m, req, factor, boot, client, refused, self._done).start()

    def _done(self) -> None:
        self.slots.release(self.turn)


def vm_wave(m: Simulation, wave: VmWave, index: int) -> Generator:
    """Submit a wave's VM requests, spread evenly over `spread`, at most `concurrency` in flight
    (the wave's, else its client's: Terraform runs 10 at once)."""
    env = m.env
    name, source = wave.name or f"vms[{index}]", f"vms/{index}"
    factors, boots = _draws(m, m.streams.rng(f"workload/vms/{index}"), wave.count)
    gap = wave.spread / wave.count
    client = Client(m, wave.client)
    refused = refusal(m, wave)
    limit = wave.concurrency or client.policy.concurrency
    slots = simpy.Resource(env, limit) if limit else None
    open_vm = m.rec.opener("vm", name, wave.region, wave.subscription, wave.image, source)
    sent = Sent(m)
    for first in range(0, wave.count, CHUNK):  # as Python floats, a block at a time
        block = slice(first, first + CHUNK)
        draws = zip(factors[block].tolist(), boots[block].tolist(), strict=True)
        for i, (f, b) in enumerate(draws, first):
            due = wave.at + i * gap
            if due > env.now:
                yield sent.wait(due - env.now)
            if i % CHUNK == CHUNK - 1:
                check_room()
            if slots is not None:
                sent.add(_Held(m, slots, wave, name, source, f, b, client, refused).start)
                continue
            sent.add(VmRequest(m, open_vm(env.now), f, b, client, refused).start)
    sent.flush()


def _held_set(m: Simulation, slots: simpy.Resource, wave: ScaleSetWave, *args) -> Generator:
    """A scale set the client creates only when one of its `concurrency` slots is free (its
    instances requested, and in flight, from now)."""
    m.rec.hold(wave.region, args[1], wave.instances)
    with slots.request() as turn:
        yield turn
        yield from scale_set(m, wave, *args, held=True)


def scale_set_wave(m: Simulation, wave: ScaleSetWave, index: int) -> Generator:
    """Submit a wave's scale sets, spread evenly over `spread` (at most the client's
    `concurrency` under way at once)."""
    env = m.env
    rng = m.streams.rng(f"workload/scale_sets/{index}")
    gap = wave.spread / wave.count
    limit = m.scenario.client(wave.client).concurrency
    slots = simpy.Resource(env, limit) if limit else None
    for k in range(wave.count):
        due = wave.at + k * gap
        if due > env.now:
            yield env.timeout(due - env.now)
        if k % 64 == 63:  # 64 sets under way: 3 MB at most
            check_room()
        factors, boots = _draws(m, rng, wave.instances)
        name = f"{wave.name or f'scale_sets[{index}]'}#{k}"
        args = (name, f"scale_sets/{index}", factors, boots)
        if slots is not None:
            env.process(_held_set(m, slots, wave, *args))
        else:
            env.process(scale_set(m, wave, *args))


def arrival_stream(m: Simulation, a: Arrivals, index: int) -> Generator:
    """Poisson arrivals of VM requests at `rate_per_min` from `at` for `duration`."""
    env = m.env
    rng = m.streams.rng(f"workload/arrivals/{index}")
    name, source = a.name or f"arrivals[{index}]", f"arrivals/{index}"
    client, refused = Client(m, a.client), refusal(m, a)
    open_vm = m.rec.opener("vm", name, a.region, a.subscription, a.image, source)
    mean_gap, end, t = 60.0 / a.rate_per_min, a.at + a.duration, a.at
    sent = Sent(m)
    while True:
        check_room()
        gaps = rng.exponential(mean_gap, CHUNK)
        factors, boots = _draws(m, rng, CHUNK)
        for g, f, b in zip(gaps.tolist(), factors.tolist(), boots.tolist(), strict=True):
            t += g
            if t >= end:
                sent.flush()
                return
            if t > env.now:
                yield sent.wait(t - env.now)
            sent.add(VmRequest(m, open_vm(env.now), f, b, client, refused).start)
