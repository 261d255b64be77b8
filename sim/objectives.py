"""A scenario's objectives and prices: what a plan must achieve, and what replicas cost.

Objectives are the p95 time to running (overall and per region), the failure rate, zone
resilience and a monthly budget; `Objectives.with_options` applies the command line's
`--objective KEY=VALUE` on top of a file's. Prices override the shipped table (planner.cost),
one currency a table.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator

from acgsim.sim import catalog
from acgsim.sim.errors import InputError
from acgsim.sim.fields import (
    Currency,
    PositiveDuration,
    Probability,
    RegionName,
    StorageName,
    StrictModel,
)
from acgsim.sim.refusals import refuse


class RegionObjective(StrictModel):
    p95: PositiveDuration | None = Field(None, description="95th percentile time to running")


class Objectives(StrictModel):
    p95: PositiveDuration | None = Field(
        None, description="95th percentile time to running, all regions"
    )
    regions: dict[RegionName, RegionObjective] = {}

    @field_validator("regions", mode="before")
    @classmethod
    def _one_key_per_region(cls, value: Any) -> Any:
        if isinstance(value, dict):
            seen: dict[str, object] = {}
            for key in value:
                name = catalog.normalize_region(key) if isinstance(key, str) else key
                if name in seen:
                    refuse("SameRegionTwice", first=seen[name], second=key)
                seen[name] = key
        return value

    max_failure_rate: Probability | None = None
    zone_resilience: bool = Field(False, description="replicas must survive one zone's loss")
    monthly_budget_usd: float | None = Field(
        None, ge=0, description="per month, in the price table's currency"
    )

    def with_options(self, items: list[str]) -> Objectives:
        """These objectives with options applied: p95, failure_rate, budget, REGION.p95."""
        data = self.model_dump(mode="json")
        for item in items:
            key, sep, value = item.partition("=")
            key = key.strip().lower()
            if not sep or not value.strip():
                raise InputError(
                    f"--objective {item}: write KEY=VALUE, e.g. p95=10m, failure_rate=0.01, "
                    "budget=500 or westeurope.p95=5m"
                )
            if key.endswith(".p95"):
                data.setdefault("regions", {})[key.removesuffix(".p95")] = {"p95": value}
            elif key in _OBJECTIVE_KEYS:
                data[_OBJECTIVE_KEYS[key]] = value
            else:
                raise InputError(
                    f"--objective {item}: unknown objective '{key}'; use p95, failure_rate, "
                    "budget or REGION.p95"
                )
        try:
            return Objectives.model_validate(data, context={"from_file": True})
        except ValidationError as exc:
            raise InputError(
                *(
                    f"--objective: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                    for e in exc.errors(include_url=False)
                )
            ) from None


_OBJECTIVE_KEYS = {
    "p95": "p95",
    "failure_rate": "max_failure_rate",
    "max_failure_rate": "max_failure_rate",
    "failure": "max_failure_rate",
    "budget": "monthly_budget_usd",
    "monthly_budget_usd": "monthly_budget_usd",
}


class Prices(StrictModel):
    as_of: date | None = Field(None, description="when these prices were read")
    source: str | None = None
    currency: Currency = Field(
        "USD", description="ISO 4217; a table in another currency than USD gives every price"
    )
    storage_per_gb_month: dict[StorageName, Annotated[float, Field(ge=0)]] = {}
    egress_per_gb: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _one_currency(self) -> Prices:
        # the shipped prices are USD: a table in another currency cannot lean on them
        if self.currency != "USD" and self.missing():
            refuse("PartialPrices", currency=self.currency, missing=", ".join(self.missing()))
        return self

    def missing(self) -> list[str]:
        """What this table leaves to the one under it: storage types, egress, as_of, source."""
        found = [s for s in catalog.STORAGE_TYPES if s not in self.storage_per_gb_month]
        found += [f for f in ("egress_per_gb", "as_of", "source") if getattr(self, f) is None]
        return found
