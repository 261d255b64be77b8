"""The problems acgsim reports, with the Azure error code and message where Azure has one.

A scenario that asks for something the real service would refuse is refused with the code and the
words Azure itself gives (quoted from [TS] and the service's responses), followed by what acgsim
allows. Problems that are only about the scenario file (a dangling reference, an unknown field) have
no Azure code. Each entry names its source by the short names in sim.catalog.SOURCES.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class Refusal:
    """One kind of problem: acgsim's explanation, Azure's own words and code where it has them."""

    explain: str
    azure: str | None = (
        None  # the service's message, verbatim from the source (placeholders filled)
    )
    code: str | None = None  # the service's error code, only where a source gives one
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
    "ScaleSetTooLarge": Refusal(
        "a scale set from a gallery image holds at most {limit} instances; got {value}",
        "With Compute Gallery, you can deploy up to 1,000 VM instances in a scale set.",
        source="ACG",
    ),
    "GenerationMismatch": Refusal(
        "security type {security} describes a Gen2 image; set hyperv_generation: V2 (or "
        "security_type: Standard)",
        source="SIG (SecurityType table); trusted-launch.md",
    ),
    # --- limits per subscription and region [ACG] ---
    "LimitExceeded": Refusal(
        "subscription '{subscription}' would hold {count} {what} in '{region}'",
        "You can have a maximum of {limit} {what} per subscription, per region.",
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
        "You can share up to 30 subscriptions and 5 tenants.",
        source="SHARE",
    ),
    "SharingListsNeedGroups": Refusal(
        "subscriptions and tenants are shared with only when mode is 'groups' (got '{mode}')"
    ),
    # --- references the scenario makes (no Azure counterpart) ---
    "UnknownRegion": Refusal(
        "unknown Azure region '{region}'{hint} (`acgsim regions` lists them)", source="REG"
    ),
    "UnknownReference": Refusal("{what} '{name}' is not defined{where}"),
    "BadImageReference": Refusal(
        "'{value}' is not an image reference: write gallery/image/version or gallery/image/latest"
    ),
    "BadScope": Refusal(
        "'{value}' is not a scope: write gallery, gallery/image or gallery/image/version"
    ),
    "OneAssignee": Refusal("give exactly one of `subscription` or `tenant`"),
    "FailureWhen": Refusal("give exactly one of `at` (with `duration`) or `probability`"),
    "FailureWindow": Refusal("`at` and `duration` go together"),
    "SizeOrder": Refusal(
        "size_gb {size} (occupied) cannot exceed disk_size_gb {disk} (the provisioned disk)"
    ),
    "ZoneMissing": Refusal("region '{region}' has no availability zones to lose", source="REG"),
    # --- warnings: legal, but probably not what was meant ---
    "NotTargeted": Refusal("{what}"),
    "AfterHorizon": Refusal("{what} at {at} is after the horizon {horizon}: it never happens"),
    "RestrictedRegion": Refusal(
        "region '{region}' is access-restricted: a subscription must be enabled for it first",
        source="REG",
    ),
}


def render(key: str, **fmt: object) -> tuple[str, str | None, str | None]:
    """A refusal filled in: acgsim's explanation, Azure's message (or None), Azure's code."""
    refusal = REFUSALS[key]
    azure = refusal.azure.format(**fmt) if refusal.azure else None
    return refusal.explain.format(**fmt), azure, refusal.code


def refuse(key: str, **fmt: object) -> NoReturn:
    """Raise inside a pydantic validator; the loader turns it into a Problem."""
    explain, azure, code = render(key, **fmt)
    raise PydanticCustomError(
        f"acgsim.{key}", "{message}", {"message": explain, "azure": azure, "code": code}
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a scenario file, located by its field path."""

    path: tuple[str | int, ...]
    message: str
    azure: str | None = None
    code: str | None = None
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
        code = f"[{self.code}] " if self.code else ""
        azure = f'; Azure says: "{self.azure}"' if self.azure else ""
        line = f" (line {self.line})" if self.line else ""
        return f"{': '.join(parts)}: {lead}{code}{self.message}{azure}{line}"


class ScenarioError(Exception):
    """A scenario the user must fix; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def problem(
    path: tuple[str | int, ...], key: str, severity: str = "error", **fmt: object
) -> Problem:
    """A Problem from a refusal key, for cross-field checks."""
    explain, azure, code = render(key, **fmt)
    return Problem(path=path, message=explain, azure=azure, code=code, severity=severity)
