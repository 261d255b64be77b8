"""The Plan: replicas and storage per image version and region, with reasons, predictions, cost."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from acgsim.planner.cost import PriceTable
from acgsim.sim.loader import load_output
from acgsim.sim.scenario import Scenario, TargetRegion
from acgsim.sim.stats import Estimate

VersionRegion = tuple[str, str]
"""What a plan decides for: (version "gallery/image/version", region)."""

Choices = dict[VersionRegion, tuple[int, str]]
"""(version, region) -> (replicas, storage): what a plan decides."""


def apply_choices(scenario: Scenario, choices: Choices) -> Scenario:
    """A copy of the scenario with these replicas and storage, adding the regions it lacks."""
    s = scenario.model_copy(deep=True)
    for ref, _, _, v in s.versions():
        targets = {t.region: t for t in v.regions}
        for (version, region), (n, storage) in sorted(choices.items()):
            if version != ref:
                continue
            if region in targets:
                targets[region].replicas, targets[region].storage = n, storage
            else:
                v.regions.append(TargetRegion(region=region, replicas=n, storage=storage))
    return s


class _Out(BaseModel):
    """Base of the plan's parts: a plan.json read back with an unknown field is refused."""

    model_config = ConfigDict(extra="forbid")


class Candidate(_Out):
    """One replica count the search simulated for a region (data for the trade-off plot)."""

    replicas: int
    p95_s: Estimate
    failure_rate: Estimate
    met: bool


class RegionPlan(_Out):
    """The answer for one image version in one region."""

    version: str
    region: str
    replicas: int
    storage: str
    reasons: list[str]
    added: bool = Field(False, description="the plan adds this target region")
    baseline_replicas: int = Field(description="what the guidance rules alone give")
    baseline_storage: str
    scenario_replicas: int | None = Field(None, description="what the scenario had, if targeted")
    scenario_storage: str | None = Field(None, description="the scenario's storage type there")
    requests: int = 0
    p50_s: Estimate | None = None
    p95_s: Estimate | None = None
    failure_rate: Estimate | None = None
    objective_p95_s: float | None = None
    objective_failure_rate: float | None = None
    meets_objectives: bool | None = None
    monthly_cost_usd: float
    egress_one_time_usd: float
    baseline_monthly_cost_usd: float
    candidates: list[Candidate] = []


class Totals(_Out):
    replicas: int
    monthly_cost_usd: float
    egress_one_time_usd: float
    baseline_replicas: int
    baseline_monthly_cost_usd: float


class Plan(_Out):
    """A verified, priced plan and how it was made."""

    acgsim_version: str
    scenario: str
    scenario_sha256: str
    guidance: str
    objectives: dict
    seed: int
    # a plan.json of acgsim 0.1 calls them replications
    runs: int = Field(validation_alias=AliasChoices("runs", "replications"))
    below_guidance: bool
    regions: list[RegionPlan]
    totals: Totals
    prices: PriceTable
    warnings: list[str] = []
    infeasible: list[str] = []
    simulations: int = 0
    simulated_requests: int = 0
    scenario_spec: dict = Field(
        default_factory=dict, description="the scenario planned, for exports"
    )

    def choices(self) -> Choices:
        """The replicas and storage the plan gives each version in each region."""
        return {(r.version, r.region): (r.replicas, r.storage) for r in self.regions}

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def load_plan(path: Path) -> Plan | None:
    """The plan in a plan.json, or None if the file is not one; ScenarioError names a bad field."""
    return load_output(path, Plan, "scenario_spec")
