"""Status polls of long-running creates, and the read buckets they draw from.

A create is a long-running operation: Azure accepts the PUT (201 with an Azure-AsyncOperation
header) and the client polls the operation until it ends. acgsim models what a user sees:
- every accepted create's compute operation is polled every `model.polling.operation_interval`
  (10 s: the Retry-After the compute RP sends with a VM create) against compute's GetOperation
  bucket of the subscription and region (15,000 tokens refilled 5,000/min [CTL]), by the client or
  by ARM's deployment engine;
- the client's own polls (every `poll_interval` of its profile: azure-cli 30 s, python-sdk and
  terraform 10 s, arm-template none per VM) are ARM reads, drawn from the subscription's ARM read
  bucket (250 tokens refilled 25/s per principal [ARM]; with several principals, their buckets
  taken together, the requests being spread evenly over them);
- the poll that would tell the client its VM runs (the decisive poll, at the moment it runs) finds
  a bucket empty when polls outrun its refill: it gets HTTP 429 with a Retry-After, and the client
  tries again until a poll passes, so it learns its VM runs that much later. The lag counts in the
  request's time to running (`polled`) and in its `throttled` part. A scale-set instance's time is
  its own; the set is one operation (one poller, until its last batch has its disks), whose polls
  drain the buckets.

Aggregated, not one process per poll (labelled assumptions): a VM wave's pollers are its accepted
creates still in flight (bounded above by both its accepted-minus-succeeded count and its in-flight
count, so reads are never under-counted); the polls are a fluid flow of pollers / interval per
second, the demand counted afresh at each acceptance and each finish of a wave that polls the
bucket; the decisive poll passes when the bucket holds a token; otherwise, while demand D exceeds
the refill r, a poll passes with probability r / D and the client makes ceil(D / r) tries,
Retry-After apart (the service's shortest, `retry.min_retry_after`, since an empty read bucket's
next token is under a second away). A demand at or below the refill is served whole (the fluid's
reading of an empty bucket that refills). Both buckets are read at the VM's own moment and their
lags add. The lag does not feed back into the run: the client's concurrency slot is freed and its
deadline judged at the VM's own time.

It costs nothing per request where it cannot bind: `build` proves from the scenario that the
demand can never exceed a bucket's refill (so a full bucket never drains) and then returns None;
the deployment code calls in only when it did not. The fast path checks the demand exactly from
its requests' times and leaves a run where it exceeds a refill to SimPy. Run results report the
reads and their 429s where any poll was throttled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from acgsim.sim import catalog
from acgsim.sim.metrics import Recorder, Request, WaveStats
from acgsim.sim.params import ModelParams
from acgsim.sim.scenario import Scenario
from acgsim.sim.workload import Arrivals, ScaleSetWave, VmWave

READ = catalog.ARM_BUCKETS["read"]
OPERATION = catalog.COMPUTE_POLICIES["GetOperation"].per_subscription
ARRIVAL_BOUND = 2.0  # a stream's arrivals in flight are bounded by twice its mean count + 100:
ARRIVAL_SLACK = 100  # a Poisson count above that has probability far below 1e-20


@dataclass(slots=True)
class _Poller:
    """One wave's pollers in one bucket: its key and how often each polls."""

    source: str
    interval: float
    per_set: int  # a scale set's instances (its one operation polls); 1 for VMs


@dataclass(slots=True)
class ReadBucket:
    """A read bucket drained by a fluid flow of polls, updated lazily at each finish."""

    label: str  # the bucket: "reads <subscription>", "GetOperation <subscription>/<region>"
    header: str  # the remaining-calls header a trace shows, with {n} for the tokens left
    size: float
    refill_per_s: float
    pollers: list[_Poller] = field(default_factory=list)
    interval_of: dict[str, float] = field(default_factory=dict)
    tokens: float = 0.0
    updated: float = 0.0
    demand: float = 0.0  # polls per second at the last update
    reads: float = 0.0
    refused: float = 0.0  # polls answered 429

    def advance(self, now: float, demand: float) -> None:
        """Bring the bucket to `now` (refilled, drained by the demand since the last update);
        `demand` is the polls per second from now on."""
        dt = now - self.updated
        if dt > 0:
            self.reads += self.demand * dt
            tokens = self.tokens + (self.refill_per_s - self.demand) * dt
            if tokens < 0:
                self.refused += -tokens
                tokens = 0.0
            self.tokens = min(self.size, tokens)
            self.updated = now
        self.demand = demand

    def decisive(self, floor: float) -> tuple[int, float]:
        """The decisive poll now: (429 answers, seconds until a poll passes). With tokens in the
        bucket it passes; an empty bucket shares its refill r among the demand D, so the poll
        passes at one try in ceil(D / r), the tries Retry-After (`floor`) apart."""
        if self.tokens >= 1.0 or self.demand <= self.refill_per_s:
            return 0, 0.0
        refused = math.ceil(self.demand / self.refill_per_s) - 1
        return refused, refused * floor


class Polls:
    """The read buckets of a run and the lag each VM's decisive poll adds. Each wave's pollers
    are counted afresh at its own events (an acceptance, a finish, a scale set done) and the
    buckets it polls take the difference: O(1) per event."""

    def __init__(self, rec: Recorder, params: ModelParams, buckets: dict[str, list[ReadBucket]]):
        self.rec = rec
        self.floor = params.retry.min_retry_after
        self.buckets = buckets  # wave source -> the buckets its polls draw from
        self.accepted: dict[str, int] = {}
        self.pollers: dict[str, int] = {}  # wave source -> its pollers as last counted
        self.sets = {
            b.source for bs in buckets.values() for x in bs for b in x.pollers if b.per_set > 1
        }
        self.decisive_429 = 0
        self.lagged = 0
        self.lag_total = 0.0
        every = {id(b): b for bs in buckets.values() for b in bs}
        self.every = sorted(every.values(), key=lambda b: b.label)

    def _count(self, source: str) -> int:
        """The wave's pollers now: scale sets accepted and not done; VM creates accepted and
        not succeeded, at most those in flight (so failures are not counted as polling)."""
        live = self.accepted.get(source, 0)
        if source in self.sets:
            return live
        w: WaveStats = self.rec.waves[source]
        flight = w.requests - w.succeeded - sum(w.failed.values())
        return max(0, min(flight, live - w.succeeded))

    def _refresh(self, source: str, now: float) -> None:
        new = self._count(source)
        old = self.pollers.get(source, 0)
        if new == old:
            return
        self.pollers[source] = new
        for b in self.buckets.get(source, ()):
            b.advance(now, max(0.0, b.demand + (new - old) / b.interval_of[source]))

    def accept(self, source: str, now: float) -> None:
        """A create of wave `source` was accepted: it polls from now."""
        self.accepted[source] = self.accepted.get(source, 0) + 1
        self._refresh(source, now)

    def set_done(self, source: str, now: float) -> None:
        """A scale set's last batch has its disks: its operation is no longer polled."""
        self.accepted[source] -= 1
        self._refresh(source, now)

    def gone(self, source: str, now: float) -> None:
        """A create of wave `source` failed: if it was being polled, it is no longer."""
        self._refresh(source, now)

    def learned(self, req: Request, now: float) -> float:
        """When the client learns that `req`'s VM, running at `now`, runs: `now` plus the waits
        its decisive poll met (the request's `polled` time, a part of its throttled time)."""
        source = req.source
        if req.kind != "vm":
            return now
        count = self._count(source)  # failures since the wave's last event stop polling
        change = count - self.pollers.get(source, 0)
        self.pollers[source] = count - 1  # and this one stops once it has its answer
        lag = 0.0
        for b in self.buckets.get(source, ()):
            step = 1.0 / b.interval_of[source]
            b.advance(now, max(0.0, b.demand + change * step))
            refused, wait = b.decisive(self.floor)
            b.demand = max(0.0, b.demand - step)
            if req.answers is not None:
                for k in range(min(refused, 3)):
                    req.answers.append(
                        f"{now + lag + k * self.floor:.3f}s GET operation HTTP 429; "
                        f"{b.header.format(n=0)}; Retry-After: {self.floor:g}"
                        + (f" (and {refused - 3} more 429s)" if k == 2 and refused > 3 else "")
                    )
                left = max(0, int(b.tokens) - 1)
                req.answers.append(
                    f"{now + lag + wait:.3f}s GET operation HTTP 200; {b.header.format(n=left)}"
                )
            self.decisive_429 += refused
            lag += wait
        if lag:
            self.lagged += 1
            self.lag_total += lag
            req.polled += lag
        return now + lag

    def summary(self, end: float) -> dict | None:
        """The run's reads: polls sent, answered 429, and the lag VMs were learned about with;
        None where no poll was throttled (the run is then exactly the run without polling)."""
        for b in self.every:
            b.advance(end, b.demand)
        if not self.decisive_429 and not any(b.refused for b in self.every):
            return None
        return {
            "polls": round(sum(b.reads for b in self.every)),
            "polls_throttled": round(sum(b.refused for b in self.every)) + self.decisive_429,
            "vms_learned_late": self.lagged,
            "mean_lag_s": round(self.lag_total / self.lagged, 3) if self.lagged else 0.0,
            "buckets": [
                {
                    "bucket": b.label,
                    "polls": round(b.reads),
                    "polls_throttled": round(b.refused),
                }
                for b in self.every
            ],
        }


def _in_flight_bound(wave, policy) -> int:
    """At most this many of the wave's operations are polled at once."""
    if isinstance(wave, Arrivals):
        return int(ARRIVAL_BOUND * wave.rate_per_min * wave.duration / 60) + ARRIVAL_SLACK
    limit = (wave.concurrency if isinstance(wave, VmWave) else None) or policy.concurrency
    return wave.count if limit is None else min(wave.count, limit)


def _buckets(scenario: Scenario, waves: list) -> tuple[dict[str, list[ReadBucket]], bool]:
    """Each wave's read buckets, and whether their demand may ever exceed a bucket's refill."""
    p = scenario.model
    principals = p.arm_principals
    read = catalog.Bucket(READ.size * principals, READ.refill_per_s * principals)
    buckets: dict[str, ReadBucket] = {}
    by_source: dict[str, list[ReadBucket]] = {}
    bound: dict[str, float] = {}
    for ref in waves:
        w = ref.wave
        policy = scenario.client(w.client)
        per_set = w.instances if isinstance(w, ScaleSetWave) else 1
        most = _in_flight_bound(w, policy)
        keys = (
            (f"reads {w.subscription}", policy.poll_interval, READS_HEADER, read),
            (
                f"GetOperation {w.subscription}/{w.region}",
                p.polling.operation_interval,
                OP_HEADER,
                OPERATION,
            ),
        )
        mine = by_source[ref.key] = []
        for key, interval, name, spec in keys:
            if interval is None:
                continue
            b = buckets.get(key)
            if b is None:
                b = buckets[key] = ReadBucket(key, name, spec.size, spec.refill_per_s)
                b.tokens = spec.size
            b.pollers.append(_Poller(ref.key, interval, per_set))
            b.interval_of[ref.key] = interval
            bound[key] = bound.get(key, 0.0) + most / interval
            mine.append(b)
    return by_source, any(bound[k] > b.refill_per_s for k, b in buckets.items())


READS_HEADER = "x-ms-ratelimit-remaining-subscription-reads: {n}"
OP_HEADER = "x-ms-ratelimit-remaining-resource: Microsoft.Compute/GetOperation;{n}"


def build(scenario: Scenario, waves: list, rec: Recorder, trace: bool) -> Polls | None:
    """The run's polls, or None where reads are not throttled or can never bind (and the run does
    not trace: a trace shows the remaining-reads header of every VM's decisive poll)."""
    p = scenario.model
    if not (p.throttling and p.polling.read_throttling):
        return None
    by_source, binds = _buckets(scenario, waves)
    return Polls(rec, p, by_source) if binds or trace else None


def may_bind(scenario: Scenario, waves: list) -> str | None:
    """Why status polls may be throttled, from the scenario alone (None: they never are)."""
    p = scenario.model
    if p.throttling and p.polling.read_throttling and _buckets(scenario, waves)[1]:
        return "status polls may be throttled (reads; sim.polling)"
    return None


def fast_reason(scenario: Scenario, waves: list, accepted: np.ndarray, done: np.ndarray):
    """Why the fast path cannot compute a run whose requests (wave-concatenated, each wave's
    `start:stop`) were accepted and ran at these times: a read bucket's demand, counted exactly
    from them, exceeds its refill at some moment (or a scale set polls it). None: it never does,
    so no poll is ever throttled and the run is what SimPy would compute."""
    if may_bind(scenario, waves) is None:
        return None
    by_source, _ = _buckets(scenario, waves)
    span = {w.key: (w.start, w.stop, w.sets if w.stop > w.start else None) for w in waves}
    every = {id(b): b for bs in by_source.values() for b in bs}
    for b in every.values():
        starts, ends, weights = [], [], []
        for poller in b.pollers:
            lo, hi, sets = span[poller.source]
            start, end = accepted[lo:hi], done[lo:hi]
            if sets is not None:  # a set polls from its PUT until its last instance runs
                start = np.full(int(sets.max()) + 1, np.inf)
                end = np.full(len(start), -np.inf)
                np.minimum.at(start, sets, accepted[lo:hi])
                np.maximum.at(end, sets, done[lo:hi])
            starts.append(start)
            ends.append(end)
            weights.append(np.full(len(start), 1.0 / poller.interval))
        w = np.concatenate(weights)
        t = np.concatenate(starts + ends)
        kind = np.concatenate([np.zeros(len(w)), np.ones(len(w))])  # at one instant: starts first
        step = np.concatenate([w, -w])[np.lexsort((kind, t))]
        if len(step) and float(np.cumsum(step).max()) > b.refill_per_s:
            return "status polls may be throttled (reads; sim.polling)"
    return None
