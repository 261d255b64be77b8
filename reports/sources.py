"""The bibliography a report carries: the sources it cites by id ([ACG], SEED, ...) with their
titles (sim.catalog.SOURCES) and, where the source is public documentation, its address; and
citations of the project's own notes reworded as the public sources behind them."""

from __future__ import annotations

import re

from acgsim.sim import catalog

LEARN = "https://learn.microsoft.com/azure/"
URLS = {
    "ACG": LEARN + "virtual-machines/azure-compute-gallery",
    "ACG23": LEARN + "virtual-machines/azure-compute-gallery",
    "SIG": LEARN + "virtual-machines/shared-image-galleries",
    "TS": LEARN + "virtual-machines/troubleshooting-shared-images",
    "CTL": LEARN + "virtual-machines/compute-throttling-limits",
    "ARM": LEARN + "azure-resource-manager/management/request-limits-and-throttling",
    "RN": LEARN + "azure-resource-manager/management/resource-name-rules",
    "REG": LEARN + "reliability/regions-list",
    "SHARE": LEARN + "virtual-machines/share-gallery-direct",
    "BATCH": LEARN + "batch/batch-sig-images",
    "SPEC": "https://github.com/Azure/azure-rest-api-specs",
    "CLI": "https://github.com/Azure/azure-cli",
    "TF": "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs",
}
# acgsim's notes on Azure (AZURE_FACTS, not shipped) by section: the public sources they rest on
FACTS = {
    "1": "[SIG]",
    "5": "public observations: AgentBaker PR 742, packer-plugin-azure issue 313, azure-cli "
    "issue 16632",
    "8": "Azure's pricing of managed disk snapshots",
}
_FACTS = re.compile(r"AZURE_FACTS(?: section)? (\d+)")
_ID = re.compile(r"\b(" + "|".join(sorted(catalog.SOURCES, key=len, reverse=True)) + r")\b")


def public(text: str) -> str:
    """`text` with citations of acgsim's own notes replaced by the public sources behind them."""
    return _FACTS.sub(lambda m: FACTS.get(m.group(1), "acgsim's sourced notes on Azure"), text)


def cited(text: str) -> list[str]:
    """The source ids `text` cites, in the order of sim.catalog.SOURCES."""
    found = set(_ID.findall(public(text)))
    return [k for k in catalog.SOURCES if k in found]


def entries(ids: list[str]) -> list[tuple[str, str, str | None]]:
    """(id, title, address or None) for each id."""
    return [(k, catalog.SOURCES[k], URLS.get(k)) for k in ids]
