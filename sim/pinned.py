"""Exact queueing at one replica pool where scale sets take part: the fast path's general loop.

It replays sim.replicas.ReplicaPool under least_loaded selection with every replica up, and the
scale-set processes of sim.scaleset, on the same floats in the same order:
- a VM request takes a free slot on the least busy replica (lowest index first) or waits in the
  pool's shared FIFO queue;
- a scale set is given a replica when it is submitted (fewest scale sets, then least busy counting
  its waiters, then lowest index), builds its instances in batches of `batch`, each batch starting
  when the last one's disks exist, every instance on that replica (its slot, or its own queue);
- a freed slot goes to whichever of the replica's own queue and the shared queue waited longest.
Scale sets submitted in one step are all given their replicas before any of their instances asks
for a slot (SimPy starts their processes first). Events at one instant that SimPy would order by
its event ids raise `Coincident`.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

import numpy as np

from acgsim.sim.replicas import ReplicaPool
from acgsim.sim.submissions import Coincident

INF = float("inf")


@dataclass
class Job:
    """What arrives at the pool at `time`: a VM request (`members` = [its request]) or a scale
    set (`members`: its instances, in order); jobs of one step share `step`."""

    time: float
    step: tuple[int, int]
    members: list[int]
    scale_set: bool


@dataclass
class Outcome:
    """Per request (indices of the run's arrays): when it reached the pool (inf: never), when it
    got a slot, whether it waited, the replica, when its disk was done (inf: not by the horizon);
    for a scale-set instance, its set's earlier batches' disk time and queuing."""

    arrived: np.ndarray
    granted: np.ndarray
    waited: np.ndarray
    replica: np.ndarray
    released: np.ndarray
    batches: np.ndarray
    queued_before: np.ndarray


def serve_jobs(
    pool: ReplicaPool,
    jobs: list[Job],
    disks: np.ndarray,
    out: Outcome,
    batch: int,
    horizon: float,
    since: float,
    syncs: list[float],
) -> None:
    """Run the pool's jobs (in the order SimPy opens them) to the horizon, writing each request's
    figures into `out` (the run's arrays: inf, False, -1 and 0 where nothing happened); leave the
    pool's statistics and replicas as SimPy would."""
    cap, replicas = pool.capacity, pool.replicas
    k = len(replicas)
    if any(not r.up for r in replicas) or pool.shared or pool.busy:
        raise ValueError("the fast path serves a fresh pool with every replica up")
    busy, peak, sets = [0] * k, [0] * k, [0] * k
    own: dict[int, deque] = {}  # (seq, request) bound to a replica, made when one first waits
    none: deque = deque()  # what an untouched replica's own queue reads as
    shared: deque = deque()
    arrived, granted, released, waited = out.arrived, out.granted, out.released, out.waited
    where, built, queued_b = out.replica, out.batches, out.queued_before
    n = len(arrived)
    wait = np.zeros(n)
    heap: list[tuple[float, int]] = []
    states: list[list] = []  # each set's [replica, batches to come, built, queued, disks to go]
    set_of = np.full(n, -1, dtype=np.int64)  # an instance's set (its index in states)
    st = {"total": 0, "waiting": 0, "longest": 0, "seq": 0, "changed": since}
    areas = [0.0, 0.0, 0.0]
    up = pool.up_slots
    syncs = [t for t in syncs if t < horizon] + [INF]
    si = 0

    def account(now: float) -> None:
        nonlocal si
        while syncs[si] <= now:
            _step_to(syncs[si])
            si += 1
        _step_to(now)

    def _step_to(now: float) -> None:
        dt = now - st["changed"]
        if dt:
            areas[0] += st["total"] * dt
            areas[1] += up * dt
            areas[2] += st["waiting"] * dt
            st["changed"] = now

    def grant(i: int, r: int, now: float) -> None:
        busy[r] += 1
        st["total"] += 1
        if busy[r] > peak[r]:
            peak[r] = busy[r]
        granted[i], where[i] = now, r
        done = now + disks[i]
        released[i] = done
        heapq.heappush(heap, (done, i))

    def wait_in(q: deque, i: int) -> None:
        st["seq"] += 1
        q.append((st["seq"], i))
        waited[i] = True
        st["waiting"] += 1
        if st["waiting"] > st["longest"]:
            st["longest"] = st["waiting"]

    def vm_arrives(i: int, now: float) -> None:
        arrived[i] = now
        free = -1
        if not shared:
            for r in range(k):
                if busy[r] < cap and (free < 0 or busy[r] < busy[free]):
                    free = r
        if free >= 0:
            grant(i, free, now)
        else:
            wait_in(shared, i)

    def instance_arrives(i: int, r: int, now: float) -> None:
        arrived[i] = now
        if busy[r] < cap and not own.get(r):
            grant(i, r, now)
        else:
            wait_in(own.setdefault(r, deque()), i)

    def start_batch(x: int, now: float) -> None:
        state = states[x]
        members = state[1].popleft()
        state[4] = len(members)
        for i in members:
            built[i], queued_b[i] = state[2], state[3]
            set_of[i] = x
        for i in members:
            instance_arrives(i, state[0], now)

    def bind() -> int:
        best = min(range(k), key=lambda r: (sets[r], busy[r] + len(own.get(r, none)), r))
        sets[best] += 1
        return best

    def release(now: float) -> None:
        _, i = heapq.heappop(heap)
        if heap and heap[0][0] == now:
            raise Coincident("two disk creations end at one instant")
        account(now)
        r = where[i]
        busy[r] -= 1
        st["total"] -= 1
        mine = own.get(r, none)
        while busy[r] < cap and (mine or shared):  # the longest waiter takes the slot
            q = mine if not shared or (mine and mine[0][0] < shared[0][0]) else shared
            _, j = q.popleft()
            st["waiting"] -= 1
            wait[j] = now - arrived[j]
            grant(j, r, now)
        x = int(set_of[i])
        if x < 0:
            return
        state = states[x]
        state[4] -= 1
        if state[4]:
            return
        # the batch's last disk: the next batch starts (or the set lets its replica go)
        state[2] = state[2] + float(disks[i])
        state[3] = state[3] + float(wait[i])
        if state[1]:
            start_batch(x, now)
        else:
            sets[state[0]] -= 1

    j = 0
    while True:
        top = heap[0][0] if heap else INF
        a = jobs[j].time if j < len(jobs) else INF
        if min(top, a) >= horizon:
            break
        if top < a:
            release(top)
            continue
        if top == a:
            raise Coincident("a slot frees at the instant a request arrives")
        account(a)
        step = jobs[j].step
        group = []
        while j < len(jobs) and jobs[j].step == step:
            group.append(jobs[j])
            j += 1
        bound = deque()
        for job in group:  # a step's scale sets are all given replicas first
            if job.scale_set:
                members = job.members
                batches = deque(members[b : b + batch] for b in range(0, len(members), batch))
                states.append([bind(), batches, 0.0, 0.0, 0])
                bound.append(len(states) - 1)
        for job in group:
            if job.scale_set:
                start_batch(bound.popleft(), a)
            else:
                vm_arrives(job.members[0], a)
    while syncs[si] < horizon:
        _step_to(syncs[si])
        si += 1
    for _, i in heap:  # still creating its disk at the horizon
        released[i] = INF
    for x, r in enumerate(replicas):
        r.busy, r.peak, r.sets = busy[x], peak[x], sets[x]
    pool.busy, pool.waiting, pool.max_queue = st["total"], st["waiting"], st["longest"]
    pool.changed = st["changed"]
    pool.busy_area, pool.capacity_area, pool.queue_area = areas
