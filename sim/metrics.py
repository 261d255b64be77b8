"""What a run measures: one record per deployment request, streaming aggregates, time series.

Records exist while a request is in flight (a scale set's instances from the moment their batch
starts); afterwards only its figures are kept, in compact arrays per region (time to running and
replica wait, 16 bytes a request: exact percentiles need every value), unless the run traces, in
which case every record is kept. Summaries are computed after the run with numpy, so a million
finished requests cost a few megabytes.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import count

import numpy as np


@dataclass(slots=True)
class Request:
    """One deployment request: a VM, or one instance of a scale set."""

    id: int
    kind: str  # vm | vmss_instance
    wave: str
    region: str
    subscription: str
    image: str
    submitted: float
    version: str = ""
    replica: int = -1  # index of the replica that created the disk
    throttled: int = 0  # 429 answers received
    retries: int = 0
    wait: float = 0.0  # time queued for a replica slot
    disk: float = 0.0  # time creating the OS disk from a replica (work lost to a replica: `lost`)
    boot: float = 0.0
    finished: float | None = None
    outcome: str = "in_flight"  # succeeded | failed | in_flight
    error: str = ""
    source: str = ""  # the workload wave's key: "vms/0", "scale_sets/1", "arrivals/2"
    held: float = 0.0  # time refused at the front door (429s, region down) before a retry
    batches: float = 0.0  # a scale-set instance: its set's earlier batches creating their disks
    lost: float = 0.0  # disk work lost with a replica, and the backoff before trying again
    queued_before: float = 0.0  # a scale-set instance: its set's earlier batches queuing
    counted: int = 0  # retries counted against the client's budget (a 429 is not, for some)
    polled: float = 0.0  # the client learned it runs this much later: status polls got 429
    answers: list[str] | None = None  # traced: each answer with its remaining-calls headers
    turn: int = 0  # its subscription's VM requests opened before it (its ARM principal's turn)

    def parts(self) -> tuple[float, float, float, float, float, float]:
        """Where the time to running went, in the order of sim.attribution.PARTS; they sum to it
        (throttling: the PUT's 429s and the status polls' alike)."""
        queued = self.wait + self.queued_before
        return (self.held + self.polled, self.batches, queued, self.disk, self.lost, self.boot)

    def row(self) -> dict:
        row = asdict(self)
        del row["turn"]  # the trace's columns: the principal shows in each answer's headers
        return row


class RegionStats:
    """Streaming aggregates for one region."""

    __slots__ = (
        "failed",
        "in_flight",
        "requests",
        "retries",
        "succeeded",
        "throttled",
        "ttr",
        "waits",
    )

    def __init__(self) -> None:
        self.requests = 0
        self.succeeded = 0
        self.in_flight = 0
        self.failed: Counter = Counter()
        self.ttr = array("d")
        self.waits = array("d")
        self.throttled = 0
        self.retries = 0


class WaveStats:
    """Streaming aggregates for one workload wave: its outcomes, and for each request that ran,
    its time to running (exact percentiles) and where that time went (float32: 24 bytes)."""

    __slots__ = ("failed", "parts", "region", "requests", "succeeded", "ttr")

    def __init__(self, region: str) -> None:
        self.region = region
        self.requests = 0
        self.succeeded = 0
        self.failed: Counter = Counter()
        self.ttr = array("d")
        self.parts = array("f")  # six values a request that ran, in the order of Request.parts


class Recorder:
    """Collects request outcomes per region; keeps every record only when tracing."""

    def __init__(self, regions: list[str], trace: bool):
        self.regions = {r: RegionStats() for r in sorted(regions)}
        self.trace = trace
        self.records: list[Request] = []
        self.next_id = 0
        self.turns: dict[str, Iterator[int]] = {}  # numbers each subscription's VM requests
        self.waves: dict[str, WaveStats] = {}

    def _wave(self, source: str, region: str, n: int) -> None:
        w = self.waves.get(source)
        if w is None:
            w = self.waves[source] = WaveStats(region)
        w.requests += n

    def hold(self, region: str, source: str, n: int = 1) -> None:
        """n requests of the wave `source` that its client holds back until one of its
        `concurrency` slots frees, counted as submitted and in flight now (the run may end before
        they are sent); their records are made when sent (`open`/`open_many` with `held`)."""
        self._wave(source, region, n)
        stats = self.regions[region]
        stats.requests += n
        stats.in_flight += n

    def open(
        self,
        kind: str,
        wave: str,
        region: str,
        subscription: str,
        image: str,
        now: float,
        source: str,
        held: bool = False,
    ) -> Request:
        """A new request of the wave `source`, counted as submitted and in flight (unless `held`
        counted it already)."""
        self.next_id += 1
        turn = next(self.turns.setdefault(subscription, count()))
        req = Request(self.next_id, kind, wave, region, subscription, image, now, source=source)
        req.turn = turn
        if not held:
            self.hold(region, source)
        if self.trace:
            self.records.append(req)
        return req

    def opener(
        self, kind: str, wave: str, region: str, subscription: str, image: str, source: str
    ) -> Callable[[float], Request]:
        """`open` for the requests of one wave, its lookups done once: `opener(...)(now)`."""
        stats, waves, records = self.regions[region], self.waves, self.records
        turns = self.turns.setdefault(subscription, count())

        def open_one(now: float) -> Request:
            self.next_id += 1
            req = Request(self.next_id, kind, wave, region, subscription, image, now, source=source)
            req.turn = next(turns)
            w = waves.get(source)
            if w is None:
                w = waves[source] = WaveStats(region)
            w.requests += 1
            stats.requests += 1
            stats.in_flight += 1
            if self.trace:
                records.append(req)
            return req

        return open_one

    def open_many(
        self,
        n: int,
        kind: str,
        wave: str,
        region: str,
        subscription: str,
        image: str,
        now: float,
        source: str,
        held: bool = False,
    ) -> Iterator[Request]:
        """n requests submitted at once (a scale set's instances), counted now (unless `held`
        counted them already); each record is made as it is taken from the iterator, so a scale
        set waiting for its next batch holds none (when tracing, all are made now, in the order
        `open` would have made them)."""
        first = self.next_id + 1
        self.next_id += n
        if not held:
            self.hold(region, source, n)
        made = (
            Request(first + i, kind, wave, region, subscription, image, now, source=source)
            for i in range(n)
        )
        if not self.trace:
            return made
        every = list(made)
        self.records.extend(every)
        return iter(every)

    def finished(self) -> int:
        """Requests that succeeded or failed so far, in every region."""
        return sum(s.requests - s.in_flight for s in self.regions.values())

    def throttled(self, req: Request) -> None:
        req.throttled += 1
        self.regions[req.region].throttled += 1

    def retried(self, req: Request) -> None:
        req.retries += 1
        self.regions[req.region].retries += 1

    def succeed(self, req: Request, now: float) -> None:
        req.finished, req.outcome = now, "succeeded"
        stats = self.regions[req.region]
        stats.in_flight -= 1
        stats.succeeded += 1
        ttr = now - req.submitted
        stats.ttr.append(ttr)
        stats.waits.append(req.wait)
        w = self.waves[req.source]
        w.succeeded += 1
        w.ttr.append(ttr)
        w.parts.extend(  # req.parts(), inlined: this runs once a request
            (
                req.held + req.polled,
                req.batches,
                req.wait + req.queued_before,
                req.disk,
                req.lost,
                req.boot,
            )
        )

    def fail(self, req: Request, error: str, now: float) -> None:
        req.finished, req.outcome, req.error = now, "failed", error
        stats = self.regions[req.region]
        stats.in_flight -= 1
        stats.failed[error] += 1
        stats.waits.append(req.wait)
        self.waves[req.source].failed[error] += 1


def in_order(values: array) -> np.ndarray:
    """The sample sorted: its percentiles are the same, and found with one sort instead of a
    partition for each call (quantiles, quantiles_all, percentiles)."""
    return np.sort(np.frombuffer(values, dtype=np.float64))


def quantiles(values: array | np.ndarray, ordered: np.ndarray | None = None) -> dict:
    """p50, p95, p99, max and mean of a sample (None where empty), rounded to milliseconds.
    `ordered`, if given, is the sample sorted: the same figures, found faster (the mean is
    summed in the sample's own order, so that it stays the same to the last bit)."""
    if len(values) == 0:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    a = np.frombuffer(values, dtype=np.float64) if isinstance(values, array) else values
    p50, p95, p99 = np.percentile(a if ordered is None else ordered, [50, 95, 99])
    return {
        "p50": _r(p50),
        "p95": _r(p95),
        "p99": _r(p99),
        "max": _r(a.max()),
        "mean": _r(a.mean()),
    }


def quantiles_all(values: array | np.ndarray, never: int) -> dict[str, float | None]:
    """p50, p95 and p99 over every request: the `values` of those that ran, and `never` more that
    did not (failed, or still in flight at the end) counted as never running (+inf). A percentile
    that falls among those is None ("never"); so is every one of an empty sample. Where nothing
    failed they equal `quantiles`' figures; otherwise each is at least the successes-only one."""
    a = np.frombuffer(values, dtype=np.float64) if isinstance(values, array) else values
    n = len(a) + never
    out: dict[str, float | None] = {"p50": None, "p95": None, "p99": None}
    if n == 0 or len(a) == 0:
        return out
    m = len(a)
    for key, q in (("p50", 50), ("p95", 95), ("p99", 99)):
        pos = q / 100 * (n - 1)  # numpy's default (linear) rule, over all n values
        if int(np.ceil(pos)) >= m:
            continue  # it falls on a request that never ran
        # the same position among the m that ran: numpy's own interpolation, so that with
        # nothing failed the figure is exactly quantiles' one
        out[key] = _r(np.percentile(a, min(100.0, 100 * pos / (m - 1))) if m > 1 else a[0])
    return out


def percentiles(values: array | np.ndarray) -> list[float] | None:
    """The 0th to 100th percentiles of a sample (101 values, for a CDF plot), or None if empty."""
    if len(values) == 0:
        return None
    a = np.frombuffer(values, dtype=np.float64) if isinstance(values, array) else values
    return [_r(x) for x in np.percentile(a, np.arange(101))]


def _r(x: float) -> float:
    return round(float(x), 3)


@dataclass
class PoolFigures:
    """Replica figures summed over pools (a region's versions, or every region)."""

    busy_area: float = 0.0
    capacity_area: float = 0.0
    queue_area: float = 0.0
    longest_queue: int = 0
    peak_busy: int = 0  # the most disk creations one replica ever ran at once
    capacity: int = 0  # the per-replica capacity that peak_busy must respect (0: no replicas)

    def add(
        self,
        busy: float,
        capacity_area: float,
        queue: float,
        longest: int,
        peak: int,
        capacity: int,
    ) -> None:
        self.busy_area += busy
        self.capacity_area += capacity_area
        self.queue_area += queue
        self.longest_queue = max(self.longest_queue, longest)
        self.peak_busy = max(self.peak_busy, peak)
        self.capacity = max(self.capacity, capacity)

    def utilisation(self) -> float | None:
        return _r(self.busy_area / self.capacity_area) if self.capacity_area > 0 else None


def region_summary(
    region: str, stats: RegionStats, pools: PoolFigures, end: float, replication_done: float | None
) -> dict:
    """Key figures of one region (or of all, with region='all')."""
    ordered = in_order(stats.ttr)
    ttr = quantiles(stats.ttr, ordered)
    every = quantiles_all(ordered, stats.requests - stats.succeeded)
    waits = np.frombuffer(stats.waits, dtype=np.float64) if len(stats.waits) else None
    failed = sum(stats.failed.values())
    return {
        "region": region,
        "requests": stats.requests,
        "succeeded": stats.succeeded,
        "failed": failed,
        "in_flight": stats.in_flight,
        "failure_rate": _r(failed / stats.requests) if stats.requests else 0.0,
        "failed_by_code": dict(sorted(stats.failed.items())),
        "ttr_p50_s": ttr["p50"],
        "ttr_p95_s": ttr["p95"],
        "ttr_p99_s": ttr["p99"],
        "ttr_max_s": ttr["max"],
        "ttr_mean_s": ttr["mean"],
        "ttr_percentiles_s": percentiles(ordered),
        "ttr_all_p50_s": every["p50"],
        "ttr_all_p95_s": every["p95"],
        "ttr_all_p99_s": every["p99"],
        "wait_mean_s": _r(waits.mean()) if waits is not None else None,
        "waited_share": _r(float((waits > 0).mean())) if waits is not None else None,
        "throttled_429": stats.throttled,
        "retries": stats.retries,
        "replica_utilisation": pools.utilisation(),
        "mean_queue": _r(pools.queue_area / end) if end > 0 else 0.0,
        "longest_queue": pools.longest_queue,
        "peak_replica_busy": pools.peak_busy,
        "replica_capacity": pools.capacity,
        "replication_done_s": None if replication_done is None else _r(replication_done),
    }


def merge(stats: list[RegionStats]) -> RegionStats:
    """One RegionStats for several regions (the 'all' row)."""
    total = RegionStats()
    for s in stats:
        total.requests += s.requests
        total.succeeded += s.succeeded
        total.in_flight += s.in_flight
        total.failed.update(s.failed)
        total.ttr.extend(s.ttr)
        total.waits.extend(s.waits)
        total.throttled += s.throttled
        total.retries += s.retries
    return total
