"""The errors a deployment meets at run time: the simulated service's answers, with Azure's code
and message where a source gives them, and how a client reacts to each (retry after, back off,
fail). Each entry names its source (sim.catalog.SOURCES)."""

from __future__ import annotations

from dataclasses import dataclass


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
