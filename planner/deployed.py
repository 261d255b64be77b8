"""What is deployed: a CURRENT file -> the replicas, storage type and latest flag of each image
version in each region, for `acgsim plan --against` (planner.diff compares it with a plan).

CURRENT is one of:
- a plan.json from `acgsim plan`: what its exports would deploy (the plan applied to its scenario);
- an ARM template holding Microsoft.Compute/galleries/images/versions (read with the importer's
  resource walk and expression evaluator, so parameters with defaults and nesting work);
- the JSON that `az sig image-version show` or `az sig image-version list` prints, or the REST
  API's GalleryImageVersion: one object, a list, or a page {"value": [...]}.

The REST shape [SPEC] keeps a version's fields under `properties`; az prints the SDK model
flattened, without that level, with camelCase keys [CLI]; both are read alike. A version's gallery
and image come from its resource id (.../galleries/G/images/I/versions/V). publishingProfile [SPEC]:
targetRegions[] {name, regionalReplicaCount, storageAccountType, excludeFromLatest}; replicaCount,
storageAccountType and excludeFromLatest are what a region that gives none gets (a region's own
excludeFromLatest takes precedence [ACG]). Region names come as "westeurope" or as display names
("West Europe"). replicationStatus (az: `--expand ReplicationStatus`) is kept for warnings.

Assumptions: a version stating no replica count holds 1 per region (az's and the importer's
default); one stating neither a storage type nor a storageAccountStrategy holds Standard_LRS (the
default before API 2025-03-03), and a note says so. Everything else (tags, storageProfile, nulls,
fields a newer API adds) is ignored. Every value read is checked with the scenario's own rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, TypeAdapter, ValidationError

from acgsim.planner.export import document, importer
from acgsim.planner.plan import Plan, VersionRegion, load_plan
from acgsim.sim import catalog
from acgsim.sim.characters import control_character, printable
from acgsim.sim.errors import Problem, ScenarioError
from acgsim.sim.fields import RegionalReplicaCount, RegionName, ReplicaCount, StorageName
from acgsim.sim.loader import read_document
from acgsim.sim.refusals import render

VERSION_TYPE = importer.TYPES[2]
RESOURCE_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute/galleries/"
    r"(?P<gallery>[^/]+)/images/(?P<image>[^/]+)/versions/(?P<version>[^/]+)/?",
    re.IGNORECASE,
)
STRATEGIES = ("PreferStandard_ZRS", "DefaultStandard_LRS")  # storageAccountStrategy [SPEC]
KINDS = ("plan", "ARM template", "az sig image-version output")
Where = tuple[str | int, ...]


class RegionState(BaseModel):
    """One image version's replicas in one region: what a deployment decides there."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    replicas: int
    storage: str
    exclude_from_latest: bool


State = dict[VersionRegion, RegionState]


@dataclass
class Deployed:
    """What CURRENT says is deployed, per (version, region), with what it reports besides."""

    file: str
    kind: str
    state: State
    status: dict[VersionRegion, str] = field(default_factory=dict)  # replication not Completed
    notes: list[str] = field(default_factory=list)

    def versions(self) -> list[str]:
        """Every version CURRENT holds, sorted."""
        return sorted({v for v, _ in self.state})


def of_export(export: document.Export) -> State:
    """The state an export deploys: each version's target regions as its exporters write them."""
    state: State = {}
    for g in export.galleries:
        for image in g.images:
            for v in image.versions:
                ref = f"{g.spec.name}/{image.spec.name}/{v.name}"
                for t in v.targets:
                    own = t.exclude_from_latest  # a region's flag takes precedence [ACG]
                    state[(ref, t.region)] = RegionState(
                        replicas=t.replicas,
                        storage=t.storage,
                        exclude_from_latest=v.exclude_from_latest if own is None else own,
                    )
    return state


def of_plan(plan: Plan, file: str = "the plan") -> State:
    """The state a plan deploys (its replicas applied to the scenario it embeds)."""
    if not plan.scenario_spec:
        raise ScenarioError(
            [
                Problem(
                    ("scenario_spec",), "is empty: the plan cannot say what it deploys", file=file
                )
            ]
        )
    try:
        return of_export(document.from_plan(plan))
    except ValidationError as exc:
        raise ScenarioError(
            [
                Problem(("scenario_spec", *e["loc"]), e["msg"], file=file)
                for e in exc.errors(include_url=False)
            ]
        ) from None


def load(path: Path) -> Deployed:
    """What a CURRENT file says is deployed, or ScenarioError naming the file and each field."""
    plan = load_plan(path)
    if plan is not None:
        return Deployed(str(path), KINDS[0], of_plan(plan, str(path)))
    data, _ = read_document(path)
    reader = _Reader(str(path))
    if isinstance(data, dict) and "resources" in data:
        kind = KINDS[1]
        reader.template(data)
    elif isinstance(data, list):
        kind = KINDS[2]
        reader.versions(data, ())
    elif isinstance(data, dict) and isinstance(data.get("value"), list):
        kind = KINDS[2]  # a REST list page: {"value": [...], "nextLink": ...}
        reader.versions(data["value"], ("value",))
    elif isinstance(data, dict) and {"id", "properties", "publishingProfile"} & set(data):
        kind = KINDS[2]
        reader.version(data, ())
    else:
        reader.problem(
            (),
            "is not a plan.json, an ARM template, or what `az sig image-version show` or "
            "`list` prints (an object with `id` and `publishingProfile`, or a list of them)",
        )
    if reader.problems:
        raise ScenarioError(reader.problems)
    return Deployed(str(path), kind, reader.state, reader.status, reader.notes)


_REGION = TypeAdapter(RegionName)
_COUNT = TypeAdapter(ReplicaCount)
_REGIONAL = TypeAdapter(RegionalReplicaCount)
_STORAGE = TypeAdapter(StorageName)
_FLAG = TypeAdapter(StrictBool)
_STORAGE_NAMES = {s.lower(): s for s in catalog.STORAGE_TYPES}


class _Reader:
    """Collects the state of every version read, and every problem, located in the file."""

    def __init__(self, file: str):
        self.file = file
        self.state: State = {}
        self.status: dict[VersionRegion, str] = {}
        self.notes: list[str] = []
        self.problems: list[Problem] = []
        self.seen: dict[str, Where] = {}

    def problem(self, where: Where, message: str, azure: str | None = None) -> None:
        self.problems.append(Problem(where, message, azure, file=self.file))

    def check(self, adapter: TypeAdapter, value: Any, where: Where, default: Any = None) -> Any:
        """The value as the scenario's rules read it, the default when it is absent (null), or
        None with a problem recorded."""
        if value is None:
            return default
        if adapter is _STORAGE and isinstance(value, str):
            value = _STORAGE_NAMES.get(value.lower(), value)
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            e = exc.errors(include_url=False)[0]
            ctx = e.get("ctx") or {}
            message = str(ctx.get("message", e["msg"]))
            if value == "PremiumV2_LRS":
                message += " (PremiumV2_LRS is in the API, but acgsim, az and Terraform omit it)"
            self.problem(where, message, ctx.get("azure"))
            return None

    def template(self, template: dict) -> None:
        found = importer.version_resources(template, self.file)
        if not found:
            self.problem(("resources",), f"holds no image version ({VERSION_TYPE})")
        for where, parts, props in found:
            if parts is None:
                self.problem(
                    (*where, "name"),
                    "cannot be read as gallery/image/version: give literal names or parameters "
                    "with default values",
                )
            elif not isinstance(props, dict):
                self.problem((*where, "properties"), "missing, or an expression acgsim cannot read")
            elif self.first("/".join(parts), (*where, "name")):
                profile = props.get("publishingProfile")
                self.profile("/".join(parts), profile, (*where, "properties", "publishingProfile"))

    def versions(self, items: list, where: Where) -> None:
        for i, item in enumerate(items):
            self.version(item, (*where, i))

    def version(self, obj: Any, where: Where) -> None:
        """One GalleryImageVersion, in the REST shape (with `properties`) or az's (without)."""
        if not isinstance(obj, dict):
            self.problem(where, "is not an image version (an object with `id` and its profile)")
            return
        kind = obj.get("type")
        if kind is not None and str(kind).lower() != VERSION_TYPE.lower():
            self.problem((*where, "type"), f"is '{kind}', not an image version ({VERSION_TYPE})")
            return
        rid = obj.get("id")
        found = RESOURCE_ID.fullmatch(rid) if isinstance(rid, str) else None
        if found is None:
            self.problem(
                (*where, "id"),
                "missing or not an image version's resource id (/subscriptions/.../galleries/G/"
                "images/I/versions/V): it names the version's gallery and image",
            )
            return
        ref = "/".join(found.group("gallery", "image", "version"))
        name = obj.get("name")
        if name is not None and name != found.group("version"):
            self.problem((*where, "name"), f"'{name}' is not the version its id names ({ref})")
            return
        props, at = (
            (obj.get("properties"), (*where, "properties")) if "properties" in obj else (obj, where)
        )
        if not isinstance(props, dict):
            self.problem(at, "is not an object of version properties")
            return
        if not self.first(ref, (*where, "id")):
            return
        self.profile(ref, props.get("publishingProfile"), (*at, "publishingProfile"))
        self.replication(ref, props.get("replicationStatus"), (*at, "replicationStatus"))
        state = props.get("provisioningState")
        if isinstance(state, str) and state not in ("Succeeded", "Updating"):
            self.notes.append(f"{ref}: provisioning state {printable(state)}")

    def first(self, ref: str, where: Where) -> bool:
        """True the first time a version is read; a second listing (or a name holding a control
        character, which would reach the terminal) is a problem."""
        char = control_character(ref)
        if char:
            self.problem(where, f"'{ref}' holds a control character ({char})")
            return False
        key = ref.casefold()
        if key in self.seen:
            first = Problem(self.seen[key], "").where
            self.problem(where, f"{ref} is listed twice (first at {first})")
            return False
        self.seen[key] = where
        return True

    def profile(self, ref: str, profile: Any, where: Where) -> None:
        if not isinstance(profile, dict):
            self.problem(where, "missing: the publishing profile holds the target regions")
            return
        count = self.check(_COUNT, profile.get("replicaCount"), (*where, "replicaCount"), 1)
        storage = self.check(
            _STORAGE, profile.get("storageAccountType"), (*where, "storageAccountType")
        )
        exclude = self.check(
            _FLAG, profile.get("excludeFromLatest"), (*where, "excludeFromLatest"), False
        )
        strategy = profile.get("storageAccountStrategy")
        if strategy is not None and strategy not in STRATEGIES:
            self.problem(
                (*where, "storageAccountStrategy"),
                f"'{strategy}' is not one of {', '.join(STRATEGIES)}",
            )
        targets = profile.get("targetRegions")
        if not isinstance(targets, list) or not targets:
            self.problem(
                (*where, "targetRegions"),
                "missing or empty: a version has at least its source region",
            )
            return
        regions: dict[str, int] = {}
        for i, t in enumerate(targets):
            at = (*where, "targetRegions", i)
            if not isinstance(t, dict):
                self.problem(at, "is not a target region ({name, regionalReplicaCount, ...})")
                continue
            if t.get("name") is None:
                self.problem((*at, "name"), "missing: the region's name")
                continue
            region = self.check(_REGION, t.get("name"), (*at, "name"))
            n = self.check(
                _REGIONAL, t.get("regionalReplicaCount"), (*at, "regionalReplicaCount"), count
            )
            kind = self.check(_STORAGE, t.get("storageAccountType"), (*at, "storageAccountType"))
            flag = self.check(
                _FLAG, t.get("excludeFromLatest"), (*at, "excludeFromLatest"), exclude
            )
            if region is None or n is None or flag is None:
                continue
            if region in regions:
                message, azure, _ = render(
                    "DuplicateTargetRegion",
                    region=region,
                    first=f"targetRegions[{regions[region]}]",
                )
                self.problem((*at, "name"), message, azure)
                continue
            regions[region] = i
            kind = kind or storage or self.default_storage(ref, strategy, region)
            self.state[(ref, region)] = RegionState(
                replicas=n, storage=kind, exclude_from_latest=flag
            )

    def default_storage(self, ref: str, strategy: Any, region: str) -> str:
        """A region's storage type when neither it nor the version names one [SPEC]."""
        if strategy == "PreferStandard_ZRS" and catalog.REGIONS[region].zones:
            return "Standard_ZRS"
        note = f"{ref}: no storage type given; Standard_LRS assumed (the default before 2025-03-03)"
        if strategy is None and note not in self.notes:
            self.notes.append(note)
        return catalog.DEFAULT_STORAGE

    def replication(self, ref: str, status: Any, where: Where) -> None:
        """The regions whose replication has not completed (ReplicationStatus [SPEC])."""
        if status is None:
            return
        summary = status.get("summary") if isinstance(status, dict) else None
        if not isinstance(status, dict) or not isinstance(summary, list | None):
            self.problem(where, "is not a replication status ({aggregatedState, summary: [...]})")
            return
        for i, s in enumerate(summary or []):
            at = (*where, "summary", i)
            if not isinstance(s, dict):
                self.problem(at, "is not a region's status ({region, state, progress})")
                continue
            region = self.check(_REGION, s.get("region"), (*at, "region"))
            state = s.get("state")
            if region is None or not isinstance(state, str) or state == "Completed":
                continue
            progress = s.get("progress")
            shown = (
                f" ({progress}%)" if isinstance(progress, int) and state == "Replicating" else ""
            )
            self.status[(ref, region)] = f"{printable(state)}{shown}"  # an extensible enum
