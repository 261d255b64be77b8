"""The catalogue holds AZURE_FACTS as data; these tests pin the facts and their sources."""

from __future__ import annotations

import re

import pytest

from acgsim.sim import catalog, naming
from acgsim.sim.refusals import REFUSALS


def test_region_lists_match_the_facts():
    zoned = [r for r in catalog.REGIONS.values() if r.has_zones]
    assert len(zoned) == 37 and len(catalog.REGIONS) == 55
    assert catalog.REGIONS["westeurope"].zones == (1, 2, 3)
    assert catalog.REGIONS["westus"].zones == ()
    assert catalog.REGIONS["norwaywest"].restricted and not catalog.REGIONS["norwayeast"].restricted


def test_pairs_are_symmetric_except_the_one_way_ones():
    one_way = {("westus3", "eastus"), ("brazilsouth", "southcentralus")}
    assert catalog.REGIONS["westus3"].pair == "eastus"
    assert catalog.REGIONS["eastus"].pair == "westus"
    for r in catalog.REGIONS.values():
        if r.pair and r.pair in catalog.REGIONS and (r.name, r.pair) not in one_way:
            assert catalog.REGIONS[r.pair].pair == r.name, r.name


@pytest.mark.parametrize(
    ("text", "name"),
    [("East US 2", "eastus2"), ("west_europe", "westeurope"), ("NorthEurope", "northeurope")],
)
def test_region_names_normalise(text, name):
    assert catalog.normalize_region(text) == name


def test_limits_are_the_documented_numbers():
    values = {k: v.value for k, v in catalog.LIMITS.items()}
    assert values == {
        "galleries": 100,
        "image_definitions": 1000,
        "image_versions": 10000,
        "replicas": 100,
        "image_size_full_gb": 2048,
        "image_size_shallow_gb": 32768,
        "vmss_instances": 1000,
        "share_subscriptions": 30,
        "share_tenants": 5,
    }


def test_guidance_profiles():
    assert catalog.GUIDANCE["seed"].vms_per_replica == 20
    assert catalog.GUIDANCE["current"].vms_per_replica == 50
    assert catalog.DEFAULT_GUIDANCE == "seed"


def test_throttle_policies_as_tokens_per_second():
    put = catalog.COMPUTE_POLICIES["PutVM"]
    assert put.per_subscription.size == 1500
    assert put.per_subscription.refill_per_s == pytest.approx(500 / 60)
    assert catalog.COMPUTE_POLICIES["VMSSPut"].per_subscription.size == 375
    assert catalog.ARM_BUCKETS["write"].refill_per_s == 10
    assert catalog.ARM_BUCKETS["write"].size == 200


def _source_keys(text: str) -> set[str]:
    return {t for t in re.findall(r"[A-Z][A-Z0-9]+", text)}


def test_every_fact_names_a_known_source():
    known = set(catalog.SOURCES) | {"AZURE", "FACTS"}
    entries = (
        [lim.source for lim in catalog.LIMITS.values()]
        + [r.source for r in naming.NAME_RULES.values() if r.source != "acgsim"]
        + [g.source for g in catalog.GUIDANCE.values()]
        + [r.source for r in catalog.REGIONS.values()]
        + [p.source for p in catalog.COMPUTE_POLICIES.values()]
    )
    for source in entries:
        keys = _source_keys(source)
        assert keys and keys <= known, source


def test_refusals_that_quote_azure_name_their_source():
    for key, refusal in REFUSALS.items():
        if refusal.azure or refusal.docs:
            assert refusal.source, key


@pytest.mark.parametrize(
    ("rule", "good", "bad"),
    [
        (
            "gallery",
            ["a", "my.gallery_1", "x" * 80],
            ["my-gallery", "_a", "a.", "a_", "x" * 81, ""],
        ),
        ("image", ["a", "web-image.v2_x", "x" * 80], ["-a", "a-", "a.", "x" * 81, "a b", ""]),
        ("publisher", ["contoso", "a.b-c_d", "x" * 128], ["a.", "x" * 129, "a b", ""]),
        ("offer", ["web", "x" * 64], ["web.", "x" * 65, "we b"]),
        ("sku", ["ubuntu-24_04", "x" * 64], ["sku.", "x" * 65]),
        (
            "version",
            ["1.0.0", "2018.12.1", "0.0.0"],
            ["1.0", "1.0.0.0", "a.b.c", "1..0", "v1.0.0", "\u0661.0.0"],
        ),
        ("label", ["images", "prod-1", "a.b_c"], ["-x", "", "x" * 81, "a b", "caf\u00e9"]),
        ("resource_group", ["rg-images", "rg.(x)", "x" * 90], ["rg.", "x" * 91, "rg images"]),
    ],
)
def test_name_rules(rule, good, bad):
    r = naming.NAME_RULES[rule]
    assert all(r.matches(g) for g in good), [g for g in good if not r.matches(g)]
    assert not any(r.matches(b) for b in bad), [b for b in bad if r.matches(b)]


def test_version_ordering_is_numeric():
    assert naming.version_key("1.10.0") > naming.version_key("1.9.9")
