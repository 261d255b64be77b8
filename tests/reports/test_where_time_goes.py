"""Where the time goes, as users read it: the per-wave table and what sets each region's p95 in
the console (several runs), the --json summary, report.md and report.html of runs and plans, and
the trade-off plot. Figures are checked against the runs and plans they come from."""

from __future__ import annotations

import html
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.planner.plan import load_plan
from acgsim.reports import breakdown, plots
from acgsim.sim.results import RunResult, load_result

from ..helpers import SCENARIOS

BURST = str(SCENARIOS / "burst-scale-set-batches.yaml")
runner = CliRunner()


def acgsim(*args: str) -> str:
    done = runner.invoke(app, list(args))
    assert done.exit_code in (0, 1), done.output  # 1: the plan cannot meet the objectives
    return done.output


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan")
    acgsim("plan", BURST, "-k", "2", "--out", str(out), "--report")
    return load_plan(out / "plan.json"), out / "report"


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    acgsim("run", BURST, "--out", str(out), "--report")
    return load_result(out / "result.json"), out / "report"


@pytest.fixture(scope="module")
def runs() -> tuple[dict, list[RunResult]]:
    doc = json.loads(acgsim("run", BURST, "-k", "3", "--json"))
    return doc, [RunResult.model_validate(r) for r in doc["runs"]]


def _flat(text: str) -> str:
    """Markdown or HTML as the reader sees it: escapes undone."""
    return html.unescape(text).replace("\\", "")


def test_run_report_names_every_wave_and_what_sets_each_p95(ran):
    result, folder = ran
    md = _flat((folder / "report.md").read_text())
    page = _flat((folder / "report.html").read_text())
    assert {w.wave for w in result.waves} == {
        "weu-web",
        "neu-web",
        "eus-api",
        "jpe-api",
        "weu-web-vmss",
        "jpe-api-vmss",
    }
    for text in (md, page):
        for w in result.waves:
            row = breakdown.run_wave_rows(result)[result.waves.index(w)]
            assert " | ".join(row) in md  # the whole row: name, region, size, p50, p95, ...
            assert w.wave in text
        for r in result.regions:
            assert r.bottleneck.text in text and "; ".join(r.bottleneck.levers) in text
            assert breakdown.parts_line(r.p95_parts_s) in text  # the tail's parts, for a run
    vmss = [r for r in result.regions if r.bottleneck.part == "batches"]
    assert {r.region for r in vmss} == {"westeurope", "japaneast"}
    assert "3 sets x 300" in md and "assumption vmss_batch" in md
    assert "more replicas cannot help" in md


def test_plan_report_has_the_console_columns_waves_and_causes(planned):
    p, folder = planned
    md = _flat((folder / "report.md").read_text())
    page = _flat((folder / "report.html").read_text())
    assert (
        "| version | region | replicas | storage | p95 | failed | USD/month | decisive reason |"
        in md
    )
    for text in (md, page):
        assert "in fabrikamImages" in text  # one gallery: named once, versions image/version
        for r in p.regions:  # current -> planned (the scenario had 3 replicas everywhere)
            assert r.scenario_replicas == 3
            assert f"| {r.version.split('/', 1)[1]} | {r.region} | 3 -> {r.replicas} |" in md
        for w in p.waves:
            assert w.wave in text
        for r in p.regions:
            if r.bottleneck is not None:
                assert r.bottleneck.text in text
    missed = [r for r in p.regions if r.meets_objectives is False]
    assert {r.region for r in missed} == {"westeurope", "japaneast"}
    for r in missed:  # its row: p95 over the objective, and the simulation's reason
        line = next(x for x in md.splitlines() if f"| {r.region} |" in x and " >10m00s |" in x)
        assert (
            f"| {r.monthly_cost_usd:,.2f} | objective missed: p95 set by scale-set batches" in line
        )
        assert line.endswith("; replicas cannot help |")
    for row in breakdown.plan_wave_rows(p):
        assert " | ".join(row) in md


def test_several_runs_show_waves_over_the_runs_and_the_median_runs_cause(runs, monkeypatch):
    _, results = runs
    monkeypatch.setenv("COLUMNS", "250")
    shown = acgsim("run", BURST, "-k", "3")
    assert "Waves over the runs (mean ± 95% CI" in shown
    for row in breakdown.estimate_rows(breakdown.wave_estimates(results)):
        assert row[0] in shown and row[4] in shown  # each wave with its p95 ± CI
    for region in ("westeurope", "japaneast", "eastus", "northeurope"):
        p95s = [next(r for r in x.regions if r.region == region).ttr_p95_s for x in results]
        median = sorted(range(3), key=lambda i: p95s[i])[1]
        assert f"{region}: in run {median}, the one with the median p95" in shown
        cause = next(r for r in results[median].regions if r.region == region).bottleneck
        assert " ".join(cause.text.split()) in " ".join(shown.split())


def test_json_summary_holds_each_waves_estimates(runs):
    doc, results = runs
    waves = doc["summary"]["waves"]
    assert [w["wave"] for w in waves] == [w.wave for w in results[0].waves]
    for w in waves:
        mine = [next(x for x in r.waves if x.key == w["key"]) for r in results]
        p95 = np.array([x.ttr_p95_s for x in mine])
        assert w["p95_s"]["n"] == 3
        assert w["p95_s"]["mean"] == pytest.approx(p95.mean(), abs=1e-3)
        half = 4.302653 * p95.std(ddof=1) / np.sqrt(3)  # t(0.975, 2 degrees of freedom)
        assert w["p95_s"]["half_width"] == pytest.approx(half, rel=1e-3)
        assert set(w["failure_rate"]) == {"mean", "half_width", "n"}
    assert doc["summary"]["all"]["ttr_p95_s"]["n"] == 3  # the regions' figures stay as they were


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e5, allow_nan=False) | st.none(), min_size=1, max_size=9))
def test_the_median_run_has_as_many_runs_above_as_below(runs, p95s):
    _, results = runs
    region = results[0].regions[0]
    copies = [
        results[0].model_copy(update={"regions": [region.model_copy(update={"ttr_p95_s": x})]})
        for x in p95s
    ]
    i = breakdown.median_run(copies, region.region)
    ran = [x for x in p95s if x is not None]
    if not ran:
        assert i is None
        return
    chosen = p95s[i]
    assert chosen is not None
    assert sum(x < chosen for x in ran) <= (len(ran) - 1) // 2
    assert sum(x > chosen for x in ran) <= len(ran) // 2


def test_tradeoff_plot_names_versions_keeps_candidates_and_uses_whole_replicas(planned):
    p, _ = planned
    fig = plots.plan_tradeoff(p)
    fig.canvas.draw()
    searched = [r for r in p.regions if r.candidates]
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == len(searched)
    for ax, r in zip(panels, searched, strict=True):
        image, version = r.version.split("/")[1:]
        assert ax.get_title().startswith(f"{image}/{version} in {r.region}")
        low, high = ax.get_xlim()
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        assert ticks and all(float(t).is_integer() for t in ticks)
        [curve] = [c for c in ax.lines if c.get_marker() == "o"]
        assert sorted(curve.get_xdata()) == sorted(c.replicas for c in r.candidates)
        rules = [ln for ln in ax.lines if ln.get_linestyle() == ":"]
        chosen = [ln for ln in ax.lines if ln.get_linewidth() == 4]
        assert [list(ln.get_xdata()) for ln in rules] == [[r.baseline_replicas] * 2]
        assert [list(ln.get_xdata()) for ln in chosen] == [[r.replicas] * 2]
        objective = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
        assert [list(ln.get_ydata()) for ln in objective] == [[r.objective_p95_s / 60] * 2]
    plots.plt.close(fig)
