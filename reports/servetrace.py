"""The request trace of `acgsim serve` (trace.jsonl, sim.serve.trace) as a report: requests per
operation and status, 429s and their Retry-After over simulated time, long-running operations'
durations, each client's requests, and the errors answered.

The trace may be long (up to a million lines) and may come from anywhere, so it is read one line
at a time into counters: memory grows with distinct operations, clients and errors, and 8 bytes a
line (measured: a million lines holding 700,000 operations, about 340 MB and 40 s on one core).
Every line is checked, and a line that is not a trace record (not JSON, not an object, a field of
the wrong type, longer than MAX_LINE) is named by file and line number: the report is then not
written (InputError, exit 2) and the file is left as it is.
"""

from __future__ import annotations

import json
import os
import sys
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from acgsim.sim.errors import InputError
from acgsim.sim.units import readable

NAME = "trace.jsonl"
MAX_LINE = 64 * 1024  # a record is a few hundred bytes; a longer line is not one
SHOWN_BAD = 10  # bad lines named in the message (all are counted)
TIME_ROWS = 12  # rows of the 429s-over-time table
SHOWN_OPS = 15  # slowest operations listed

# field -> the types a record's field may have (bool is not an int here)
FIELDS: dict[str, tuple[type, ...]] = {
    "seq": (int,),
    "method": (str,),
    "path": (str,),
    "status": (int,),
    "t": (int, float),
    "api_version": (str,),
    "code": (str,),
    "retry_after": (str, int, float),
    "client": (str,),
    "op": (str,),
    "op_kind": (str,),
    "op_status": (str,),
    "op_started": (int, float),
    "op_end": (int, float),
}
REQUIRED = ("seq", "method", "path", "status")
ACTIONS = {"instanceview", "share"}  # a path's last part that names an action, not a collection


def _provider(path: str) -> tuple[str, str] | None:
    """The last `/providers/NAMESPACE/REST` in a path: NAMESPACE and REST (linear in the path's
    length, however long and whatever it holds)."""
    low, key = path.lower(), "/providers/"
    i = low.rfind(key)
    while i >= 0:
        namespace, slash, rest = path[i + len(key) :].partition("/")
        if namespace and slash:
            return namespace, rest
        i = low.rfind(key, 0, i + len(key) - 1)  # occurrences may overlap at their slashes
    return None


def find(source: Path) -> Path | None:
    """The trace `source` names: a .jsonl file, or a folder (serve's state folder) holding
    trace.jsonl; None if it names neither."""
    if os.path.isdir(source):  # False for a name too long for the file system, too
        return source / NAME if (source / NAME).is_file() else None
    if source.suffix.lower() == ".jsonl":
        return source
    return None


def operation_of(method: str, path: str) -> str:
    """A request's operation: the method and the ARM resource type it acts on (`PUT
    galleries/images/versions`), `list` when the path ends at a collection."""
    path = path.rstrip("/")
    match = _provider(path)
    if match:
        parts = match[1].split("/")
        types = parts[0::2]
        if len(parts) % 2 and parts[-1].lower() in ACTIONS:
            types = [*parts[0:-1:2], parts[-1]]
        kind = "/".join(types)
        if len(parts) % 2 and parts[-1].lower() not in ACTIONS:  # ends at a collection
            kind += " (list)" if method == "GET" else ""
        return f"{method} {kind}"
    parts = [p for p in path.split("/") if p]
    if not parts:
        return f"{method} /"
    if parts[0].lower() == "subscriptions":
        if len(parts) <= 2:
            return f"{method} subscriptions" + (" (list)" if len(parts) == 1 else "")
        kind = "resourceGroups" + (" (list)" if len(parts) == 3 else "")
        return f"{method} {kind}"
    return f"{method} {parts[0]}"


def _subscription(path: str) -> str:
    parts = path.split("/")
    if len(parts) > 2 and parts[1].lower() == "subscriptions":
        return parts[2].lower()[:36]
    return "-"


@dataclass(slots=True)
class Op:
    """One long-running operation as the trace saw it."""

    resource: str = ""
    kind: str = ""
    started: float | None = None
    end: float | None = None
    status: str = "InProgress"
    polls: int = 0
    seen_done: float | None = None  # the simulated time a poll first saw it end


@dataclass
class Summary:
    """What a trace holds, counted."""

    path: Path
    records: int = 0
    stopped: int | None = None
    first_t: float | None = None
    last_t: float | None = None
    by_operation: dict[tuple[str, int], int] = field(default_factory=dict)
    throttled: dict[str, int] = field(default_factory=dict)  # code -> 429s
    times: array = field(default_factory=lambda: array("d"))  # t of each timed request
    refused: array = field(default_factory=lambda: array("d"))  # t of each 429
    waits: array = field(default_factory=lambda: array("d"))  # its Retry-After (s)
    ops: dict[str, Op] = field(default_factory=dict)
    clients: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # req, 429, err
    errors: dict[tuple[int, str], list] = field(default_factory=dict)  # count, first seq, op

    def add(self, r: dict) -> None:
        self.records += 1
        method, path, status = r["method"], r["path"], r["status"]
        op_name = operation_of(method, path)
        key = (op_name, status)
        self.by_operation[key] = self.by_operation.get(key, 0) + 1
        t = r.get("t")
        if t is not None:
            self.first_t = t if self.first_t is None else min(self.first_t, t)
            self.last_t = t if self.last_t is None else max(self.last_t, t)
            self.times.append(t)
        client = self.clients.setdefault((r.get("client", "-"), _subscription(path)), [0, 0, 0])
        client[0] += 1
        if status == 429:
            client[1] += 1
            code = r.get("code", "-")
            self.throttled[code] = self.throttled.get(code, 0) + 1
            if t is not None:
                self.refused.append(t)
                self.waits.append(float(r.get("retry_after", 0) or 0))
        elif status >= 400:
            client[2] += 1
            e = self.errors.setdefault((status, r.get("code", "-")), [0, r["seq"], op_name])
            e[0] += 1
        if "op" in r:
            self._op(r, op_name, t)

    def _op(self, r: dict, op_name: str, t: float | None) -> None:
        op = self.ops.setdefault(r["op"], Op())
        if "op_status" not in r:  # the request that started it
            match = _provider(r["path"].rstrip("/"))
            op.resource = "/".join(match[1].split("/")[1::2]) if match else r["path"][-60:]
            op.kind = op.kind or sys.intern(op_name.split(" ", 1)[1])
            return
        op.polls += 1
        op.kind = op.kind or sys.intern(r.get("op_kind", ""))
        op.started = r.get("op_started", op.started)
        op.status = sys.intern(r["op_status"])
        if "op_end" in r:
            op.end = r["op_end"]
            if op.seen_done is None:
                op.seen_done = t


def _bad(r: object) -> str | None:
    """Why a parsed line is not a trace record, or None."""
    if not isinstance(r, dict):
        return f"a JSON object is expected, not {type(r).__name__}"
    if set(r) == {"stopped"}:
        return None if _is(r["stopped"], (int,)) else "'stopped' must be a whole number"
    for name in REQUIRED:
        if name not in r:
            return f"'{name}' is missing"
    for name, value in r.items():
        kinds = FIELDS.get(name)
        if kinds is None:
            return f"'{str(name)[:40]}' is not a field of a trace record"
        if not _is(value, kinds):
            return f"'{name}' must be {' or '.join(k.__name__ for k in kinds)}, not {value!r:.40}"
    if not 100 <= r["status"] <= 599:
        return f"'status' {r['status']} is not an HTTP status"
    ra = r.get("retry_after")
    if ra is not None and not _number(ra):
        return f"'retry_after' {ra!r:.40} is not a number of seconds"
    return None


def _is(value: object, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value != value:  # NaN
        return False
    return isinstance(value, kinds)


def _number(value: object) -> bool:
    try:
        return float(value) >= 0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def load(path: Path) -> Summary:
    """A trace file read and counted; InputError naming every bad line's number (the first
    SHOWN_BAD of them) if any line is not a trace record."""
    summary = Summary(path)
    bad: list[tuple[int, str]] = []
    try:
        f = path.open("rb")
    except OSError as e:
        raise InputError(f"{path}: cannot read the trace ({e.strerror or e})") from None
    with f:
        number = 0
        while True:
            raw = f.readline(MAX_LINE + 1)
            if not raw:
                break
            number += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                bad.append((number, f"longer than {MAX_LINE // 1024} KiB"))
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = f.readline(MAX_LINE)
                continue
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
            except (ValueError, UnicodeDecodeError) as e:
                bad.append((number, f"not JSON ({str(e)[:80]})"))
                continue
            except RecursionError:  # brackets nested past json's depth, inside MAX_LINE
                bad.append((number, "not a trace record (nested too deep)"))
                continue
            why = _bad(record)
            if why:
                bad.append((number, why))
            elif "stopped" in record:
                summary.stopped = record["stopped"]
            elif not bad:
                summary.add(record)
    if bad:
        lines = [f"{path}:{n}: {why}" for n, why in bad[:SHOWN_BAD]]
        more = len(bad) - SHOWN_BAD
        tail = f" (and {more} more)" if more > 0 else ""
        raise InputError(
            f"{path}: {len(bad)} line(s) are not acgsim serve trace records{tail}; no report was "
            "written and the file is unchanged:\n" + "\n".join(lines)
        )
    if summary.records == 0:
        raise InputError(f"{path}: the trace holds no requests")
    return summary


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# --- the tables ------------------------------------------------------------------------------

Table = tuple[str, list[str], list[list[object]]]  # title, columns, rows


def _s(x: float | None) -> str:
    return "-" if x is None else readable(x, "s")


def operations_table(s: Summary) -> Table:
    statuses = sorted({status for _, status in s.by_operation})
    names = sorted({name for name, _ in s.by_operation})
    rows = [
        [name, *[s.by_operation.get((name, st), 0) or "" for st in statuses]]
        + [sum(s.by_operation.get((name, st), 0) for st in statuses)]
        for name in names
    ]
    return "Requests by operation and status", ["operation", *map(str, statuses), "all"], rows


def throttling_table(s: Summary) -> Table:
    """429s and their Retry-After in TIME_ROWS windows of simulated time."""
    cols = ["simulated time", "requests", "429s", "Retry-After min", "mean", "max"]
    if not s.refused or s.first_t is None or s.last_t is None:
        return "429s and Retry-After over simulated time", cols, []
    start, end = s.first_t, s.last_t
    width = max((end - start) / TIME_ROWS, 1e-9)

    def slot(t: float) -> int:
        return min(TIME_ROWS - 1, int((t - start) / width))

    counts = [0] * TIME_ROWS
    for t in s.times:
        counts[slot(t)] += 1
    waits: list[list[float]] = [[] for _ in range(TIME_ROWS)]
    for t, w in zip(s.refused, s.waits, strict=True):
        waits[slot(t)].append(w)
    rows = []
    for i in range(TIME_ROWS):
        if not counts[i]:
            continue
        w = waits[i]
        span = f"{_s(start + i * width)} - {_s(start + (i + 1) * width)}"
        if not w:
            rows.append([span, counts[i], 0, "-", "-", "-"])
        else:
            rows.append([span, counts[i], len(w), _s(min(w)), _s(sum(w) / len(w)), _s(max(w))])
    return "429s and Retry-After over simulated time", cols, rows


def lro_table(s: Summary) -> Table:
    """Per kind of operation: how many, how they ended, their simulated durations."""
    kinds: dict[str, list[Op]] = {}
    for op in s.ops.values():
        kinds.setdefault(op.kind or "-", []).append(op)
    rows = []
    for kind, ops in sorted(kinds.items()):
        ended = sorted(
            o.end - o.started for o in ops if o.end is not None and o.started is not None
        )
        by_status: dict[str, int] = {}
        for o in ops:
            by_status[o.status] = by_status.get(o.status, 0) + 1
        polls = sum(o.polls for o in ops)
        rows.append(
            [
                kind,
                len(ops),
                ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())),
                _s(ended[len(ended) // 2]) if ended else "-",
                _s(ended[-1]) if ended else "-",
                f"{polls / len(ops):.1f}",
            ]
        )
    cols = ["operation", "started", "states at last poll", "median", "max", "polls each"]
    return "Long-running operations (simulated durations)", cols, rows


def slowest_table(s: Summary) -> Table:
    done = [
        (o.end - o.started, op_id, o)
        for op_id, o in s.ops.items()
        if o.end is not None and o.started is not None
    ]
    done.sort(key=lambda x: (-x[0], x[1]))
    rows = [
        [o.kind, o.resource or op_id[:8], o.status, _s(took), _s(o.started), o.polls]
        for took, op_id, o in done[:SHOWN_OPS]
    ]
    cols = ["operation", "resource", "state", "took", "started at", "polls"]
    return f"Slowest operations (at most {SHOWN_OPS})", cols, rows


def clients_table(s: Summary) -> Table:
    rows = [
        [client, sub, n, r429 or "", err or ""]
        for (client, sub), (n, r429, err) in sorted(s.clients.items(), key=lambda x: -x[1][0])
    ]
    cols = ["client", "subscription", "requests", "429s", "other errors"]
    return "Requests per client", cols, rows


def errors_table(s: Summary) -> Table:
    rows = [
        [status, code, n, seq, op]
        for (status, code), (n, seq, op) in sorted(s.errors.items(), key=lambda x: -x[1][0])
    ]
    rows += [[429, code, n, "", "(throttled)"] for code, n in sorted(s.throttled.items())]
    return "Errors answered", ["status", "code", "count", "first request", "operation"], rows


def headline(s: Summary) -> str:
    span = f", simulated {_s(s.first_t)} to {_s(s.last_t)}" if s.first_t is not None else ""
    refused = sum(s.throttled.values())
    stopped = f"; the server stopped logging after {s.stopped:,}" if s.stopped else ""
    return (
        f"{s.path}: {s.records:,} requests{span}, {refused:,} throttled (429), "
        f"{len(s.ops):,} long-running operations{stopped}"
    )


def tables(s: Summary) -> list[Table]:
    return [
        operations_table(s),
        throttling_table(s),
        lro_table(s),
        slowest_table(s),
        clients_table(s),
        errors_table(s),
    ]
