"""Azure Compute Gallery facts as data: regions, storage types, limits, names, guidance, throttling.

Everything here is a fact the public documentation or the REST API spec states; each entry names
its source by the short names of ../shared/AZURE_FACTS.md (listed in SOURCES). Nothing here is a
model assumption: those live in sim.params.ModelParams, each with its rationale. Azure error codes
and messages that acgsim reproduces live in sim.refusals and
sim.service_errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCES: dict[str, str] = {  # naming rules are in sim.naming
    "ACG": "azure-compute-docs: articles/virtual-machines/azure-compute-gallery.md (current)",
    "ACG23": "azure-docs: articles/virtual-machines/azure-compute-gallery.md (2023-04-18)",
    "SIG": "azure-compute-docs: articles/virtual-machines/shared-image-galleries.md",
    "TS": "azure-compute-docs: articles/virtual-machines/troubleshooting-shared-images.md",
    "CTL": "azure-compute-docs: articles/virtual-machines/compute-throttling-limits.md "
    "(2024-05-27)",
    "ARM": "azure-docs: azure-resource-manager/management/request-limits-and-throttling.md",
    "SPEC": "azure-rest-api-specs: Microsoft.Compute/GalleryRP/stable/2025-03-03/GalleryRP.json",
    "RN": "azure-docs: azure-resource-manager/management/resource-name-rules.md",
    "REG": "reliability-docs: regions-list.md (2025-09-23)",
    "CLI": "azure-cli: src/azure-cli/azure/cli/command_modules/vm (az sig ...)",
    "TF": "terraform-provider-azurerm: shared_image_* resources",
    "SHARE": "azure-compute-docs: articles/virtual-machines/share-gallery-direct.md",
    "SEED": "Azure Image Gallery Simplifies Image Sharing and Management "
    "(the project's seed article)",
    "SIG20": "azure-docs: includes/virtual-machines-common-shared-image-galleries.md (2020-04-16)",
    "BATCH": "azure-docs: articles/batch/batch-sig-images.md (considerations for large pools)",
    "TTE": "azure-docs: virtual-machines/troubleshooting/troubleshooting-throttling-errors.md "
    "(2018-09-18): 429 headers, Retry-After, request charges",
    "ERR": "azure-docs: virtual-machines/error-messages.md (compute error codes and messages)",
}


# --- Regions [REG] ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """One Azure region: its availability zones, its pair and whether access is restricted."""

    name: str
    zones: tuple[int, ...]
    pair: str | None
    restricted: bool = False
    source: str = "REG"

    @property
    def has_zones(self) -> bool:
        return bool(self.zones)


# Regions with availability zones have three logical zones [REG].
_ZONED = [
    "australiaeast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "canadacentral",
    "centralindia",
    "centralus",
    "chilecentral",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "koreacentral",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northeurope",
    "norwayeast",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "spaincentral",
    "swedencentral",
    "switzerlandnorth",
    "uaenorth",
    "uksouth",
    "westeurope",
    "westus2",
    "westus3",
]
_UNZONED = [
    "australiacentral",
    "australiacentral2",
    "australiasoutheast",
    "brazilsoutheast",
    "canadaeast",
    "francesouth",
    "germanynorth",
    "koreasouth",
    "northcentralus",
    "norwaywest",
    "southafricawest",
    "southindia",
    "switzerlandwest",
    "uaecentral",
    "ukwest",
    "westcentralus",
    "westindia",
    "westus",
]
_RESTRICTED = set(
    [
        "australiacentral2",
        "brazilsoutheast",
        "francesouth",
        "germanynorth",
        "norwaywest",
        "southafricawest",
        "switzerlandwest",
        "uaecentral",
    ]
)
# Pairs [REG]; "a>b" is one-way (a's pair is b, b's pair is not a).
_PAIRS = [
    "eastus-westus",
    "eastus2-centralus",
    "northeurope-westeurope",
    "uksouth-ukwest",
    "westus2-westcentralus",
    "westus3>eastus",
    "southcentralus-northcentralus",
    "japaneast-japanwest",
    "australiaeast-australiasoutheast",
    "canadacentral-canadaeast",
    "centralindia-southindia",
    "eastasia-southeastasia",
    "koreacentral-koreasouth",
    "francecentral-francesouth",
    "germanywestcentral-germanynorth",
    "swedencentral-swedensouth",
    "switzerlandnorth-switzerlandwest",
    "uaenorth-uaecentral",
    "norwayeast-norwaywest",
    "southafricanorth-southafricawest",
    "brazilsouth>southcentralus",
]


def _build_regions() -> dict[str, Region]:
    pairs: dict[str, str] = {}
    for entry in _PAIRS:
        if ">" in entry:
            a, b = entry.split(">")
            pairs[a] = b
        else:
            a, b = entry.split("-")
            pairs[a], pairs[b] = b, a
    regions = {}
    for name in sorted(_ZONED + _UNZONED):
        zones = (1, 2, 3) if name in _ZONED else ()
        regions[name] = Region(name, zones, pairs.get(name), name in _RESTRICTED)
    return regions


REGIONS: dict[str, Region] = _build_regions()


def normalize_region(text: str) -> str:
    """'East US 2' and 'eastus2' name the same region; Azure's canonical form is the latter."""
    return re.sub(r"[\s_-]+", "", text).lower()


# --- Storage account types [SPEC][CLI][TF][ACG] ---------------------------------------------


@dataclass(frozen=True)
class StorageType:
    """A replica storage account type; ZRS survives the loss of one zone [ACG]."""

    name: str
    zone_redundant: bool
    premium: bool
    source: str


STORAGE_TYPES: dict[str, StorageType] = {
    "Standard_LRS": StorageType("Standard_LRS", False, False, "SPEC: the default"),
    "Standard_ZRS": StorageType(
        "Standard_ZRS", True, False, "SPEC; ACG: use ZRS where zones exist"
    ),
    "Premium_LRS": StorageType("Premium_LRS", False, True, "SPEC"),
}
# PremiumV2_LRS is in the API [SPEC] but az CLI and Terraform refuse it [CLI][TF]: not offered.
DEFAULT_STORAGE = "Standard_LRS"


# --- Limits [ACG] ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """One service limit: what is counted, its maximum and where that number comes from."""

    key: str
    value: int
    scope: str
    what: str
    source: str
    note: str = ""


LIMITS: dict[str, Limit] = {
    lim.key: lim
    for lim in (
        Limit("galleries", 100, "subscription, region", "galleries", "ACG"),
        Limit("image_definitions", 1000, "subscription, region", "image definitions", "ACG"),
        Limit("image_versions", 10000, "subscription, region", "image versions", "ACG"),
        Limit(
            "replicas",
            100,
            "image version, region",
            "replicas per target region",
            "ACG",
            "was 50 before January 2023; best-practice text still says 50 should be sufficient",
        ),
        Limit(
            "image_size_full_gb",
            2048,
            "image version",
            "source disk size, Full replication (GB)",
            "ACG; TS",
            "service error: 'exceeds the max size 2048'; older docs said 1 TB",
        ),
        Limit(
            "image_size_shallow_gb",
            32768,
            "image version",
            "source disk size, Shallow replication (GB)",
            "SIG",
            "32 TB",
        ),
        Limit(
            "vmss_instances",
            1000,
            "scale set",
            "instances in one scale set from a gallery image",
            "ACG",
            "600 for a scale set from a plain managed image",
        ),
        Limit("share_subscriptions", 30, "gallery", "subscriptions in direct sharing", "SHARE"),
        Limit("share_tenants", 5, "gallery", "tenants in direct sharing", "SHARE"),
    )
}
MIN_REPLICAS = 1  # regionalReplicaCount and replicaCount are at least 1 [SPEC]


# --- Scaling guidance [SEED][ACG23][ACG] ----------------------------------------------------


@dataclass(frozen=True)
class Guidance:
    """A named rule of thumb: how many concurrently created VMs one replica serves."""

    name: str
    vms_per_replica: int
    source: str
    text: str


GUIDANCE: dict[str, Guidance] = {
    "seed": Guidance(
        "seed",
        20,
        "SEED; ACG23",
        "one replica for every 20 VMs created concurrently (120 VMs -> 6 replicas)",
    ),
    "current": Guidance(
        "current",
        50,
        "ACG (Scaling section)",
        "one replica for every 50 VMs created concurrently (500 VMs -> 10 replicas)",
    ),
}
DEFAULT_GUIDANCE = "seed"  # the project's specification and the more conservative of the two
SCALE_SETS_PER_REPLICA = 1  # one replica for each scale set created concurrently [SEED][ACG23]


@dataclass(frozen=True)
class Reading:
    """One reading of what the guidance says about scale sets and replicas."""

    name: str
    text: str
    source: str
    modelled: bool


# How a scale set draws on replicas. The simulator models the first: every instance of a scale
# set is created from the one replica the scale set was given (re-chosen only if it is lost),
# `model.vmss_batch` instances at a time; the others are documented alternatives, not modelled.
SCALE_SET_READINGS: dict[str, Reading] = {
    r.name: r
    for r in (
        Reading(
            "one-per-scale-set",
            "one replica for each scale set created concurrently, whatever its size",
            "SEED; ACG23",
            True,
        ),
        Reading(
            "one-per-600",
            "one replica for every scale set deployment of up to 600 instances (5 scale sets "
            "of 600 at once -> 5 replicas)",
            "SIG20",
            False,
        ),
        Reading(
            "pool-per-600",
            "Batch pools: one replica per 600 instances of a pool (3,000 VMs -> 5 replicas)",
            "BATCH",
            False,
        ),
    )
}
# The VM security types an image definition's SecurityType feature serves: acgsim's reading of
# [SIG]'s SecurityType table (a '...Supported' image serves both kinds of VM).
SECURITY_SERVES: dict[str, tuple[str, ...]] = {
    "Standard": ("Standard",),
    "TrustedLaunch": ("TrustedLaunch",),
    "TrustedLaunchSupported": ("Standard", "TrustedLaunch"),
    "ConfidentialVM": ("ConfidentialVM",),
    "ConfidentialVMSupported": ("Standard", "ConfidentialVM"),
    "TrustedLaunchAndConfidentialVmSupported": ("Standard", "TrustedLaunch", "ConfidentialVM"),
}
PRODUCTION_MIN_REPLICAS = 3  # keep at least 3 replicas for production images [ACG]


# --- Throttling [CTL][ARM] ------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    """A token bucket: capacity in tokens and refill rate in tokens per second."""

    size: float
    refill_per_s: float


@dataclass(frozen=True)
class ComputePolicy:
    """A compute resource provider throttling policy, per region [CTL]."""

    name: str
    per_resource: Bucket | None
    per_subscription: Bucket
    source: str = "CTL"


def _per_min(refill: float, size: float) -> Bucket:
    return Bucket(size=size, refill_per_s=refill / 60.0)


COMPUTE_POLICIES: dict[str, ComputePolicy] = {
    p.name: p
    for p in (
        ComputePolicy("PutVM", _per_min(4, 12), _per_min(500, 1500)),
        ComputePolicy("DeleteVM", _per_min(4, 12), _per_min(500, 1500)),
        ComputePolicy("LowCostGetVM", _per_min(12, 36), _per_min(8000, 24000)),
        ComputePolicy("HighCostGetVM", None, _per_min(300, 900)),
        ComputePolicy("GetOperation", _per_min(15, 45), _per_min(5000, 15000)),
        ComputePolicy("VMSSPut", _per_min(4, 12), _per_min(125, 375)),
        ComputePolicy("VMSSUpdate", _per_min(4, 12), _per_min(500, 1500)),
        ComputePolicy("VMSSDelete", _per_min(4, 12), _per_min(175, 525)),
        ComputePolicy("VMSSLowCostGet", _per_min(12, 36), _per_min(800, 2400)),
        ComputePolicy("VMSSHighCostGet", _per_min(10, 30), _per_min(360, 1080)),
    )
}

# Azure Resource Manager, per subscription, per region, per principal [ARM].
ARM_BUCKETS: dict[str, Bucket] = {
    "read": Bucket(size=250, refill_per_s=25),
    "write": Bucket(size=200, refill_per_s=10),
    "delete": Bucket(size=200, refill_per_s=10),
}
# Older ARM docs: 1,200 writes per subscription per hour [ARM, earlier version]; as a bucket.
ARM_HOURLY_WRITES = Bucket(size=1200, refill_per_s=1200 / 3600)
ARM_SUBSCRIPTION_MULTIPLIER = 15  # the whole subscription gets 15x one principal's limits [ARM]
