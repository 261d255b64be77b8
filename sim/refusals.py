"""The refusal catalogue: what acgsim says, in Azure's own words, when a scenario asks for
something the real service would refuse.

A refusal is acgsim's explanation and the message Azure itself gives, quoted from [TS]; where no
service message is published, the documentation's own statement is quoted and labelled as such.
[TS] gives messages, not error codes, so validation problems carry none. Problems that are only
about the scenario file (a dangling reference, an unknown field) quote nothing. Each entry names its
source (sim.catalog.SOURCES). sim.errors turns a filled-in refusal into a located Problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn


@dataclass(frozen=True)
class Refusal:
    """One kind of problem: acgsim's explanation, and Azure's own words where it has them."""

    explain: str
    azure: str | None = None  # the service's error message, verbatim from [TS]
    docs: str | None = None  # else the documentation's statement, verbatim
    source: str = ""


_NAME = "'{value}' is not a valid {what}: {rule}"
REFUSALS: dict[str, Refusal] = {
    # --- names [RN][TS] ---
    "InvalidGalleryName": Refusal(
        _NAME,
        "Gallery name is invalid. Allowed characters are English alphanumeric characters, "
        "with underscores, and periods allowed in the middle, up to 80 characters total. All "
        "other special characters, including dashes, are disallowed.",
        source="TS; RN",
    ),
    "InvalidImageDefinitionName": Refusal(
        _NAME,
        "The entity name {value} is invalid according to its validation rule: "
        "^[^_\\W][\\w-._]{{0,79}}(?<![-.])$",
        source="TS; RN",
    ),
    "InvalidImageIdentifier": Refusal(
        _NAME,
        "Asset name galleryImage.properties.identifier.{what} is not valid. It cannot be "
        "empty. Allowed characters are uppercase or lowercase letters, digits, hyphen(-), period "
        "(.), underscore (_). Names are not allowed to end with period(.). The length of the name "
        "cannot exceed {length} characters.",
        source="TS",
    ),
    "InvalidResourceGroupName": Refusal(_NAME, source="RN"),
    "InvalidImageVersionName": Refusal(
        "'{value}' is not a valid image version name: {rule}",
        "The image version name is invalid. The image version name should follow "
        "Major(int).Minor(int).Patch(int) format, for e.g: 1.0.0, 2018.12.1 etc",
        source="TS; RN",
    ),
    # --- publishing profile [SPEC][TS][ACG][SIG] ---
    "ReplicaCountOutOfRange": Refusal(
        "{value} replicas is outside {low}..{high}: an image version holds at most {high} "
        "replicas per region",
        "The value {value} of parameter {property} is out of range. The value must be between "
        "{low} and {high}, inclusive",
        source="ACG; TS",
    ),
    "DuplicateTargetRegion": Refusal(
        "region '{region}' is listed more than once (first as {first})",
        "Duplicate regions are not allowed in target publishing regions",
        source="TS",
    ),
    "SourceRegionNotTargeted": Refusal(
        "the gallery's region '{region}' holds the source and must be one of the target regions",
        "Gallery image version publishing profile regions {regions} must contain the location of "
        "image version {region}",
        source="TS; SIG",
    ),
    "ZrsNotSupported": Refusal(
        "'{region}' has no availability zones, so Standard_ZRS is refused there; use "
        "Standard_LRS or Premium_LRS",
        "ZRS storage account type is not supported in this region.",
        source="TS; REG",
    ),
    "ImageTooLarge": Refusal(
        "{size} GB is over the {limit} GB limit for {mode} replication{hint}",
        "Replication failed in this region due to 'The GalleryImageVersion source resource size "
        "{size} exceeds the max size {limit} supported'",
        source="ACG; TS; SIG",
    ),
    "ShallowTooWide": Refusal(
        "Shallow replication does not copy the image: one replica in the source region "
        "'{region}' only; got {detail}",
        source="SIG; AZURE_FACTS 1",
    ),
    "StorageNotUpdatable": Refusal(
        "the storage type of '{region}' is {current} and cannot change on an update (got "
        "{given}); publish a new version with the new storage type",
        "Global storage account type does not match the storage account type in the existing "
        "TargetRegion: '{region}'. Please specify '{current}' as the storage account type for "
        "this region.",
        source="SPEC; azure-powershell 9911",
    ),
    "AlreadyTargeted": Refusal(
        "'{region}' is already a target region of {version} when this update comes; to retry a "
        "Failed region, remove it in one update and add it back in a later one",
        docs="If retry does not work, then please do an update by removing the failed regions "
        "and update again by adding them back.",
        source="TS; azure-cli 15539",
    ),
    "UpdateNotTargeted": Refusal(
        "'{region}' is not a target region of {version} when this update comes: {what}"
    ),
    "DeleteWithChanges": Refusal(
        "an update that deletes {version} cannot also add, remove or resize regions: give the "
        "changes as an update of their own"
    ),
    "UpdateBeforePublish": Refusal(
        "the update at {at} comes before {version} is published at {publish}"
    ),
    "ScaleSetTooLarge": Refusal(
        "a scale set from a gallery image holds at most {limit} instances; got {value}",
        docs="With Compute Gallery, you can deploy up to 1,000 VM instances in a scale set.",
        source="ACG",
    ),
    "GenerationMismatch": Refusal(
        "security type {security} describes a Gen2 image; set hyperv_generation: V2 (or "
        "security_type: Standard)",
        source="SIG (SecurityType table); trusted-launch.md",
    ),
    "WaveGeneration": Refusal(
        "the VMs boot Hyper-V generation {wave} but '{image}' is {image_generation}: every "
        "request fails",
        "The selected VM size '<size>' cannot boot Hypervisor Generation '{image_number}'. If "
        "this was a Create operation please check that the Hypervisor Generation of the Image "
        "matches the Hypervisor Generation of the selected VM Size.",
        source="compute RP's answer, as public deployment logs show it",
    ),
    "WaveSecurityType": Refusal(
        "'{image}' has security type {image_security}, which serves {allowed} VMs, not "
        "{security}: every request fails",
        source="SIG (SecurityType table)",
    ),
    "CrossTenantWithoutApp": Refusal(
        "'{assignee}' is in tenant '{tenant}' and the gallery in '{owner}': with cross_tenant "
        "'none' the role alone does not let it deploy, every request fails",
        "The client has permission to perform action "
        "'Microsoft.Compute/galleries/images/versions/read' on scope {scope}, however the "
        "current tenant {tenant} is not authorized to access linked subscription {subscription}",
        docs="Cross-tenant use needs an app registration present in both tenants.",
        source="TS; ACG",
    ),
    "EndOfLife": Refusal(
        "{what} '{name}' reached its end of life on {date}: deployments still succeed [SIG], "
        "but plan a newer version"
    ),
    "UnknownClient": Refusal(
        "'{value}' is not a client profile: use {allowed}, or define it under `clients`"
    ),
    "ClientShadowed": Refusal(
        "'{value}' is a built-in client profile: change it under model.clients, or give the "
        "custom profile another name"
    ),
    # --- limits per subscription and region [ACG] ---
    "LimitExceeded": Refusal(
        "subscription '{subscription}' would hold {count} {what} in '{region}'",
        docs="You can have a maximum of {limit} {what} per subscription, per region.",
        source="ACG",
    ),
    # --- identity and uniqueness [SIG][TS] ---
    "DuplicateIdentifier": Refusal(
        "publisher/offer/sku must be unique within a gallery; image '{other}' already uses it",
        "Gallery image: {name} identified by (publisher:{publisher}, offer:{offer}, sku:{sku}) "
        "already exists. Choose a different publisher, offer, sku combination.",
        source="TS; SIG",
    ),
    "DuplicateGallery": Refusal(
        "gallery names must be unique within a subscription ('{first}' has it too)",
        "The gallery name {name} is not unique within the subscription {subscription}. Please "
        "pick another gallery name",
        source="TS; create-gallery.md",
    ),
    "DuplicateName": Refusal("{what} '{name}' is defined more than once{where}"),
    # --- sharing [SHARE][ACG] ---
    "ShareTooWide": Refusal(
        "direct sharing reaches at most {limit} {what}; got {count}",
        docs="You can share up to 30 subscriptions and 5 tenants.",
        source="SHARE",
    ),
    "SharingListsNeedGroups": Refusal(
        "subscriptions and tenants are shared with only when mode is 'groups' (got '{mode}')"
    ),
    # --- prices: one currency per table (no Azure counterpart) ---
    "BadCurrency": Refusal(
        "'{value}' is not a currency code: write ISO 4217 in capitals, e.g. EUR"
    ),
    "PartialPrices": Refusal(
        "prices in {currency} must give every price, as_of and source (missing: {missing}): the "
        "shipped prices are USD and acgsim has no exchange rate, so it never fills gaps with them"
    ),
    # --- references the scenario makes (no Azure counterpart) ---
    "UnknownRegion": Refusal(
        "unknown Azure region '{region}'{hint} (`acgsim regions` lists them)", source="REG"
    ),
    "UnknownReference": Refusal("{what} '{name}' is not defined{where}"),
    "BadImageReference": Refusal(
        "'{value}' is not an image reference: write gallery/image/version or gallery/image/latest"
    ),
    "BadLabel": Refusal("'{value}' is not a valid name: {rule}"),
    "SameRegionTwice": Refusal("'{first}' and '{second}' name the same region"),
    "NotPositive": Refusal("must be more than zero, got {value}"),
    "ControlCharacter": Refusal(
        "holds the control character {char}: NUL, escape and other control characters do not "
        "reach Azure, a shell or a terminal intact; remove it"
    ),
    "LoneSurrogate": Refusal(
        "holds {char}, half of a UTF-16 surrogate pair: not a character, and no UTF-8 file, "
        "shell or Azure can carry it; remove it"
    ),
    "NotFinite": Refusal("is {value}: a number here must be finite"),
    "AzFileReference": Refusal(
        "'{value}' starts with '@': the az CLI reads an argument that starts with '@' as a file "
        "to send in its place, with no escape, so the az export cannot carry this text; begin "
        "it otherwise",
        source="CLI",
    ),
    "BadScope": Refusal(
        "'{value}' is not a scope: write gallery, gallery/image or gallery/image/version"
    ),
    "OneAssignee": Refusal("give exactly one of `subscription` or `tenant`"),
    "SourceField": Refusal(
        "`{field}` is not a field of a {kind} source; a {kind} source takes {allowed}",
        source="SPEC",
    ),
    "SourceValue": Refusal("'{value}' is not a {what}: write it as {shape}", source="SPEC"),
    "FailureWhen": Refusal("give exactly one of `at` (with `duration`) or `probability`"),
    "FailureWindow": Refusal("`at` and `duration` go together"),
    "SizeOrder": Refusal(
        "size_gb {size} (occupied) cannot exceed disk_size_gb {disk} (the provisioned disk)"
    ),
    "ZoneMissing": Refusal("region '{region}' has no availability zones to lose", source="REG"),
    # --- warnings: legal, but probably not what was meant ---
    "NotTargeted": Refusal("{what}"),
    # --- what no ceiling allows (sim.footprint) ---
    "TooManySamples": Refusal(
        "sampling every {interval} over a {horizon} horizon takes {times} samples per region, "
        "more than the {limit} a run may take (about 1 GB per region): set "
        "model.sample_interval to {least} or more, or shorten the horizon"
    ),
    "WaveTooLarge": Refusal(
        "this wave submits {count} requests{how}, more than the {limit} one wave may hold (the "
        "limit of a VM wave's count): split it, or make it smaller"
    ),
    "AfterHorizon": Refusal(
        "{what} at {at} is at or after the horizon {horizon}, where the run stops: it never happens"
    ),
    "PastHorizon": Refusal(
        "this wave sends its last request at {last}, after the horizon {horizon}: the requests "
        "due after it are never sent and not counted; lengthen the horizon or shorten the {field}"
    ),
    "StartTooLate": Refusal(
        "{start} plus the horizon {horizon} is past the last date a clock can show (year 9999): "
        "set an earlier start"
    ),
    "CommunityInfo": Refusal(
        "a community gallery's contact information is public, and the az CLI and Terraform "
        "require all of it; missing: {fields}",
        source="share-gallery-community.md; CLI; TF",
    ),
    "RestrictedRegion": Refusal(
        "region '{region}' is access-restricted: a subscription must be enabled for it first",
        source="REG",
    ),
}


def render(key: str, **fmt: object) -> tuple[str, str | None, str | None]:
    """A refusal filled in: acgsim's explanation, Azure's message, the documentation's statement."""
    refusal = REFUSALS[key]
    azure = refusal.azure.format(**fmt) if refusal.azure else None
    docs = refusal.docs.format(**fmt) if refusal.docs else None
    return refusal.explain.format(**fmt), azure, docs


def refuse(key: str, **fmt: object) -> NoReturn:
    """Raise inside a pydantic validator; the loader turns it into a Problem."""
    from pydantic_core import PydanticCustomError  # here: the CLI imports this module at start

    explain, azure, docs = render(key, **fmt)
    raise PydanticCustomError(
        f"acgsim.{key}", "{message}", {"message": explain, "azure": azure, "docs": docs}
    )
