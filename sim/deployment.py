"""VM and scale-set creation: throttling, image resolution, replica slots, disk creation, boot.

A VM request [ACG][CTL][ARM]: access is checked; the PUT passes the ARM write bucket and the
compute PutVM bucket of its subscription and region, or gets 429 with Retry-After and is retried by
the client (honouring Retry-After, up to max_retries, then it fails with
OperationNotAllowed/TooManyRequests); the image is resolved in the region (an explicit version or
`latest`); a replica slot is taken (maybe after a FIFO wait); the OS disk is created from the
replica; the VM boots. If the replica is lost while the disk is being created, the client retries
the whole create with exponential backoff.

A scale set [ACG]: one VMSS PUT (its own bucket), then its instances in batches of `vmss_batch`
(the next batch starts once the last one's disks exist), every instance from the one replica the
scale set was given (re-chosen only if that replica is lost). Time to running counts from the
moment the request (or the scale set) was submitted.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from acgsim.sim import catalog
from acgsim.sim.footprint import check_room
from acgsim.sim.gallery import RegionCopy, VersionState
from acgsim.sim.metrics import Request
from acgsim.sim.model import Simulation
from acgsim.sim.params import ClientPolicy
from acgsim.sim.replicas import Replica, ReplicaPool
from acgsim.sim.scenario import Arrivals, ScaleSetWave, VmWave
from acgsim.sim.streams import durations

ARM_SCOPE = "arm"  # ARM buckets are not per target region: see sim.throttle
CHUNK = 4096  # random numbers drawn at a time for open-ended arrival streams; also how many
# requests a wave submits between looks at the memory left (a burst submits them in one step)
SERVES = catalog.SECURITY_SERVES


class Client:
    """A wave's client: its retry policy and deadlines, bound to the simulation."""

    __slots__ = ("deadline", "policy")

    def __init__(self, m: Simulation, name: str | None, scale_set: bool = False):
        self.policy: ClientPolicy = m.scenario.client(name)
        self.deadline = self.policy.scale_set_deadline if scale_set else self.policy.deadline

    def backoff(self, retry: int) -> float:
        p = self.policy
        return min(p.backoff_max, p.backoff_base * 2.0 ** (retry - 1))

    def may_retry(self, req: Request, throttled: bool) -> bool:
        """Whether the client sends the request again, counting the retry against its budget: a
        429 is not counted when max_retries is null (Terraform); other failures count against
        failure_retries where it is set."""
        p = self.policy
        if throttled and p.max_retries is None:
            return True
        limit = p.max_retries
        if not throttled and p.failure_retries is not None:
            limit = p.failure_retries
        if limit is not None and req.counted >= limit:
            return False
        req.counted += 1
        return True


def _answer(m: Simulation, req: Request, status: int, policy: str, wait: float) -> None:
    """A traced request's record of one answer and its remaining-calls headers [TTE][ARM]."""
    if req.answers is None:
        return
    principal = f"{req.subscription}#{req.id % m.params.arm_principals}"
    writes = m.throttles.remaining("arm_write", principal, ARM_SCOPE)
    text = f"{m.env.now:.3f}s HTTP {status}"
    if writes is not None:
        text += f"; x-ms-ratelimit-remaining-subscription-writes: {writes}"
    left = m.throttles.remaining(policy, req.subscription, req.region)
    if left is not None and status != 503:
        text += f"; x-ms-ratelimit-remaining-resource: Microsoft.Compute/{policy};{left}"
    if wait:
        text += f"; Retry-After: {wait:g}"
    req.answers.append(text)


def put(
    m: Simulation, req: Request, policy: str, client: Client, since: float | None = None
) -> Generator[simpy.Event, None, str | None]:
    """Send the PUT until ARM and the compute RP accept it; the final error key if they never do
    (or the client's deadline, counted from `since` or the request's submission, comes first)."""
    env = m.env
    floor = m.params.retry.min_retry_after
    due = None if client.deadline is None else (req.submitted if since is None else since)
    due = None if due is None else due + client.deadline
    arm = True  # the first try always passes ARM's front door
    while True:
        status = 429
        if m.outages.region_down(req.region):
            error, wait, status = "RegionUnavailable", 0.0, 503
        else:
            # ARM counts a principal's writes wherever the VM goes (one ARM instance serves it)
            principal = f"{req.subscription}#{req.id % m.params.arm_principals}"
            wait = m.throttles.take("arm_write", principal, ARM_SCOPE, env.now) if arm else 0.0
            if not wait and arm and m.params.arm_principals > 1:
                wait = m.throttles.take(
                    "arm_write_subscription", req.subscription, ARM_SCOPE, env.now
                )
            error = "ArmThrottled"
            if not wait:
                wait = m.throttles.take(policy, req.subscription, req.region, env.now)
                error = "TooManyRequests"
                if not wait:
                    _answer(m, req, 201, policy, 0.0)
                    return None
            m.rec.throttled(req)
        throttled = error != "RegionUnavailable"
        if not wait or not client.policy.honour_retry_after:
            wait = client.backoff(req.retries + 1)
        elif throttled:
            wait = max(wait, floor)
        _answer(m, req, status, policy, wait if throttled else 0.0)
        if not client.may_retry(req, throttled):
            return error
        if due is not None and env.now + wait >= due:  # the client gives up first
            req.held += max(0.0, due - env.now)
            yield env.timeout(max(0.0, due - env.now))
            return "ClientTimedOut"
        m.rec.retried(req)
        req.held += wait
        # a template deployment's engine retries behind ARM: ARM charged its one request
        arm = client.policy.arm_charged_per_retry
        yield env.timeout(wait)


def _again(m: Simulation, req: Request, client: Client) -> Generator[simpy.Event, None, bool]:
    """After a lost replica: wait the backoff and say True, or say False when retries ran out."""
    if not client.may_retry(req, False):
        return False
    m.rec.retried(req)
    backoff = client.backoff(req.retries)
    req.lost += backoff
    yield m.env.timeout(backoff)
    return True


def _finish(m: Simulation, req: Request, clock: float, due: float | None) -> None:
    """Record a request whose VM now runs: running, or failed where Azure's OS-provisioning
    clock (started at `clock`) or the client's deadline (`due`) ran out first; the failure is
    recorded at that moment (Azure carries on, the VM may still run: ERR)."""
    now = m.env.now
    ends = []
    timeout = clock + m.params.os_provisioning_timeout
    if now > timeout:
        ends.append((timeout, "OSProvisioningTimedOut"))
    if due is not None and now > due:
        ends.append((due, "ClientTimedOut"))
    if ends:
        at, error = min(ends)
        m.rec.fail(req, error, at)
    else:  # the client learns it later where its status polls were throttled (sim.polling)
        m.rec.succeed(req, now if m.polls is None else m.polls.learned(req, now))


def refusal(m: Simulation, wave: VmWave | ScaleSetWave | Arrivals) -> str | None:
    """The error every request of a wave gets because the image cannot serve its VMs: a Hyper-V
    generation or a security type the image definition does not support [SIG]."""
    gallery, image = wave.image.split("/")[:2]
    d = m.gallery.by_image[f"{gallery}/{image}"][0].image
    if wave.generation is not None and wave.generation != d.hyperv_generation:
        return "GenerationMismatch"
    if wave.security_type is not None and wave.security_type not in SERVES[d.security_type]:
        return "SecurityTypeMismatch"
    return None


def _lost_error(m: Simulation, req: Request) -> str:
    return "RegionUnavailable" if m.outages.region_down(req.region) else "ReplicaUnavailable"


def _create_disk(
    m: Simulation,
    req: Request,
    pool: ReplicaPool,
    copy: RegionCopy,
    factor: float,
    pin: Replica | None = None,
) -> Generator[simpy.Event, object, bool]:
    """Take a slot, create the disk, free the slot: True if done, False if the replica was lost."""
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


def vm(
    m: Simulation,
    req: Request,
    factor: float,
    boot: float,
    client: Client,
    refused: str | None = None,
) -> Generator:
    """The SimPy process of one VM request, from submission to running (or failure)."""
    env = m.env
    if m.rec.trace:
        req.answers = []
    due = None if client.deadline is None else req.submitted + client.deadline
    error = m.gallery.access(req.subscription, req.image)
    while error is None:
        error = yield from put(m, req, "PutVM", client)
        if error is not None:
            break
        accepted = env.now
        if m.polls is not None:  # its status is polled from now (sim.polling)
            m.polls.accept(req.source, env.now)
        if refused is not None:
            error = refused
            break
        state, error = m.gallery.resolve(req.image, req.region)
        if error is not None:
            break
        copy = state.copies[req.region]
        req.version = state.ref
        if (yield from _create_disk(m, req, copy.pool, copy, factor)):
            req.boot = boot
            yield env.timeout(boot)
            _finish(m, req, accepted, due)
            return
        if not (yield from _again(m, req, client)):
            error = _lost_error(m, req)
    m.rec.fail(req, error, env.now)


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
            _finish(m, req, clock, due)
            return
        if not (yield from _again(m, req, client)):
            holder[1] = req
            disk_done.succeed()
            m.rec.fail(req, _lost_error(m, req), m.env.now)
            return


def scale_set(
    m: Simulation,
    wave: ScaleSetWave,
    name: str,
    source: str,
    factors: np.ndarray,
    boots: np.ndarray,
) -> Generator:
    """The SimPy process of one scale set: its PUT, then its instances in batches.

    An instance's time to running counts from the set's PUT: the time the PUT was refused
    (`held`), then its set's earlier batches (each as long as its slowest instance took to get
    its disk: creating it, `batches`; queuing for the replica, `queued_before`; lost replicas,
    `lost`), then its own wait, disk, losses and boot."""
    env = m.env
    n = wave.instances
    reqs = m.rec.open_many(
        n, "vmss_instance", name, wave.region, wave.subscription, wave.image, env.now, source
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


def _draws(m: Simulation, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-request disk-time factors (mean 1) and boot times, from the request's own stream."""
    disk, boot = m.params.disk, m.params.boot
    return (
        durations(rng, disk.dist, 1.0, disk.cv, n),
        durations(rng, boot.dist, boot.mean, boot.cv, n),
    )


def _held(
    m: Simulation,
    slots: simpy.Resource,
    wave: VmWave,
    name: str,
    source: str,
    factor: float,
    boot: float,
    client: Client,
    refused: str | None,
) -> Generator:
    """A VM the client sends only when one of its `concurrency` slots is free."""
    with slots.request() as turn:
        yield turn
        req = m.rec.open("vm", name, wave.region, wave.subscription, wave.image, m.env.now, source)
        yield from vm(m, req, factor, boot, client, refused)


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
    for i in range(wave.count):
        due = wave.at + i * gap
        if due > env.now:
            yield env.timeout(due - env.now)
        if i % CHUNK == CHUNK - 1:
            check_room()
        f, b = float(factors[i]), float(boots[i])
        if slots is not None:
            env.process(_held(m, slots, wave, name, source, f, b, client, refused))
            continue
        req = m.rec.open("vm", name, wave.region, wave.subscription, wave.image, env.now, source)
        env.process(vm(m, req, f, b, client, refused))


def _held_set(m: Simulation, slots: simpy.Resource, wave: ScaleSetWave, *args) -> Generator:
    """A scale set the client creates only when one of its `concurrency` slots is free."""
    with slots.request() as turn:
        yield turn
        yield from scale_set(m, wave, *args)


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
    mean_gap, end, t = 60.0 / a.rate_per_min, a.at + a.duration, a.at
    while True:
        check_room()
        gaps = rng.exponential(mean_gap, CHUNK)
        factors, boots = _draws(m, rng, CHUNK)
        for j in range(CHUNK):
            t += float(gaps[j])
            if t >= end:
                return
            if t > env.now:
                yield env.timeout(t - env.now)
            req = m.rec.open("vm", name, a.region, a.subscription, a.image, env.now, source)
            env.process(vm(m, req, float(factors[j]), float(boots[j]), client, refused))
