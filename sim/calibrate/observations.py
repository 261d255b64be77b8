"""What calibration reads out of a user's files: timed operations and the rows it set aside.

Each record keeps where it came from (file and line) so a fit can say what supports it, and the
dates it spans, for the provenance written next to each fitted value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Timed:
    """One operation with a measured duration: a VM create, a disk create or a boot."""

    kind: str  # vm_create | disk_create | boot
    start: float  # epoch seconds
    duration_s: float
    region: str = ""  # "" when the source does not say
    subscription: str = ""
    throttled: bool = False  # saw at least one 429 (TooManyRequests) before it was accepted
    image: str = ""  # the gallery image version's resource id, when the source names it
    size_gb: float | None = None  # the image's occupied size, when the source gives it
    where: str = ""  # file:line
    resource: str = ""  # the resource id, when the source gives one


@dataclass(frozen=True)
class RegionReplication:
    """One region of one image version, as replication-status samples bracket its completion.

    It completed after `low_s` and by `high_s` seconds from the version's publish time (high_s
    None: not completed in the last sample). A CSV row gives an exact time: low_s == high_s."""

    version: str
    region: str
    source: bool  # the version's own region (its first copy is local)
    replicas: int
    size_gb: float
    published: float  # epoch seconds
    low_s: float
    high_s: float | None
    sample_times: tuple[float, ...] = ()  # seconds from publish, the samples taken
    regions: int = 1  # regions the version replicates to
    where: str = ""


@dataclass(frozen=True)
class RetryGap:
    """Seconds between a 429 answer and the client's next attempt of the same operation."""

    seconds: float
    where: str = ""


@dataclass
class Observations:
    """Everything read from the files, plus the rows set aside and why (counted, not lost)."""

    timed: list[Timed] = field(default_factory=list)
    regions: list[RegionReplication] = field(default_factory=list)
    retry_gaps: list[RetryGap] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)  # reason -> rows set aside
    caveats: Counter = field(default_factory=Counter)  # reason -> rows used, with a caveat
    notes: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Timed]:
        """The timed operations of one kind, in start order."""
        return sorted((t for t in self.timed if t.kind == kind), key=lambda t: t.start)

    def merge(self, other: Observations) -> None:
        """Add another file's observations to these."""
        self.timed += other.timed
        self.regions += other.regions
        self.retry_gaps += other.retry_gaps
        self.ignored.update(other.ignored)
        self.caveats.update(other.caveats)
        self.notes += other.notes
