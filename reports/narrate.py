"""Lesson mode: one request's story, step by step with times, from a traced run's records.

A record (sim.metrics) holds where the request's time went: held at the front door (429s and
their Retry-After, a region down), its scale set's earlier batches, queued for a replica, disk
creation, work lost with a replica, boot. The queue it joined is derived from the other records
on the same replica: those still waiting for a slot when it arrived were ahead of it, those
creating a disk kept the slots busy.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from acgsim.sim.errors import InputError
from acgsim.sim.service_errors import RUNTIME
from acgsim.sim.units import readable

KINDS = {"vm": "VM", "vmss_instance": "scale-set instance"}


def _clock(t: float) -> str:
    """Simulated time as a clock from the start of the run: 1:02:03.4."""
    hours, rest = divmod(t, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(hours)}:{int(minutes):02d}:{seconds:04.1f}"


def zone_name(start: datetime) -> str:
    """The start's time zone as its offset: UTC, UTC+01:00, UTC-05:00."""
    offset = start.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign, minutes = ("+" if offset > timedelta(0) else "-"), abs(offset) // timedelta(minutes=1)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def wall_clock(start: datetime, t: float) -> str:
    """Simulated time as the clock time the scenario's start gives it: 09:01:02.4 (with the
    date on a later day: Dec 02 00:01:02.4)."""
    at = start + timedelta(seconds=round(t, 1))  # tenths, rounded as the plain clock rounds
    day = "" if at.date() == start.date() else f"{at:%b %d} "
    return f"{day}{at:%H:%M:%S}.{at.microsecond // 100_000}"


def _joined(r: dict) -> float:
    """When the request joined its replica's queue."""
    return r["submitted"] + r["held"] + r["batches"] + r.get("queued_before", 0.0)


def queue_at(records: list[dict], me: dict) -> tuple[int, int]:
    """(waiting ahead, creating disks) on my replica when I joined its queue."""
    t = _joined(me)
    ahead = busy = 0
    for r in records:
        same = (r["version"], r["region"], r["replica"]) == (
            me["version"],
            me["region"],
            me["replica"],
        )
        if r is me or not same or r["replica"] < 0:
            continue
        start = _joined(r) + r["wait"]
        if _joined(r) <= t < start:
            ahead += 1
        elif start <= t < start + r["disk"] + r["lost"]:
            busy += 1
    return ahead, busy


def story(
    records: list[dict], n: int, capacity: int | None = None, start: datetime | None = None
) -> list[tuple[str, str]]:
    """(clock, what happened) for request N (its id: 1 is the first one submitted); with the
    scenario's start, the clock is the time of day there."""
    clock = _clock if start is None else partial(wall_clock, start)
    [me] = [r for r in records if r["id"] == n] or [None]
    if me is None:
        raise LookupError(n)
    kind = KINDS.get(me["kind"], me["kind"])
    t = me["submitted"]
    steps = [
        (
            clock(t),
            f"{kind} {n} of wave '{me['wave']}' in {me['region']} (subscription "
            f"{me['subscription']}) asks Azure Resource Manager to create it from "
            f"{me['image']}",
        )
    ]
    if me["throttled"]:
        steps.append(
            (
                clock(t),
                f"refused {_times(me['throttled'])} with HTTP 429 Too Many Requests; the client "
                "waits as long as each answer's Retry-After says and asks again",
            )
        )
    if me["held"]:
        t += me["held"]
        steps.append((clock(t), f"accepted after {readable(me['held'], 's')} held at the door"))
    elif not me["throttled"] and (me["replica"] >= 0 or me["lost"]):
        steps.append((clock(t), "accepted at once (no 429)"))
    if me["batches"] or me.get("queued_before"):
        t += me["batches"] + me.get("queued_before", 0.0)
        steps.append(
            (
                clock(t),
                f"its scale set's earlier batches are done ({readable(me['batches'], 's')} "
                f"creating disks, {readable(me.get('queued_before', 0.0), 's')} queuing)",
            )
        )
    if me["replica"] >= 0:
        ahead, busy = queue_at(records, me)
        slots = f" of {capacity}" if capacity else ""
        if me["wait"]:
            steps.append(
                (
                    clock(t),
                    f"queued for replica {me['replica'] + 1} of {me['version']}: "
                    f"{_others(ahead)} waiting ahead, {busy}{slots} slots busy creating disks",
                )
            )
            t += me["wait"]
            steps.append((clock(t), f"gets a slot after {readable(me['wait'], 's')} in the queue"))
        else:
            steps.append(
                (
                    clock(t),
                    f"replica {me['replica'] + 1} of {me['version']} has a free slot "
                    f"({busy}{slots} busy): no queue",
                )
            )
        if me["lost"]:
            steps.append(
                (
                    clock(t),
                    f"loses {readable(me['lost'], 's')} to a replica lost with its zone, "
                    "backs off and starts again on another",
                )
            )
            t += me["lost"]
        t += me["disk"]
        steps.append((clock(t), f"OS disk created from the replica in {readable(me['disk'], 's')}"))
    elif me["lost"]:  # never got a disk: every attempt lost with its replica
        t += me["lost"]
        steps.append(
            (
                clock(t),
                f"{_cap(_times(me['retries']))} a replica is lost under it (its zone is down); "
                f"{readable(me['lost'], 's')} of attempts and backoff",
            )
        )
    if me["outcome"] == "failed":
        steps.append((clock(me["finished"] or t), f"failed: {_error(me)}"))
    elif me["outcome"] == "succeeded":
        t += me["boot"]
        total = readable(me["finished"] - me["submitted"], "s")
        polled = me.get("polled", 0.0)
        if polled:  # sim.polling: the status polls that would tell the client got 429
            steps.append((clock(t), f"booted in {readable(me['boot'], 's')}: running"))
        steps.append(
            (
                clock(me["finished"]),
                f"the client's status polls got 429 for {readable(polled, 's')}: it learns its "
                f"VM runs {total} after it was asked for"
                if polled
                else f"booted in {readable(me['boot'], 's')}: running, {total} after it was "
                "asked for",
            )
        )
    else:
        steps.append(("", "still in flight when the run stopped"))
    return steps


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _others(n: int) -> str:
    return f"{n} other{'s' if n != 1 else ''}"


def _error(r: dict) -> str:
    e = RUNTIME.get(r["error"])
    if e is None:
        return r["error"] or "unknown error"
    image = r["image"]
    text = e.message.format(
        image=image,
        region=r["region"],
        tenant="the caller's tenant",
        subscription=r["subscription"],
    )
    return f"{e.code or r['error']} (HTTP {e.status}): {text}"


def pick(records: list[dict], wanted: str) -> int:
    """A request to tell: its number, or 'slowest', 'median', 'failed' (the first that failed);
    InputError naming --vm when the run has no such request, or the word is none of these."""
    total = len(records)
    if wanted.isdecimal():
        if not 1 <= int(wanted) <= total:
            raise InputError(f"--vm {wanted!r}: this run has requests 1..{total}")
        return int(wanted)
    if wanted == "failed":
        failed = [r for r in records if r["outcome"] == "failed"]
        if not failed:
            raise InputError(f"--vm 'failed': no request failed in this run ({total} requests)")
        return failed[0]["id"]
    if wanted not in ("slowest", "median"):
        raise InputError(
            f"--vm {wanted!r}: give a request number (1..{total}), slowest, median or failed"
        )
    done = sorted(
        (r for r in records if r["outcome"] == "succeeded"),
        key=lambda r: r["finished"] - r["submitted"],
    )
    if not done:
        raise InputError(
            f"--vm {wanted!r}: no request reached running in this run ({total} requests); give a "
            "request number or --vm failed"
        )
    return (done[-1] if wanted == "slowest" else done[(len(done) - 1) // 2])["id"]


def tell(result, vm: str) -> None:
    """`acgsim explain`: request VM's story (a number, slowest, median or failed) of a traced
    run, as a table of times and steps; InputError when the run has no such request."""
    from acgsim.reports import console

    records = result.records or []
    n = pick(records, vm.strip().lower())
    summaries = {s.region: s for s in result.regions}
    capacity = summaries[records[n - 1]["region"]].replica_capacity
    at = "" if result.start is None else f" (times of day: it starts {result.start.isoformat()})"
    console.say(f"{result.scenario}, seed {result.seed}: request {n} of {len(records)}{at}")
    steps = story(records, n, capacity, result.start)
    console.show_table("", ["time", "what happens"], steps, ["what happens"])
