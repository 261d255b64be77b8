"""Model parameters that are assumptions, not Azure facts: each has a default and a rationale.

Azure publishes no number for how many disk creations one replica serves at once, how fast a
replica is copied, or how long a disk takes to hydrate. acgsim needs numbers, so it takes
defensible defaults, says why next to each (the field's description), and lets a scenario override
every one under `model:`. Reports list these with the values in force (`assumptions`).

This module holds ModelParams, which gathers them (the service's behaviour is in
sim.service_params, the clients' in sim.client_profiles), and the table of assumptions in force.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from acgsim.sim import catalog
from acgsim.sim.client_profiles import ClientProfiles, Retry
from acgsim.sim.fields import PositiveDuration, StrictModel
from acgsim.sim.service_params import DiskTime, Dist, Replication, StorageTiers
from acgsim.sim.units import Duration


class Polling(StrictModel):
    """Status polls of long-running creates and the read buckets they draw from (sim.polling)."""

    read_throttling: bool = Field(
        True,
        description=(
            "status polls draw from the ARM read bucket of the subscription (250 tokens "
            "refilled 25/s per principal [ARM]) and compute's GetOperation bucket of the "
            "subscription and region (15,000 refilled 5,000/min [CTL]); a VM whose decisive "
            "poll finds a bucket empty is learned about Retry-After later. false: polls are "
            "never throttled (the results are those of a model without polling)"
        ),
    )
    operation_interval: Duration = Field(
        10.0,
        description=(
            "every create's compute operation is polled (GetOperation) this often, by the "
            "client or by ARM's deployment engine: the Retry-After: 10 the compute RP sends "
            "with a VM create's Azure-AsyncOperation (azure-powershell issue 15117); the "
            "engine's own interval is not published (assumed to honour it)"
        ),
    )


class ModelParams(StrictModel):
    """Everything the model assumes; a scenario overrides any field under `model:`."""

    replica_concurrency: int | None = Field(
        None,
        ge=1,
        description=(
            "disk creations one replica serves at once; default: the guidance profile's VMs per "
            "replica (20 seed, 50 current), since Azure publishes no per-replica number; scaled "
            "by the replica's storage tier (storage.*.concurrency_factor)"
        ),
    )
    replica_selection: Literal["least_loaded", "round_robin", "random"] = Field(
        "least_loaded", description="how a request picks a replica; Azure does not document it"
    )
    disk: DiskTime = Field(default_factory=DiskTime, description="OS disk creation from a replica")
    storage: StorageTiers = Field(
        default_factory=lambda: StorageTiers(),
        description="replica load by storage type (Standard HDD vs Premium SSD)",
    )
    boot: Dist = Field(
        default_factory=lambda: Dist(mean=40.0),
        description=("OS boot until the VM runs; assumed 40 s, typical of a small Linux VM"),
    )
    replication: Replication = Field(default_factory=Replication, description="replication")
    retry: Retry = Field(
        default_factory=Retry,
        description=(
            "client retries of waves that name no `client` (azure-cli's defaults), and the "
            "service's shortest Retry-After"
        ),
    )
    clients: ClientProfiles = Field(
        default_factory=ClientProfiles, description="the named client profiles (`client:`)"
    )
    os_provisioning_timeout: Duration = Field(
        20 * 60.0,
        description=(
            "a VM not running this long after Azure accepted its PUT (a scale-set instance: "
            "after its batch started) fails with OSProvisioningTimedOut (Azure's text: 'OS "
            "Provisioning for VM ... did not finish in the allotted time'; azure-docs "
            "error-messages.md). Azure does not publish the allotted time: assumed 20 min, as "
            "deployment reports describe it (~20 minutes); the clock is read as covering the "
            "wait for a replica, the disk and the boot"
        ),
    )
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
    polling: Polling = Field(
        default_factory=Polling, description="status polls and read throttling (sim.polling)"
    )
    arm_principals: int = Field(
        1,
        ge=1,
        le=1000,
        description=(
            "service principals a subscription deploys with, its VM requests taking them in turn; "
            "ARM limits are per principal and the subscription gets 15x one principal's [ARM]; "
            "assumed 1 (one pipeline identity)"
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
        20,
        ge=1,
        description=(
            "instances a scale set creates at a time, all from its one replica (acgsim's reading "
            "of one replica per concurrently created scale set [SEED][ACG23]; older docs: one "
            "per scale set of up to 600 instances [SIG20]); assumed 20, the seed guidance's VMs "
            "per replica, so one batch fills one replica's slots. Azure publishes no batch size"
        ),
    )
    guidance_combination: Literal["max", "sum"] = Field(
        "max",
        description=(
            "how the planner combines the VM and scale-set guidance for one region: 'max' (the "
            "larger of VMs / per-replica and scale sets at once) or 'sum' (both added); the "
            "guidance states each rule alone [SEED][ACG23], so this is acgsim's choice: 'max' "
            "since a scale set's replica also serves VMs between its batches"
        ),
    )
    sample_interval: PositiveDuration = Field(
        60.0, description="time-series sampling step for plots"
    )

    def concurrency(self, guidance: str, storage: str | None = None) -> int:
        """Disk creations per replica at once: the override, else the guidance profile's number;
        scaled by the storage tier's factor when a storage type is given."""
        base = self.replica_concurrency
        if base is None:
            base = catalog.GUIDANCE[guidance].vms_per_replica
        if storage is None:
            return base
        return max(1, round(base * self.storage.load(storage).concurrency_factor))


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


def assumptions_marked(params: ModelParams, guidance: str) -> list[dict[str, str | bool]]:
    """The rows of `assumptions`, each with acgsim's default and whether `params` overrides it."""
    defaults = {r["parameter"]: r["value"] for r in assumptions(ModelParams(), guidance)}
    return [
        r
        | {
            "default": defaults.get(r["parameter"], ""),
            "overridden": r["value"] != defaults.get(r["parameter"], ""),
        }
        for r in assumptions(params, guidance)
    ]
