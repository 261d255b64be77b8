"""The scenario around imported galleries: one placeholder tenant and subscription, the
placeholders and notes of the import in its description, nothing empty left in."""

from __future__ import annotations

from typing import Any

from acgsim.planner.export.arm_reader import PLACEHOLDER_REGION, SIZE_PLACEHOLDER_GB


def skeleton(name: str, source: str, galleries: list[dict], reader: Any) -> dict:
    """Scenario data around imported galleries: placeholders named in the description."""
    placeholders = [
        "the tenant and subscription",
        f"each version's size_gb ({SIZE_PLACEHOLDER_GB:g} GB)",
    ]
    if reader.external:
        placeholders.append("external references (" + ", ".join(reader.external) + ")")
    description = (
        f"Imported from {source}. Placeholders to check: {'; '.join(placeholders)}; "
        "and add a workload."
    )
    notes = list(reader.notes) + [
        f"gallery {name}: the file gives no region for it or anything in it: "
        f"{PLACEHOLDER_REGION} is a placeholder, set its region"
        for name in reader.unplaced.values()
    ]
    if notes:
        description += " Notes: " + "; ".join(dict.fromkeys(notes)) + "."
    return {
        "name": name,
        "description": description,
        "tenants": [
            {
                "name": "imported",
                "subscriptions": [
                    {"name": "imported"},
                    *({"name": n, "id": i} for n, i in reader.shared["subscriptions"].items()),
                ],
            },
            *(
                {"name": n, "id": i, "subscriptions": [{"name": f"{n}-placeholder"}]}
                for n, i in reader.shared["tenants"].items()
            ),
        ],
        "galleries": [_clean(g) for g in galleries],
    }


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _clean(v) for k, v in node.items() if v not in (None, "")}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node
