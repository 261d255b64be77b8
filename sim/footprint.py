"""How big a simulation is before it runs: requests, SimPy events, time-series samples, memory.

Every run, plan and sweep is estimated from its scenario (and its runs, candidates or cells)
before anything is simulated, and refused above a ceiling that `--max-requests` and
`--max-memory` raise. The defaults are for a laptop with two cores and a few GB: MAX_REQUESTS
simulated requests in all (measured: one core simulates 5,000 to 15,000 requests a second; the
default plan of global-rollout, about 900,000 requests, took 105 s on two loaded cores), so a
command finishes in minutes; and MAX_MEMORY_GB of estimated memory, leaving a 4 GB machine room
for everything else. What no option allows is a validation problem naming the field
(`problems`): more than MAX_SAMPLE_TIMES samples per region, or a wave of more than 10 million
requests (an arrival stream's expected count, a scale-set wave's sets x instances), the limit of
a VM wave's count (sim.fields.MAX_COUNT).

The costs below are a model of acgsim itself, not of Azure: each was measured with tracemalloc on
this code (the slope between two sizes of one workload on quickstart's gallery), and
benchmarks/bench_footprint.py measures them again. Memory is an upper bound: it counts every
request of a run as in flight at once, which is true of a burst and pessimistic for a stream
spread over days (there a finished request costs FINISHED_BYTES). Events are an estimate, shown so
a user sees the work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acgsim.sim.errors import InputError, Problem, problem

if TYPE_CHECKING:  # light: the CLI reads the ceilings at start, before pydantic is imported
    from acgsim.sim.scenario import Scenario

MAX_REQUESTS = 2_000_000  # simulated requests in all runs of one command, unless --max-requests
MAX_MEMORY_GB = 2.0  # estimated memory of one command, unless --max-memory
MAX_SAMPLE_TIMES = 10_000_000  # per run: ~1 GB per region, far past what a plot can show
REQUESTS_HELP = (
    "Refuse, before it starts, work estimated at more simulated requests than this (all runs, "
    "plan candidates or sweep cells together)."
)
MEMORY_HELP = "Refuse, before it starts, work estimated to need more GB of memory than this."

# acgsim's own costs (Python 3.11, numpy 2.4, SimPy 4.1; quickstart's gallery, two regions), each
# the slope between two sizes of one workload: tracemalloc inside one process, and the peak RSS of
# `acgsim run --json` where the allocator or pydantic's JSON writer (outside tracemalloc's view)
# add to it; each constant is the larger, rounded up:
PROCESS_BYTES = 72 << 20  # RSS of acgsim itself: 56 MB running quickstart, 72 MB at 1,000,000 VMs
RUN_BYTES = 128 << 10  # one run of one VM, after a first run filled the caches: 66 kB
COPY_BYTES = 5_100  # a version's copy to a region, its record and pool: 5,097 B (1 replica)
REPLICA_BYTES = 940  # each further replica in it: 51,128 B for a copy of 50 replicas
SAMPLE_BYTES = 170  # one region's values at one sample time: 103 B; 163 B of RSS with the JSON
IN_FLIGHT_BYTES = 1_700  # a VM request in flight: 1,426 B throttled, 1,471 B not; RSS with
# FINISHED_BYTES: 1,525 B (250,000 to 1,000,000 VMs), 1,613 B (100,000 to 400,000)
SET_BYTES = 1_350  # a scale set under way beside its instances: 2,781 B for a set of one
DRAW_BYTES = 16  # a scale-set instance's disk factor and boot time, drawn when its set starts
FINISHED_BYTES = 80  # a finished request's figures: 22 B in a VM wave, 42 B in arrivals, plus
# 32 B for its wave (time to running, and the six parts of it as float32: sim.attribution)
FAST_BYTES = 250  # the fast path's arrays for a request (times, draws, slots, parts), held until
# its results are recorded; a run it hands back to SimPy (a timeout reached) peaks there: 547 kB
# for limits-at-the-edge's 1,000 requests against 422 kB estimated without them
TRACED_BYTES = 2_000  # a traced request's record and row: 862 B; 1,947 B of RSS with the JSON
EVENTS_PER_REQUEST = 12  # SimPy events: 5.4 unthrottled, 12.4 a throttled burst of 100,000


@dataclass(frozen=True)
class Footprint:
    """The size of some simulation: one run (`estimate`) or a whole command (`of_runs`)."""

    requests: int  # deployment requests simulated (VMs and scale-set instances)
    events: int  # SimPy events processed, about
    samples: int  # time-series values recorded (sample times x regions)
    working: int  # bytes held while running, freed when the run ends
    kept: int  # bytes of what the run leaves: its time series, and records when traced

    @property
    def memory(self) -> int:
        return self.working + self.kept


@dataclass(frozen=True)
class Ceiling:
    """The most one command may simulate: requests in all, and estimated memory."""

    requests: int = MAX_REQUESTS
    memory_gb: float = MAX_MEMORY_GB

    def check(self, size: Footprint, doing: str) -> Footprint:
        """`size` if it is within the ceiling; else RunTooLarge naming the estimate and options."""
        over = []
        if size.requests > self.requests:
            over.append(("requests", f"{self.requests:,} requests", f"{size.requests}"))
        if size.memory > self.memory_gb * 2**30:
            over.append(("memory", f"{self.memory_gb:g} GB", f"{math.ceil(size.memory / 2**30)}"))
        if not over:
            return size
        raise RunTooLarge(
            f"{doing} would simulate {size.requests:,} requests (about {_about(size.events)} "
            f"events, {size.samples:,} samples) and may need {_gb(size.memory)} of memory, above "
            f"the ceiling of {' and '.join(limit for _, limit, _ in over)}: raise it with "
            + " ".join(f"--max-{what} {need}" for what, _, need in over)
            + " if this machine can take it, or simulate less"
        )


class RunTooLarge(InputError):
    """A run, plan or sweep above its ceiling, refused before it starts."""


class OutOfRoom(Exception):
    """A run stopped before its process ran out of memory; the message says how close it came."""


ROOM_BYTES = 128 << 20  # a run stops with this much left, room to take it apart cleanly


def check_room() -> None:
    """OutOfRoom when this process is within ROOM_BYTES of its address-space limit (RLIMIT_AS),
    or the machine's available memory is below ROOM_BYTES: stopping there ends the run with a
    message, where running out gives MemoryError deep in SimPy or the kernel's OOM killer.
    Linux only (/proc); elsewhere it never stops a run."""
    try:
        import resource  # POSIX only

        with open("/proc/self/statm", "rb") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        with open("/proc/meminfo", "rb") as f:
            free = next(
                (int(x.split()[1]) << 10 for x in f if x.startswith(b"MemAvailable:")), None
            )
    except (ImportError, OSError, ValueError, IndexError):
        return
    limit, _ = resource.getrlimit(resource.RLIMIT_AS)
    if limit != resource.RLIM_INFINITY and mapped > limit - ROOM_BYTES:
        raise OutOfRoom(f"{_gb(mapped)} of the {_gb(limit)} this process may use")
    if free is not None and free < ROOM_BYTES:
        raise OutOfRoom(f"the machine had {_gb(free)} of memory left")


def _about(n: int) -> str:
    """n to two significant digits: 123,456,789 -> 120,000,000."""
    return f"{round(n, 2 - len(str(n))) if n >= 100 else n:,}"


def _gb(n: int) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{max(1, round(n / 2**20)):,} MB"


def sample_times(horizon: float, interval: float) -> int:
    """Times the sampler records over the horizon: 0, interval, 2 x interval, ... before it."""
    return math.ceil(horizon / interval)


def wave_requests(s: Scenario) -> dict[str, tuple[int, int]]:
    """Each wave's (VMs or scale sets, requests) submitted before the horizon, by wave key (an
    arrival stream's expected count: Poisson, so a run's own count differs by about its root)."""
    out: dict[str, tuple[int, int]] = {}
    for key, w, _ in s.waves():
        left = max(0.0, s.horizon - w.at)  # nothing at or after the horizon is submitted
        if key.startswith("arrivals"):
            n = _expected(w.rate_per_min, min(w.duration, left))
            out[key] = (n, n)
            continue
        k = 0 if left == 0 else w.count  # spread evenly: those due before the horizon
        if k and w.spread > left:
            k = min(w.count, math.ceil(left * w.count / w.spread))
        out[key] = (k, k * getattr(w, "instances", 1))
    return out


def _expected(rate_per_min: float, seconds: float) -> int:
    n = rate_per_min * seconds / 60.0  # 1e300 a minute overflows: counted as 2**62
    return math.ceil(n) if math.isfinite(n) and n < 2**62 else 2**62


def estimate(s: Scenario, *, trace: bool = False) -> Footprint:
    """One run of the scenario: the requests it submits before its horizon and what they cost."""
    regions = {t.region for x in s.versions() for t in x.version.regions}
    regions |= {w.wave.region for w in s.waves()}
    samples = sample_times(s.horizon, s.model.sample_interval) * len(regions)
    requests, working = 0, RUN_BYTES
    for x in s.versions():
        for t in x.version.regions:
            working += COPY_BYTES + (x.version.replicas_in(t) - 1) * REPLICA_BYTES
    batch = s.model.vmss_batch
    for key, (units, n) in wave_requests(s).items():
        requests += n
        if key.startswith("scale_sets"):
            i = n // units if units else 0
            working += units * (SET_BYTES + i * DRAW_BYTES + min(i, batch) * IN_FLIGHT_BYTES)
        else:
            working += n * IN_FLIGHT_BYTES
    working += requests * (FINISHED_BYTES + FAST_BYTES)
    kept = samples * SAMPLE_BYTES + (requests * TRACED_BYTES if trace else 0)
    events = requests * EVENTS_PER_REQUEST + samples // max(1, len(regions))
    return Footprint(requests, events, samples, working, kept)


def of_runs(
    runs: list[tuple[Footprint, int]], *, keep: bool = True, processes: int = 1
) -> Footprint:
    """A command of several runs, each (one run's footprint, how many times): one after another,
    keeping every result (`keep`), or on `processes` workers keeping none."""
    kept = sum(f.kept * k for f, k in runs)
    if keep:  # one run at a time, every result kept to the end
        working = PROCESS_BYTES + max(f.working for f, _ in runs)
    else:  # each worker a process of its own, beside the one that started them
        extra = processes * PROCESS_BYTES if processes > 1 else 0
        working, kept = PROCESS_BYTES + extra + processes * max(f.memory for f, _ in runs), 0
    return Footprint(
        sum(f.requests * k for f, k in runs),
        sum(f.events * k for f, k in runs),
        sum(f.samples * k for f, k in runs),
        working,
        kept,
    )


def check(
    scenarios: list[Scenario], runs: int, ceiling: Ceiling, *, trace: bool = False
) -> Footprint:
    """Refuse (RunTooLarge) K runs of each scenario, every result kept, above the ceiling."""
    size = of_runs([(estimate(s, trace=trace), runs) for s in scenarios])
    doing = (
        "this run" if runs == 1 and len(scenarios) == 1 else f"these {runs * len(scenarios):,} runs"
    )
    return ceiling.check(size, doing)


def problems(s: Scenario) -> list[Problem]:
    """What no ceiling allows: samples past MAX_SAMPLE_TIMES, waves past MAX_COUNT requests."""
    from acgsim.sim.fields import MAX_COUNT
    from acgsim.sim.units import format_duration

    out: list[Problem] = []
    times = sample_times(s.horizon, s.model.sample_interval)
    if times > MAX_SAMPLE_TIMES:
        chosen = "sample_interval" in s.model.model_fields_set
        least = s.horizon / MAX_SAMPLE_TIMES
        out.append(
            problem(
                ("model", "sample_interval") if chosen else ("horizon",),
                "TooManySamples",
                times=f"{times:,}",
                interval=format_duration(s.model.sample_interval),
                horizon=format_duration(s.horizon),
                limit=f"{MAX_SAMPLE_TIMES:,}",
                least=format_duration(math.ceil(least * 1000) / 1000),
            )
        )
    sizes = wave_requests(s)
    for key, w, i in s.waves():
        arrivals = key.startswith("arrivals")
        n = sizes[key][1] if arrivals else w.count * getattr(w, "instances", 1)
        if n > MAX_COUNT:
            out.append(
                problem(
                    ("workload", key.partition("/")[0], i, "rate_per_min" if arrivals else "count"),
                    "WaveTooLarge",
                    count=f"{n:,}" if n < 2**62 else "more than 4 x 10^18",
                    how=" (expected: rate x time before the horizon)"
                    if arrivals
                    else f" ({w.count:,} scale sets x {w.instances:,} instances)",
                    limit=f"{MAX_COUNT:,}",
                )
            )
    return out
