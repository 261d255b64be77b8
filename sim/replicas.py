"""Replicas of one image version in one region, and how disk creations share them.

Azure says only that "overloading of a single replica throttles the process of instance creation"
and advises one replica per 20 (or 50) concurrent VMs [SEED][ACG]. acgsim models each replica as
serving at most `capacity` disk creations at once (an assumption derived from that guidance); the
rest wait in FIFO order. How a request picks a replica is not documented, so it is a model choice,
one small policy class each (the scenario's `replica_selection` names one; the engine maps the name
to the class once, when it builds the simulation):
- least_loaded (default): the request is bound late, to whichever replica has a free slot first,
  and among free ones to the least busy; waiting requests share one FIFO queue. This is a pooled
  c-server queue, the classic model behind the guidance.
- round_robin / random: the request is bound on arrival and waits in that replica's own FIFO queue.
  A scale set binds all its instances to one replica (the reason Azure advises one replica per
  concurrently created scale set [SEED][ACG23]).

Zones: in a region with zones an LRS or Premium_LRS replica lives in one zone (spread round-robin)
and is lost with it; a ZRS replica survives the loss of one zone [ACG]. Disk creations running on a
lost replica are interrupted and retried by their requests, never silently dropped.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

import numpy as np
import simpy


class Replica:
    """One replica: its zone (0 = zone-redundant or no zones), slots in use, who waits for it."""

    __slots__ = ("active", "busy", "index", "peak", "queue", "removed", "sets", "up", "zone")

    def __init__(self, index: int, zone: int):
        self.index = index
        self.zone = zone
        self.busy = 0
        self.peak = 0
        self.sets = 0  # scale sets bound to this replica now
        self.up = True
        self.removed = False  # taken away by an update that lowered the replica count
        self.queue: deque = deque()  # requests bound to this replica: (seq, event)
        # request id -> what creates a disk on it now, in order: a scale-set instance's process
        # or a VM request (sim.vm); either is told of a loss by its interrupt()
        self.active: dict = {}


class Selection:
    """How a pool's requests and scale sets pick a replica that is up. One instance per pool, so a
    policy may keep state (round robin's position) and draw from the pool's own stream."""

    late_binding: ClassVar[bool] = False
    """True: a request waits in the pool's one FIFO queue and takes the first slot that frees on
    any replica. False: it is bound on arrival to the replica `pick` gives and waits for it."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def pick(self, replicas: list[Replica]) -> Replica | None:
        """The replica for a request bound on arrival, or None if none is up."""
        raise NotImplementedError

    def pick_for_scale_set(self, replicas: list[Replica]) -> Replica | None:
        """The replica a scale set creates all its instances from, or None if none is up."""
        return self.pick(replicas)


class LeastLoaded(Selection):
    """Late binding to the least busy free replica (a pooled c-server queue); a scale set takes
    the replica with the fewest scale sets, then the least busy."""

    late_binding = True

    def pick(self, replicas: list[Replica]) -> Replica | None:
        best, low = None, None
        for r in replicas:  # the least busy (waiters count), lowest index first; no list built
            if r.up and (best is None or r.busy + len(r.queue) < low):
                best, low = r, r.busy + len(r.queue)
        return best

    def pick_for_scale_set(self, replicas: list[Replica]) -> Replica | None:
        best, low = None, None
        for r in replicas:  # the fewest scale sets, then the least busy, then the lowest index
            if r.up and (best is None or (r.sets, r.busy + len(r.queue)) < low):
                best, low = r, (r.sets, r.busy + len(r.queue))
        return best


class RoundRobin(Selection):
    """Each request (or scale set) the next replica in turn, skipping those that are down."""

    def __init__(self, rng: np.random.Generator):
        super().__init__(rng)
        self.next = 0

    def pick(self, replicas: list[Replica]) -> Replica | None:
        if not any(r.up for r in replicas):
            return None
        while True:
            r = replicas[self.next % len(replicas)]
            self.next += 1
            if r.up:
                return r


class RandomChoice(Selection):
    """Each request (or scale set) a replica drawn uniformly from those that are up."""

    def pick(self, replicas: list[Replica]) -> Replica | None:
        up = sum(r.up for r in replicas)
        if not up:
            return None
        k = int(self.rng.integers(up))  # the k-th replica that is up, counted without a list
        for r in replicas:
            if r.up:
                if not k:
                    return r
                k -= 1
        return None


SELECTIONS: dict[str, type[Selection]] = {
    "least_loaded": LeastLoaded,
    "round_robin": RoundRobin,
    "random": RandomChoice,
}
"""The policy class for each value of the scenario's `model.replica_selection`."""


class ReplicaPool:
    """The replicas of one version in one region, with time-weighted busy and queue statistics."""

    def __init__(
        self,
        env: simpy.Environment,
        count: int,
        capacity: int,
        zones: tuple[int, ...],
        zone_redundant: bool,
        selection: Selection,
    ):
        self.env = env
        self.capacity = capacity
        self.selection = selection
        self.zones = zones if zones and not zone_redundant else ()
        self.replicas: list[Replica] = []
        self._add(count)
        self.shared: deque = deque()  # late-bound waiters (least_loaded): (seq, event)
        self.seq = 0
        self.busy = 0
        self.waiting = 0
        self.max_queue = 0
        self.changed = env.now
        self.busy_area = 0.0
        self.capacity_area = 0.0
        self.queue_area = 0.0
        self.up_slots = count * capacity

    def _add(self, count: int) -> list[Replica]:
        zones, start = self.zones, len(self.replicas)
        new = [
            Replica(i, zones[i % len(zones)] if zones else 0) for i in range(start, start + count)
        ]
        self.replicas.extend(new)
        return new

    # --- updates: replicas added or taken away -------------------------------------------------

    def grow(self, count: int) -> None:
        """`count` new replicas (an update's copies finished) join, down until the caller's sync
        with the outages in force brings up those whose zone is up (restore_zone)."""
        for r in self._add(max(0, count)):
            r.up = False

    def retire(self, count: int) -> None:
        """An update lowers the replica count: the last `count` serving replicas take no new
        disk creations (those running finish; those bound to them and waiting are told)."""
        self._account()
        for r in [r for r in self.replicas if not r.removed][::-1][: max(0, count)]:
            r.removed = True
            if r.up:
                r.up = False
                self.up_slots -= self.capacity
            self._turn_away(r.queue)
        if self.up_slots == 0:
            self._turn_away(self.shared)

    def _turn_away(self, queue: deque) -> None:
        """Every request waiting in `queue` is told no replica will serve it (None)."""
        while queue:
            _, event = queue.popleft()
            self.waiting -= 1
            event.succeed(None)

    # --- statistics -------------------------------------------------------------------------

    def _account(self) -> None:
        now = self.env.now
        dt = now - self.changed
        if dt:
            self.busy_area += self.busy * dt
            self.capacity_area += self.up_slots * dt
            self.queue_area += self.waiting * dt
            self.changed = now

    # --- acquiring and releasing a slot ------------------------------------------------------

    def bind_set(self, previous: Replica | None = None) -> Replica | None:
        """The replica a scale set uses for all its instances (after `previous` was lost)."""
        if previous is not None:
            previous.sets -= 1
        chosen = self.selection.pick_for_scale_set(self.replicas)
        if chosen is not None:
            chosen.sets += 1
        return chosen

    def acquire(self, pin: Replica | None = None) -> Replica | simpy.Event | None:
        """A replica with a slot now, an event that yields one later (or None if lost), or None."""
        if pin is None and not self.selection.late_binding:
            pin = self.selection.pick(self.replicas)
            if pin is None:
                return None
        if pin is not None:
            if not pin.up:
                return None
            if pin.busy < self.capacity and not pin.queue:
                return self._grant(pin)
            return self._wait(pin.queue)
        free = None
        if not self.shared:
            for r in self.replicas:
                if r.up and r.busy < self.capacity and (free is None or r.busy < free.busy):
                    free = r
        if free is not None:
            return self._grant(free)
        if self.up_slots == 0:
            return None
        return self._wait(self.shared)

    def _grant(self, replica: Replica) -> Replica:
        now = self.env.now  # self._account(), inlined: this runs once a request
        dt = now - self.changed
        if dt:
            self.busy_area += self.busy * dt
            self.capacity_area += self.up_slots * dt
            self.queue_area += self.waiting * dt
            self.changed = now
        replica.busy += 1
        self.busy += 1
        if replica.busy > replica.peak:
            replica.peak = replica.busy
        return replica

    def _wait(self, queue: deque) -> simpy.Event:
        now = self.env.now  # self._account(), inlined: this runs once a waiting request
        dt = now - self.changed
        if dt:
            self.busy_area += self.busy * dt
            self.capacity_area += self.up_slots * dt
            self.queue_area += self.waiting * dt
            self.changed = now
        event = self.env.event()
        self.seq += 1
        queue.append((self.seq, event))
        self.waiting += 1
        if self.waiting > self.max_queue:
            self.max_queue = self.waiting
        return event

    def release(self, replica: Replica) -> None:
        """A disk creation on `replica` finished: free its slot and serve the longest waiter."""
        now = self.env.now  # self._account(), inlined: this runs once a request
        dt = now - self.changed
        if dt:
            self.busy_area += self.busy * dt
            self.capacity_area += self.up_slots * dt
            self.queue_area += self.waiting * dt
            self.changed = now
        replica.busy -= 1
        self.busy -= 1
        if self.shared or replica.queue:
            self._dispatch(replica)

    def _dispatch(self, replica: Replica) -> None:
        own, shared = replica.queue, self.shared
        while replica.up and replica.busy < self.capacity and (own or shared):
            # the longest waiter: bound to this replica, or in the shared queue
            if not shared or (own and own[0][0] < shared[0][0]):
                _, event = own.popleft()
            else:
                _, event = shared.popleft()
            self.waiting -= 1
            event.succeed(self._grant(replica))

    # --- zones -------------------------------------------------------------------------------

    def lose_zone(self, zone: int | None) -> int:
        """Replicas in `zone` (every replica if None) go down: their disk creations are
        interrupted and their waiters told. Returns how many disk creations were interrupted."""
        self._account()
        interrupted = 0
        for r in self.replicas:
            if (zone is not None and r.zone != zone) or not r.up:
                continue
            r.up = False
            self.up_slots -= self.capacity
            self.busy -= r.busy
            r.busy = 0
            for proc in r.active.values():
                interrupted += 1
                proc.interrupt("replica lost")
            r.active.clear()
            self._turn_away(r.queue)
        if self.up_slots == 0:
            self._turn_away(self.shared)
        return interrupted

    def restore_zone(self, zone: int) -> None:
        """Replicas in `zone` come back and start serving waiters."""
        self._account()
        for r in self.replicas:
            if r.zone == zone and not r.up and not r.removed:
                r.up = True
                self.up_slots += self.capacity
                self._dispatch(r)

    def finish(self) -> None:
        """Close the time-weighted statistics at the end of the run."""
        self._account()
