"""How big a run is before it runs: the estimate and its laws, the ceilings, what nothing allows."""

from __future__ import annotations

import copy
import math
import tracemalloc
from pathlib import Path

import pytest

from acgsim.sim import engine, footprint
from acgsim.sim.errors import InputError
from acgsim.sim.footprint import MAX_SAMPLE_TIMES, Ceiling, Footprint, RunTooLarge
from acgsim.sim.loader import load

from ..helpers import SCENARIOS, build, errors

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
QUICK = SCENARIOS / "quickstart.yaml"
IMAGE = "gal/web/latest"


def _peak(scenario, trace: bool = False) -> tuple[int, object]:
    """tracemalloc's peak over one run: what the run itself allocates."""
    tracemalloc.start()
    try:
        result = engine.simulate(scenario, trace=trace)
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_estimate_counts_every_bundled_scenarios_requests(path: Path):
    scenario = load(path)
    estimated = footprint.estimate(scenario).requests
    simulated = engine.simulate(scenario).overall.requests
    if scenario.workload.arrivals:  # Poisson: the expected count, off by a few of its roots
        assert abs(estimated - simulated) <= 4 * math.sqrt(estimated) + 1
    else:
        assert estimated == simulated


def test_law_the_memory_estimate_is_at_least_the_run_and_at_most_10_times_it():
    """On every bundled scenario, traced or not: measured <= estimate <= 10 x measured, where
    measured is tracemalloc's peak over the run (after one run filled the caches)."""
    engine.simulate(load(QUICK))
    for path in BUNDLED:
        scenario = load(path)
        for trace in (False, True):
            measured, _ = _peak(scenario, trace)
            estimated = footprint.estimate(scenario, trace=trace).memory
            assert measured <= estimated <= 10 * measured, (path.stem, trace, measured, estimated)


def _burst(base: dict, **wave) -> dict:
    data = copy.deepcopy(base)
    data["horizon"] = "2d"
    data["workload"] = {
        kind: [{"region": "westeurope", "subscription": "apps", "image": IMAGE, **spec}]
        for kind, spec in wave.items()
    }
    return data


@pytest.mark.parametrize(
    "wave",
    [
        {"vms": {"count": 3000}},  # every request in flight at once
        {"vms": {"count": 3000, "concurrency": 10}},
        {"scale_sets": {"count": 30, "instances": 200}},  # records made batch by batch
        {"arrivals": {"rate_per_min": 10, "duration": "10h"}},
    ],
    ids=["burst", "client-held", "scale-sets", "arrivals"],
)
@pytest.mark.parametrize("trace", [False, True])
def test_a_run_stays_within_its_estimate(base, wave, trace):
    engine.simulate(build(base))
    scenario = build(_burst(base, **wave))
    measured, result = _peak(scenario, trace)
    assert not result.error
    assert measured <= footprint.estimate(scenario, trace=trace).memory


def test_a_scale_set_holds_the_records_of_one_batch_at_a_time(base):
    """Before, every instance's record existed from the set's first moment; now a set waiting
    for its next batch holds none, so 30 sets of 1,000 take far less than 30,000 records."""
    engine.simulate(build(base))
    sets = build(_burst(base, scale_sets={"count": 30, "instances": 1000}))
    measured, result = _peak(sets)
    assert result.overall.requests == 30_000
    assert measured < 30_000 * footprint.IN_FLIGHT_BYTES / 4


def test_traced_scale_sets_keep_every_record_in_submission_order(base):
    result = engine.simulate(
        build(_burst(base, scale_sets={"count": 3, "instances": 50})), trace=True
    )
    ids = [r["id"] for r in result.records]
    assert ids == list(range(1, 151)) and result.overall.requests == 150


def test_ticks_change_nothing_and_come_in_order(monkeypatch):
    scenario = load(SCENARIOS / "global-rollout.yaml")
    plain = engine.simulate(scenario, trace=True).to_json()
    monkeypatch.setattr(engine, "CHECK_EVERY", 97)
    ticks: list[tuple[float, int]] = []
    ticked = engine.simulate(scenario, trace=True, tick=lambda *t: ticks.append(t))
    assert ticked.to_json() == plain
    assert len(ticks) > 10 and ticks == sorted(ticks)
    assert ticks[-1][1] <= ticked.overall.requests


def test_a_run_near_the_end_of_memory_stops_with_a_message(monkeypatch):
    """Within ROOM_BYTES of the address-space limit a run stops, and says so, instead of
    crawling into MemoryError inside SimPy."""
    if not Path("/proc/self/statm").exists():
        pytest.skip("the room left is read from /proc")
    monkeypatch.setattr(footprint, "ROOM_BYTES", 1 << 50)  # as if there were no room left
    with pytest.raises(RunTooLarge, match=r"quickstart: the run stopped, .*--max-memory"):
        engine.simulate(load(QUICK))


# --- the ceilings ------------------------------------------------------------------------------


def test_a_ceiling_names_the_estimate_and_only_the_options_it_is_over():
    size = Footprint(3_000_000, 36_000_123, 480, 5 << 30, 1 << 20)
    with pytest.raises(RunTooLarge) as both:
        Ceiling().check(size, "this run")
    (line,) = both.value.lines
    assert line.startswith("this run would simulate 3,000,000 requests (about 36,000,000 events")
    assert "5.0 GB of memory" in line and "2,000,000 requests and 2 GB" in line
    assert "--max-requests 3000000 --max-memory 6" in line
    with pytest.raises(RunTooLarge) as one:
        Ceiling(requests=5_000_000).check(size, "this run")
    assert "--max-memory 6" in str(one.value) and "--max-requests" not in str(one.value)
    assert Ceiling(5_000_000, 6).check(size, "this run") is size
    assert issubclass(RunTooLarge, InputError)


def test_runs_add_up_and_keep_their_results_or_share_out_workers():
    one = Footprint(100, 1_200, 10, 1_000, 50)
    kept = footprint.of_runs([(one, 4)])
    assert (kept.requests, kept.events, kept.samples) == (400, 4_800, 40)
    assert kept.memory == footprint.PROCESS_BYTES + 1_050 + 3 * 50
    pooled = footprint.of_runs([(one, 4)], keep=False, processes=2)
    assert pooled.memory == footprint.PROCESS_BYTES * 3 + 2 * 1_050
    assert footprint.of_runs([(one, 4)], keep=False).memory == footprint.PROCESS_BYTES + 1_050


def test_runs_of_several_scenarios_are_checked_together():
    quick = load(QUICK)
    size = footprint.check([quick, quick], 10, Ceiling())
    assert size.requests == 2 * 10 * 60
    with pytest.raises(RunTooLarge, match="these 20 runs would simulate 1,200 requests"):
        footprint.check([quick, quick], 10, Ceiling(requests=1_000))


def test_requests_due_after_the_horizon_are_not_counted(base):
    data = _burst(base, vms={"count": 100, "spread": "2d", "at": "1d"})
    assert footprint.estimate(build(data)).requests == 50
    assert engine.simulate(build(data)).overall.requests == 50
    data["workload"]["vms"][0]["at"] = "3d"
    data["horizon"] = "2d"
    assert footprint.estimate(build(data)).requests == 0


# --- what no option allows ---------------------------------------------------------------------


def test_too_many_samples_name_the_field_that_was_set(base):
    base["horizon"] = "4h"
    base.setdefault("model", {})["sample_interval"] = "1ms"
    (p,) = errors(base)
    assert p.where == "model.sample_interval" and "14,400,000 samples per region" in p.message
    assert "set model.sample_interval to 0.002s or more" in p.message
    base["model"]["sample_interval"] = "0.002s"
    assert errors(base) == []


def test_a_thousand_year_horizon_names_the_horizon(base):
    base["horizon"] = f"{1000 * 365}d"
    (p,) = errors(base)
    assert p.where == "horizon" and "525,600,000 samples" in p.message


def test_the_sample_limit_is_exact_at_its_boundary(base):
    base["horizon"] = f"{MAX_SAMPLE_TIMES}s"
    base.setdefault("model", {})["sample_interval"] = "1s"
    assert errors(base) == []
    base["horizon"] = f"{MAX_SAMPLE_TIMES + 1}s"
    assert [p.where for p in errors(base)] == ["model.sample_interval"]


@pytest.mark.parametrize(
    "wave, field, says",
    [
        (
            {"arrivals": {"rate_per_min": 1e12, "duration": "1h"}},
            "rate_per_min",
            "60,000,000,000,000",
        ),
        ({"arrivals": {"rate_per_min": 1e300, "duration": "1d"}}, "rate_per_min", "4 x 10^18"),
        ({"scale_sets": {"count": 10_000_000, "instances": 1000}}, "count", "1,000 instances"),
    ],
    ids=["arrivals", "overflow", "scale-sets"],
)
def test_a_wave_past_ten_million_requests_names_its_field(base, wave, field, says):
    data = _burst(base, **wave)
    (p,) = errors(data)
    kind = next(iter(wave))
    assert p.where == f"workload.{kind}[0].{field}" and says in p.message
    assert "10,000,000 one wave may hold" in p.message


def test_an_arrival_stream_counts_only_what_comes_before_the_horizon(base):
    data = _burst(base, arrivals={"rate_per_min": 10_000, "duration": "1000d"})
    data["horizon"] = "10h"  # 6,000,000 expected: allowed
    assert errors(data) == []
    assert footprint.estimate(build(data)).requests == 6_000_000
