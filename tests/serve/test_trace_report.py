"""`acgsim report` on acgsim serve's trace: what the server logged, counted back; a trace with a
bad line is named by file and line, exit 2, nothing written and the file unchanged."""

from __future__ import annotations

import datetime
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.reports import servetrace

from .conftest import BASE, Q, gallery_with_image, version_body

runner = CliRunner()


def _serve(folder, requests):
    """Run `requests(c)` against a stepped server whose trace goes to `folder`."""
    from starlette.testclient import TestClient

    from acgsim.sim.serve.server import Options, build

    folder.mkdir()
    server, app_ = build(None, Options(step=60.0, state_dir=folder))
    c = TestClient(app_, raise_server_exceptions=False, headers={"User-Agent": "AZURECLI/2.91.0"})
    out = requests(c)
    server.trace.close()
    return out


def _publish_and_poll(c):
    gallery_with_image(c)
    r = c.put(
        f"{BASE}/galleries/gal/images/web/versions/1.0.0{Q}",
        json=version_body("eastus", "westeurope"),
    )
    status = c.get(r.headers["Azure-AsyncOperation"]).json()
    while status["status"] == "InProgress":
        status = c.get(r.headers["Azure-AsyncOperation"]).json()
    c.get(f"{BASE}/galleries/missing{Q}")
    c.get(f"{BASE}/galleries/gal?api-version=2099-01-01")
    return status


def _seconds(stamp: str) -> float:
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def test_report_of_a_served_trace_shows_what_the_server_answered(tmp_path):
    status = _serve(tmp_path / "state", _publish_and_poll)
    result = runner.invoke(app, ["report", str(tmp_path / "state"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "state" / "trace.jsonl").read_text().splitlines()
    polls = sum("/operations/" in line for line in lines)
    out = result.stdout
    assert f"{len(lines)} requests" in out
    row = next(line for line in out.splitlines() if "GET locations/operations" in line)
    assert row.split()[-1] == str(polls)
    # the operation's duration is the one its status document gave the client
    from acgsim.reports.servetrace import _s

    took = _seconds(status["endTime"]) - _seconds(status["startTime"])
    slow = next(line for line in out.splitlines() if "gal/web/1.0.0" in line)
    assert _s(took) in slow and "Succeeded" in slow
    assert "AZURECLI/2.91.0" in out
    for code in ("ResourceNotFound", "NoRegisteredProviderFound"):
        assert code in out
    page = (tmp_path / "r" / "report.html").read_text()
    assert 'id="serve-trace"' in page and "gal/web/1.0.0" in page
    assert "NoRegisteredProviderFound" in (tmp_path / "r" / "report.md").read_text()


GOOD = '{"method": "GET", "path": "/subscriptions", "seq": 1, "status": 200, "t": 1.0}'


def test_bad_lines_are_named_by_file_and_line_and_nothing_is_written(tmp_path):
    trace = tmp_path / "trace.jsonl"
    text = "\n".join(
        [
            GOOD,
            "",
            GOOD.replace('"seq": 1', '"seq": 2,'),  # a trailing comma after an edit by hand
            GOOD.replace("200", '"429"'),  # status as a string
            "seq,method,path,status",  # a CSV header pasted in
            GOOD.replace("1.0}", "NaN}"),
            '{"method": "GET", "path": "/x", "seq": 7, "status": 200, "Authorization": "B"}',
            GOOD,
            '{"method": "PUT", "path": "/subscriptions/a/resourceGroups/r", "seq": 9, "sta',
        ]
    )
    trace.write_text(text)
    before = trace.read_bytes()
    result = runner.invoke(app, ["report", str(trace), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    err = result.stderr
    assert "Traceback" not in result.output
    for number in (3, 4, 5, 6, 7, 9):
        assert f"{trace}:{number}:" in err
    for number in (1, 2, 8):
        assert f"{trace}:{number}:" not in err
    assert "'Authorization' is not a field" in err and "'status' must be int" in err
    assert trace.read_bytes() == before
    assert not (tmp_path / "r" / "report.html").exists()


def test_an_overlong_line_and_binary_junk_are_refused(tmp_path):
    trace = tmp_path / "t.jsonl"
    trace.write_bytes(
        GOOD.encode() + b"\n" + b"x" * 200_000 + b"\n\xff\xfe\x00junk\n" + GOOD.encode()
    )
    result = runner.invoke(app, ["report", str(trace), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert f"{trace}:2: longer than" in result.stderr and f"{trace}:3: not JSON" in result.stderr


def test_an_empty_trace_and_a_folder_without_one(tmp_path):
    (tmp_path / "t.jsonl").write_text("\n")
    result = runner.invoke(app, ["report", str(tmp_path / "t.jsonl"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "holds no requests" in result.stderr


records = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "PUT", "DELETE", "PATCH"]),
        "path": st.sampled_from(
            [
                "/subscriptions",
                f"{BASE}/galleries/g",
                f"{BASE}/galleries",
                f"{BASE}/virtualMachines/vm1",
                "/tenants",
            ]
        ),
        "status": st.sampled_from([200, 201, 202, 204, 400, 404, 409, 429, 500]),
        "t": st.floats(0, 1e6),
    },
    optional={"retry_after": st.integers(0, 3600).map(str), "client": st.text(max_size=5)},
)


@settings(max_examples=50, deadline=None)
@given(st.lists(records, min_size=1, max_size=40))
def test_every_request_is_counted_once(rows):
    import tempfile
    from pathlib import Path

    from acgsim.reports import servetrace

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trace.jsonl"
        path.write_text("".join(json.dumps({**r, "seq": i + 1}) + "\n" for i, r in enumerate(rows)))
        s = servetrace.load(path)
    _, _, by_op = servetrace.operations_table(s)
    assert sum(r[-1] for r in by_op) == len(rows)
    _, _, clients = servetrace.clients_table(s)
    assert sum(r[2] for r in clients) == len(rows)
    _, _, over_time = servetrace.throttling_table(s)
    assert sum(r[2] for r in over_time) == sum(r["status"] == 429 for r in rows)
    assert sum(r[1] for r in over_time) == (
        len(rows) if over_time else sum(r[1] for r in over_time)
    )
    _, _, errors = servetrace.errors_table(s)
    assert sum(r[2] for r in errors) == sum(r["status"] >= 400 for r in rows)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["providers", "Providers", "Microsoft.Compute", "galleries", "g", "", "x"]),
        max_size=12,
    )
)
def test_an_operation_is_named_by_the_paths_last_provider(parts):
    # what a path's operation is named by: the last /providers/NAMESPACE/... in it, the way ARM
    # nests providers (a role assignment under a gallery), also in paths no client would send
    import re

    path = "/" + "/".join(parts)
    last = re.compile(r".*/providers/([^/]+)/(.*)$", re.IGNORECASE).search(path)
    assert servetrace._provider(path) == (last.groups() if last else None)


def test_a_long_path_is_named_in_one_pass():
    # a 1 MB path without a provider: a backtracking pattern took minutes on such lines
    path = "/subscriptions/" + "a/" * 500_000
    assert servetrace.operation_of("GET", path).startswith("GET ")
