"""The problems acgsim reports, with Azure's own words (and error code) where Azure has them.

A scenario that asks for something the real service would refuse is refused with acgsim's
explanation and the message Azure itself gives, quoted from [TS]; where no service message is
published, the documentation's own statement is quoted and labelled as such. [TS] gives messages,
not error codes, so validation problems carry none. Errors a deployment meets at run time (RUNTIME)
carry the code where a source gives one. Problems that are only about the scenario file (a dangling
reference, an unknown field) quote nothing. Each entry names its source (sim.catalog.SOURCES).
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
    "AfterHorizon": Refusal("{what} at {at} is after the horizon {horizon}: it never happens"),
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


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10)}
# Half of a UTF-16 surrogate pair: JSON's "\ud800" reads as one, and UTF-8 cannot encode it.
_SURROGATE = {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}
_UNPRINTABLE = _CONTROL | _SURROGATE


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (ESC, NUL, ...) shown as \\xNN and
    lone surrogates as \\uXXXX, so a value from a hostile file cannot move the cursor, recolour
    or clear the screen, nor stop the printing with an encoding error."""
    return text.translate(_UNPRINTABLE)


def control_character(text: str) -> str | None:
    """The first control character in TEXT (tab and newline allowed) as \\xNN, or None."""
    for ch in text:
        if ord(ch) in _CONTROL:
            return _CONTROL[ord(ch)]
    return None


def unfit_character(text: str) -> tuple[str, str] | None:
    """The first character that no file, shell or terminal carries intact, as (the refusal's
    key, the character as \\xNN or \\uXXXX), or None: a control character (tab and newline
    allowed) or half of a surrogate pair."""
    for ch in text:
        code = ord(ch)
        if code in _CONTROL:
            return "ControlCharacter", _CONTROL[code]
        if code in _SURROGATE:
            return "LoneSurrogate", _SURROGATE[code]
    return None


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a scenario file, located by its field path."""

    path: tuple[str | int, ...]
    message: str
    azure: str | None = None
    docs: str | None = None
    severity: str = "error"
    file: str = ""
    line: int | None = None

    @property
    def where(self) -> str:
        """The field path as a person reads it: galleries[0].images[1].name."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        return text or "(top level)"

    def __str__(self) -> str:
        parts = [self.file or "<scenario>", self.where]
        lead = "warning: " if self.severity == "warning" else ""
        azure = f'; Azure says: "{self.azure}"' if self.azure else ""
        docs = f'; Azure docs: "{self.docs}"' if self.docs else ""
        line = f" (line {self.line})" if self.line else ""
        return printable(f"{': '.join(parts)}: {lead}{self.message}{azure}{docs}{line}")


class InputError(Exception):
    """Input the user can fix (an option, a file that is not what it should be): each line names
    the file or option and what is allowed. The CLI prints the lines and exits with status 2.
    ScenarioError is the same for scenario files, with a located Problem for each line."""

    status = 2  # the CLI's exit status; a subclass may have its own

    def __init__(self, *lines: str) -> None:
        self.lines = [printable(line) for line in lines]
        super().__init__("\n".join(self.lines))


class ScenarioError(InputError):
    """A scenario the user must fix; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__(*(str(p) for p in problems))
        self.problems = problems


def problem(
    path: tuple[str | int, ...], key: str, severity: str = "error", **fmt: object
) -> Problem:
    """A Problem from a refusal key, for cross-field checks."""
    explain, azure, docs = render(key, **fmt)
    return Problem(path=path, message=explain, azure=azure, docs=docs, severity=severity)


# --- errors a deployment meets at run time ---------------------------------------------------


@dataclass(frozen=True)
class ServiceError:
    """An error the simulated service returns to a deployment request, and how clients react."""

    status: int  # HTTP status
    code: str | None  # Azure's error code where a source gives one
    message: str  # Azure's message where a source gives one, else acgsim's (then model=True)
    source: str
    retry: str  # "retry_after" (429), "backoff" (transient), "none" (the request fails)
    model: bool = False  # True where Azure publishes no text and acgsim wrote its own


RUNTIME: dict[str, ServiceError] = {
    "TooManyRequests": ServiceError(
        429,
        "OperationNotAllowed",
        "The server rejected the request because too many requests have been received for this "
        "subscription. (inner code TooManyRequests)",
        "CTL; troubleshooting-throttling-errors.md",
        "retry_after",
    ),
    "ArmThrottled": ServiceError(
        429,
        None,
        "Azure Resource Manager throttled the request (429 Too Many Requests, with Retry-After)",
        "ARM",
        "retry_after",
        model=True,
    ),
    "NotAvailableInRegion": ServiceError(
        404,
        None,
        "The gallery image {image} is not available in {region} region. Please contact "
        "image owner to replicate to this region, or change your requested region.",
        "TS",
        "none",
    ),
    "GalleryImageNotFound": ServiceError(
        404,
        "GalleryImageNotFound",
        "The gallery image {image} is not available in {region} region.",
        "AgentBaker PR 8373 (right after the region completed replicating)",
        "none",
    ),
    "VersionDeleted": ServiceError(
        404,
        "GalleryImageNotFound",
        "The gallery image {image} is not available in {region} region. Please contact "
        "image owner to replicate to this region, or change your requested region.",
        "TS (the answer for a version not in the region; assumed the same for a deleted one)",
        "none",
    ),
    "NoLatestVersion": ServiceError(
        404, None, 'There is no latest image version exists for "{image}"', "TS", "none"
    ),
    "AuthorizationFailed": ServiceError(
        403,
        "AuthorizationFailed",
        "The client does not have authorization to perform action "
        "'Microsoft.Compute/galleries/images/versions/read' over scope '{image}'",
        "ARM role-based access control (standard error)",
        "none",
    ),
    "LinkedAuthorizationFailed": ServiceError(
        403,
        "LinkedAuthorizationFailed",
        "The client has permission to perform action "
        "'Microsoft.Compute/galleries/images/versions/read' on scope {image}, however the current "
        "tenant {tenant} is not authorized to access linked subscription {subscription}",
        "TS",
        "none",
    ),
    "CrossTenantFlexible": ServiceError(
        400,
        None,
        "Flexible scale sets cannot be created from an image shared by another tenant",
        "ACG",
        "none",
        model=True,
    ),
    "ReplicaUnavailable": ServiceError(
        500,
        None,
        "the replica creating this disk was lost with its availability zone; no other "
        "replica of the version in the region could take over before retries ran out",
        "ACG",
        "backoff",
        model=True,
    ),
    "OSProvisioningTimedOut": ServiceError(
        200,
        "OSProvisioningTimedOut",
        "OS Provisioning for VM '<vm>' did not finish in the allotted time. The VM may still "
        "finish provisioning successfully. Please check provisioning state later.",
        "ERR (the allotted time is not published: model.os_provisioning_timeout)",
        "none",
    ),
    "ClientTimedOut": ServiceError(
        0,
        None,
        "the client stopped waiting at its deadline and reported the create as failed (Terraform: "
        "'context deadline exceeded'); Azure carries on and the VM may still run",
        "client profile (model.clients.*.deadline); Terraform azurerm Timeouts",
        "none",
        model=True,
    ),
    "GenerationMismatch": ServiceError(
        400,
        "BadRequest",
        "The selected VM size '<size>' cannot boot Hypervisor Generation '<generation>'. If this "
        "was a Create operation please check that the Hypervisor Generation of the Image "
        "matches the Hypervisor Generation of the selected VM Size.",
        "compute RP's answer as seen in public deployment logs",
        "none",
    ),
    "SecurityTypeMismatch": ServiceError(
        400,
        None,
        "the VM's security type is not one the image definition supports (its SecurityType "
        "feature): a Trusted launch or confidential VM needs an image that supports it",
        "SIG (SecurityType table)",
        "none",
        model=True,
    ),
    "DeleteWhileProvisioning": ServiceError(
        409,
        "OperationNotAllowed",
        "Operation 'Image Delete' is not allowed since the Virtual Machines '{vms}' are being "
        "provisioned using the Image '{image}'.",
        "Azure's answer for a managed image (coreos/fedora-coreos-tracker 1444, nanovms/ops 766; "
        "azure-docs PR 111546 lists OperationNotAllowedOnVMImageAsVMsBeingProvisioned); assumed "
        "the same for a gallery image version",
        "none",
    ),
    "RegionUnavailable": ServiceError(
        503,
        None,
        "the region is unavailable (a region outage in the scenario)",
        "scenario fault",
        "backoff",
        model=True,
    ),
}
