"""One VM request's life, from submission to running or failure [ACG][CTL][ARM].

Access is checked; the PUT is sent until ARM and the compute RP accept it (sim.client); the image is
resolved in the region (an explicit version or `latest`); a replica slot is taken (maybe after a
FIFO wait); the OS disk is created from the replica; the VM boots. If the replica is lost while
the disk is being created, the client retries the whole create with backoff. Time to running
counts from the moment the request was submitted.

A VM request is not a SimPy process but a small object whose steps SimPy calls back: each step
waits on the very event a process would yield (a timeout, a slot's grant), scheduled in the same
order, so a run is step for step the one a process per request gives, without the process's
start and end events and generator hand-offs (most of the model's time per request). A lost
replica interrupts it as SimPy interrupts a process: an urgent event that cancels the wait for
the disk.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy
from simpy.core import NORMAL, URGENT

from acgsim.sim import catalog
from acgsim.sim.client import Client, attempt
from acgsim.sim.gallery import RegionCopy
from acgsim.sim.metrics import Request
from acgsim.sim.model import Simulation
from acgsim.sim.replicas import Replica
from acgsim.sim.workload import Arrivals, ScaleSetWave, VmWave

SERVES = catalog.SECURITY_SERVES


class Call(simpy.Event):
    """An event that calls `callback` once `delay` has passed (a Timeout, with its callback)."""

    def __init__(
        self,
        env: simpy.Environment,
        callback: Callable[[simpy.Event], None],
        delay: float = 0,  # an int, as SimPy's own: the clock reads 0, not 0.0, at the start
        priority: int = NORMAL,
    ):
        self.env = env
        self.callbacks = [callback]
        self._value = None
        self._ok = True
        env.schedule(self, priority, delay)


def start(m: Simulation, step: Callable[[simpy.Event], None]) -> None:
    """Run `step` where a new process would run its first step (SimPy's urgent Initialize)."""
    Call(m.env, step, 0, URGENT)


def finish(m: Simulation, req: Request, clock: float, due: float | None) -> None:
    """Record a request whose VM now runs: running, or failed where Azure's OS-provisioning
    clock (started at `clock`) or the client's deadline (`due`) ran out first; the failure is
    recorded at that moment (Azure carries on, the VM may still run: ERR)."""
    now = m.env.now
    timeout = clock + m.params.os_provisioning_timeout
    late = now > timeout
    if not late and (due is None or now <= due):
        # the client learns it later where its status polls were throttled (sim.polling)
        m.rec.succeed(req, now if m.polls is None else m.polls.learned(req, now))
        return
    ends = [(timeout, "OSProvisioningTimedOut")] if late else []
    if due is not None and now > due:
        ends.append((due, "ClientTimedOut"))
    at, error = min(ends)
    m.rec.fail(req, error, at)
    if m.polls is not None:  # its status is no longer polled (sim.polling)
        m.polls.gone(req.source, now)


def refusal(m: Simulation, wave: VmWave | ScaleSetWave | Arrivals) -> str | None:
    """The error every request of a wave gets because the image cannot serve its VMs: a Hyper-V
    generation or a security type the image definition does not support [SIG]."""
    gallery, image = wave.image.split("/")[:2]
    states = m.gallery.by_image[f"{gallery}/{image}"]
    if not states:  # no version at all: each request fails resolving it (ImageNotFound)
        return None
    d = states[0].image
    if wave.generation is not None and wave.generation != d.hyperv_generation:
        return "GenerationMismatch"
    if wave.security_type is not None and wave.security_type not in SERVES[d.security_type]:
        return "SecurityTypeMismatch"
    return None


def lost_error(m: Simulation, req: Request) -> str:
    """The error of a request that ran out of retries after losing its replica."""
    return "RegionUnavailable" if m.outages.region_down(req.region) else "ReplicaUnavailable"


class VmRequest:
    """One VM request, driven by SimPy callbacks; `start` is its first step. `done`, if given,
    is called in the step the request ends (a wave's client slot is freed then)."""

    __slots__ = (
        "accepted",
        "arm",
        "asked",
        "boot",
        "client",
        "copy",
        "disk",
        "done",
        "due",
        "error",
        "factor",
        "m",
        "refused",
        "replica",
        "req",
        "started",
        "timer",
    )

    def __init__(
        self,
        m: Simulation,
        req: Request,
        factor: float,
        boot: float,
        client: Client,
        refused: str | None = None,
        done: Callable[[], object] | None = None,
    ):
        self.m = m
        self.req = req
        self.factor = factor
        self.boot = boot
        self.client = client
        self.refused = refused
        self.done = done
        self.timer: Call | None = None

    def start(self, _event: simpy.Event | None = None) -> None:
        m, req = self.m, self.req
        if m.rec.trace:
            req.answers = []
        deadline = self.client.deadline
        self.due = None if deadline is None else req.submitted + deadline
        error = m.gallery.access(req.subscription, req.image)
        if error is not None:
            self._fail(error)
            return
        self._send()

    # --- the PUT, until it is accepted -----------------------------------------------------

    def _send(self, _event: simpy.Event | None = None) -> None:
        self.arm = True  # the first try always passes ARM's front door
        self._try()

    def _try(self) -> None:
        error, wait = attempt(self.m, self.req, "PutVM", self.client, self.arm, self.due)
        if wait is None:
            if error is None:
                self._accepted()
            else:
                self._fail(error)
            return
        self.error = error
        # a template deployment's engine retries behind ARM: ARM charged its one request
        self.arm = self.client.policy.arm_charged_per_retry
        Call(self.m.env, self._again, wait)

    def _again(self, _event: simpy.Event) -> None:
        if self.error is not None:  # the client's deadline came first
            self._fail(self.error)
        else:
            self._try()

    # --- the image, a replica slot, the disk, the boot -------------------------------------

    def _accepted(self) -> None:
        m, req = self.m, self.req
        self.accepted = m.env.now
        if m.polls is not None:  # its status is polled from now (sim.polling)
            m.polls.accept(req.source, self.accepted)
        if self.refused is not None:
            self._fail(self.refused)
            return
        state, error = m.gallery.resolve(req.image, req.region)
        if error is not None:
            self._fail(error)
            return
        copy: RegionCopy = state.copies[req.region]
        self.copy = copy
        req.version = copy.version  # the version's reference, as state.ref spells it
        got = copy.pool.acquire()
        if got is None or got.__class__ is Replica:
            self._create(got)
            return
        self.asked = self.accepted
        got.callbacks.append(self._granted)

    def _granted(self, event: simpy.Event) -> None:
        self.req.wait += self.m.env.now - self.asked
        self._create(event._value)

    def _create(self, got: Replica | None) -> None:
        if got is None or not got.up:  # lost while waiting, or in the instant it was granted
            self._lost()
            return
        self.disk = self.copy.disk_s * self.factor
        got.active[self.req.id] = self
        self.replica = got
        self.started = self.m.env.now
        self.timer = Call(self.m.env, self._created, self.disk)

    def interrupt(self, _cause: object = None) -> None:
        """The replica was lost (ReplicaPool.lose_zone): as SimPy interrupts a process, an
        urgent event stops the wait for the disk."""
        start(self.m, self._interrupted)

    def _interrupted(self, _event: simpy.Event) -> None:
        timer, self.timer = self.timer, None
        if timer is None:
            return
        timer.callbacks.remove(self._created)
        self.req.lost += self.m.env.now - self.started
        self._lost()

    def _created(self, _event: simpy.Event) -> None:
        self.timer = None
        got, req = self.replica, self.req
        del got.active[req.id]
        self.copy.pool.release(got)
        req.disk += self.disk
        req.replica = got.index
        req.boot = self.boot
        Call(self.m.env, self._running, self.boot)

    def _running(self, _event: simpy.Event) -> None:
        finish(self.m, self.req, self.accepted, self.due)
        if self.done is not None:
            self.done()

    # --- the ends ------------------------------------------------------------------------------

    def _lost(self) -> None:
        """After a lost replica: back off and send the PUT again, or fail when retries ran out."""
        m, req, client = self.m, self.req, self.client
        if not client.may_retry(req, False):
            self._fail(lost_error(m, req))
            return
        m.rec.retried(req)
        backoff = client.backoff(req.retries)
        req.lost += backoff
        Call(m.env, self._send, backoff)

    def _fail(self, error: str) -> None:
        m = self.m
        m.rec.fail(self.req, error, m.env.now)
        if m.polls is not None:  # an accepted create is no longer polled (sim.polling)
            m.polls.gone(self.req.source, m.env.now)
        if self.done is not None:
            self.done()
