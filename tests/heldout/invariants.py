"""What any coherent result must satisfy, whatever the scenario: the held-out scenarios' checks.

Each function takes the JSON a user gets (`acgsim run --json`, `plan --json`, ...) as plain data
and returns a list of problems in words (empty when coherent), so one failing scenario reports
everything wrong with it at once.
"""

from __future__ import annotations

import math
from collections import Counter

COUNTS = ("requests", "succeeded", "failed", "in_flight")
ORDERED = ("ttr_p50_s", "ttr_p95_s", "ttr_p99_s", "ttr_max_s")
SHARES = ("failure_rate", "waited_share", "replica_utilisation")
PARTS = ("held", "polled", "batches", "wait", "queued_before", "disk", "lost", "boot")
TOL = 2e-3  # figures are rounded to milliseconds


def numbers(value, path="$"):
    """Every number in a JSON document, with its path."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int | float):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from numbers(item, f"{path}[{i}]")


def finite(doc) -> list[str]:
    return [f"{path} is {v}" for path, v in numbers(doc) if not math.isfinite(v)]


def _summary(s: dict, where: str) -> list[str]:
    out = []
    for key in COUNTS:
        if s[key] < 0:
            out.append(f"{where}: {key} {s[key]} < 0")
    if s["requests"] != s["succeeded"] + s["failed"] + s["in_flight"]:
        out.append(f"{where}: requests {s['requests']} != succeeded + failed + in flight")
    if sum(s["failed_by_code"].values()) != s["failed"]:
        out.append(f"{where}: failed_by_code {s['failed_by_code']} does not sum to {s['failed']}")
    if s["requests"] and abs(s["failure_rate"] - s["failed"] / s["requests"]) > TOL:
        out.append(f"{where}: failure_rate {s['failure_rate']} != failed / requests")
    for key in SHARES:
        if s.get(key) is not None and not -TOL <= s[key] <= 1 + TOL:
            out.append(f"{where}: {key} {s[key]} outside 0..1")
    figures = [s[k] for k in ORDERED if s.get(k) is not None]
    if figures != sorted(figures):
        out.append(f"{where}: percentiles out of order {figures}")
    if s["succeeded"] and s.get("ttr_p50_s") is None:
        out.append(f"{where}: {s['succeeded']} ran but no p50")
    pct = s.get("ttr_percentiles_s") or []
    if pct != sorted(pct):
        out.append(f"{where}: ttr_percentiles_s not ordered")
    for key in ("ttr_all_p50_s", "ttr_all_p95_s", "ttr_all_p99_s"):
        ran = s.get(key.replace("all_", ""))
        if s.get(key) is not None and ran is not None and s[key] + TOL < ran:
            out.append(f"{where}: {key} {s[key]} below the succeeded-only {ran}")
    if s.get("peak_replica_busy", 0) > s.get("replica_capacity", 0) and s.get("replica_capacity"):
        out.append(f"{where}: peak busy {s['peak_replica_busy']} > capacity")
    for path, v in numbers(s, where):
        if v < -TOL and not path.endswith("_delta"):
            out.append(f"{path} is negative: {v}")
    return out


def run_result(doc: dict) -> list[str]:
    """A RunResult: counts add up, regions and waves sum to the whole, figures in range."""
    out = finite(doc)
    if doc.get("error"):
        out.append(f"the run broke: {doc['error']}")
    overall, regions = doc["overall"], doc["regions"]
    out += _summary(overall, "overall")
    for r in regions:
        out += _summary(r, f"region {r['region']}")
    for key in ("requests", "succeeded", "failed", "in_flight"):
        total = sum(r[key] for r in regions)
        if total != overall[key]:
            out.append(f"regions' {key} sum to {total}, overall says {overall[key]}")
    codes = Counter()
    for r in regions:
        codes.update(r["failed_by_code"])
    if dict(codes) != overall["failed_by_code"]:
        out.append(f"regions' failure codes {dict(codes)} != overall {overall['failed_by_code']}")
    by_region = Counter()
    for w in doc.get("waves") or []:
        where = f"wave {w['wave']}"
        if w["requests"] < w["succeeded"] + w["failed"]:
            out.append(f"{where}: succeeded + failed > requests")
        if w["scale_sets"] is not None and w["requests"] != w["scale_sets"] * w["instances"]:
            out.append(f"{where}: {w['requests']} requests != sets x instances")
        if w["requests"] and abs(w["failure_rate"] - w["failed"] / w["requests"]) > TOL:
            out.append(f"{where}: failure_rate != failed / requests")
        p50, p95 = w["ttr_p50_s"], w["ttr_p95_s"]
        if p50 is not None and p95 is not None and p50 > p95 + TOL:
            out.append(f"{where}: p50 > p95")
        by_region[w["region"]] += w["requests"]
    if doc.get("waves"):
        for r in regions:
            if by_region[r["region"]] != r["requests"]:
                out.append(
                    f"waves in {r['region']} hold {by_region[r['region']]} requests,"
                    f" the region {r['requests']}"
                )
    for entry in doc.get("replication_log") or []:
        where = f"replication {entry['version']} {entry['region']}"
        start, done = entry.get("started_s"), entry.get("completed_s")
        if start is not None and done is not None and done + TOL < start:
            out.append(f"{where}: completed before it started")
        if entry["state"] == "Completed" and done is None:
            out.append(f"{where}: Completed without a completion time")
    for rec in doc.get("records") or []:
        out += record(rec, doc["horizon_s"])
    return out


def record(rec: dict, horizon: float) -> list[str]:
    """One traced request: its parts sum to its time to running, nothing negative."""
    where = f"request {rec['id']} ({rec['wave']})"
    out = [f"{where}: {k} {rec[k]} < 0" for k in PARTS if (rec.get(k) or 0) < -1e-9]
    if rec["outcome"] == "succeeded":
        ttr = rec["finished"] - rec["submitted"]
        parts = sum(rec.get(k) or 0 for k in PARTS)
        if abs(parts - ttr) > 1e-6 * max(1.0, ttr):
            out.append(f"{where}: parts {parts:.6f} != time to running {ttr:.6f}")
        if rec["finished"] > horizon + 1e-6:
            out.append(f"{where}: ran after the horizon")
    return out


def summary(doc: dict) -> list[str]:
    """`run -k K --json`: every run coherent, each mean inside its runs' range."""
    out = finite(doc)
    runs = doc["runs"]
    for i, run in enumerate(runs):
        out += [f"run {i}: {p}" for p in run_result(run)]
    for region, figures in doc["summary"].items():
        if not isinstance(figures, dict) or region == "waves":
            continue
        for key, est in figures.items():
            if not isinstance(est, dict) or "mean" not in est or est["mean"] is None:
                continue
            if est.get("half_width") is not None and est["half_width"] < 0:
                out.append(f"summary {region}.{key}: negative half width")
    return out


def plan(doc: dict) -> list[str]:
    """A plan: every row says why, the figures are in range, totals are the rows' sums, and the
    verdict agrees with the figures (a region whose verified figures meet its objectives is not
    declared infeasible, and one that misses them is)."""
    out = finite(doc)
    rows = doc["regions"]
    total = doc["totals"]
    if total["replicas"] != sum(r["replicas"] for r in rows):
        out.append(f"total replicas {total['replicas']} != the rows' sum")
    cost = sum(r["monthly_cost_usd"] for r in rows)
    if abs(total["monthly_cost_usd"] - cost) > 0.01 * len(rows):
        out.append(f"total cost {total['monthly_cost_usd']} != the rows' sum {cost:.2f}")
    infeasible = doc.get("infeasible") or []
    for r in rows:
        where = f"{r['version']} {r['region']}"
        if not 1 <= r["replicas"] <= 100:
            out.append(f"{where}: {r['replicas']} replicas")
        if not r["reasons"]:
            out.append(f"{where}: no reason for {r['replicas']} replicas")
        fail = (r.get("failure_rate") or {}).get("mean")
        if fail is not None and not 0 <= fail <= 1:
            out.append(f"{where}: failure rate {fail}")
        named = [m for m in infeasible if m.startswith(f"{r['region']}:")]
        if r.get("meets_objectives") is True and named:
            out.append(f"{where}: its figures meet the objectives, yet: {named[0][:160]}")
        if r.get("meets_objectives") is False and not named:
            out.append(f"{where}: misses its objectives and no message says why")
    for m in infeasible:
        region = m.split(":", 1)[0]
        kept = [r for r in rows if r["region"] == region]
        at_floor = [r for r in kept if r["replicas"] == r["baseline_replicas"] > 1]
        if at_floor and not doc.get("below_guidance") and "guidance" not in m:
            out.append(
                f"{region}: keeps {at_floor[0]['replicas']} replicas, the guidance's floor (no"
                f" fewer were tried), and does not say so: {m[:160]}"
            )
    return out


def comparison(doc: dict) -> list[str]:
    """`compare --json`: each difference is B - A of the figures shown (to one in their last
    digit; the monthly cost to the cent)."""
    out = finite(doc)
    for region, figures in doc.items():
        for name, v in figures.items():
            a, b, diff, half = v.get("a"), v.get("b"), v.get("diff"), v.get("half_width")
            where = f"{region}.{name}"
            if a is not None and b is not None and diff is not None:
                # each figure is rounded on its own: a mean difference may differ from the
                # difference of the means by one in the last digit; money is exact to the cent
                digits, slack = (2, 0.5) if name == "monthly_cost" else (3, 1.5)
                if abs(round(b - a, digits) - diff) > slack * 10**-digits:
                    out.append(f"{where}: diff {diff} but B - A = {b} - {a}")
            if half is not None and half < 0:
                out.append(f"{where}: negative half width")
    return out
