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


def serve_pooled(
    pool: ReplicaPool,
    arrivals: np.ndarray,
    disks: np.ndarray,
    horizon: float,
    since: float,
    syncs: list[float],
) -> Served | None:
    """`serve` for a pool that fills up at some moment, without following its replicas: all
    capacity-c replicas being up, the pool is one FIFO queue of k x c slots, so each request's
    grant is max(arrival, the earliest slot-free time) on a heap of k x c times (one heap step a
    request), and once every slot was busy each replica's peak is c. The time-weighted
    statistics are summed, in time order, over the same instants as ReplicaPool._account.
    None if the pool never fills (its replicas' peaks need `serve`)."""
    slots = pool.capacity * len(pool.replicas)
    if any(not r.up for r in pool.replicas) or pool.shared or pool.busy:
        raise ValueError("the fast path serves a fresh pool with every replica up")
    free = [since] * slots
    swap = heapq.heapreplace
    got: list[float] = []
    grant = got.append
    for a, d in zip(arrivals.tolist(), disks.tolist(), strict=True):
        if free[0] > a:
            a = free[0]
        grant(a)
        swap(free, a + d)
    granted = np.array(got)
    waits = granted > arrivals
    done = granted + disks  # as SimPy's clock reads it: now + disk
    gone = done < horizon
    ends = np.sort(done[gone])
    if np.any(ends[1:] == ends[:-1]) or _meets(ends, arrivals):
        raise Coincident("a slot frees as a request arrives, or two slots free, at one instant")
    starts = np.sort(granted[granted < horizon])
    # every instant the pool's statistics are brought up to date, and the counts just after
    syncs = [t for t in syncs if t < horizon]
    times = _distinct(np.concatenate((arrivals, ends, np.array(syncs, dtype=np.float64))))
    arrived = np.searchsorted(arrivals, times, side="right")
    started = np.searchsorted(starts, times, side="right")
    busy = started - np.searchsorted(ends, times, side="right")
    waiting = arrived - started
    if busy.max(initial=0) < slots:
        return None
    dt = np.diff(times, prepend=since)
    was_busy = np.concatenate(([0], busy[:-1]))
    was_waiting = np.concatenate(([0], waiting[:-1]))
    up = pool.up_slots
    pool.busy_area = float(np.add.accumulate(was_busy * dt)[-1])
    pool.capacity_area = float(np.add.accumulate(up * dt)[-1])
    pool.queue_area = float(np.add.accumulate(was_waiting * dt)[-1])
    pool.changed = float(times[-1])
    pool.busy, pool.waiting = int(busy[-1]), int(waiting[-1])
    pool.max_queue = int(waiting.max())
    for r in pool.replicas:
        r.peak = pool.capacity
    granted[granted >= horizon] = INF
    done[~gone] = INF
    return Served(granted, waits, np.full(len(arrivals), -1, dtype=np.int64), done)


def _meets(ordered: np.ndarray, values: np.ndarray) -> bool:
    """Whether any of `values` is in `ordered` (sorted): np.isin, by bisection."""
    if not len(ordered):
        return False
    at = np.searchsorted(ordered, values)
    at[at == len(ordered)] = len(ordered) - 1
    return bool((ordered[at] == values).any())


def _distinct(times: np.ndarray) -> np.ndarray:
    """np.unique of times made of sorted runs: a stable sort merges the runs."""
    times.sort(kind="stable")
    keep = np.empty(len(times), dtype=bool)
    keep[:1] = True
    np.not_equal(times[1:], times[:-1], out=keep[1:])
    return times[keep]


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
    granted = [INF] * n  # only for those that waited: the others got theirs as they arrived
    waited = [False] * n
    where = [-1] * n
    free = [(0, i) for i in range(len(replicas))]  # (busy, index): least busy, lowest index
    heap: list[tuple[float, int]] = []  # (disk done, replica)
    queue: deque = deque()
    total = waiting = longest = 0
    up = pool.up_slots
    changed, busy_area, cap_area, queue_area = since, 0.0, 0.0, 0.0
    push, pop, swap = heapq.heappush, heapq.heappop, heapq.heapreplace
    popleft, append = queue.popleft, queue.append
    syncs = [t for t in syncs if t < horizon] + [INF]
    si, next_sync = 0, syncs[0]
    arrivals = [*arrivals, INF]
    i, a = 0, arrivals[0]
    top = INF  # the next disk creation to end
    while True:
        # the next event: a disk creation ending, or a request arriving (never at one instant)
        ending = top < a
        now = top if ending else a
        if now >= horizon:
            break
        if next_sync <= now:  # another copy completed: the statistics are brought up to date
            while next_sync <= now:
                dt = next_sync - changed
                if dt:
                    busy_area += total * dt
                    cap_area += up * dt
                    queue_area += waiting * dt
                    changed = next_sync
                si += 1
                next_sync = syncs[si]
        dt = now - changed
        if dt:
            busy_area += total * dt
            cap_area += up * dt
            queue_area += waiting * dt
            changed = now
        if ending:
            if queue:  # the longest waiter takes the freed slot on the same replica
                r = heap[0][1]
                k = popleft()
                waiting -= 1
                granted[k] = now
                where[k] = r
                swap(heap, (now + disks[k], r))
            else:
                _, r = pop(heap)
                busy[r] -= 1
                total -= 1
                push(free, (busy[r], r))
            top = heap[0][0] if heap else INF
            if top == now:
                raise Coincident("two disk creations end at one instant")
            continue
        if top == a:
            raise Coincident("a slot frees at the instant a request arrives")
        r = -1
        if not queue:
            while free:
                b, r = free[0]
                if b == busy[r] and b < cap:
                    break
                pop(free)  # stale, or full: look again
                r = -1
        if r >= 0:
            b = busy[r] = b + 1
            total += 1
            if b > peak[r]:
                peak[r] = b
            if b < cap:
                swap(free, (b, r))
            else:
                pop(free)
            where[i] = r
            push(heap, (a + disks[i], r))
            top = heap[0][0]
        else:
            waited[i] = True
            append(i)
            waiting += 1
            if waiting > longest:
                longest = waiting
        i += 1
        a = arrivals[i]
    while next_sync < horizon:
        dt = next_sync - changed
        if dt:
            busy_area += total * dt
            cap_area += up * dt
            queue_area += waiting * dt
            changed = next_sync
        si += 1
        next_sync = syncs[si]
    for x, r in enumerate(replicas):
        r.busy, r.peak = busy[x], peak[x]
    pool.busy, pool.waiting, pool.max_queue = total, waiting, longest
    pool.changed, pool.busy_area, pool.capacity_area, pool.queue_area = (
        changed,
        busy_area,
        cap_area,
        queue_area,
    )
    waits = np.array(waited, dtype=bool)
    got = np.where(waits, np.array(granted, dtype=np.float64), arrivals[:-1])
    done = got + np.asarray(disks, dtype=np.float64)  # as SimPy's clock reads it: now + disk
    done[(got >= horizon) | (done >= horizon)] = INF  # not granted, or not done, by the horizon
    got[got >= horizon] = INF
    return Served(got, waits, np.array(where, dtype=np.int64), done)
