"""The four exports mean the same deployment, and it is the one the scenario (or plan) describes:
galleries, definitions, versions, each region's replicas, storage and effective
exclude-from-latest, the source kind, access (role assignments and direct sharing) and each
region's reason. Each format is read back as its tool reads it (export_meaning.py), for every
bundled scenario, a plan of each, and hypothesis-drawn scenarios with drawn sources."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acgsim.planner.export import document, render
from acgsim.planner.export.params import identifier
from acgsim.planner.plan import Plan, apply_choices
from acgsim.planner.search import plan as make_plan
from acgsim.sim.gallery_models import VersionSource
from acgsim.sim.loader import load
from acgsim.sim.scenario import Scenario

from ..helpers import SCENARIOS
from ..strategies import scenarios
from . import export_meaning

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


def expected(scenario: Scenario, plan: Plan | None = None) -> dict:
    """What the scenario (with the plan's choices) says should be deployed."""
    reasons = {(r.version, r.region): "; ".join(r.reasons) for r in plan.regions} if plan else {}
    s = apply_choices(scenario, plan.choices()) if plan else scenario
    subs = s.subscriptions()
    tenants = {t.name: t for t in s.tenants}
    out = export_meaning._empty()
    for g in s.galleries:
        shared = []
        if g.sharing.mode == "groups":
            shared = [
                str(subs[x][1].id) if subs[x][1].id else identifier("subscription_id", x)
                for x in g.sharing.subscriptions
            ] + [
                str(tenants[x].id) if tenants[x].id else identifier("tenant_id", x)
                for x in g.sharing.tenants
            ]
        out["galleries"][g.name] = (g.region, g.sharing.mode, sorted(shared))
        for d in g.images:
            out["definitions"].add((g.name, d.name))
            for v in d.versions:
                ref = (g.name, d.name, v.name)
                out["versions"][ref] = (
                    (v.source or VersionSource()).kind,
                    {
                        t.region: (v.replicas_in(t), v.storage_in(t).lower(), v.excluded_in(t))
                        for t in v.regions
                    },
                )
                for t in v.regions:
                    out["reasons"][(*ref, t.region)] = reasons.get(
                        ("/".join(ref), t.region)
                    ) or document.scenario_reason(v, t)
    for a in s.access:
        kind, name = ("tenant", a.tenant) if a.tenant else ("subscription", a.subscription)
        out["access"].append(
            (a.role, tuple(a.scope.split("/")), identifier("principal", kind, name))
        )
    out["access"].sort()
    return out


def _lower(meaning: dict) -> dict:
    """Storage types compared as az writes them (lower case); principals by parameter name."""
    meaning["versions"] = {
        ref: (kind, {r: (n, s.lower(), x) for r, (n, s, x) in regions.items()})
        for ref, (kind, regions) in meaning["versions"].items()
    }
    meaning["access"] = sorted((role, scope, p.lower()) for role, scope, p in meaning["access"])
    return meaning


def check_meaning(export: document.Export, want: dict) -> None:
    want = _lower(want)
    for name, read in export_meaning.READERS.items():
        assert _lower(read(render(name, export))) == want, name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_format_means_the_bundled_scenario(path):
    scenario = load(path)
    check_meaning(document.from_scenario(scenario), expected(scenario))


@cache
def _plan(path) -> Plan:
    return make_plan(load(path), runs=2)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_format_means_the_plan_of_each_bundled_scenario(path):
    p = _plan(path)
    check_meaning(document.from_plan(p), expected(load(path), p))


KINDS = st.sampled_from(["managed_image", "snapshot", "vhd", "vm"])


@settings(max_examples=max(10, settings().max_examples // 4))
@given(scenarios(), st.data())
def test_every_format_means_a_drawn_scenario(scenario, data):
    for _, _, _, v in scenario.versions():
        v.source = data.draw(st.none() | KINDS.map(lambda k: VersionSource(kind=k)))
    check_meaning(document.from_scenario(scenario), expected(scenario))


def test_the_check_fails_for_a_terraform_export_that_drops_the_region_flags():
    """A Terraform export without exclude_from_latest_enabled (the old bug) means the canary is
    latest in every region: the check must see it."""
    scenario = load(SCENARIOS / "canary-exclude-from-latest.yaml")
    text = render("terraform", document.from_scenario(scenario))
    dropped = "\n".join(x for x in text.split("\n") if "exclude_from_latest_enabled" not in x)
    seen = _lower(export_meaning.terraform(dropped))
    want = _lower(expected(scenario))
    assert seen["versions"] != want["versions"]
    assert _lower(export_meaning.terraform(text))["versions"] == want["versions"]
