"""The faults a scenario injects: zone and region outages and replication failures (pydantic
models, one per `kind`; sim.faults plays them)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from acgsim.sim.fields import ImageRef, Probability, RegionName, StrictModel
from acgsim.sim.refusals import refuse
from acgsim.sim.units import Duration


class ZoneOutage(StrictModel):
    kind: Literal["zone_outage"]
    region: RegionName
    zone: Literal[1, 2, 3]
    at: Duration
    duration: Duration


class RegionOutage(StrictModel):
    kind: Literal["region_outage"]
    region: RegionName
    at: Duration
    duration: Duration


class ReplicationFailure(StrictModel):
    kind: Literal["replication_failure"]
    region: RegionName
    version: ImageRef | None = Field(None, description="one version; default: every version")
    at: Duration | None = Field(None, description="copies into the region fail from this time")
    duration: Duration | None = Field(None, description="... for this long (needs `at`)")
    probability: Probability | None = Field(None, description="or: each attempt fails with this")

    @model_validator(mode="after")
    def _when(self) -> ReplicationFailure:
        if (self.at is None) == (self.probability is None):
            refuse("FailureWhen")
        if (self.at is None) != (self.duration is None):
            refuse("FailureWindow")
        return self


Fault = Annotated[Union[ZoneOutage, RegionOutage, ReplicationFailure], Field(discriminator="kind")]
