"""The HTML and Markdown reports show the all-requests p95 beside the successes-only one, as the
console does ('never' where more than 5% never ran), and the status polls where any was
throttled."""

from __future__ import annotations

import re

from acgsim.reports import html as html_report
from acgsim.sim.engine import simulate

from ..helpers import build
from ..sim.engine_cases import one_region


def _cells(page: str, region: str) -> list[str]:
    row = re.search(rf"<tr><td>{region}</td>(.*?)</tr>", page)
    assert row is not None
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def test_a_run_where_many_fail_reads_never_and_one_where_none_fail_repeats_p95(tmp_path):
    # one slot, 40 VMs, a client that waits 5 minutes: VMs run every 15.5 s, so after the
    # first ~16 every VM fails ClientTimedOut: far more than 5% never run
    data = one_region(count=40, client="impatient")
    data["clients"] = {"impatient": {"deadline": "5m"}}
    failing = simulate(build(data, replica_concurrency=1))
    assert failing.overall.failed > 2
    html_report.run_report(failing, tmp_path)
    page = (tmp_path / "report.html").read_text()
    header = re.findall(r"<th>(.*?)</th>", page)
    at = header.index("p95 all")
    assert header[at - 1] == "p95"
    assert _cells(page, "westeurope")[at - 1] == "never"
    md = (tmp_path / "report.md").read_text()
    assert "| westeurope | 40 |" in md and "| never |" in md
    assert "counts a failed one as never running" in page

    fine = simulate(build(one_region(count=10), replica_concurrency=10))
    out = tmp_path / "fine"
    out.mkdir()
    html_report.run_report(fine, out)
    cells = _cells((out / "report.html").read_text(), "westeurope")
    assert cells[at - 2] == cells[at - 1]  # nothing failed: p95 all is p95


def test_throttled_status_polls_are_told(tmp_path):
    data = one_region(count=200, replicas=10, spread="0s", client="poller")
    data["clients"] = {"poller": {"poll_interval": "1s"}}
    result = simulate(build(data))
    html_report.run_report(result, tmp_path)
    page = (tmp_path / "report.html").read_text()
    assert "Status polls: 12,210 sent, 10,162 answered 429; 175 VMs were learned about late" in page
