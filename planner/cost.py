"""What a plan costs: replica storage per month and the one-time egress of the first copies.

The gallery itself is free; every replica is billed as a snapshot of the version's occupied size,
per replica and region; the first copy into each region other than the source crosses regions and
pays egress [ACG]. Example [ACG]: 10 GB occupied, 3 regions x 2 replicas = 60 GB of snapshots.

Prices are a dated table, never truth: Standard_LRS and Premium_LRS snapshot prices are the public
list prices seen in mid-2026 (AZURE_FACTS section 8); the ZRS price and the egress price are
assumptions (the sources say only that ZRS costs more than LRS). A scenario's `prices:` or
`--prices FILE` overrides any of them.

A table holds one currency. The shipped one is USD; a scenario's or a file's table in another
currency must replace every price (with its as_of and source), and an override in another
currency than the table under it likewise: acgsim has no exchange rate, so a gap filled from a
table in another currency would add dollars to euros. Every amount (plan costs, the budget) is in
the table's currency; names ending in _usd predate other currencies and keep plan.json readable.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from acgsim.sim.errors import Problem, ScenarioError
from acgsim.sim.fields import Currency, StorageName
from acgsim.sim.loader import read_document
from acgsim.sim.objectives import Prices
from acgsim.sim.scenario import Scenario


class PriceTable(BaseModel):
    """The prices in force, all in one currency, with where each came from."""

    model_config = ConfigDict(extra="forbid")

    as_of: date
    source: str
    currency: Currency = "USD"
    storage_per_gb_month: dict[StorageName, Annotated[float, Field(ge=0)]]
    egress_per_gb: float = Field(ge=0)
    notes: list[str]


DEFAULT_PRICES = PriceTable(
    as_of=date(2026, 6, 30),
    source="public list prices seen mid-2026 (AZURE_FACTS section 8)",
    storage_per_gb_month={"Standard_LRS": 0.05, "Premium_LRS": 0.132, "Standard_ZRS": 0.0625},
    egress_per_gb=0.02,
    notes=[
        "Standard_LRS 0.05 and Premium_LRS 0.132 USD per GB-month: snapshot list prices [ACG]",
        "Standard_ZRS 0.0625: assumed 1.25 x LRS (the sources say only that ZRS costs more)",
        "egress 0.02 USD per GB: assumed, a typical inter-region transfer price; override it",
    ],
)


def with_overrides(table: PriceTable, override: Prices | None, label: str) -> PriceTable:
    """The table with the prices an override gives replaced; ScenarioError (naming LABEL as the
    file) when the override is in another currency and leaves a price to the table."""
    if override is None:
        return table
    if override.currency != table.currency:
        if override.missing():
            message = (
                f"is {override.currency}, but the prices under it are in {table.currency}, and "
                f"it does not replace {', '.join(override.missing())}: acgsim has no exchange "
                f"rate; write `currency: {table.currency}` or give every price"
            )
            raise ScenarioError([Problem(("currency",), message, file=label)])
        notes = [f"every price from {label}, in {override.currency}"]
    else:
        notes = [
            *table.notes,
            f"overridden by {label}: "
            + ", ".join(
                [*override.storage_per_gb_month]
                + (["egress"] if override.egress_per_gb is not None else [])
            ),
        ]
    storage = dict(table.storage_per_gb_month) | dict(override.storage_per_gb_month)
    return table.model_copy(
        update={
            "currency": override.currency,
            "storage_per_gb_month": storage,
            "egress_per_gb": table.egress_per_gb
            if override.egress_per_gb is None
            else override.egress_per_gb,
            "as_of": override.as_of or table.as_of,
            "source": override.source or table.source,
            "notes": notes,
        }
    )


def load_prices(path: Path) -> Prices:
    """A price override file (YAML or JSON, the scenario's `prices:` shape), or ScenarioError."""
    data, _ = read_document(path)
    try:
        return Prices.model_validate(data, context={"from_file": True})
    except ValidationError as exc:
        raise ScenarioError(
            [
                Problem(tuple(str(x) for x in e["loc"]), e["msg"], file=str(path))
                for e in exc.errors(include_url=False)
            ]
        ) from None


def price_table(scenario: Scenario, override: Path | None = None) -> PriceTable:
    """The shipped prices, with the scenario's `prices:` and then a price file's over them."""
    table = with_overrides(DEFAULT_PRICES, scenario.prices, "the scenario")
    if override is not None:
        table = with_overrides(table, load_prices(override), str(override))
    return table


def monthly_storage(replicas: int, size_gb: float, storage: str, table: PriceTable) -> float:
    """Cost per month, in the table's currency, of `replicas` snapshots of `size_gb` GB."""
    return replicas * size_gb * table.storage_per_gb_month[storage]


def egress(size_gb: float, source_region: str, region: str, table: PriceTable) -> float:
    """One-time cost of the first copy into `region` (nothing in the source region)."""
    return 0.0 if region == source_region else size_gb * table.egress_per_gb


def scenario_monthly(scenario, table: PriceTable) -> float:
    """What the scenario's own replicas cost a month: every version in every target region."""
    return sum(
        monthly_storage(v.replicas_in(t), v.size_gb, v.storage_in(t), table)
        for g in scenario.galleries
        for d in g.images
        for v in d.versions
        for t in v.regions
    )
