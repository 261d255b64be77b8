"""Cost arithmetic, the dated price table and its overrides."""

from __future__ import annotations

import copy

import pytest

from acgsim.planner import cost
from acgsim.sim.errors import ScenarioError
from acgsim.sim.loader import validate
from acgsim.sim.objectives import Prices

from ..helpers import errors


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


EUR = {
    "currency": "EUR",
    "as_of": "2026-07-01",
    "source": "the Azure pricing calculator, West Europe, July 2026",
    "storage_per_gb_month": {"Standard_LRS": 0.046, "Standard_ZRS": 0.058, "Premium_LRS": 0.122},
    "egress_per_gb": 0.018,
}


def test_a_whole_table_in_another_currency_replaces_the_shipped_one():
    t = cost.with_overrides(cost.DEFAULT_PRICES, Prices.model_validate(EUR), "prices.yaml")
    assert (t.currency, t.as_of.isoformat(), t.source) == ("EUR", EUR["as_of"], EUR["source"])
    assert t.storage_per_gb_month == EUR["storage_per_gb_month"] and t.egress_per_gb == 0.018
    assert t.notes == ["every price from prices.yaml, in EUR"]  # no USD notes left behind
    back = cost.with_overrides(t, Prices.model_validate(dict(EUR, currency="USD")), "usd.yaml")
    assert back.currency == "USD" and back.notes == ["every price from usd.yaml, in USD"]


@pytest.mark.parametrize(
    ("drop", "missing"),
    [
        ("storage_per_gb_month.Premium_LRS", "Premium_LRS"),
        ("egress_per_gb", "egress_per_gb"),
        ("as_of", "as_of"),
        ("source", "source"),
    ],
)
def test_a_partial_table_in_another_currency_is_refused(base, drop, missing):
    prices = copy.deepcopy(EUR)
    node, _, key = drop.rpartition(".")
    del (prices[node] if node else prices)[key]
    base["prices"] = prices
    [problem] = errors(base)
    assert problem.where == "prices" and problem.file == "t.yaml"
    assert f"prices in EUR must give every price, as_of and source (missing: {missing})" in str(
        problem
    )
    assert "no exchange rate" in problem.message


def test_a_usd_file_over_prices_in_another_currency_is_refused(base, tmp_path):
    base["prices"] = EUR
    scenario = validate(base, file="t.yaml")[0]
    usd = tmp_path / "usd.yaml"
    usd.write_text("storage_per_gb_month: {Standard_LRS: 0.05}\n")
    with pytest.raises(ScenarioError) as info:
        cost.price_table(scenario, usd)
    assert str(info.value).startswith(
        f"{usd}: currency: is USD, but the prices under it are in EUR"
    )
    eur = tmp_path / "eur.yaml"
    eur.write_text("currency: EUR\nstorage_per_gb_month: {Standard_LRS: 0.05}\n")
    with pytest.raises(ScenarioError, match="missing: Standard_ZRS, Premium_LRS, egress_per_gb"):
        cost.price_table(scenario, eur)  # any table not in USD is whole


@pytest.mark.parametrize("code", ["eur", "EURO", "€", "E1R", ""])
def test_currency_is_an_iso_code(base, code):
    base["prices"] = dict(EUR, currency=code)
    [problem] = errors(base)
    assert problem.where == "prices.currency" and "ISO 4217" in problem.message


def test_a_plan_priced_in_another_currency_reads_back(tmp_path):
    import acgsim
    from acgsim.planner.plan import load_plan

    plan = acgsim.plan(acgsim.load("quickstart"), runs=2, workers=1, prices=EUR)
    assert plan.prices.currency == "EUR"
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json())
    assert load_plan(path).to_json() == plan.to_json()  # a EUR plan.json is read back whole
