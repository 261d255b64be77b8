"""The RunResult envelope: what a run produced, as typed pydantic models that serialise to JSON.

A result.json read back (to report on it) may have been edited by hand: each field has its
type, regions come from the catalogue, storage types are known, every time series is as long as
its time axis and the free-form parts (faults, failures, assumptions) have the keys reports use.
The checks only read: a result serialises exactly as it did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from acgsim.sim.fields import (
    ImageRef,
    Label,
    RegionalReplicaCount,
    RegionName,
    RegionOrAll,
    StorageName,
)
from acgsim.sim.loader import load_output

NonNegative = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _shaped(**fields: Any):
    """A list of plain dicts (kept as they are, so the JSON does not change) whose items must
    have these keys of these types; others are allowed."""
    item = TypeAdapter(list[dict[str, Any]])
    shapes = {k: TypeAdapter(t) for k, t in fields.items()}

    def check(items: list[dict]) -> list[dict]:
        for i, d in enumerate(item.validate_python(items)):
            for key, shape in shapes.items():
                try:
                    shape.validate_python(d.get(key))
                except ValidationError as exc:
                    got = "missing" if key not in d else exc.errors()[0]["msg"]
                    raise ValueError(f"[{i}].{key}: {got}") from None
        return items

    return AfterValidator(check)


Part = Literal["throttled", "batches", "queued", "disk", "lost_replica", "boot"]
Parts = dict[Part, Seconds]


class Bottleneck(_Out):
    """What sets a region's p95 (sim.attribution): the part of the time to running that takes
    most of the slowest 5%'s time, the wave most of them come from, and what would help."""

    part: Part
    wave: str | None
    share: Share = Field(description="the part's share of the tail's time to running")
    replicas_help: bool = Field(description="queuing or lost replicas take 10% of it or more")
    text: str
    levers: list[str]


class WaveSummary(_Out):
    """One workload wave's figures: its p50/p95 and where its requests' time went."""

    wave: str
    key: str = Field(pattern=r"^(vms|scale_sets|arrivals)/[0-9]+$")
    region: RegionName
    image: str
    scale_sets: NonNegative | None = Field(description="scale sets in the wave (scale-set waves)")
    instances: NonNegative | None = Field(description="instances in each scale set")
    requests: NonNegative
    succeeded: NonNegative
    failed: NonNegative
    failure_rate: Share
    ttr_p50_s: Seconds | None
    ttr_p95_s: Seconds | None
    ttr_all_p95_s: Seconds | None = Field(
        None,
        description="p95 over all its requests, a failed one counting as never running (None: "
        "more than 5% never ran)",
    )
    parts_mean_s: Parts = Field(description="mean of each part over the requests that ran")
    tail_requests: NonNegative = Field(
        description="its requests at or above its region's p95 (the tail that sets it)"
    )


class RegionSummary(_Out):
    """Key figures of one region, or of all regions together (region 'all')."""

    region: RegionOrAll
    requests: NonNegative = Field(description="VM requests and scale-set instances submitted")
    succeeded: NonNegative
    failed: NonNegative
    in_flight: NonNegative = Field(description="neither running nor failed at the end of the run")
    failure_rate: Share
    failed_by_code: dict[str, NonNegative]
    ttr_p50_s: Seconds | None = Field(description="time to running, succeeded requests only")
    ttr_p95_s: Seconds | None
    ttr_p99_s: Seconds | None
    ttr_max_s: Seconds | None
    ttr_mean_s: Seconds | None
    ttr_all_p50_s: Seconds | None = Field(
        None,
        description=(
            "time to running over ALL requests: a failed one (or one still in flight at the end) "
            "counts as never running; None when more than half never ran"
        ),
    )
    ttr_all_p95_s: Seconds | None = Field(
        None, description="likewise; None ('never') when more than 5% never ran"
    )
    ttr_all_p99_s: Seconds | None = Field(
        None, description="likewise; None ('never') when more than 1% never ran"
    )
    ttr_percentiles_s: Annotated[list[Seconds], Field(min_length=101, max_length=101)] | None = (
        Field(None, description="percentiles 0..100 of time to running (for the CDF plot)")
    )
    wait_mean_s: Seconds | None = Field(
        description="mean wait for a replica slot, over finished requests (failed ones too)"
    )
    waited_share: Share | None = Field(description="share of finished requests that waited")
    throttled_429: NonNegative
    retries: NonNegative
    replica_utilisation: float | None = Field(description="busy slots / available slots, over time")
    mean_queue: float = Field(ge=0)
    longest_queue: NonNegative
    peak_replica_busy: NonNegative = Field(
        description="most disk creations one replica ran at once"
    )
    replica_capacity: NonNegative = Field(description="disk creations one replica serves at once")
    replication_done_s: Seconds | None = Field(
        description="when the last version finished replicating here (None if one never did)"
    )
    p95_parts_s: Parts = Field(
        {}, description="mean of each part over the requests at or above the p95 (the tail)"
    )
    bottleneck: Bottleneck | None = Field(None, description="what sets the p95, and why")


class ReplicationRecord(_Out):
    """One version's replication into one region."""

    version: ImageRef
    region: RegionName
    replicas: RegionalReplicaCount
    storage: StorageName
    source: bool
    state: Literal["Unknown", "Replicating", "Completed", "Failed"]
    attempts: NonNegative
    started_s: Seconds | None
    first_copy_s: Seconds | None = None
    completed_s: Seconds | None
    duration_s: Seconds | None
    failures: Annotated[list[dict], _shaped(at_s=float, why=str)]


class Series(_Out):
    """Sampled per region: requests in flight, busy slots, queue, available slots, 429s so far,
    and replication progress (mean percent over the versions replicating into the region)."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "in_flight",
        "busy",
        "queue",
        "capacity",
        "throttled",
        "retries",
        "replication_progress",
    )
    PLOTTED: ClassVar[tuple[str, ...]] = ("in_flight", "busy", "queue", "capacity", "throttled")
    t: list[float] = []
    regions: dict[RegionName, dict[Literal[FIELDS], list[float]]] = {}

    @model_validator(mode="after")
    def _aligned(self) -> Series:
        """Every series has one value per sample time (plots zip them), and the ones the
        over-time plot draws are there."""
        for region, rows in self.regions.items():
            missing = [f for f in self.PLOTTED if f not in rows]
            if missing:
                raise ValueError(f"regions.{region}: no {', '.join(missing)} series")
            for name, values in rows.items():
                if len(values) != len(self.t):
                    raise ValueError(
                        f"regions.{region}.{name}: {len(values)} values for {len(self.t)} "
                        "sample times (t): every series has one value per sample time"
                    )
        return self


class EngineUsed(_Out):
    """Which engine computed a run: SimPy's event loop, or the exact fast path (sim.fastpath)."""

    name: Literal["simpy", "fast"]
    why: str | None = Field(None, description="why the run did not take the fast path")


class RunResult(_Out):
    """The envelope of one run: provenance, figures, and the exception if the run broke."""

    acgsim_version: str
    scenario: Label
    scenario_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    seed: NonNegative
    run: int | None = Field(
        description="index of the run: its child seed of `seed`, or None for `seed` itself",
        validation_alias=AliasChoices("run", "replication"),  # result.json of acgsim 0.1
    )
    horizon_s: Seconds
    simulated_end_s: Seconds | None = None
    wall_time_s: Seconds | None = Field(None, description="only with --timing: not reproducible")
    overall: RegionSummary | None = None
    regions: list[RegionSummary] = []
    waves: list[WaveSummary] = []
    replication_log: list[ReplicationRecord] = []
    timeseries: Series | None = None
    assumptions: Annotated[
        list[dict[str, str]], _shaped(parameter=str, value=str, rationale=str)
    ] = []
    faults: Annotated[
        list[dict], _shaped(kind=str, region=RegionName, at=Seconds | None, duration=Seconds | None)
    ] = Field([], description="the scenario's faults, for shading plots")
    objective_p95_s: Seconds | None = Field(
        None, description="the scenario's overall p95 objective"
    )
    engine: EngineUsed | None = Field(None, description="the engine that computed the run")
    reads: dict | None = Field(
        None,
        description=(
            "status polls and their 429s (sim.polling); only where read buckets may bind or the "
            "run traces, left out of the JSON otherwise"
        ),
    )
    deletions: (
        Annotated[
            list[dict], _shaped(at_s=float, version=ImageRef, outcome=Literal["deleted", "refused"])
        ]
        | None
    ) = Field(
        None,
        description="each version delete (updates: delete) and its outcome; left out when none",
    )
    records: list[dict] | None = None
    error: str | None = None
    start: AwareDatetime | None = Field(None, description="the scenario's start: clock time at 0 s")

    def to_json(self) -> str:
        """Deterministic JSON: the same scenario and seed give the same bytes (without a start,
        reads or deletions, the bytes of a result from before scenarios had them)."""
        left_out = {k for k in ("reads", "deletions", "start") if not getattr(self, k)}
        return self.model_dump_json(indent=2, exclude=left_out or None) + "\n"


def load_result(path: Path) -> RunResult | None:
    """The run in a result.json, or None if the file is not one; ScenarioError names a bad field."""
    return load_output(path, RunResult, "replication_log")
