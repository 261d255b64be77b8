"""Sentences on what a run's side channels saw: throttled status polls (sim.polling) and version
deletes (sim.updates), for the console and the reports."""

from __future__ import annotations

from acgsim.sim.results import RunResult
from acgsim.sim.units import readable


def lines(result: RunResult) -> list[str]:
    """One line for the status polls where any was throttled, and one per version delete."""
    out = []
    r = result.reads
    if r:
        lag = readable(r["mean_lag_s"], "s")
        out.append(
            f"Status polls: {r['polls']:,} sent, {r['polls_throttled']:,} answered 429; "
            f"{r['vms_learned_late']:,} VMs were learned about late, {lag} on average "
            "(sim.polling)."
        )
    for d in result.deletions or []:
        what = "deleted" if d["outcome"] == "deleted" else f"not deleted: {d['message']}"
        out.append(f"At {readable(d['at_s'], 's')} {d['version']} was {what}")
    return out
