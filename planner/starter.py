"""`acgsim init`: a commented starting scenario, sized by the guidance, that validates and runs."""

from __future__ import annotations

from planner import rules


def render(regions: list[str], vms: int, scale_sets: int) -> str:
    """The scenario text for these regions and, in each, this burst of VMs and scale sets."""
    home = regions[0]
    targets = []
    for region in regions:
        count, _, reasons, _ = rules.replicas_for(vms, scale_sets, False, "seed")
        storage, _, _ = rules.storage_for(region, False, False)
        why = "; ".join([*reasons, f"{storage} ({'zones' if 'ZRS' in storage else 'no zones'})"])
        targets.append(
            f"              - region: {region}     # {why}\n"
            f"                replicas: {count}\n"
            f"                storage: {storage}\n"
        )
    waves = []
    for region in regions:
        if vms:
            waves.append(
                f"    - name: vms-{region}\n      at: 2h              # after "
                f"replication (about an hour for 30 GB)\n      region: {region}\n"
                "      subscription: apps\n      image: myGallery/my-image/latest\n"
                f"      count: {vms}\n      spread: 1m          # requests spread "
                "over a minute\n"
            )
    sets = []
    for region in regions:
        if scale_sets:
            sets.append(
                f"    - name: vmss-{region}\n      at: 2h\n      region: {region}\n"
                "      subscription: apps\n      image: myGallery/my-image/latest\n"
                f"      count: {scale_sets}            # scale sets created at once\n"
                "      instances: 100\n"
            )
    workload = ("  vms:\n" + "".join(waves) if waves else "") + (
        "  scale_sets:\n" + "".join(sets) if sets else ""
    )
    return f"""# A starting scenario written by `acgsim init`; `acgsim validate` checks changes.
# Run it:   acgsim run THIS_FILE
# Plan it:  acgsim plan THIS_FILE --objective p95=10m
# Every field is described in the README ("Scenario format"); `acgsim schema` gives the JSON Schema.
name: my-scenario
description: >
  My gallery, one image, one version replicated to {len(regions)} region(s), and a burst of
  deployments in each. Replicas follow the seed guidance (one per 20 VMs created at once, one per
  scale set created at once).
seed: 1
horizon: 4h
guidance: seed           # or current: one replica per 50 concurrent VMs

tenants:
  - name: my-tenant
    subscriptions:
      - name: images       # owns the gallery
      - name: apps         # deploys the VMs

galleries:
  - name: myGallery
    subscription: images
    resource_group: rg-images
    region: {home}     # the versions' source region: it must be a target region too
    images:
      - name: my-image
        publisher: my-company
        offer: my-offer
        sku: my-sku
        os_type: Linux           # or Windows
        os_state: Generalized
        versions:
          - name: 1.0.0
            size_gb: 30          # occupied size: what is copied and billed
            regions:
{"".join(targets)}
access:
  - subscription: apps
    scope: myGallery           # Reader on the gallery lets `apps` deploy [ACG]

workload:
{workload or "  vms: []"}
objectives:
  p95: 10m                   # 95% of VMs running within 10 minutes of their request
  max_failure_rate: 0.01
"""
