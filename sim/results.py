"""The RunResult envelope: what a run produced, as typed pydantic models that serialise to JSON."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from acgsim.sim.loader import load_output


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegionSummary(_Out):
    """Key figures of one region, or of all regions together (region 'all')."""

    region: str
    requests: int = Field(description="VM requests and scale-set instances submitted")
    succeeded: int
    failed: int
    in_flight: int = Field(description="neither running nor failed at the end of the run")
    failure_rate: float
    failed_by_code: dict[str, int]
    ttr_p50_s: float | None = Field(description="time to running, succeeded requests only")
    ttr_p95_s: float | None
    ttr_p99_s: float | None
    ttr_max_s: float | None
    ttr_mean_s: float | None
    ttr_percentiles_s: list[float] | None = Field(
        None, description="percentiles 0..100 of time to running (for the CDF plot)"
    )
    wait_mean_s: float | None = Field(
        description="mean wait for a replica slot, over finished requests (failed ones too)"
    )
    waited_share: float | None = Field(description="share of finished requests that waited")
    throttled_429: int
    retries: int
    replica_utilisation: float | None = Field(description="busy slots / available slots, over time")
    mean_queue: float
    longest_queue: int
    peak_replica_busy: int = Field(description="most disk creations one replica ran at once")
    replica_capacity: int = Field(description="disk creations one replica serves at once")
    replication_done_s: float | None = Field(
        description="when the last version finished replicating here (None if one never did)"
    )


class ReplicationRecord(_Out):
    """One version's replication into one region."""

    version: str
    region: str
    replicas: int
    storage: str
    source: bool
    state: str
    attempts: int
    started_s: float | None
    first_copy_s: float | None = None
    completed_s: float | None
    duration_s: float | None
    failures: list[dict]


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
    t: list[float] = []
    regions: dict[str, dict[str, list[float]]] = {}


class RunResult(_Out):
    """The envelope of one run: provenance, figures, and the exception if the run broke."""

    acgsim_version: str
    scenario: str
    scenario_sha256: str
    seed: int
    run: int | None = Field(
        description="index of the run: its child seed of `seed`, or None for `seed` itself",
        validation_alias=AliasChoices("run", "replication"),  # result.json of acgsim 0.1
    )
    horizon_s: float
    simulated_end_s: float | None = None
    wall_time_s: float | None = Field(None, description="only with --timing: not reproducible")
    overall: RegionSummary | None = None
    regions: list[RegionSummary] = []
    replication_log: list[ReplicationRecord] = []
    timeseries: Series | None = None
    assumptions: list[dict[str, str]] = []
    faults: list[dict] = Field([], description="the scenario's faults, for shading plots")
    objective_p95_s: float | None = Field(None, description="the scenario's overall p95 objective")
    records: list[dict] | None = None
    error: str | None = None

    def to_json(self) -> str:
        """Deterministic JSON: the same scenario and seed give the same bytes."""
        return self.model_dump_json(indent=2) + "\n"


def load_result(path: Path) -> RunResult | None:
    """The run in a result.json, or None if the file is not one; ScenarioError names a bad field."""
    return load_output(path, RunResult, "replication_log")
