"""Exact FIFO multi-slot queueing at one replica pool, without SimPy: the fast path's core.

It replays what sim.replicas.ReplicaPool does under least_loaded selection with every replica up
(a pooled queue: a request takes a free slot on the least busy replica, lowest index first, or
waits in one FIFO queue and takes the slot the next finishing disk creation frees), on the same
floats in the same order: a heap of slot-free times gives each waiter its grant, and the pool's
time-weighted statistics are accumulated at the same instants as `ReplicaPool._account` does.
Events at one instant that SimPy would order by its event ids (a slot freed exactly when a request
arrives, two disk creations ending together) raise `Coincident`: the caller runs SimPy instead.
"""

from __future__ import annotations

import heapq
from collections import deque
from typing import NamedTuple

import numpy as np

from acgsim.sim.replicas import ReplicaPool
from acgsim.sim.submissions import Coincident

INF = float("inf")


class Served(NamedTuple):
    """Per request, in arrival order: when it got a slot (inf: not before the horizon), whether
    it waited, the replica, and when its disk was done (inf: not before the horizon)."""

    granted: np.ndarray
    waited: np.ndarray
    replica: np.ndarray
    released: np.ndarray


def serve(
    pool: ReplicaPool,
    arrivals: list[float],
    disks: list[float],
    horizon: float,
    since: float,
    syncs: list[float],
) -> Served:
    """Run the pool's requests (arrival times non-decreasing, in FIFO order; disk seconds) to the
    horizon; leave the pool's statistics and replicas as SimPy would at the horizon. The pool
    serves from `since`; `syncs` are the later times its region's other copies completed (each
    brings the pool's statistics up to date, sim.model.Simulation.sync)."""
    cap = pool.capacity
    replicas = pool.replicas
    busy = [r.busy for r in replicas]
    peak = [r.peak for r in replicas]
    if any(not r.up for r in replicas) or pool.shared or pool.busy:
        raise ValueError("the fast path serves a fresh pool with every replica up")
    n = len(arrivals)
    granted = [INF] * n
    waited = [False] * n
    where = [-1] * n
    released = [INF] * n
    free = [(0, i) for i in range(len(replicas))]  # (busy, index): least busy, lowest index
    heap: list[tuple[float, int]] = []  # (disk done, request)
    queue: deque = deque()
    total = waiting = longest = 0
    up = pool.up_slots
    changed, busy_area, cap_area, queue_area = since, 0.0, 0.0, 0.0
    push, pop = heapq.heappush, heapq.heappop
    syncs = [t for t in syncs if t < horizon] + [INF]
    si = 0

    def account(now: float) -> None:
        nonlocal si, changed, busy_area, cap_area, queue_area
        while syncs[si] <= now:
            dt = syncs[si] - changed
            if dt:
                busy_area += total * dt
                cap_area += up * dt
                queue_area += waiting * dt
                changed = syncs[si]
            si += 1
        dt = now - changed
        if dt:
            busy_area += total * dt
            cap_area += up * dt
            queue_area += waiting * dt
            changed = now

    def finish_one() -> None:
        nonlocal total, waiting
        now, j = pop(heap)
        if heap and heap[0][0] == now:
            raise Coincident("two disk creations end at one instant")
        account(now)
        r = where[j]
        busy[r] -= 1
        total -= 1
        if queue:  # the longest waiter takes the freed slot on this replica
            k = queue.popleft()
            waiting -= 1
            busy[r] += 1
            total += 1
            if busy[r] > peak[r]:
                peak[r] = busy[r]
            granted[k] = now
            where[k] = r
            done = now + disks[k]
            released[k] = done
            push(heap, (done, k))
        else:
            push(free, (busy[r], r))

    for i in range(n):
        a = arrivals[i]
        while heap and heap[0][0] < a:
            finish_one()
        if heap and heap[0][0] == a:
            raise Coincident("a slot frees at the instant a request arrives")
        account(a)
        r = -1
        if not queue:
            while free:
                b, r = free[0]
                if b != busy[r] or b >= cap:  # stale, or full: look again
                    pop(free)
                    r = -1
                    continue
                break
        if r >= 0:
            pop(free)
            busy[r] += 1
            total += 1
            if busy[r] > peak[r]:
                peak[r] = busy[r]
            granted[i] = a
            where[i] = r
            done = a + disks[i]
            released[i] = done
            push(heap, (done, i))
            if busy[r] < cap:
                push(free, (busy[r], r))
        else:
            waited[i] = True
            queue.append(i)
            waiting += 1
            if waiting > longest:
                longest = waiting
    while heap and heap[0][0] < horizon:
        finish_one()
    while syncs[si] < horizon:
        account(syncs[si])
    for j in [j for _, j in heap]:  # still creating its disk at the horizon
        released[j] = INF
    for r, x in zip(replicas, range(len(replicas)), strict=True):
        r.busy, r.peak = busy[x], peak[x]
    pool.busy, pool.waiting, pool.max_queue = total, waiting, longest
    pool.changed, pool.busy_area, pool.capacity_area, pool.queue_area = (
        changed,
        busy_area,
        cap_area,
        queue_area,
    )
    return Served(
        np.array(granted, dtype=np.float64),
        np.array(waited, dtype=bool),
        np.array(where, dtype=np.int64),
        np.array(released, dtype=np.float64),
    )
