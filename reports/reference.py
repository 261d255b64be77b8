"""Answers from Azure's published facts and guidance alone, with no scenario: the gallery limits
and the regions acgsim knows, with the sources they cite, and the replicas and storage Azure's
guidance gives for a burst (`acgsim limits`, `regions`, `recommend`).
"""

from __future__ import annotations

from collections.abc import Sequence

from acgsim.reports.console import emit, fmt_of, note, out, say
from acgsim.sim import catalog


def print_recommendation(answer: dict, fmt: str | bool) -> None:
    fmt = fmt_of(fmt)
    if fmt != "table":
        emit(fmt, answer, "", [], [], records=[answer])
        return
    count = answer["replicas"]
    say(f"{count} replica{'s' if count != 1 else ''}, {answer['storage']}")
    for r in answer["reasons"]:
        say(f"- {r}", indent="  ")
    for w in answer["warnings"]:
        note(f"warning: {w}")


def print_limits(fmt: str | bool) -> None:
    from acgsim.sim.units import readable

    rows = [lim.__dict__ for lim in catalog.LIMITS.values()]
    table = [[r["what"], readable(r["value"]), r["scope"], r["source"], r["note"]] for r in rows]
    emit(
        fmt,
        rows,
        "Azure Compute Gallery limits",
        ["limit", "value", "per", "source", "note"],
        table,
        wrap=["limit", "per", "note"],
    )
    if fmt_of(fmt) == "table":
        cited = {k for r in rows for k in r["source"].replace(",", ";").split(";")}
        bibliography(sorted(k.strip() for k in cited if k.strip()))


def bibliography(keys: Sequence[str]) -> None:
    """The sources a table cites: each id with its title, one wrapped line each."""
    from acgsim.reports import sources

    known = [k for k in keys if k in catalog.SOURCES]
    if known:
        out.print("Sources:", markup=False)
    for k, title, _ in sources.entries(known):  # addresses: in the reports, as links
        say(f"[{k}] {title}", indent="  ", hang="    ")


def print_regions(zones: bool, fmt: str | bool) -> None:
    chosen = [r for r in catalog.REGIONS.values() if r.has_zones or not zones]
    data = [
        {"name": r.name, "zones": list(r.zones), "pair": r.pair, "restricted": r.restricted}
        for r in chosen
    ]
    table = [
        [
            r.name,
            ",".join(map(str, r.zones)) or "-",
            region_pair(r),
            "restricted" if r.restricted else "",
        ]
        for r in chosen
    ]
    title = f"{len(chosen)} Azure regions (source: {catalog.SOURCES['REG']})"
    emit(fmt, data, title, ["region", "zones", "pair", "access"], table, wrap=["pair"])


def region_pair(r: catalog.Region) -> str:
    if r.pair is None:
        return "-"
    return r.pair if r.pair in catalog.REGIONS else f"{r.pair} (not in the region list)"
