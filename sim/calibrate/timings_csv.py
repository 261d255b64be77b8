"""Timings gathered any other way, as CSV: time, operation, region, duration_s, outcome.

Columns (a header row names them, in any order; others are ignored):
  time        ISO 8601 start of the operation (2026-11-02T10:15:03Z)
  operation   vm_create | disk_create | boot | replication (one region of one image version)
  region      Azure region name (westeurope)
  duration_s  seconds, > 0
  outcome     succeeded | throttled (succeeded after at least one 429) | failed (set aside)
  size_gb     occupied GB of the image: required for replication, optional otherwise
  replicas    replicas in the region: required for replication
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from acgsim.sim.calibrate.documents import refuse, timestamp
from acgsim.sim.calibrate.observations import Observations, RegionReplication, Timed
from acgsim.sim.errors import InputError

REQUIRED = ("time", "operation", "region", "duration_s", "outcome")
OPERATIONS = ("vm_create", "disk_create", "boot", "replication")
OUTCOMES = ("succeeded", "throttled", "failed")


def looks_like(text: str) -> bool:
    """Whether a file's first line is a CSV header with the required columns."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    return all(c in first for c in REQUIRED)


def read(path: Path, text: str) -> Observations:
    """The timed operations in one CSV file."""
    try:
        return _read(path, text)
    except csv.Error as exc:  # a field past csv's size limit, a NUL byte
        raise InputError(f"{path}: not a CSV file csv can read: {exc}") from None


def _read(path: Path, text: str) -> Observations:
    obs = Observations()
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise refuse(f"{path}: line 1", "header", f"missing column(s) {', '.join(missing)}")
    reader.fieldnames = header
    for row in reader:
        where = f"{path}: line {reader.line_num}"
        if None in row:
            raise refuse(
                where, "(row)", f"{len(header) + len(row[None])} cells, header has {len(header)}"
            )
        cells = {k: (v or "").strip() for k, v in row.items()}
        if not any(cells.values()):
            continue
        op = cells["operation"].lower()
        if op not in OPERATIONS:
            raise refuse(where, "operation", f"{op!r}: expected one of {', '.join(OPERATIONS)}")
        outcome = cells["outcome"].lower()
        if outcome not in OUTCOMES:
            raise refuse(where, "outcome", f"{outcome!r}: expected one of {', '.join(OUTCOMES)}")
        start = timestamp(cells["time"], where, "time")
        duration = _number(cells, "duration_s", where, required=True)
        if outcome == "failed":
            obs.ignored[f"{op} rows that failed (not timed)"] += 1
            continue
        region = cells["region"].replace(" ", "").lower()
        size = _number(cells, "size_gb", where, required=op == "replication")
        if op == "replication":
            replicas = _number(cells, "replicas", where, required=True)
            if replicas != int(replicas) or not 1 <= replicas <= 100:
                raise refuse(where, "replicas", f"{cells['replicas']!r} is not 1..100")
            obs.regions.append(
                RegionReplication(
                    version=f"{path.name}:{reader.line_num}",
                    region=region,
                    source=False,
                    replicas=int(replicas),
                    size_gb=float(size),
                    published=start,
                    low_s=duration,
                    high_s=duration,
                    where=where,
                )
            )
            continue
        obs.timed.append(
            Timed(op, start, duration, region, "", outcome == "throttled", "", size, where)
        )
    return obs


def _number(cells: dict, name: str, where: str, required: bool) -> float | None:
    text = cells.get(name, "")
    if not text:
        if required:
            raise refuse(where, name, "missing")
        return None
    try:
        value = float(text)
    except ValueError:
        raise refuse(where, name, f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise refuse(where, name, f"{text!r}: expected a number > 0")
    return value
