"""The service's own behaviour, assumed: how long creating a disk from a replica and booting take
(random durations), how replicas are copied within and across regions, and how much load a replica
on each storage tier takes. Azure publishes none of these numbers; each default says why it was
chosen (the field's description), and sim.params.ModelParams gathers them under `model:`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from acgsim.sim import catalog
from acgsim.sim.fields import PositiveDuration, StrictModel
from acgsim.sim.units import Duration


class Dist(StrictModel):
    """A positive random duration: fixed, exponential or lognormal with a mean and a CV."""

    dist: Literal["fixed", "exponential", "lognormal"] = Field(
        "lognormal", description="shape; lognormal: positive and right-skewed, as service times are"
    )
    mean: Duration = Field(description="mean duration")
    cv: float = Field(
        0.3, ge=0, le=5, description="coefficient of variation (lognormal only); assumed 0.3"
    )


class DiskTime(StrictModel):
    """Time to create an OS disk from a replica: base + per_gb x occupied GB, then jitter."""

    dist: Literal["fixed", "exponential", "lognormal"] = Field(
        "lognormal", description="shape of the jitter around base + per_gb x size"
    )
    base: Duration = Field(
        15.0, description="fixed part of creating a disk from a replica; assumed 15 s"
    )
    per_gb: Duration = Field(
        0.5,
        description=(
            "hydration per occupied GB; assumed 0.5 s: 30 GB -> 30 s in all, a few minutes to run"
        ),
    )
    cv: float = Field(
        0.3, ge=0, le=5, description="coefficient of variation (lognormal only); assumed 0.3"
    )


class Replication(StrictModel):
    """How replicas are copied: first copy across regions, then in-region copies."""

    wan_mb_per_s: float = Field(
        16.0,
        gt=0,
        description=(
            "cross-region copy throughput; assumed 16 MB/s: with the overhead 30 GB takes about "
            "44 min, inside the 33-100 min that 1-3 %/min progress implies (AZURE_FACTS 5)"
        ),
    )
    lan_mb_per_s: float = Field(
        64.0, gt=0, description="in-region replica copy throughput; assumed 4x the WAN rate"
    )
    parallel_regions: int = Field(
        10,
        ge=1,
        le=1000,
        description=(
            "regions a version's source copies to at once; assumed 10 (the sources say only that "
            "time grows with the number of regions, and a 35-region update ran for a day)"
        ),
    )
    parallel_copies: int = Field(
        4, ge=1, description="in-region replica copies running at once; assumed"
    )
    overhead: Duration = Field(
        720.0,
        description=(
            "fixed setup per region; assumed 12 min so a small image (5 GB) takes about 17 min, "
            "inside the 15-20 min observed for small images (AZURE_FACTS 5)"
        ),
    )
    jitter_cv: float = Field(
        0.2, ge=0, le=5, description="lognormal spread of copy times; assumed 0.2"
    )
    failure_probability: float = Field(
        0.0, ge=0, le=1, description="chance a region's copy fails with no fault given; assumed 0"
    )
    retry_delay: PositiveDuration = Field(
        900.0,
        description=(
            "the service retries a failed region every this long; assumed 15 min (Azure's remedy "
            "is to retry the region [azure-cli 15539]; its docs advise waiting up to six hours "
            "before retrying a whole version). While the fault that failed the attempt is still "
            "in force the retry finds it and waits another retry_delay, spending no attempt"
        ),
    )
    max_attempts: int = Field(
        3,
        ge=1,
        description=(
            "the service's retry budget: attempts per region before it stays Failed; assumed 3. "
            "Attempts are not spent while a fault that failed one is still in force (see "
            "retry_delay), so a fault that ends is recovered from unless other failures use it up"
        ),
    )
    source_copy_slots: int = Field(
        6,
        ge=1,
        le=10000,
        description=(
            "copies (first copies across regions and in-region replica copies alike) the "
            "replication service runs at once for all versions published from one source region; "
            "the source's aggregate copy rate is this many copies at wan_mb_per_s / lan_mb_per_s. "
            "Assumed 6: a 35-region update with 10-50 replicas each (about 1,000 replicas of a "
            "30 GB image) then takes about a day and a half, and was still running after a day "
            "(azure-cli 16632); one region with up to parallel_copies + 1 copies is not slowed"
        ),
    )
    propagation_delay: Duration = Field(
        60.0,
        description=(
            "after a region shows Completed, deployments there still get GalleryImageNotFound "
            "for this long; assumed 60 s: AgentBaker PR 8373 saw GalleryImageNotFound for ~10 min "
            "after the version's operation succeeded, mostly regions still replicating, and "
            "retries once when the region already shows Completed, so the residue is short"
        ),
    )


class StorageLoad(StrictModel):
    """How much load one replica on a storage tier takes, relative to the guidance's figures."""

    concurrency_factor: float = Field(
        1.0,
        gt=0,
        le=100,
        description=(
            "multiplies the disk creations one replica serves at once (rounded to the nearest"
            " whole number, a half to the even one, and at least 1)"
        ),
    )
    disk_speedup: float = Field(
        1.0, gt=0, le=100, description="divides the time to create a disk from the replica"
    )


class StorageTiers(StrictModel):
    """Replica load by storage tier: Standard_LRS and Standard_ZRS are HDD-backed, Premium_LRS is
    SSD [SPEC][ACG]. Azure publishes no per-tier number; one report saw Standard HDD with one
    replica time out above 2 concurrent creates while Premium SSD handled 25 (azure-docs 84952)."""

    hdd: StorageLoad = Field(
        default_factory=StorageLoad,
        description=(
            "Standard_LRS / Standard_ZRS: factor 1 and speedup 1, assumed: the guidance's own "
            "figures [SEED][ACG], which name no storage type, read as the default Standard_LRS; "
            "one report saw Standard HDD time out above 2 concurrent creates (azure-docs 84952): "
            "lower the factor to model that"
        ),
    )
    ssd: StorageLoad = Field(
        default_factory=lambda: StorageLoad(concurrency_factor=1.25, disk_speedup=1.5),
        description=(
            "Premium_LRS: concurrency x1.25 (25 concurrent creates where the guidance says 20, "
            "azure-docs 84952) and disk creation x1.5 faster (assumed: SSD serves the copy's "
            "reads faster than HDD; half-way to parity with the 2x+ throughput gap between the "
            "tiers, to stay conservative)"
        ),
    )

    def load(self, storage: str) -> StorageLoad:
        """The load figures for a storage account type."""
        return self.ssd if catalog.STORAGE_TYPES[storage].premium else self.hdd
