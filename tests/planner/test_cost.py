"""Cost arithmetic, the dated price table and its overrides."""

from __future__ import annotations

import pytest

from acgsim.planner import cost
from acgsim.sim.errors import ScenarioError
from acgsim.sim.scenario import Prices


def test_azure_facts_example_60_gb_of_snapshots():
    # [ACG]: 10 GB occupied, 3 regions x 2 replicas -> 60 GB of snapshots
    t = cost.DEFAULT_PRICES
    total = sum(cost.monthly_storage(2, 10, "Standard_LRS", t) for _ in range(3))
    assert total == pytest.approx(60 * 0.05)


def test_storage_types_and_egress():
    t = cost.DEFAULT_PRICES
    assert cost.monthly_storage(3, 20, "Premium_LRS", t) == pytest.approx(3 * 20 * 0.132)
    assert cost.egress(20, "westeurope", "westeurope", t) == 0.0
    assert cost.egress(20, "westeurope", "eastus", t) == pytest.approx(20 * 0.02)


def test_the_table_is_dated_and_labels_its_assumptions():
    t = cost.DEFAULT_PRICES
    assert t.as_of.year == 2026 and "AZURE_FACTS" in t.source
    assert any("ZRS" in n and "assumed" in n for n in t.notes)


def test_overrides_replace_only_what_they_give():
    t = cost.with_overrides(
        cost.DEFAULT_PRICES, Prices(storage_per_gb_month={"Standard_ZRS": 0.1}), "test"
    )
    assert t.storage_per_gb_month["Standard_ZRS"] == 0.1
    assert t.storage_per_gb_month["Standard_LRS"] == 0.05 and t.egress_per_gb == 0.02
    assert "overridden by test" in t.notes[-1]


def test_price_file(tmp_path):
    good = tmp_path / "p.yaml"
    good.write_text("as_of: 2026-11-01\nstorage_per_gb_month: {Standard_LRS: 0.04}\n")
    assert cost.load_prices(good).storage_per_gb_month == {"Standard_LRS": 0.04}
    bad = tmp_path / "b.yaml"
    bad.write_text("storage_per_gb_month: {Ultra: 1}\n")
    with pytest.raises(ScenarioError) as info:
        cost.load_prices(bad)
    assert str(bad) in str(info.value)
