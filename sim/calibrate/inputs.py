"""Observation files -> Observations: each file's format is recognised from its content.

A CSV header with time, operation, region, duration_s, outcome: timings (timings_csv). JSON whose
first item is an activity-log event, in any of its shapes (activity_log). JSON whose
first item is an image version: replication-status samples (replication_status). Anything else is
refused naming the file and the formats it could have been.

Several subscriptions in the activity logs: the one with the most VM creates is used (or the one
given), the others' operations are counted and set aside: the model's throttling is per
subscription, so creates of two subscriptions are not one population.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from acgsim.sim.calibrate import activity_log, replication_status, timings_csv
from acgsim.sim.calibrate.documents import json_items, read_text
from acgsim.sim.calibrate.observations import Observations
from acgsim.sim.errors import InputError

FORMATS = (
    "the JSON of `az monitor activity-log list` (or the activity log archived to storage, "
    "streamed to Event Hubs, or AzureActivity rows from Log Analytics), the JSON of `az sig "
    "image-version show --expand ReplicationStatus` samples, or a CSV with the columns time, "
    "operation, region, duration_s, outcome"
)


def read(
    paths: list[Path], sizes: dict[str, float], subscription: str | None = None
) -> Observations:
    """All files' observations, merged, with the rows set aside counted."""
    if not paths:
        raise InputError("calibrate: give at least one observations file")
    obs = Observations()
    for path in paths:
        obs.merge(_one(path, sizes))
    _one_subscription(obs, subscription)
    return obs


def _one(path: Path, sizes: dict[str, float]) -> Observations:
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path}: empty; expected {FORMATS}")
    if timings_csv.looks_like(text):
        return timings_csv.read(path, text)
    first = next(iter(json_items(path, text)), (None, None))[1]
    if first is None:
        return Observations()  # an empty array: nothing in the time window
    if activity_log.looks_like(first):
        return activity_log.read(path, text)
    if replication_status.looks_like(first):
        return replication_status.read(path, text, sizes)
    raise InputError(f"{path}: not an observations file; expected {FORMATS}")


def _one_subscription(obs: Observations, chosen: str | None) -> None:
    subs = Counter(t.subscription for t in obs.timed if t.subscription)
    if chosen is not None:
        keep = chosen.lower()
        if subs and keep not in subs:
            raise InputError(
                f"--subscription-id {chosen}: no operations of it in the files "
                f"(they have {', '.join(sorted(subs))})"
            )
    elif len(subs) > 1:
        keep = max(sorted(subs), key=lambda s: subs[s])
        obs.notes.append(
            f"the activity logs hold {len(subs)} subscriptions; using {keep} (most VM creates); "
            "pass --subscription-id to choose"
        )
    else:
        return
    others = [t for t in obs.timed if t.subscription and t.subscription != keep]
    if others:
        obs.ignored["operations of other subscriptions"] += len(others)
        obs.timed = [t for t in obs.timed if not t.subscription or t.subscription == keep]
