"""Model parameters that are assumptions, not Azure facts: each has a default and a rationale.

Azure publishes no number for how many disk creations one replica serves at once, how fast a
replica is copied, or how long a disk takes to hydrate. acgsim needs numbers, so it takes
defensible defaults, says why next to each (the field's description), and lets a scenario override
every one under `model:`. Reports list these with the values in force (`assumptions`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

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
    retry_delay: Duration = Field(
        900.0,
        description=(
            "wait before a failed region is retried; assumed 15 min (Azure's remedy is to retry "
            "the region; its docs advise waiting up to six hours before retrying a whole version)"
        ),
    )
    max_attempts: int = Field(
        3, ge=1, description="attempts per region before it stays Failed; assumed 3"
    )


class Retry(StrictModel):
    """The deploying client's retry policy on HTTP 429 (and on a lost replica)."""

    max_retries: int = Field(
        10, ge=0, description="retries before giving up; azure-core RetryPolicy retry_total=10"
    )
    honour_retry_after: bool = Field(True, description="wait the Retry-After the service gave")
    min_retry_after: Duration = Field(
        1.0,
        description=(
            "shortest Retry-After the service sends; assumed 1 s (acgsim sends the time to the "
            "next token; Azure's examples run 6-1,200 s: raise it to model a cautious service)"
        ),
    )
    backoff_base: Duration = Field(
        0.8, description="exponential backoff factor; azure-core retry_backoff_factor=0.8"
    )
    backoff_max: Duration = Field(
        120.0, description="backoff ceiling; azure-core retry_backoff_max=120 s"
    )


class ModelParams(StrictModel):
    """Everything the model assumes; a scenario overrides any field under `model:`."""

    replica_concurrency: int | None = Field(
        None,
        ge=1,
        description=(
            "disk creations one replica serves at once; default: the guidance profile's VMs per "
            "replica (20 seed, 50 current), since Azure publishes no per-replica number"
        ),
    )
    replica_selection: Literal["least_loaded", "round_robin", "random"] = Field(
        "least_loaded", description="how a request picks a replica; Azure does not document it"
    )
    disk: DiskTime = Field(default_factory=DiskTime, description="OS disk creation from a replica")
    premium_speedup: float = Field(
        1.0, gt=0, description="disk-time divisor for Premium_LRS replicas; no public number: 1"
    )
    boot: Dist = Field(
        default_factory=lambda: Dist(mean=40.0),
        description=("OS boot until the VM runs; assumed 40 s, typical of a small Linux VM"),
    )
    replication: Replication = Field(default_factory=Replication, description="replication")
    retry: Retry = Field(default_factory=Retry, description="client retries")
    shallow_concurrency: int = Field(
        4,
        ge=1,
        description=(
            "disk creations a Shallow version serves at once; Azure says it cannot serve large "
            "numbers of VMs [SIG], the number is assumed"
        ),
    )
    throttling: bool = Field(
        True, description="apply ARM and compute token buckets [ARM][CTL]; false for what-ifs"
    )
    arm_principals: int = Field(
        1,
        ge=1,
        le=1000,
        description=(
            "service principals a subscription deploys with; ARM limits are per principal and the "
            "subscription gets 15x one principal's [ARM]; assumed 1 (one pipeline identity)"
        ),
    )
    arm_limits: Literal["bucket", "hourly"] = Field(
        "bucket",
        description=(
            "ARM write limit: 'bucket' = 200 tokens refilled 10/s per principal (current docs "
            "[ARM]); 'hourly' = 1,200 writes per hour (older docs); the sources disagree"
        ),
    )
    vmss_batch: int = Field(
        20, ge=1, description="instances a scale set creates at a time; assumed"
    )
    sample_interval: PositiveDuration = Field(
        60.0, description="time-series sampling step for plots"
    )

    def concurrency(self, guidance: str) -> int:
        """Disk creations per replica at once: the override, else the guidance profile's number."""
        if self.replica_concurrency is not None:
            return self.replica_concurrency
        return catalog.GUIDANCE[guidance].vms_per_replica


def assumptions(params: ModelParams, guidance: str) -> list[dict[str, str]]:
    """The assumptions in force as rows: parameter path, value (as a scenario writes it), why."""
    rows: list[dict[str, str]] = []

    def walk(model: BaseModel, dumped: dict, prefix: str, context: str) -> None:
        for name, field in type(model).model_fields.items():
            value, path = dumped[name], f"{prefix}{name}"
            if isinstance(getattr(model, name), BaseModel):
                walk(getattr(model, name), value, path + ".", field.description or "")
                continue
            if name == "replica_concurrency" and value is None:
                value = f"{params.concurrency(guidance)} (from the {guidance} guidance)"
            rationale = field.description or ""
            rows.append(
                {
                    "parameter": path,
                    "value": str(value),
                    "rationale": f"{context}: {rationale}" if context else rationale,
                }
            )

    walk(params, params.model_dump(mode="json"), "", "")
    return rows
