"""Field types the scenario format shares: names, regions, counts, references, the base model.

Each validator refuses with the words Azure uses for the same mistake (sim.refusals), so a bad name
in a scenario reads like the error the real service would give.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from acgsim.sim import catalog, naming
from acgsim.sim.refusals import refuse
from acgsim.sim.units import Duration

# --- shared field types ----------------------------------------------------------------------


def _region(value: object) -> object:
    if not isinstance(value, str):
        return value
    name = catalog.normalize_region(value)
    if name not in catalog.REGIONS:
        close = difflib.get_close_matches(name, catalog.REGIONS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        refuse("UnknownRegion", region=value, hint=hint)
    return name


def _name_rule(rule_key: str, code: str):
    rule = naming.NAME_RULES[rule_key]

    def check(value: str) -> str:
        if not rule.matches(value):
            refuse(code, value=value, what=rule.what, rule=rule.rule, length=rule.max_length)
        return value

    return AfterValidator(check)


def _version_name(value: object) -> object:
    rule = naming.NAME_RULES["version"]
    if not isinstance(value, str):  # YAML reads 1.0 as a number
        refuse("InvalidImageVersionName", value=value, rule=rule.rule + " (quote it: '1.0.0')")
    if not rule.matches(value) or any(int(p) > naming.VERSION_PART_MAX for p in value.split(".")):
        refuse("InvalidImageVersionName", value=value, rule=rule.rule)
    return value


def _replica_count(prop: str):
    def check(value: int) -> int:
        top = catalog.LIMITS["replicas"].value
        if not catalog.MIN_REPLICAS <= value <= top:
            refuse(
                "ReplicaCountOutOfRange",
                value=value,
                low=catalog.MIN_REPLICAS,
                high=top,
                property=prop,
            )
        return value

    return AfterValidator(check)


def _image_ref(value: str) -> str:
    parts = value.split("/")
    if len(parts) != 3 or not all(parts):
        refuse("BadImageReference", value=value)
    return value


RegionName = Annotated[str, BeforeValidator(_region)]
RegionOrAll = Annotated[
    str, BeforeValidator(lambda v: v if v == "all" else _region(v)), Field(description="or all")
]
GalleryName = Annotated[str, _name_rule("gallery", "InvalidGalleryName")]
ImageName = Annotated[str, _name_rule("image", "InvalidImageDefinitionName")]
Publisher = Annotated[str, _name_rule("publisher", "InvalidImageIdentifier")]
Offer = Annotated[str, _name_rule("offer", "InvalidImageIdentifier")]
Sku = Annotated[str, _name_rule("sku", "InvalidImageIdentifier")]
ResourceGroup = Annotated[str, _name_rule("resource_group", "InvalidResourceGroupName")]
VersionName = Annotated[str, BeforeValidator(_version_name)]
ReplicaCount = Annotated[int, Field(strict=True), _replica_count("replicaCount")]
RegionalReplicaCount = Annotated[int, Field(strict=True), _replica_count("regionalReplicaCount")]
ImageRef = Annotated[
    str,
    AfterValidator(_image_ref),
    Field(description="gallery/image/version, or gallery/image/latest"),
]


def _label(value: str) -> str:
    if not naming.NAME_RULES["label"].matches(value):
        refuse("BadLabel", value=value, rule=naming.NAME_RULES["label"].rule)
    return value


Label = Annotated[str, AfterValidator(_label)]


def _currency(value: str) -> str:
    if not (len(value) == 3 and value.isascii() and value.isalpha() and value.isupper()):
        refuse("BadCurrency", value=value)
    return value


Currency = Annotated[str, AfterValidator(_currency)]  # an ISO 4217 code: USD, EUR, GBP


def _az_text(value: str) -> str:
    if len(value) > 1 and value.startswith("@"):
        refuse("AzFileReference", value=value)
    return value


# Free text the az export passes as an argument. az reads any argument that starts with '@' as
# a file to send in its place (azure-cli-core, commands/__init__.py, _expand_file_prefixed_files)
# and has no escape for it [CLI], so such text cannot reach Azure through the az export.
AzText = Annotated[str, AfterValidator(_az_text)]
StorageName = Literal["Standard_LRS", "Standard_ZRS", "Premium_LRS"]
MAX_COUNT = 10_000_000  # far beyond any real burst; keeps a typo from exhausting memory
Count = Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)]


def _positive(value: float) -> float:
    if value <= 0:
        refuse("NotPositive", value=value)
    return value


PositiveDuration = Annotated[Duration, AfterValidator(_positive)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class StrictModel(BaseModel):
    """Base for every scenario model: unknown fields are errors, never silently dropped."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _OrString(StrictModel):
    """A model that may also be written as one string, the value of `_string_field`."""

    _string_field: ClassVar[str]
    _string_means: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {cls._string_field: data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        full = handler(core_schema)
        return {"anyOf": [{"type": "string", "description": cls._string_means}, full]}
