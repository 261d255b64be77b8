"""One scale set's life [ACG]: one VMSS PUT (its own bucket), then its instances in batches.

The instances are built `vmss_batch` at a time (the next batch starts once the last one's disks
exist), every instance from the one replica the scale set was given (re-chosen only if that
replica is lost). Time to running counts from the moment the scale set was submitted.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from acgsim.sim.client import Client, put
from acgsim.sim.gallery import RegionCopy, VersionState
from acgsim.sim.metrics import Request
from acgsim.sim.model import Simulation
from acgsim.sim.replicas import Replica, ReplicaPool
from acgsim.sim.vm import finish, lost_error, refusal
from acgsim.sim.workload import ScaleSetWave


def _again(m: Simulation, req: Request, client: Client) -> Generator[simpy.Event, None, bool]:
    """After a lost replica: wait the backoff and say True, or say False when retries ran out."""
    if not client.may_retry(req, False):
        return False
    m.rec.retried(req)
    backoff = client.backoff(req.retries)
    req.lost += backoff
    yield m.env.timeout(backoff)
    return True


def _create_disk(
    m: Simulation,
    req: Request,
    pool: ReplicaPool,
    copy: RegionCopy,
    factor: float,
    pin: Replica,
) -> Generator[simpy.Event, object, bool]:
    """Take a slot on `pin`, create the disk, free the slot: True if done, False if the replica
    was lost."""
    env = m.env
    got = pool.acquire(pin)
    if got is not None and not isinstance(got, Replica):
        asked = env.now
        got = yield got
        req.wait += env.now - asked
    if got is None or not got.up:  # lost while waiting, or in the instant it was granted
        return False
    disk = copy.disk_s * factor
    got.active[req.id] = env.active_process
    started = env.now
    try:
        yield env.timeout(disk)
    except simpy.Interrupt:
        req.lost += env.now - started
        return False
    del got.active[req.id]
    pool.release(got)
    req.disk += disk
    req.replica = got.index
    return True


def _instance(
    m: Simulation,
    req: Request,
    copy: RegionCopy,
    holder: list,
    factor: float,
    boot: float,
    disk_done: simpy.Event,
    client: Client,
    due: float | None,
) -> Generator:
    """One scale-set instance: a disk from the scale set's replica (then `disk_done`), then boot.
    The last instance of a batch to have its disk (or to give up) is left in holder[1]: where
    its time since the batch started went is where the next batches' instances waited."""
    pool = copy.pool
    clock = m.env.now  # Azure's OS-provisioning clock starts with the instance's batch
    while True:
        pin = holder[0]
        if pin is None or not pin.up:
            pin = holder[0] = pool.bind_set(pin)
        if pin is not None and (yield from _create_disk(m, req, pool, copy, factor, pin)):
            holder[1] = req
            disk_done.succeed()
            req.boot = boot
            yield m.env.timeout(boot)
            finish(m, req, clock, due)
            return
        if not (yield from _again(m, req, client)):
            holder[1] = req
            disk_done.succeed()
            m.rec.fail(req, lost_error(m, req), m.env.now)
            return


def scale_set(
    m: Simulation,
    wave: ScaleSetWave,
    name: str,
    source: str,
    factors: np.ndarray,
    boots: np.ndarray,
    held: bool = False,
) -> Generator:
    """The SimPy process of one scale set: its PUT, then its instances in batches (`held`: its
    client counted them when it held the set back).

    An instance's time to running counts from the set's PUT: the time the PUT was refused
    (`held`), then its set's earlier batches (each as long as its slowest instance took to get
    its disk: creating it, `batches`; queuing for the replica, `queued_before`; lost replicas,
    `lost`), then its own wait, disk, losses and boot."""
    env = m.env
    n = wave.instances
    reqs = m.rec.open_many(
        n, "vmss_instance", name, wave.region, wave.subscription, wave.image, env.now, source, held
    )
    call = Request(0, "vmss", name, wave.region, wave.subscription, wave.image, env.now)
    client = Client(m, wave.client, scale_set=True)
    due = None if client.deadline is None else env.now + client.deadline
    state: VersionState | None = None
    error = m.gallery.access(wave.subscription, wave.image, wave.orchestration == "Flexible")
    if error is None:  # one VMSSPut token for the set [CTL]
        error = yield from put(m, call, "VMSSPut", client)
    if error is None:
        error = refusal(m, wave)
    if error is None:
        state, error = m.gallery.resolve(wave.image, wave.region)
    if error is not None or state is None:
        for r in reqs:
            r.throttled, r.retries = call.throttled, call.retries
            m.rec.fail(r, error or "NotAvailableInRegion", env.now)
        return
    if m.polls is not None:  # the set's operation is polled from now to its last batch
        m.polls.accept(source, env.now)
    copy = state.copies[wave.region]
    holder: list = [copy.pool.bind_set(), None]  # the set's replica, the batch's last instance
    batch = m.params.vmss_batch
    built = queued = lost = 0.0  # the earlier batches' time, by where it went
    for start in range(0, n, batch):  # the next batch starts when these disks exist
        disks = []
        for i in range(start, min(start + batch, n)):
            req = next(reqs)
            req.version = state.ref
            req.held, req.batches, req.queued_before, req.lost = call.held, built, queued, lost
            disks.append(env.event())
            env.process(
                _instance(
                    m, req, copy, holder, float(factors[i]), float(boots[i]), disks[-1], client, due
                )
            )
        yield env.all_of(disks)
        last = holder[1]
        built, queued, lost = built + last.disk, queued + last.wait, last.lost
    if holder[0] is not None:
        holder[0].sets -= 1  # the scale set no longer draws on its replica
    if m.polls is not None:
        m.polls.set_done(source, env.now)
