"""Deployment-side fidelity: timeouts, client profiles, throttling headers, refusals, honest
percentiles. Hand-computed traces on one replica (disk 15.5 s, boot 40 s: tests.sim.engine_cases)
and laws with hypothesis."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from acgsim.sim.client_profiles import CLIENT_NAMES
from acgsim.sim.engine import simulate
from acgsim.sim.metrics import quantiles, quantiles_all
from acgsim.sim.params import ModelParams, assumptions

from ..helpers import build, problems
from ..sim.engine_cases import one_region

# --- 4. timeouts ------------------------------------------------------------------------------


def test_os_provisioning_times_out_at_the_allotted_time_from_the_put():
    # 3 VMs at t=1000 on one slot: running at 1055.5, 1071, 1086.5 (waits 0, 15.5, 31).
    # With 80 s allotted the third (86.5 s after its PUT) fails at 1080, as Azure marks it.
    data = one_region(count=3)
    result = simulate(build(data, replica_concurrency=1, os_provisioning_timeout="80s"), trace=True)
    rows = sorted(result.records, key=lambda r: r["id"])
    assert [(r["outcome"], r["finished"]) for r in rows] == [
        ("succeeded", 1055.5),
        ("succeeded", 1071.0),
        ("failed", 1080.0),
    ]
    assert rows[2]["error"] == "OSProvisioningTimedOut"
    assert result.overall.failed_by_code == {"OSProvisioningTimedOut": 1}


def test_client_deadline_fails_the_request_the_vm_runs_on():
    # a custom client waits 60 s: the second VM (running 71 s after it was sent) is a failure
    # recorded at 1060 s; the first (55.5 s) ran in time
    data = one_region(count=2, client="impatient")
    data["clients"] = {"impatient": {"deadline": "60s"}}
    result = simulate(build(data, replica_concurrency=1), trace=True)
    rows = sorted(result.records, key=lambda r: r["id"])
    assert [(r["outcome"], r["error"], r["finished"]) for r in rows] == [
        ("succeeded", "", 1055.5),
        ("failed", "ClientTimedOut", 1060.0),
    ]


def test_client_deadline_ends_a_retry_loop_at_the_deadline():
    # 250 PUTs, 200 pass ARM and run at 1055.5; 50 get 429 with Retry-After 70 s; a client that
    # waits 60 s gives up at 1060 rather than retrying at 1070
    data = one_region(count=250, replicas=13, client="short")
    data["clients"] = {"short": {"deadline": "60s"}}
    result = simulate(build(data, retry={"min_retry_after": "70s"}), trace=True)
    failed = [r for r in result.records if r["outcome"] == "failed"]
    assert len(failed) == 50 and result.overall.succeeded == 200
    assert {(r["error"], r["finished"], r["held"]) for r in failed} == {
        ("ClientTimedOut", 1060.0, 60.0)
    }


# --- 5. client profiles -----------------------------------------------------------------------


def test_terraform_runs_ten_at_once_and_retries_429_without_count():
    # -parallelism 10: 20 VMs on a replica of 20 slots go in two rounds of 10
    data = one_region(count=20, replicas=1, client="terraform")
    rows = sorted(simulate(build(data), trace=True).records, key=lambda r: r["id"])
    assert [r["submitted"] for r in rows] == [1000.0] * 10 + [1055.5] * 10
    # a service that sends 429 for a long time: azure-cli gives up after 10, terraform does not
    burst = one_region(count=400, replicas=20, spread="0s")
    cli = simulate(build(burst, retry={"min_retry_after": "1s"})).overall
    tf = dict(burst)
    tf["workload"]["vms"][0]["client"] = "terraform"
    tf["workload"]["vms"][0]["concurrency"] = 400  # the wave's own limit wins over the client's
    terraform = simulate(build(tf, retry={"min_retry_after": "1s"})).overall
    assert cli.failed > 0 and set(cli.failed_by_code) == {"ArmThrottled"}
    assert terraform.failed == 0 and terraform.throttled_429 > 0


def test_arm_template_retries_do_not_pass_arm_again():
    # 250 PUTs: ARM's bucket holds 200. A direct client's 50 retries take ARM tokens again; a
    # template deployment's engine retries behind ARM, so ARM is charged 250 times in all
    data = one_region(count=250, replicas=13)
    direct = simulate(build(data), trace=True).records
    data["workload"]["vms"][0]["client"] = "arm-template"
    engine = simulate(build(data), trace=True).records

    def arm_answers(rows):
        # the PUT's answers (a trace also shows the status polls': sim.polling)
        return sum(1 for r in rows if r["retries"] for a in r["answers"] if " GET " not in a)

    assert all(r["outcome"] == "succeeded" for r in direct + engine)
    assert arm_answers(direct) == arm_answers(engine)  # one answer per try either way
    retried = [r for r in engine if r["retries"]]
    # behind ARM the retry reaches the compute RP at once: PutVM had tokens, so one retry each
    assert retried and all(r["retries"] == 1 for r in retried)


def test_the_default_retry_after_floor_is_six_seconds():
    # 250 PUTs: 50 throttled by ARM (10 tokens/s, next token in 0.1 s) wait the floor: 6 s
    data = one_region(count=250, replicas=13)
    rows = simulate(build(data), trace=True).records
    assert max(r["finished"] for r in rows) == 1006.0 + 55.5
    assert ModelParams().retry.min_retry_after == 6.0


def test_traces_show_the_remaining_calls_headers_at_each_answer():
    data = one_region(count=201, replicas=11)
    rows = sorted(simulate(build(data), trace=True).records, key=lambda r: r["id"])
    first, last = rows[0]["answers"], rows[-1]["answers"]
    assert first[0] == (
        "1000.000s HTTP 201; x-ms-ratelimit-remaining-subscription-writes: 199; "
        "x-ms-ratelimit-remaining-resource: Microsoft.Compute/PutVM;1499"
    )
    # then the status polls that tell the client it runs (sim.polling), with their headers
    assert first[1].endswith(
        "GET operation HTTP 200; x-ms-ratelimit-remaining-subscription-reads: 249"
    )
    assert first[2].endswith("Microsoft.Compute/GetOperation;14999")
    # the 201st meets an empty ARM bucket: 429 with the floor's Retry-After, then accepted
    assert last[0] == "1000.000s HTTP 429; x-ms-ratelimit-remaining-subscription-writes: 0; " + (
        "x-ms-ratelimit-remaining-resource: Microsoft.Compute/PutVM;1300; Retry-After: 6"
    )
    assert last[1].startswith("1006.000s HTTP 201")


def test_unknown_or_shadowing_client_names_are_refused():
    data = one_region(client="terraformm")
    assert any("'terraformm' is not a client profile" in str(p) for p in problems(data))
    data = one_region()
    data["clients"] = {"terraform": {"deadline": "1m"}}
    assert any("is a built-in client profile" in str(p) for p in problems(data))


def test_every_client_default_is_listed_with_its_source():
    rows = {r["parameter"]: r for r in assumptions(ModelParams(), "seed")}
    for name in CLIENT_NAMES:
        key = name.replace("-", "_")
        assert f"clients.{key}.max_retries" in rows
    assert "Count429AsRetry" in rows["clients.terraform.max_retries"]["rationale"]
    assert "45 min" in rows["clients.terraform.deadline"]["rationale"]
    assert "105248" in rows["retry.min_retry_after"]["rationale"]
    assert "allotted time" in rows["os_provisioning_timeout"]["rationale"]


@settings(max_examples=15, deadline=None)
@given(
    count=st.integers(210, 600),
    floor=st.sampled_from(["1s", "2s", "6s"]),
    fewer=st.integers(0, 5),
    more=st.integers(1, 10),
)
def test_law_more_retries_never_fail_more_when_throttling_is_the_only_cause(
    count, floor, fewer, more
):
    """With throttling the only cause of failure, a client with more retries (same backoff,
    honouring Retry-After) fails no more requests on the same seed: a request that gave up
    under fewer retries would have been sent again, and each retry can only find tokens the
    other run's giving up left behind. The law is about counts, not about each request."""
    data = one_region(count=count, replicas=30)
    data["clients"] = {"few": {"max_retries": fewer}, "many": {"max_retries": fewer + more}}
    data["workload"]["vms"][0]["client"] = "few"
    a = simulate(build(data, retry={"min_retry_after": floor})).overall
    data["workload"]["vms"][0]["client"] = "many"
    b = simulate(build(data, retry={"min_retry_after": floor})).overall
    assert set(a.failed_by_code) <= {"TooManyRequests", "ArmThrottled"}
    assert b.failed <= a.failed


# --- 8. refusals ------------------------------------------------------------------------------


def test_cross_tenant_role_without_an_app_in_both_tenants_is_refused():
    data = one_region(count=3, subscription="partner")
    data["access"] = [{"subscription": "partner", "scope": "gal", "cross_tenant": "none"}]
    warnings = [str(p) for p in problems(data)]
    assert any("LinkedAuthorizationFailed" not in w and "cross_tenant" in w for w in warnings)
    assert simulate(build(data)).overall.failed_by_code == {"LinkedAuthorizationFailed": 3}
    data["access"][0]["cross_tenant"] = "app_in_both_tenants"
    assert simulate(build(data)).overall.succeeded == 3
    data["access"][0]["cross_tenant"] = "auxiliary_token"
    assert simulate(build(data)).overall.succeeded == 3


def test_security_type_and_generation_the_image_does_not_serve_are_refused():
    # the definition defaults to V2 + TrustedLaunchSupported: Standard and TrustedLaunch VMs run
    for ok in ({"security_type": "TrustedLaunch"}, {"security_type": "Standard"}, {}):
        assert simulate(build(one_region(**ok))).overall.succeeded == 2
    cvm = one_region(security_type="ConfidentialVM")
    assert any("serves Standard or TrustedLaunch VMs" in str(p) for p in problems(cvm))
    assert simulate(build(cvm)).overall.failed_by_code == {"SecurityTypeMismatch": 2}
    gen1 = one_region(generation="V1")
    assert any("cannot boot Hypervisor Generation '2'" in str(p) for p in problems(gen1))
    assert simulate(build(gen1)).overall.failed_by_code == {"GenerationMismatch": 2}


def test_end_of_life_warns_and_deploys():
    data = one_region()
    data["galleries"][0]["images"][0]["versions"][0]["end_of_life"] = "2020-01-01"
    assert [p.severity for p in problems(data)] == ["warning"]
    assert simulate(build(data)).overall.succeeded == 2


# --- 9. honest percentiles --------------------------------------------------------------------


def test_all_requests_percentiles_by_hand():
    ran = np.array([10.0, 20.0, 30.0, 40.0])
    # nothing failed: the same figures as the successes-only ones
    assert quantiles_all(ran, 0) == {k: quantiles(ran)[k] for k in ("p50", "p95", "p99")}
    # one of five never ran: sorted [10, 20, 30, 40, inf]; p50 at position 2 -> 30;
    # p95 at 3.8 lies between 40 and inf: never
    assert quantiles_all(ran, 1) == {"p50": 30.0, "p95": None, "p99": None}
    assert quantiles_all(np.array([]), 3) == {"p50": None, "p95": None, "p99": None}


def test_a_run_where_some_fail_reports_never():
    data = one_region(count=3)
    result = simulate(build(data, replica_concurrency=1, os_provisioning_timeout="80s"))
    o = result.overall
    assert o.ttr_p95_s == 70.225  # successes only: 55.5 and 71
    assert o.ttr_all_p95_s is None and o.ttr_all_p50_s == 71.0  # [55.5, 71, never]
    assert result.waves[0].ttr_all_p95_s is None


@settings(max_examples=60)
@given(
    ran=st.lists(st.floats(0, 1e5, allow_nan=False), min_size=1, max_size=60),
    never=st.integers(0, 20),
)
def test_law_all_requests_percentiles_are_never_below_the_successes_only(ran, never):
    a = np.array(ran)
    mine, every = quantiles(a), quantiles_all(a, never)
    for k in ("p50", "p95", "p99"):
        got = math.inf if every[k] is None else every[k]
        assert got >= mine[k]
        if never == 0:
            assert every[k] == mine[k]
