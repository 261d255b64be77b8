"""`acgsim init`: a commented starting scenario, sized by the guidance, that validates and runs.

Each region deploys from its own subscription (as landing zones do), its VMs spread so that the
requests stay within Azure Resource Manager's write rate (about 8 a second, under 10 [ARM]), and the
deployments start after the estimated replication time, so the scenario runs as written.
"""

from __future__ import annotations

import math

import yaml

from acgsim.planner import rules
from acgsim.planner.export.document import replication_estimate
from acgsim.sim.errors import InputError, ScenarioError
from acgsim.sim.gallery_models import ImageVersion
from acgsim.sim.loader import validate
from acgsim.sim.scenario import Scenario

SIZE_GB = 30
CREATE_S = 15 + 0.5 * SIZE_GB + 40  # the default disk and boot times: one VM being created
ARM_RATE = 8.0  # requests a second, under ARM's 10 writes a second per principal [ARM]


def render(regions: list[str], vms: int, scale_sets: int) -> str:
    """The scenario text for these regions and, in each, this burst of VMs and scale sets."""
    spread = 0 if vms <= 150 else math.ceil((vms - 150) / ARM_RATE)
    at_once = vms if spread == 0 else min(vms, math.ceil(vms * CREATE_S / spread))
    count, _, reasons, warnings = rules.replicas_for(at_once, scale_sets, False, "seed")
    version = ImageVersion(name="1.0.0", size_gb=SIZE_GB, regions=regions)
    replicate_s = replication_estimate(
        version,
        len(regions),
        count,
        Scenario(name="x", tenants=[{"name": "t", "subscriptions": [{"name": "s"}]}]),
    )
    at_min = math.ceil(replicate_s * 1.5 / 600) * 10 + 10
    horizon_h = math.ceil((at_min + 120 + spread / 60) / 60)
    why = "; ".join(reasons)
    targets = []
    for region in regions:
        storage, _, _ = rules.storage_for(region, False, False)
        zones = "zones" if "ZRS" in storage else "no zones"
        targets.append(
            f"              - region: {region}\n"
            f"                replicas: {count}     # {why}\n"
            f"                storage: {storage}   # {zones}\n"
        )
    if warnings:
        targets.insert(0, "".join(f"              # {w}\n" for w in warnings))
    subs = "".join(f"      - name: apps-{r}\n" for r in regions)
    waves, sets = [], []
    for region in regions:
        if vms:
            waves.append(
                f"    - name: vms-{region}\n      at: {at_min}m    # after replication "
                f"(estimated {round(replicate_s / 60)} min)\n"
                f"      region: {region}\n      subscription: apps-{region}\n"
                f"      image: myGallery/my-image/latest\n      count: {vms}\n"
                f"      spread: {spread}s    # within ARM's write rate\n"
            )
        if scale_sets:
            sets.append(
                f"    - name: vmss-{region}\n      at: {at_min}m\n      region: {region}\n"
                f"      subscription: apps-{region}\n"
                "      image: myGallery/my-image/latest\n"
                f"      count: {scale_sets}     # scale sets created at once\n"
                "      instances: 100\n"
            )
    workload = ("  vms:\n" + "".join(waves) if waves else "") + (
        "  scale_sets:\n" + "".join(sets) if sets else ""
    )
    access = "".join(f"  - subscription: apps-{r}\n    scope: myGallery\n" for r in regions)
    return f"""# A starting scenario written by `acgsim init`; `acgsim validate` checks changes.
# Run it:   acgsim run THIS_FILE
# Plan it:  acgsim plan THIS_FILE --objective p95=10m
# Every field is described in the README ("Scenario format"); `acgsim schema` gives the JSON Schema.
name: my-scenario
description: >
  My gallery, one image, one version replicated to {len(regions)} region(s), and a burst of
  deployments in each from its own subscription. Replicas follow the seed guidance (one per 20 VMs
  created at once, one per scale set created at once).
seed: 1
horizon: {horizon_h}h
guidance: seed           # or current: one replica per 50 concurrent VMs

tenants:
  - name: my-tenant
    subscriptions:
      - name: images     # owns the gallery
{subs}
galleries:
  - name: myGallery
    subscription: images
    resource_group: rg-images
    region: {regions[0]}     # the versions' source region: it must be a target region too
    images:
      - name: my-image
        publisher: my-company
        offer: my-offer
        sku: my-sku
        os_type: Linux           # or Windows
        os_state: Generalized
        versions:
          - name: 1.0.0
            size_gb: {SIZE_GB}          # occupied size: what is copied and billed
            regions:
{"".join(targets)}
access:                      # Reader on the gallery lets each subscription deploy [ACG]
{access}
workload:
{workload or "  vms: []"}
objectives:
  p95: 10m                   # 95% of VMs running within 10 minutes of their request
  max_failure_rate: 0.01
"""


def scenario_text(regions: list[str], vms: int, scale_sets: int) -> str:
    """The starter for `--region` options as typed (repeated or comma-separated), checked: an
    unknown or repeated region is the user's error, a starter that fails validation is a bug."""
    names: list[str] = []
    for typed in [p.strip() for item in regions for p in item.split(",")]:
        name = rules.known_region(typed)
        if name in names:
            raise InputError(f"--region: {name} is given twice")
        names.append(name)
    text = render(names, vms, scale_sets)
    try:
        validate(yaml.safe_load(text), file="<starter>", text=text)
    except ScenarioError as exc:  # a bug in the template, not the user's input
        raise RuntimeError("\n".join(str(p) for p in exc.problems)) from None
    return text
