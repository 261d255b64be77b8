"""The same Activity Log in the three shapes Azure keeps it in gives the same observations.

A log as `az monitor activity-log list` prints it is rewritten here the way Azure itself writes it
elsewhere, following Azure's documented mapping (activity-log-schema, "Schema from storage account
and event hubs"; the AzureActivity table's columns), not acgsim's reader:
- a diagnostic setting's archive in a storage account (PT1H.json: one record a line) and an Event
  Hubs payload ({"records": [...]}): time, operationName in upper case, resultType Start / Accept /
  Success / Failure, resultSignature "<status>.<sub-status>", resourceId in upper case, category
  Write, no subscriptionId or eventDataId;
- the AzureActivity table as `az monitor log-analytics query -o json` prints its rows: every value
  a string, Properties_d a JSON string, _ResourceId in lower case, a TableName column.
"""

from __future__ import annotations

import json

import pytest

from acgsim.sim.calibrate import inputs
from acgsim.sim.errors import InputError

from . import synthetic

RESULT_TYPE = {
    "Started": "Start",
    "Accepted": "Accept",
    "Succeeded": "Success",
    "Failed": "Failure",
}


def _resource_log(e: dict) -> dict:
    status, sub = e["status"]["value"], (e.get("subStatus") or {}).get("value", "")
    return {
        "time": e["eventTimestamp"],
        "resourceId": e["resourceId"].upper(),
        "operationName": e["operationName"]["value"].upper(),
        "category": "Write",
        "resultType": RESULT_TYPE[status],
        "resultSignature": f"{status}.{sub}",
        "durationMs": 0,
        "callerIpAddress": e["httpRequest"]["clientIpAddress"],
        "correlationId": e["correlationId"],
        "identity": {"authorization": e["authorization"], "claims": e["claims"]},
        "level": "Information",
        "location": "global",
        "properties": e["properties"],
    }


def _azure_activity(e: dict) -> dict:
    return {
        "TableName": "PrimaryResult",
        "TenantId": "9a1b2c3d-0000-4000-8000-00000000abcd",  # the workspace's id
        "SourceSystem": "Azure",
        "CallerIpAddress": e["httpRequest"]["clientIpAddress"],
        "CategoryValue": "Administrative",
        "CorrelationId": e["correlationId"],
        "Authorization": json.dumps(e["authorization"]),
        "Level": e["level"],
        "OperationNameValue": e["operationName"]["value"].upper(),
        "ActivityStatusValue": RESULT_TYPE[e["status"]["value"]],
        "ActivitySubstatusValue": (e.get("subStatus") or {}).get("value", ""),
        "TimeGenerated": e["eventTimestamp"],
        "EventSubmissionTimestamp": e["submissionTimestamp"],
        "Properties_d": json.dumps(e["properties"]),
        "EventDataId": e["eventDataId"],
        "SubscriptionId": e["subscriptionId"],
        "_ResourceId": e["resourceId"].lower(),
        "Type": "AzureActivity",
    }


def _key(obs):
    return sorted(
        (t.kind, t.start, t.duration_s, t.region, t.image, t.subscription, t.throttled)
        for t in obs.timed
    )


@pytest.fixture(scope="module")
def az_log() -> list[dict]:
    return synthetic.vm_creates(7, 60, boot_mean=55.0, boot_cv=0.3, disk_mean=30.0)


def _read(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return inputs.read([path], {})


def test_a_storage_archive_event_hubs_and_log_analytics_read_as_az_does(tmp_path, az_log):
    want = _read(tmp_path, "az.json", json.dumps(az_log, indent=2))
    assert len(want.timed) >= 40 and any(t.throttled for t in want.timed)
    records = [_resource_log(e) for e in az_log]
    lines = _read(tmp_path, "PT1H.json", "\n".join(json.dumps(r) for r in records) + "\n")
    hubs = _read(tmp_path, "hub.json", json.dumps({"records": records}))
    rows = _read(tmp_path, "la.json", json.dumps([_azure_activity(e) for e in az_log], indent=2))
    for got in (lines, hubs, rows):
        assert _key(got) == _key(want)
        assert [g.seconds for g in got.retry_gaps] == [g.seconds for g in want.retry_gaps]
    assert rows.ignored == want.ignored  # event ids: duplicates are found in Log Analytics too
    # the resource-log schema has no event ids: a duplicated event is read twice, to no effect
    dropped = "duplicated events (same eventDataId)"
    assert {k: v for k, v in lines.ignored.items() if k != dropped} == {
        k: v for k, v in want.ignored.items() if k != dropped
    }


VM = "/SUBSCRIPTIONS/8F2D6C1E-1B7A-4A52-9A55-3C1F0D7E9B21/RESOURCEGROUPS/RG-WEB/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/WEB-07"  # noqa: E501


def _record(result, signature, time, code=None):
    props = {"statusCode": code, "serviceRequestId": "5d1f"} if code else {}
    return {
        "time": time,
        "resourceId": VM,
        "operationName": "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
        "category": "Write",
        "resultType": result,
        "resultSignature": signature,
        "durationMs": 0,
        "correlationId": "0b6f7c55-2f71-4e0e-9d8a-1c2b3d4e5f60",
        "level": "Information",
        "location": "global",
        "properties": props,
    }


def test_an_archived_create_throttled_once_then_retried(tmp_path):
    """Written by hand as a storage account holds it: a 429, the retry 17 s later, success."""
    rows = [
        _record("Start", "Started.", "2026-11-02T08:00:00.0000000Z"),
        _record("Failure", "Failed.TooManyRequests", "2026-11-02T08:00:00.4000000Z", "429"),
        _record("Start", "Started.", "2026-11-02T08:00:17.4000000Z"),
        _record("Accept", "Accepted.Created", "2026-11-02T08:00:18.1000000Z", "Created"),
        _record("Success", "Succeeded.", "2026-11-02T08:01:52.0000000Z", "OK"),
    ]
    obs = _read(tmp_path, "PT1H.json", "\n".join(json.dumps(r) for r in rows))
    (vm,) = obs.timed
    assert vm.duration_s == pytest.approx(112.0) and vm.throttled
    assert vm.subscription == "8f2d6c1e-1b7a-4a52-9a55-3c1f0d7e9b21"  # from the resourceId
    assert [round(g.seconds, 1) for g in obs.retry_gaps] == [17.0]


def test_an_archived_update_of_an_existing_vm_is_set_aside(tmp_path):
    rows = [
        _record("Start", "Started.", "2026-11-02T09:00:00Z"),
        _record("Success", "Succeeded.OK", "2026-11-02T09:00:09Z", "OK"),
    ]
    obs = _read(tmp_path, "PT1H.json", "\n".join(json.dumps(r) for r in rows))
    assert not obs.timed
    assert obs.ignored["updates of existing resources (200 OK, no 201 Created)"] == 1


def test_log_analytics_properties_cut_short_are_read_without_them(tmp_path):
    """Log Analytics cuts long properties: the row still counts, its status code unknown."""
    base = {
        "OperationNameValue": "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
        "CorrelationId": "c-9",
        "_ResourceId": VM.lower(),
        "SubscriptionId": "8f2d6c1e-1b7a-4a52-9a55-3c1f0d7e9b21",
    }
    rows = [
        dict(base, ActivityStatusValue="Start", TimeGenerated="2026-11-02T10:00:00Z"),
        dict(
            base,
            ActivityStatusValue="Accept",
            ActivitySubstatusValue="Created",
            TimeGenerated="2026-11-02T10:00:01Z",
            Properties_d='{"statusCode":"Created","requestbody":"{\\"location\\":\\"westeu',
        ),
        dict(base, ActivityStatusValue="Success", TimeGenerated="2026-11-02T10:01:31Z"),
    ]
    (vm,) = _read(tmp_path, "la.json", json.dumps(rows)).timed
    assert vm.duration_s == 91.0 and vm.region == ""


@pytest.mark.parametrize(
    ("shape", "field", "value", "expected"),
    [
        ("archive", "resultType", None, "resultType: missing"),
        ("archive", "time", "02/11/2026 08:00", "time: '02/11/2026 08:00' is not an ISO 8601"),
        ("archive", "properties", ["x"], "properties: expected an object"),
        ("analytics", "TimeGenerated", "", "TimeGenerated: '' is not an ISO 8601 time"),
        ("analytics", "CorrelationId", None, "CorrelationId: missing"),
    ],
)
def test_a_bad_row_is_refused_in_its_own_words(tmp_path, shape, field, value, expected):
    if shape == "archive":
        row = _record("Start", "Started.", "2026-11-02T08:00:00Z")
    else:
        row = {
            "OperationNameValue": "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
            "ActivityStatusValue": "Start",
            "TimeGenerated": "2026-11-02T08:00:00Z",
            "CorrelationId": "c-1",
            "_ResourceId": VM.lower(),
        }
    row[field] = value
    with pytest.raises(InputError) as err:
        _read(tmp_path, "log.json", json.dumps([row]))
    (line,) = err.value.lines
    assert line.startswith(f"{tmp_path / 'log.json'}: line 1 (item 0): ") and expected in line


def test_an_event_hubs_record_that_is_no_event_names_its_place(tmp_path):
    payload = {"records": [_record("Start", "Started.", "2026-11-02T08:00:00Z"), {"x": 1}]}
    with pytest.raises(InputError, match=r"hub.json: line 1 \(item 0\): records\[1\]: \(event\)"):
        _read(tmp_path, "hub.json", json.dumps(payload))
