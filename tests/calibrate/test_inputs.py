"""Reading observation files: Azure's shapes, the noise real files carry, and a located error
(file, line or item, field) for every bad row."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acgsim.sim.calibrate import inputs
from acgsim.sim.errors import InputError

from . import synthetic

VM = "Microsoft.Compute/virtualMachines/write"
RES = f"{synthetic.VMS}/web-0001"


def _events(*specs) -> list[dict]:
    """Events from (status, seconds after T0, extra) with fixed ids."""
    rng = np.random.default_rng(0)
    out = []
    for spec in specs:
        status, at, *extra = spec
        kw = extra[0] if extra else {}
        out.append(
            synthetic.event(
                rng,
                kw.pop("op", VM),
                status,
                synthetic.T0 + at,
                kw.pop("res", RES),
                kw.pop("corr", "c-1"),
                **kw,
            )
        )
    return out


def _read(tmp_path, items, name="log.json", indent=2):
    path = tmp_path / name
    text = items if isinstance(items, str) else json.dumps(items, indent=indent)
    path.write_text(text, encoding="utf-8")
    return inputs.read([path], {})


def test_a_create_is_timed_from_started_to_succeeded_whatever_the_row_order(tmp_path):
    events = _events(
        ("Started", 0.0),
        ("Accepted", 0.8, {"code": "Created"}),
        ("Succeeded", 95.5, {"code": "OK"}),
    )
    obs = _read(tmp_path, events[::-1])  # az lists newest first
    (vm,) = obs.timed
    assert vm.kind == "vm_create" and vm.duration_s == pytest.approx(95.5)
    assert not vm.throttled


def test_a_throttled_attempt_retried_under_the_same_correlation_id(tmp_path):
    events = _events(
        ("Started", 0.0),
        ("Failed", 0.3, {"code": "TooManyRequests", "sub_status": "TooManyRequests"}),
        ("Started", 20.3),
        ("Accepted", 21.0, {"code": "Created"}),
        ("Succeeded", 120.3, {"code": "OK"}),
    )
    obs = _read(tmp_path, events)
    (vm,) = obs.timed
    assert vm.throttled and vm.duration_s == pytest.approx(120.3)
    assert [g.seconds for g in obs.retry_gaps] == [pytest.approx(20.0)]


def test_a_template_deployment_shares_one_correlation_id_across_vms(tmp_path):
    other = f"{synthetic.VMS}/web-0002"
    events = _events(
        ("Started", 0.0),
        ("Succeeded", 60.0, {"code": "Created"}),
        ("Started", 1.0, {"res": other}),
        ("Succeeded", 91.0, {"res": other, "code": "Created"}),
    )
    obs = _read(tmp_path, events)
    assert sorted(t.duration_s for t in obs.timed) == [pytest.approx(60.0), pytest.approx(90.0)]


def test_noise_is_set_aside_and_counted(tmp_path):
    events = _events(
        ("Accepted", 0.5, {"code": "Created"}),  # no Started: timed from Accepted
        ("Succeeded", 70.5, {"code": "OK"}),
        ("Started", 5.0, {"corr": "c-2", "res": RES + "x"}),  # still running
        ("Started", 9.0, {"corr": "c-3", "res": RES + "y"}),  # an update: 200 OK
        ("Accepted", 9.5, {"corr": "c-3", "res": RES + "y", "code": "OK"}),
        ("Succeeded", 19.0, {"corr": "c-3", "res": RES + "y", "code": "OK"}),
        ("Started", 3.0, {"corr": "c-4", "op": "Microsoft.Network/networkInterfaces/write"}),
    )
    events.append(dict(events[0]))  # exported twice
    obs = _read(tmp_path, events)
    assert [t.duration_s for t in obs.timed] == [pytest.approx(70.0)]
    assert obs.caveats["timed from Accepted (no Started event: up to a second or two short)"] == 1
    assert obs.ignored["operations without a Succeeded or Failed event (still running?)"] == 1
    assert obs.ignored["updates of existing resources (200 OK, no 201 Created)"] == 1
    assert obs.ignored["other operations and resource types"] == 1
    assert obs.ignored["duplicated events (same eventDataId)"] == 1


def test_another_subscriptions_creates_are_set_aside(tmp_path):
    log = synthetic.vm_creates(3, 60, 40.0, 0.3, 21.0)
    obs = _read(tmp_path, log)
    assert {t.subscription for t in obs.timed} == {synthetic.SUB}
    assert obs.ignored["operations of other subscriptions"] > 0
    assert any("2 subscriptions" in n for n in obs.notes)
    path = tmp_path / "log.json"
    chosen = inputs.read([path], {}, subscription=synthetic.OTHER_SUB.upper())
    assert {t.subscription for t in chosen.timed} == {synthetic.OTHER_SUB}
    with pytest.raises(InputError, match="no operations of it"):
        inputs.read([path], {}, subscription="00000000-0000-0000-0000-000000000000")


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_order_of_the_rows_never_changes_what_is_read(seed):
    log = synthetic.vm_creates(seed % 1000, 25, 40.0, 0.3, 21.0)
    shuffled = list(log)
    random.Random(seed).shuffle(shuffled)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        a, b = Path(d) / "a.json", Path(d) / "b.json"
        a.write_text(json.dumps(log), encoding="utf-8")
        b.write_text(json.dumps(shuffled), encoding="utf-8")
        one, two = inputs.read([a], {}), inputs.read([b], {})
    key = lambda t: (t.start, t.duration_s, t.throttled)  # noqa: E731
    assert sorted(map(key, one.timed)) == sorted(map(key, two.timed))
    assert one.ignored == two.ignored


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("eventTimestamp", "yesterday", "eventTimestamp: 'yesterday' is not an ISO 8601 time"),
        ("eventTimestamp", None, "eventTimestamp: None is not an ISO 8601 time"),
        ("status", None, "status.value: missing"),
        ("correlationId", 42, "correlationId: 42 is not text"),
        ("resourceId", "", "resourceId: missing"),
        ("operationName", {"localizedValue": ""}, "operationName.value: missing"),
    ],
)
def test_a_bad_event_names_file_line_item_and_field(tmp_path, field, value, expected):
    events = _events(("Started", 0.0), ("Succeeded", 60.0, {"code": "Created"}))
    events[1][field] = value
    with pytest.raises(InputError) as err:
        _read(tmp_path, events)
    (line,) = err.value.lines
    assert line.startswith(f"{tmp_path / 'log.json'}: line ")
    assert "(item 1)" in line and expected in line
    # the item starts on the line the message names
    text = (tmp_path / "log.json").read_text().splitlines()
    number = int(line.split(": line ")[1].split(" ")[0])
    assert text[number - 1].strip() == "{"


def test_broken_json_names_the_line(tmp_path):
    text = json.dumps(_events(("Started", 0.0)), indent=2)
    broken = text.replace('"Started"', '"Started" "x"', 1)
    with pytest.raises(InputError, match=r"log.json: line \d+: not valid JSON"):
        _read(tmp_path, broken)


def test_an_unknown_file_is_refused_naming_the_formats(tmp_path):
    with pytest.raises(InputError, match="not an observations file; expected the JSON of"):
        _read(tmp_path, [{"name": "something else"}])
    with pytest.raises(InputError, match="empty"):
        _read(tmp_path, "  \n")
    with pytest.raises(InputError, match="no such file"):
        inputs.read([tmp_path / "missing.json"], {})


# --- replication-status samples ----------------------------------------------------------------


def _samples():
    from acgsim.sim.service_params import Replication

    return synthetic.replication_samples(1, 2, ["westeurope", "eastus"], 2, 20.0, Replication())


def test_samples_bracket_each_regions_completion(tmp_path):
    docs = _samples()
    # az show output appended one after another, pretty-printed, as a sampling loop writes it
    text = "\n".join(json.dumps(d, indent=2) for d in docs)
    obs = _read(tmp_path, text, name="samples.json")
    assert len(obs.regions) == 4
    for r in obs.regions:
        assert r.high_s is not None and 0 <= r.low_s < r.high_s <= r.low_s + 70
        assert r.source == (r.region == "westeurope") and r.replicas == 2 and r.size_gb == 20.0


def test_a_failed_region_is_set_aside_and_a_sample_without_its_time_refused(tmp_path):
    docs = _samples()
    for d in docs[3:]:
        d["replicationStatus"]["summary"][1]["state"] = "Failed"
    obs = _read(tmp_path, docs, name="samples.json")
    assert obs.ignored["regions that showed Failed (retries are not fitted)"] >= 1
    del docs[2]["sampledAt"]
    with pytest.raises(InputError, match=r"line \d+ \(item 2\): sampledAt: None is not an ISO"):
        _read(tmp_path, docs, name="samples.json")


def test_a_sample_without_replication_status_says_to_expand_it(tmp_path):
    docs = _samples()
    del docs[0]["replicationStatus"]
    with pytest.raises(InputError, match=r"replicationStatus\.summary: missing: use --expand"):
        _read(tmp_path, docs, name="samples.json")


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_timings_in_any_column_order(tmp_path):
    text = (
        "outcome,duration_s,operation,region,time,size_gb,replicas\n"
        "succeeded,41.5,boot,westeurope,2026-11-02T10:00:00Z,,\n"
        "throttled,130,vm_create,West Europe,2026-11-02T10:01:00+01:00,,\n"
        "failed,12,disk_create,westeurope,2026-11-02T10:02:00Z,,\n"
        "succeeded,2400,replication,eastus,2026-11-02T10:03:00Z,30,3\n"
        ",,,,,,\n"
    )
    obs = _read(tmp_path, text, name="t.csv")
    boot, vm = obs.of("boot")[0], obs.of("vm_create")[0]
    assert boot.duration_s == 41.5 and vm.throttled and vm.region == "westeurope"
    assert vm.start < boot.start  # +01:00 is an hour earlier in UTC
    assert obs.ignored["disk_create rows that failed (not timed)"] == 1
    (rep,) = obs.regions
    assert (rep.low_s, rep.high_s, rep.replicas, rep.size_gb) == (2400, 2400, 3, 30)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2026-11-02T10:00:00Z,vm_create,westeurope,-3,succeeded", "line 3: duration_s: '-3'"),
        ("2026-11-02T10:00:00Z,vm_create,westeurope,abc,succeeded", "line 3: duration_s: 'abc'"),
        ("2026-11-02T10:00:00Z,vm_creat,westeurope,3,succeeded", "line 3: operation: 'vm_creat'"),
        ("2026-11-02T10:00:00Z,vm_create,westeurope,3,ok", "line 3: outcome: 'ok'"),
        ("02/11/2026 10:00,vm_create,westeurope,3,succeeded", "line 3: time: '02/11/2026 10:00'"),
        ("2026-11-02T10:00:00Z,replication,eastus,3,succeeded", "line 3: size_gb: missing"),
        ("2026-11-02T10:00:00Z,boot,westeurope,3,succeeded,extra", "line 3: (row): 6 cells"),
    ],
)
def test_a_bad_csv_row_names_its_line_and_column(tmp_path, row, expected):
    text = "time,operation,region,duration_s,outcome\n2026-11-02T09:00:00Z,boot,x,40,succeeded\n"
    with pytest.raises(InputError, match=None) as err:
        _read(tmp_path, text + row + "\n", name="t.csv")
    assert err.value.lines == [err.value.lines[0]] and expected in err.value.lines[0]
    assert err.value.lines[0].startswith(str(tmp_path / "t.csv"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "line 1: not valid JSON: nested too deeply"),
        ('[{"operationName": ' + "9" * 5000 + "}]", "line 1: not valid JSON: Exceeds the limit"),
        ('[{"operationName": {"value": "x"}} {"a": 1}]', "expected ',' or ']'"),
        ('[{"operationName": {"value": "x"}}', "the array is not closed"),
        ('[{"operationName": {"value": "x"}}] trailing', "text after the array"),
    ],
)
def test_hostile_json_is_refused_with_a_line(tmp_path, text, expected):
    with pytest.raises(InputError, match=expected):
        _read(tmp_path, text)


def test_a_pipe_or_a_folder_is_refused_not_waited_on(tmp_path):
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        inputs.read([fifo], {})
    with pytest.raises(InputError, match="is a folder"):
        inputs.read([tmp_path], {})


def test_a_csv_that_csv_cannot_read_is_refused(tmp_path):
    text = (
        "time,operation,region,duration_s,outcome\n"
        + '"'
        + "x" * 200_000
        + '",boot,a,1,succeeded\n'
    )
    with pytest.raises(InputError, match=r"t\.csv: not a CSV file csv can read: field larger"):
        _read(tmp_path, text, name="t.csv")


def test_a_create_known_by_its_sub_status_alone(tmp_path):
    events = _events(
        ("Started", 0.0),
        ("Accepted", 0.5, {"sub_status": "Created"}),
        ("Succeeded", 50.0, {"code": "OK"}),
        ("Started", 9.0, {"corr": "c-3", "res": RES + "y"}),
        ("Succeeded", 19.0, {"corr": "c-3", "res": RES + "y", "sub_status": "OK"}),
    )
    obs = _read(tmp_path, events)
    assert [t.duration_s for t in obs.timed] == [pytest.approx(50.0)]
    assert obs.ignored["updates of existing resources (200 OK, no 201 Created)"] == 1
