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
        description="multiplies the disk creations one replica serves at once (at least 1)",
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


class ClientPolicy(StrictModel):
    """How a deploying client (azure-cli, an SDK, Terraform, an ARM deployment) retries a create
    and how long it waits for one. Defaults: azure-cli / the Python SDK (azure-core)."""

    max_retries: int | None = Field(
        10,
        ge=0,
        description=(
            "retries before giving up (azure-core RetryPolicy retry_total=10); null: HTTP 429 is "
            "retried without count, as Terraform's azurerm does, and other failures up to "
            "failure_retries times"
        ),
    )
    failure_retries: int | None = Field(
        None,
        ge=0,
        description=(
            "retries after a failure that is not a 429 (a region down, a lost replica); null: "
            "max_retries counts them too, as azure-core's retry_total counts every retry"
        ),
    )
    honour_retry_after: bool = Field(True, description="wait the Retry-After the service gave")
    backoff_base: Duration = Field(
        0.8, description="exponential backoff factor; azure-core retry_backoff_factor=0.8"
    )
    backoff_max: Duration = Field(
        120.0, description="backoff ceiling; azure-core retry_backoff_max=120 s"
    )
    deadline: Duration | None = Field(
        None,
        description=(
            "the client stops waiting for a VM this long after sending it and reports a failure "
            "(ClientTimedOut) although Azure carries on; null: it waits as long as it takes "
            "(azure-core's LRO poller has no overall timeout)"
        ),
    )
    scale_set_deadline: Duration | None = Field(
        None, description="the same for a scale set, from its PUT; null: no deadline"
    )
    concurrency: int | None = Field(
        None,
        ge=1,
        description=(
            "creates the client runs at once when the wave gives no `concurrency`; null: all "
            "at once (a script that sends them in parallel)"
        ),
    )
    poll_interval: Duration | None = Field(
        30.0,
        description=(
            "the client polls its create's status through ARM (an ARM read) every this long, "
            "or every Retry-After the service sent; 30 s: azure-cli's az vm create deploys a "
            "template (vm_deploy_...) and polls the deployment at azure-mgmt-resource's "
            "polling_interval 30 s, ARM deployments assumed to send no Retry-After; null: the "
            "client polls nothing per VM"
        ),
    )
    arm_charged_per_retry: bool = Field(
        True,
        description=(
            "each retry is a new HTTP request through Azure Resource Manager and takes an ARM "
            "write token again [ARM: every request counts]; false where the retries happen "
            "behind ARM (a template deployment's engine)"
        ),
    )


class Retry(ClientPolicy):
    """The policy of waves that name no `client` (azure-cli's, the most common: every gallery
    how-to in Azure's docs uses it), and the shortest Retry-After the service sends."""

    min_retry_after: Duration = Field(
        6.0,
        description=(
            "shortest Retry-After the compute RP and ARM send on HTTP 429, for every client; "
            "assumed 6 s: the shortest Azure has been seen to send for a Microsoft.Compute "
            "operation ('Please try again after 6 seconds', azure-docs issue 105248); its "
            "documented 429 sample sends 1,200 s for a 30-minute window [TTE]. acgsim otherwise "
            "sends the time to the bucket's next token"
        ),
    )


def _client(**fields) -> ClientPolicy:
    return ClientPolicy(**fields)


class ClientProfiles(StrictModel):
    """The named client profiles a wave chooses with `client:` (hyphenated names)."""

    azure_cli: ClientPolicy = Field(
        default_factory=ClientPolicy,
        description=(
            "azure-cli: azure-core's RetryPolicy (retry_total 10, backoff 0.8 s doubling up to "
            "120 s, Retry-After honoured); no overall deadline"
        ),
    )
    python_sdk: ClientPolicy = Field(
        default_factory=lambda: _client(poll_interval=10.0),
        description=(
            "python-sdk (azure-mgmt-compute): the same azure-core RetryPolicy as azure-cli; it "
            "polls the compute operation (Azure-AsyncOperation) every Retry-After, 10 s as the "
            "compute RP sends it on a VM create (azure-powershell issue 15117), its own default "
            "being 30 s (polling_interval)"
        ),
    )
    terraform: ClientPolicy = Field(
        default_factory=lambda: _client(
            max_retries=None,
            failure_retries=3,
            backoff_base=30.0,
            backoff_max=30.0,
            deadline=45 * 60.0,
            scale_set_deadline=60 * 60.0,
            concurrency=10,
            poll_interval=10.0,
        ),
        description=(
            "terraform (azurerm): polls the compute operation every Retry-After (10 s, as "
            "python-sdk; assumed: go-azure-sdk's pollers honour Retry-After); "
            "429 retried without count, honouring Retry-After (azurerm "
            "sets autorest.Count429AsRetry=false); other failures 3 attempts 30 s apart "
            "(go-autorest DefaultRetryAttempts 3, DefaultRetryDuration 30 s); create timeouts "
            "45 min for a VM and 60 min for a scale set (azurerm docs, Timeouts); 10 resources "
            "at once (terraform apply -parallelism default 10)"
        ),
    )
    arm_template: ClientPolicy = Field(
        default_factory=lambda: _client(
            max_retries=None, failure_retries=3, arm_charged_per_retry=False, poll_interval=None
        ),
        description=(
            "arm-template (a template deployment: az deployment group create): ARM's deployment "
            "engine sends the resource PUTs and retries a 429 honouring Retry-After; assumed "
            "without count and without an overall deadline, 3 retries of other failures, and "
            "the retries charged behind ARM's front door, not to the caller's write bucket "
            "(ARM documents neither); the caller polls its one deployment, nothing per VM"
        ),
    )

    def get(self, name: str) -> ClientPolicy | None:
        """The profile named `name` ("azure-cli", "terraform", ...), or None."""
        return getattr(self, name.replace("-", "_"), None) if name in CLIENT_NAMES else None


CLIENT_NAMES = ("azure-cli", "python-sdk", "terraform", "arm-template")
DEFAULT_CLIENT = "azure-cli"  # the most common: Azure's gallery how-tos all show az commands


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
