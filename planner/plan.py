"""The Plan: replicas and storage per image version and region, with reasons, predictions, cost.

A plan.json is a file people share and receive, and its regions become arguments of the exported
deploy.sh and properties of the templates. Read back, it is held to a scenario's rules: each
field has the scenario's type (regions from the catalogue, replicas 1..100, known storage types),
the embedded scenario passes every scenario check, and each region's version is one of that
scenario's, with the plan's choices applied passing the checks on target regions too.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from acgsim.planner.cost import PriceTable
from acgsim.sim import catalog
from acgsim.sim.checks import check
from acgsim.sim.errors import Problem, ScenarioError, problem
from acgsim.sim.fields import Label, RegionalReplicaCount, RegionName, StorageName
from acgsim.sim.gallery_models import TargetRegion
from acgsim.sim.loader import load_output, pydantic_problems, validate
from acgsim.sim.params import assumptions_marked
from acgsim.sim.results import Bottleneck
from acgsim.sim.scenario import Objectives, Scenario
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


NonNegative = Annotated[int, Field(ge=0)]
Money = Annotated[float, Field(ge=0)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Candidate(_Out):
    """One replica count the search simulated for a region (data for the trade-off plot)."""

    replicas: RegionalReplicaCount
    p95_s: Estimate
    failure_rate: Estimate
    met: bool


class RegionPlan(_Out):
    """The answer for one image version in one region."""

    version: str = Field(description="gallery/image/version, a version of the scenario planned")
    region: RegionName
    replicas: RegionalReplicaCount
    storage: StorageName
    reasons: list[str]
    added: bool = Field(False, description="the plan adds this target region")
    baseline_replicas: RegionalReplicaCount = Field(description="what the guidance rules give")
    baseline_storage: StorageName
    scenario_replicas: RegionalReplicaCount | None = Field(
        None, description="what the scenario had, if targeted"
    )
    scenario_storage: StorageName | None = Field(
        None, description="the scenario's storage type there"
    )
    requests: NonNegative = 0
    p50_s: Estimate | None = None
    p95_s: Estimate | None = None
    failure_rate: Estimate | None = None
    objective_p95_s: float | None = None
    objective_failure_rate: float | None = None
    meets_objectives: bool | None = None
    monthly_cost_usd: Money
    egress_one_time_usd: Money
    baseline_monthly_cost_usd: Money
    candidates: list[Candidate] = []
    bottleneck: Bottleneck | None = Field(
        None, description="what sets the p95 in the whole-scenario run with the median p95"
    )


class WavePlan(_Out):
    """One wave of the workload with the plan's replicas: its figures over the runs."""

    wave: str
    key: str = Field(pattern=r"^(vms|scale_sets|arrivals)/[0-9]+$")
    region: RegionName
    scale_sets: NonNegative | None = None
    instances: NonNegative | None = None
    requests: NonNegative
    p50_s: Estimate
    p95_s: Estimate
    failure_rate: Estimate
    tail_share: float = Field(ge=0, le=1, description="its share of its region's slowest 5%")


class Alternative(_Out):
    """One version in one region with one storage type, searched and verified like the plan."""

    storage: StorageName = Field(description="the storage type this alternative uses")
    version: str
    region: RegionName
    used_storage: StorageName = Field(description="what it uses here (ZRS needs zones)")
    not_allowed: str | None = Field(None, description="why the storage type cannot be used here")
    rules_replicas: RegionalReplicaCount
    replicas: RegionalReplicaCount
    p95_s: Estimate | None = None
    failure_rate: Estimate | None = None
    meets_objectives: bool | None = None
    survives_zone_outage: bool | None = Field(
        None, description="simulated: zone 1 lost from the region's first wave (None: no zones)"
    )
    zone_outage_p95_s: Estimate | None = None
    zone_outage_failure_rate: Estimate | None = None
    monthly_cost_usd: Money


class AlternativeTotal(_Out):
    """One storage type everywhere it is allowed: its replicas, cost and what it gives up."""

    storage: StorageName
    replicas: NonNegative
    monthly_cost_usd: Money
    meets_objectives: bool
    within_budget: bool
    zone_outage_lost_in: list[RegionName] = Field(
        description="regions whose objectives a zone outage breaks (simulated)"
    )


class Assumption(_Out):
    """One model parameter the plan ran with that is an assumption, not an Azure fact."""

    parameter: str = Field(description="its path under the scenario's `model:`")
    value: str = Field(description="the value in force, as a scenario writes it")
    default: str = Field(description="acgsim's default")
    overridden: bool = Field(description="the scenario's `model:` sets another value")
    source: str = Field(description="the sources its rationale cites (SEED; ACG23) or assumption")
    rationale: str


_CITED = re.compile(r"\[([A-Z][A-Z0-9]*)\]")


def assumptions_of(scenario: Scenario) -> list[Assumption]:
    """The assumptions a scenario runs with: each value, whether the scenario overrides acgsim's
    default, and the sources its rationale cites."""
    out = []
    for r in assumptions_marked(scenario.model, scenario.guidance):
        ids = dict.fromkeys(k for k in _CITED.findall(r["rationale"]) if k in catalog.SOURCES)
        out.append(Assumption(**r, source="; ".join(ids) or "assumption"))
    return out


class Totals(_Out):
    replicas: NonNegative
    monthly_cost_usd: Money
    egress_one_time_usd: Money
    baseline_replicas: NonNegative
    baseline_monthly_cost_usd: Money


class Plan(_Out):
    """A verified, priced plan and how it was made."""

    acgsim_version: str
    scenario: Label
    scenario_sha256: Sha256
    guidance: Literal["seed", "current"]
    objectives: dict = Field(description="the scenario's objectives (checked when read)")
    seed: NonNegative
    # a plan.json of acgsim 0.1 calls them replications
    runs: int = Field(ge=1, validation_alias=AliasChoices("runs", "replications"))
    below_guidance: bool
    regions: list[RegionPlan]
    waves: list[WavePlan] = []
    alternatives: list[Alternative] = Field([], description="plan --alternatives: each storage")
    alternative_totals: list[AlternativeTotal] = []
    alternative_notes: list[str] = []
    totals: Totals
    prices: PriceTable
    warnings: list[str] = []
    infeasible: list[str] = []
    simulations: NonNegative = 0
    simulated_requests: NonNegative = 0
    verification: str | None = Field(
        None, description="how the plan's figures were simulated (older plans: not said)"
    )
    assumptions: list[Assumption] = Field([], description="the model assumptions it ran with")
    scenario_spec: dict = Field(
        default_factory=dict, description="the scenario planned, for exports (checked when read)"
    )

    def choices(self) -> Choices:
        """The replicas and storage the plan gives each version in each region."""
        return {(r.version, r.region): (r.replicas, r.storage) for r in self.regions}

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def load_plan(path: Path) -> Plan | None:
    """The plan in a plan.json, or None if the file is not one. It is validated as strictly as
    a scenario: ScenarioError names each wrong field (`plan.json: regions[3].storage: ...`)."""
    plan = load_output(path, Plan, "scenario_spec")
    if plan is None:
        return None
    problems = check_plan(plan)
    if problems:
        raise ScenarioError([dataclasses.replace(p, file=str(path)) for p in problems])
    return plan


def check_plan(plan: Plan) -> list[Problem]:
    """Every error in a plan whose fields already have their types: its objectives, its
    scenario (every scenario check), and each region's version and choices against that
    scenario. A plan without a scenario (made by the library with none) has only the first."""
    problems = []
    try:
        Objectives.model_validate(plan.objectives, context={"from_file": True})
    except ValidationError as exc:
        problems += _under("objectives", pydantic_problems(exc, plan.objectives, Objectives))
    if not plan.scenario_spec:
        return problems
    try:
        scenario, _ = validate(plan.scenario_spec)
    except ScenarioError as exc:
        return problems + _under("scenario_spec", exc.problems)
    return problems + _check_regions(plan, scenario)


def _under(field: str, problems: list[Problem]) -> list[Problem]:
    return [
        dataclasses.replace(p, path=(field, *p.path), line=None)
        for p in problems
        if p.severity == "error"
    ]


def _check_regions(plan: Plan, scenario: Scenario) -> list[Problem]:
    """Each region's version is one of the scenario's, once per region; with the plan's
    choices applied, the target regions pass the scenario's checks (Standard_ZRS only where a
    region has zones, Shallow replication's one replica in the source region)."""
    out: list[Problem] = []
    targets = {v.ref: {t.region for t in v.version.regions} for v in scenario.versions()}
    refs = list(targets)
    rows: dict[VersionRegion, int] = {}
    for i, r in enumerate(plan.regions):
        at = ("regions", i)
        if r.version in targets and r.added == (r.region in targets[r.version]):
            out.append(_added(at, r))
        if r.version not in refs:
            known = ", ".join(refs[:5]) + (", ..." if len(refs) > 5 else "")
            where = f" in scenario_spec (its versions: {known or 'none'})"
            out.append(
                problem(
                    (*at, "version"),
                    "UnknownReference",
                    what="image version",
                    name=r.version,
                    where=where,
                )
            )
        elif (r.version, r.region) in rows:
            first = f"regions[{rows[r.version, r.region]}]"
            out.append(
                problem((*at, "region"), "DuplicateTargetRegion", region=r.region, first=first)
            )
        else:
            rows[r.version, r.region] = i
    if out:
        return out
    # The scenario passed every check, so each error now comes from a choice of the plan.
    applied = apply_choices(scenario, plan.choices())
    return [
        dataclasses.replace(p, path=_plan_path(p.path, applied, scenario, rows))
        for p in check(applied)
        if p.severity == "error"
    ]


def _added(at: tuple[str | int, ...], r: RegionPlan) -> Problem:
    """A region whose `added` flag contradicts the scenario: a hand-edited plan that slips in
    a region, or marks one the scenario has as new."""
    if r.added:
        return Problem(
            (*at, "added"),
            f"'{r.region}' is already a target region of '{r.version}' in scenario_spec: "
            "added must be false",
        )
    return Problem(
        (*at, "region"),
        f"'{r.region}' is not a target region of '{r.version}' in scenario_spec: a region "
        "the plan adds says added: true",
    )


def _plan_path(
    path: tuple[str | int, ...], applied: Scenario, before: Scenario, rows: dict[VersionRegion, int]
) -> tuple[str | int, ...]:
    """Where in the plan a problem of the scenario with the plan's choices applied comes from:
    galleries[0].images[0].versions[0].regions[2].storage -> regions[j].storage, the region
    the plan sets; a problem of a whole version -> the first region the plan adds to it."""
    if len(path) < 6 or path[0] != "galleries":
        return path
    gi, di, vi = path[1], path[3], path[5]
    g = applied.galleries[gi]
    d = g.images[di]
    v = d.versions[vi]
    ref = f"{g.name}/{d.name}/{v.name}"
    if path[6:7] == ("regions",) and len(path) > 8:
        j = rows.get((ref, v.regions[path[7]].region))
        if j is not None:
            return ("regions", j, *path[8:])
    targeted = {t.region for t in before.galleries[gi].images[di].versions[vi].regions}
    mine = sorted((j, region) for (r, region), j in rows.items() if r == ref)
    added = [j for j, region in mine if region not in targeted]
    return ("regions", (added or [j for j, _ in mine] or [0])[0])
