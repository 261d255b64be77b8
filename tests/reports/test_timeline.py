"""The run report's timeline: data shaped for the script, escaped, and (in a real headless
chromium, driven by playwright) loading with no network request and no console error, and
changing what it shows when scrubbed."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from acgsim import api
from acgsim.reports import html as html_report
from acgsim.reports import timeline


@pytest.fixture(scope="module")
def burst():
    """A run with 429s: put-vm-burst's 1,600 VMs at once."""
    return api.simulate(api.load("put-vm-burst"))


@pytest.fixture(scope="module")
def page_file(burst, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    html_report.run_report(burst, out)
    return out / "report.html"


def test_timeline_starts_where_something_happens_and_lists_faults(burst):
    data = timeline.data(burst)
    assert data["t"][data["start"]] > 0, "starts at the activity, not at 0"
    assert data["regions"][0]["series"]["in_flight"][data["start"]] > 0
    outage = api.simulate(api.load("zone-outage-lrs"))
    texts = [e["text"] for e in timeline.data(outage)["events"]]
    assert "zone outage zone 1 in westeurope" in texts


def test_the_data_cannot_close_its_script(burst):
    shown = burst.model_copy(update={"scenario": "x</script><b>"})
    doc = burst.model_copy(update={"faults": [*burst.faults]})
    section = timeline.section(shown) + timeline.section(doc)
    payload = re.findall(r'id="timeline-data">(.*?)</script>', section)
    assert payload and all("<" not in p for p in payload)
    json.loads(payload[0])
    assert "innerHTML" not in timeline.SCRIPT


def test_the_page_allows_no_network(page_file):
    text = page_file.read_text()
    assert "default-src 'none'" in text
    assert not re.search(
        r"""(src|href)=["']?(https?:)?//""", text.split('<section id="sources"')[0]
    )


def _browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    return sync_api, chromium


def test_timeline_in_a_headless_browser(page_file):
    sync_api, chromium = _browser()
    requests, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: r.url.startswith("file:") or requests.append(r.url))
            page.goto(page_file.as_uri())
            first_clock = page.text_content("#timeline-clock")
            first_rows = page.text_content("#timeline-rows")
            assert re.fullmatch(r"\d+:\d\d:\d\d of \d+:\d\d:\d\d", first_clock)
            assert "westeurope" in first_rows
            page.focus("#timeline-t")
            page.keyboard.press("ArrowRight")  # one sample on: the burst's 429s
            step_clock = page.text_content("#timeline-clock")
            step_rows = page.text_content("#timeline-rows")
            page.keyboard.press("End")
            end_clock = page.text_content("#timeline-clock")
            cells = page.eval_on_selector_all(
                "#timeline-rows td", "tds => tds.map(t => t.textContent)"
            )
        finally:
            browser.close()
    assert not requests, f"the page asked the network for {requests}"
    assert not errors, errors
    assert step_clock != first_clock and step_rows != first_rows, "scrubbing changes the view"
    assert (
        end_clock.split(" of ")[0] == end_clock.split(" of ")[1][: len(end_clock.split(" of ")[0])]
        or end_clock != step_clock
    )
    assert cells[0] == "westeurope" and cells[1] == "0", "at the end nothing is in flight"


def test_with_a_start_the_timeline_reads_times_of_day(burst, tmp_path):
    from datetime import datetime

    start = datetime.fromisoformat("2026-12-01T23:30:00+01:00")
    shown = burst.model_copy(update={"start": start})
    assert timeline.data(shown)["origin"] == {"s": 23.5 * 3600, "zone": "UTC+01:00"}
    assert "origin" not in timeline.data(burst)
    html_report.run_report(shown, tmp_path)
    sync_api, chromium = _browser()
    errors, clocks = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((tmp_path / "report.html").as_uri())
            clocks.append(page.text_content("#timeline-clock"))
            page.focus("#timeline-t")
            page.keyboard.press("End")
            clocks.append(page.text_content("#timeline-clock"))
        finally:
            browser.close()
    assert not errors, errors
    for text in clocks:  # 23:30 plus the simulated time, a day later past midnight
        m = re.fullmatch(
            r"(\d\d):(\d\d):(\d\d)(?: \(\+(\d)d\))? UTC\+01:00: (\d+):(\d\d):(\d\d) of .*", text
        )
        assert m, text
        hh, mm, ss, days, h, m_, s = (int(x or 0) for x in m.groups())
        wall = days * 86400 + hh * 3600 + mm * 60 + ss
        assert wall == 23.5 * 3600 + h * 3600 + m_ * 60 + s, text
