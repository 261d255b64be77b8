"""Status polls and read throttling (sim.polling): a hand-computed run, the bucket's arithmetic,
and the laws (reads never make a VM run sooner; without read throttling, or where it cannot bind,
nothing changes)."""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from acgsim.reports.narrate import story
from acgsim.sim.engine import simulate
from acgsim.sim.polling import ReadBucket, may_bind

from ..helpers import build
from ..sim.engine_cases import one_region


def _polling(count: int, interval: str, **wave) -> dict:
    data = one_region(count=count, replicas=10, spread="0s", client="poller", **wave)
    data["clients"] = {"poller": {"poll_interval": interval}}
    return data


def test_a_read_bucket_drained_by_polls_delays_when_the_client_learns():
    # 200 VMs sent at 1000 s pass ARM's 200 writes; 10 replicas x 20 slots: all run at 1055.5
    # (disk 15.5 s, boot 40 s). Each polls ARM every 1 s: 200 reads/s against 25/s refilled, so
    # the 250-token bucket is empty from 1001.43 s. At 1055.5 the VM finishing with D of the
    # pollers still polling tries ceil(D / 25) times, 6 s apart (the shortest Retry-After):
    # D = 200..176 -> 7 429s, 42 s late; 175..151 -> 36 s; ...; 50..26 -> 6 s; 25..1 -> on time.
    # GetOperation (every 10 s: 20/s against 5,000/min) never binds.
    result = simulate(build(_polling(200, "1s")), trace=True)
    rows = result.records
    assert all(r["outcome"] == "succeeded" for r in rows)
    late = Counter(round(r["finished"] - 1055.5, 3) for r in rows)
    assert late == {42.0: 25, 36.0: 25, 30.0: 25, 24.0: 25, 18.0: 25, 12.0: 25, 6.0: 25, 0.0: 25}
    assert all(r["polled"] == r["finished"] - 1055.5 for r in rows)  # the lag, by the polls
    # reads: 200/s for 55.5 s (11,100) + GetOperation 20/s (1,110); refused: 11,100 - 250 -
    # 25 x 55.5 = 9,462.5 in flight, then 25 x (7+6+...+1) = 700 decisive 429s
    reads = result.reads
    assert reads["polls"] == 12210
    assert reads["polls_throttled"] == 9462 + 700
    assert reads["vms_learned_late"] == 175
    assert reads["mean_lag_s"] == 24.0  # 25 x (42+36+30+24+18+12+6) / 175
    first = min(rows, key=lambda r: r["id"])  # the first to finish waits longest
    answers = first["answers"]
    assert answers[0].startswith("1000.000s HTTP 201")
    assert answers[1] == (
        "1055.500s GET operation HTTP 429; x-ms-ratelimit-remaining-subscription-reads: 0; "
        "Retry-After: 6"
    )
    assert answers[-2].startswith("1097.500s GET operation HTTP 200")
    assert "Microsoft.Compute/GetOperation;" in answers[-1]


def test_the_waves_parts_count_the_poll_lag_as_throttled():
    # the case above: 175 of 200 VMs learned about 42, 36, ..., 6 s late (21 s on average), so
    # the wave's throttled part is 21 s and its parts sum to its mean time to running
    result = simulate(build(_polling(200, "1s")))
    [wave] = result.waves
    parts = wave.parts_mean_s
    assert parts["throttled"] == 21.0
    assert abs(sum(parts.values()) - (15.5 + 40.0 + 21.0)) < 1e-9


def test_a_wave_that_failed_stops_polling():
    # 200 VMs whose client gives up after 30 s (all fail: their VMs run at 1055.5 s), then 20 VMs
    # at 3 h polling 20/s, under the 25/s refill: they must find the bucket refilled, not
    # drained by the failed wave's polls for the rest of the run
    data = _polling(200, "1s")
    data["clients"]["poller"]["deadline"] = "30s"
    later = dict(data["workload"]["vms"][0], name="later", at="3h", count=20, client="late")
    data["workload"]["vms"].append(later)
    data["clients"]["late"] = {"poll_interval": "1s"}
    result = simulate(build(data), trace=True)
    first = [r for r in result.records if r["wave"] != "later"]
    assert {r["error"] for r in first} == {"ClientTimedOut"}
    assert [r["polled"] for r in result.records if r["wave"] == "later"] == [0.0] * 20
    # ARM reads: the failed wave's 200/s until its VMs' event at 1055.5 s (the model notices the
    # failure there, 25.5 s after the client gave up: a bound from above), the later wave's
    # 20/s for its 55.5 s; not 200/s for the rest of the 6 h horizon
    arm = next(b for b in result.reads["buckets"] if b["bucket"].startswith("reads"))
    assert arm["polls"] == 200 * 55.5 + 20 * 55.5


def test_polls_within_the_refill_never_bind_and_cost_nothing():
    # the same wave polling every 30 s (azure-cli's interval): 6.7 reads/s at most
    data = one_region(count=200, replicas=10, spread="0s")
    scenario = build(data)
    assert may_bind(scenario, scenario.waves()) is None
    assert simulate(scenario).reads is None  # no polling model ran, and none is reported
    assert '"reads"' not in simulate(scenario).to_json()


def test_bucket_arithmetic_by_hand():
    b = ReadBucket("reads s", "{n}", size=10, refill_per_s=1.0, tokens=10.0)
    b.advance(0.0, 3.0)
    b.advance(4.0, 3.0)  # 10 + (1 - 3) x 4
    assert (b.tokens, b.reads, b.refused) == (2.0, 12.0, 0.0)
    b.advance(10.0, 3.0)  # 2 - 12: empty, 10 refused
    assert (b.tokens, b.reads, b.refused) == (0.0, 30.0, 10.0)
    assert b.decisive(6.0) == (2, 12.0)  # 3 tries, 6 s apart
    b.advance(10.0, 1.0)
    assert b.decisive(6.0) == (0, 0.0)  # the refill serves the whole demand
    b.advance(20.0, 1.0)
    assert b.tokens == 0.0 and b.decisive(6.0) == (0, 0.0)


def test_arm_template_polls_nothing_per_vm_and_scale_sets_poll_once():
    # an ARM template deployment's caller polls its one deployment: only GetOperation per VM
    data = one_region(count=3, client="arm-template")
    for r in simulate(build(data), trace=True).records:
        polls = [a for a in r["answers"] if " GET " in a]
        assert len(polls) == 1 and "GetOperation" in polls[0]
    # a scale set is one operation: 3 sets of 100 polling ARM every 0.1 s are 30 reads/s (not
    # 3,000), while their 15 batches share one replica's 20 slots (15 x 15.5 s = 232.5 s at
    # most); the bucket drains, but an instance's time is its own
    data = one_region(count=1, client="poller")
    data["clients"] = {"poller": {"poll_interval": "0.1s"}}
    wave = data["workload"].pop("vms")[0]
    del wave["count"]
    data["workload"]["scale_sets"] = [{**wave, "count": 3, "instances": 100}]
    sets = simulate(build(data, replica_concurrency=20), trace=True)
    plain = simulate(build(data, replica_concurrency=20, polling={"read_throttling": False}))
    assert sets.reads["polls_throttled"] > 0 and 30 * 150 < sets.reads["polls"] < 30 * 233
    assert sets.reads["vms_learned_late"] == 0
    assert _strip(sets) == _strip(plain)


def _strip(result) -> dict:
    out = json.loads(result.to_json())
    for key in ("assumptions", "reads", "records", "engine", "scenario_sha256"):
        out.pop(key, None)
    return out


@settings(max_examples=12, deadline=None)
@given(
    count=st.integers(1, 260),
    spread=st.sampled_from(["0s", "20s", "2m"]),
    interval=st.sampled_from(["1s", "2s", "5s", "30s"]),
    replicas=st.integers(1, 6),
)
def test_reads_never_make_a_vm_run_sooner(count, spread, interval, replicas):
    data = one_region(count=count, replicas=replicas, spread=spread, client="poller")
    data["clients"] = {"poller": {"poll_interval": interval}}
    on = simulate(build(data), trace=True)
    off = simulate(build(data, polling={"read_throttling": False}), trace=True)
    assert off.reads is None
    before = {r["id"]: r for r in off.records}
    for r in on.records:
        b = before[r["id"]]
        assert (r["outcome"], r["error"]) == (b["outcome"], b["error"])
        if r["outcome"] == "succeeded":
            lag = r["finished"] - b["finished"]
            assert lag >= 0 and r["held"] == b["held"] and abs(r["polled"] - lag) < 1e-6
            parts = (
                r["held"] + r["polled"] + r["batches"] + r["wait"] + r["queued_before"] + r["disk"]
            )
            parts += r["lost"] + r["boot"]
            assert abs(parts - (r["finished"] - r["submitted"])) < 1e-6
    assert on.overall.ttr_p95_s is None or on.overall.ttr_p95_s >= off.overall.ttr_p95_s


@settings(max_examples=10, deadline=None)
@given(
    count=st.integers(1, 400),
    spread=st.sampled_from(["0s", "1m"]),
    client=st.sampled_from(["azure-cli", "python-sdk", "terraform", "arm-template"]),
)
def test_without_read_throttling_or_where_no_poll_is_throttled_nothing_changes(
    count, spread, client
):
    data = one_region(count=count, replicas=4, spread=spread, client=client)
    on, off = build(data), build(data, polling={"read_throttling": False})
    a, b = simulate(on), simulate(off)
    assert b.reads is None and '"reads"' not in b.to_json()
    if may_bind(on, on.waves()) is None:
        assert a.reads is None and a.engine == b.engine
    if a.reads is None:  # no poll throttled: the run without polling, whichever engine ran it
        assert _strip(a) == _strip(b)
    else:
        assert a.reads["polls_throttled"] > 0
        assert a.overall.ttr_p95_s >= b.overall.ttr_p95_s


def test_explain_tells_that_the_client_learned_late():
    # the first VM runs at 1055.5 s (0:17:35.5) and is learned about 42 s later (97.5 s in all)
    result = simulate(build(_polling(200, "1s")), trace=True)
    steps = story(result.records, 1)
    assert steps[-2] == ("0:17:35.5", "booted in 40s: running")
    assert steps[-1] == (
        "0:18:17.5",
        "the client's status polls got 429 for 42s: it learns its VM runs 1m38s after it was "
        "asked for",
    )
