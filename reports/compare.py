"""What `acgsim compare` shows: two scenarios (or one and its what-if variant) on common random
numbers, figure by figure, with what their replicas cost a month."""

from __future__ import annotations

from acgsim.planner import cost
from acgsim.reports import tables
from acgsim.sim import whatif
from acgsim.sim.stats import paired

COST = "monthly_cost"


def names(first, second, variant: bool, sets, faults) -> tuple[str, str]:
    """How the two sides are called: B is 'A with storage=Standard_LRS' for a one-line what-if."""
    asked = whatif.label(sets, faults)
    b = first.name if variant else second.name
    return first.name, (f"{b} with {asked}" if asked else b)


def cost_row(first, second) -> dict:
    """The replicas' cost a month of each side (each at its own prices), as a figure of 'all'."""
    a = round(cost.scenario_monthly(first, cost.price_table(first)), 2)
    b = round(cost.scenario_monthly(second, cost.price_table(second)), 2)
    currency = cost.price_table(first).currency
    return {
        "a": a,
        "b": b,
        "diff": round(b - a, 2),  # of the amounts shown: 2.81 - 1.88 is 0.93, to the cent
        "half_width": None,
        "significant": None,
        "currency": currency,
    }


def show(first, second, ra, rb, labels, seed: int, regions: bool, fmt: str) -> None:
    table = paired(ra, rb)
    table.setdefault("all", {})[COST] = cost_row(first, second)
    tables.print_comparison(table, *labels, len(ra), seed, regions, fmt)
