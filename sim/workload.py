"""The workload of a scenario: waves of VMs, waves of scale sets and Poisson arrival streams, each
naming its region, subscription, image and client (pydantic models; sim.deployment plays them,
sim.workload_checks holds the rules over the run).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import Field, model_validator

from acgsim.sim import catalog
from acgsim.sim.fields import Count, ImageRef, RegionName, StrictModel
from acgsim.sim.refusals import refuse
from acgsim.sim.units import Duration

VmSecurityType = Literal["Standard", "TrustedLaunch", "ConfidentialVM"]


class _Wave(StrictModel):
    name: str | None = None
    at: Duration = Field(0.0, description="simulation time of the first request")
    region: RegionName
    subscription: str
    image: ImageRef
    client: str | None = Field(
        None,
        description=(
            "the deploying client's profile: azure-cli (the default), python-sdk, terraform, "
            "arm-template, or a name under the scenario's `clients`"
        ),
    )
    security_type: VmSecurityType | None = Field(
        None, description="the VMs' security type; checked against the image's [SIG]"
    )
    generation: Literal["V1", "V2"] | None = Field(
        None,
        description="the Hyper-V generation the VM size boots; must match the image's",
    )


class VmWave(_Wave):
    count: Count = Field(description="VMs in this wave")
    spread: Duration = Field(0.0, description="requests spread evenly over this long")
    concurrency: Count | None = Field(None, description="client keeps at most this many in flight")


class ScaleSetWave(_Wave):
    count: Count = Field(1, description="scale sets created in this wave")
    instances: Count = Field(description="instances in each scale set")
    orchestration: Literal["Uniform", "Flexible"] = Field(
        "Uniform",
        description=(
            "acgsim's default (Azure tools differ); Flexible cannot use another tenant's image"
        ),
    )
    spread: Duration = Field(0.0, description="scale sets spread evenly over this long")

    @model_validator(mode="after")
    def _instance_limit(self) -> ScaleSetWave:
        top = catalog.LIMITS["vmss_instances"].value
        if self.instances > top:
            refuse("ScaleSetTooLarge", value=self.instances, limit=top)
        return self


class Arrivals(_Wave):
    rate_per_min: float = Field(gt=0, description="mean VM requests per minute (Poisson)")
    duration: Duration = Field(description="how long requests keep arriving")


class Workload(StrictModel):
    vms: list[VmWave] = []
    scale_sets: list[ScaleSetWave] = []
    arrivals: list[Arrivals] = []


class WaveRef(NamedTuple):
    """A wave of the workload, its key ("vms/0", "scale_sets/1", "arrivals/2") and list index."""

    key: str
    wave: VmWave | ScaleSetWave | Arrivals
    index: int

    @property
    def kind(self) -> str:
        """The workload list the wave is in: vms, scale_sets or arrivals."""
        return self.key.partition("/")[0]
