"""The simulation clock of `acgsim serve`: simulated seconds for each request.

Two readings of "now" serve a request. The simulation's time (replication, replica slots, disks,
boots) runs at `speed` times wall time, so an hour of replication passes in a minute at the default
60. The token buckets' time is a separate choice: `wall` (the default) refills them at the real
rate in wall seconds, so a client sees the 429s its real request rate would earn from Azure at any
speed; `sim` refills them on the simulation's time, so at speed 60 a bucket refills 60 times faster
than the client can drain it (faithful to the compressed world, but throttling is then rarely seen).

With `step` set the clock does not look at the wall at all: every request advances both readings by
`step` simulated seconds, so the same sequence of requests gives the same answers, byte for byte.
`POST /acgsim/clock` may change the speed or jump ahead while the server runs (a class skips the
hour of replication it has seen enough of).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_SPEED = 1_000_000.0  # beyond this a single request jumps days: nothing left to watch
MAX_ADVANCE = 366 * 86400.0  # one jump: a year (an image version's life is counted in months)
MAX_TIME = 50 * 365 * 86400.0  # simulated seconds a server may reach: its timestamps stay dates


@dataclass(frozen=True)
class Instant:
    """One request's time: simulated seconds, and the token buckets' seconds."""

    sim: float
    buckets: float


class Clock:
    """Simulated time from wall time x speed (plus jumps), or a fixed step per request."""

    def __init__(
        self,
        speed: float = 60.0,
        *,
        step: float | None = None,
        buckets: str = "wall",
        wall: Callable[[], float] = time.monotonic,
    ):
        check_speed(speed)
        if buckets not in ("wall", "sim"):
            raise ValueError(f"buckets: 'wall' or 'sim', not {buckets!r}")
        self.speed = speed
        self.step = step
        self.buckets = buckets
        self._wall = wall
        self._first_wall = self._anchor_wall = wall()
        self._anchor_sim = 0.0
        self._last = Instant(0.0, 0.0)

    def tick(self) -> Instant:
        """The time of the request being served now; never earlier than the last one."""
        if self.step is not None:
            now = self._last.sim + self.step
            self._last = Instant(now, now)
            return self._last
        wall = self._wall()
        sim = self._anchor_sim + (wall - self._anchor_wall) * self.speed
        sim = max(sim, self._last.sim)
        bucket = wall - self._first_wall if self.buckets == "wall" else sim
        self._last = Instant(sim, max(bucket, self._last.buckets))
        return self._last

    def now(self) -> float:
        """The simulated time of the last request (what /acgsim/state shows)."""
        return self._last.sim

    def set_speed(self, speed: float) -> None:
        """Run at `speed` from now on; time already passed stays passed."""
        check_speed(speed)
        self._rebase()
        self.speed = speed

    def advance(self, seconds: float) -> None:
        """Jump the simulated time ahead by `seconds` (the buckets' wall time is not touched)."""
        if not math.isfinite(seconds) or not 0 <= seconds <= MAX_ADVANCE:
            raise ValueError(
                f"advance: seconds from 0 to {MAX_ADVANCE:.0f} (a year), not {seconds!r}"
            )
        if self.now() + seconds > MAX_TIME:
            raise ValueError(f"advance: the clock would pass {MAX_TIME:.0f} s (50 years)")
        if self.step is not None:
            self._last = Instant(self._last.sim + seconds, self._last.buckets + seconds)
            return
        self._rebase()
        self._anchor_sim += seconds

    def _rebase(self) -> None:
        if self.step is None:
            self.tick()
            self._anchor_wall, self._anchor_sim = self._wall(), self._last.sim

    def wall_seconds(self, bucket_seconds: float) -> int:
        """A wait in the buckets' seconds as a client's Retry-After: whole wall seconds, >= 1."""
        if self.buckets == "sim" and self.step is None:
            bucket_seconds /= self.speed
        return max(1, math.ceil(bucket_seconds))

    def wall_for_sim(self, sim_seconds: float) -> float:
        """How long the client waits in wall seconds for `sim_seconds` of simulation to pass."""
        if self.step is not None:
            return 1.0
        return sim_seconds / self.speed


def check_speed(speed: float) -> None:
    """Refuse a speed that is not a finite number in (0, MAX_SPEED]."""
    if not (isinstance(speed, (int, float)) and math.isfinite(speed) and 0 < speed <= MAX_SPEED):
        raise ValueError(f"speed: a number above 0 and at most {MAX_SPEED:g}, not {speed!r}")
