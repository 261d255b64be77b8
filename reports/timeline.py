"""The run report's timeline: a slider that scrubs through the run, sample by sample, showing
each region's requests in flight, replica slots busy, queue, 429s and replication progress, and
the faults and replications under way at that moment.

Self-contained: the data is inline JSON and the script is inline (the page's Content Security
Policy forbids every network request), and the script writes text only (textContent), never
HTML, so nothing in the data can become markup.
"""

from __future__ import annotations

import html
import json

from acgsim.reports import narrate
from acgsim.sim.results import RunResult

SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var slider = document.getElementById("timeline-t");
  var readout = document.getElementById("timeline-clock");
  var body = document.getElementById("timeline-rows");
  var events = document.getElementById("timeline-events");
  function clock(t) {
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = Math.floor(t % 60);
    return h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function cell(row, text, bar) {
    var td = document.createElement("td");
    td.textContent = text;
    if (bar !== undefined) {
      var b = document.createElement("div");
      b.className = "bar";
      b.style.width = Math.round(100 * Math.max(0, Math.min(1, bar))) + "%";
      td.appendChild(b);
    }
    row.appendChild(td);
  }
  function wall(t) {
    var x = data.origin.s + t, days = Math.floor(x / 86400), text = clock(x % 86400);
    return (text.length < 8 ? "0" : "") + text + (days ? " (+" + days + "d)" : "");
  }
  function show(i) {
    var t = data.t[i];
    readout.textContent = clock(t) + " of " + clock(data.horizon);
    if (data.origin) {
      readout.textContent = wall(t) + " " + data.origin.zone + ": " + readout.textContent;
    }
    body.textContent = "";
    data.regions.forEach(function (r) {
      var v = function (k) { return r.series[k] ? r.series[k][i] : null; };
      var tr = document.createElement("tr");
      tr.setAttribute("data-region", r.name);
      var cap = v("capacity") || 0, busy = v("busy") || 0;
      var was = i > 0 && r.series.throttled ? r.series.throttled[i - 1] : 0;
      cell(tr, r.name);
      cell(tr, String(v("in_flight")));
      cell(tr, busy + " of " + cap, cap ? busy / cap : 0);
      cell(tr, String(v("queue")));
      cell(tr, String((v("throttled") || 0) - was));
      var rep = v("replication_progress");
      cell(tr, rep === null ? "-" : Math.round(rep) + "%", rep === null ? undefined : rep / 100);
      body.appendChild(tr);
    });
    events.textContent = "";
    data.events.forEach(function (e) {
      if (e.from <= t && (e.to === null || t < e.to)) {
        var li = document.createElement("li");
        li.textContent = e.text;
        events.appendChild(li);
      }
    });
    if (!events.firstChild) {
      var none = document.createElement("li");
      none.textContent = "nothing under way";
      events.appendChild(none);
    }
  }
  slider.max = String(data.t.length - 1);
  slider.value = String(data.start);
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  show(data.start);
})();
"""

STYLE = (
    "#timeline input{width:100%}#timeline .bar{height:4px;background:#2b6cb0;margin-top:2px}"
    "#timeline td{min-width:5em}"
)


def _events(result: RunResult) -> list[dict]:
    """Faults and replications with when they start and end (None: to the end of the run)."""
    events = []
    for f in result.faults:
        at, length = f.get("at"), f.get("duration")
        zone = f" zone {f['zone']}" if "zone" in f else ""
        what = f["kind"].replace("_", " ")
        end = None if at is None or length is None else at + length
        events.append({"from": at or 0.0, "to": end, "text": f"{what}{zone} in {f['region']}"})
    for c in result.replication_log:
        if c.source or c.started_s is None:
            continue
        text = f"{c.version} replicating to {c.region} ({c.replicas} replicas, {c.storage})"
        events.append({"from": c.started_s, "to": c.completed_s, "text": text})
    return events


def data(result: RunResult) -> dict | None:
    """The timeline's data, or None when the result has no time series."""
    ts = result.timeseries
    if ts is None or not ts.t:
        return None
    regions = [{"name": name, "series": series} for name, series in ts.regions.items()]
    busy = [
        i for i in range(len(ts.t)) if any(r["series"].get("in_flight", [0])[i] for r in regions)
    ]
    shown = {
        "t": ts.t,
        "horizon": result.horizon_s,
        "start": busy[0] if busy else 0,
        "regions": regions,
        "events": _events(result),
    }
    if result.start is not None:  # times of day: seconds past the start's midnight, its zone
        midnight = result.start.replace(hour=0, minute=0, second=0, microsecond=0)
        since = (result.start - midnight).total_seconds()
        shown["origin"] = {"s": since, "zone": narrate.zone_name(result.start)}
    return shown


def section(result: RunResult) -> str:
    """The timeline as a page section ('' without a time series)."""
    shown = data(result)
    if shown is None:
        return ""
    payload = json.dumps(shown, separators=(",", ":")).replace("<", "\\u003c")
    head = "".join(
        f"<th>{html.escape(c)}</th>"
        for c in ["region", "in flight", "slots busy", "queue", "429s", "replicated"]
    )
    return (
        '<p class="note">Drag the slider to scrub through the run: each sample shows what '
        "was happening then (429s: answered since the previous sample).</p>"
        '<input id="timeline-t" type="range" min="0" step="1" aria-label="time">'
        '<p><b id="timeline-clock"></b></p>'
        f'<table><thead><tr>{head}</tr></thead><tbody id="timeline-rows"></tbody></table>'
        '<p>Under way:</p><ul id="timeline-events"></ul>'
        f'<script type="application/json" id="timeline-data">{payload}</script>'
        f"<script>{SCRIPT}</script>"
    )
