"""Sweeps: PATH and VALUES, the grid, identical results on 1 or 2 workers and on Dask, resume,
failing cells recorded, clear errors."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.sim import sweep as sw

from ..helpers import SCENARIOS

QUICK = SCENARIOS / "quickstart.yaml"
VARY = [
    "model.replica_concurrency=5,20",
    "galleries[contosoImages].images[0].versions[1.0.0].regions[northeurope].replicas=1..2",
]


def _data() -> dict:
    return yaml.safe_load(QUICK.read_text())


@pytest.mark.parametrize(
    ("text", "path", "values"),
    [
        ("model.replica_concurrency=1..4", "model.replica_concurrency", (1, 2, 3, 4)),
        ("a.b=1,2.5,x,true", "a.b", (1, 2.5, "x", True)),
        ("horizon=30m, 1h", "horizon", ("30m", "1h")),
    ],
)
def test_parse_vary(text, path, values):
    assert sw.parse_vary(text) == sw.Axis(path, values)


@pytest.mark.parametrize("bad", ["nopath", "a.b=", "=1,2", "a=5..1"])
def test_parse_vary_errors(bad):
    with pytest.raises(sw.SweepError):
        sw.parse_vary(bad)


def test_assign_by_index_name_and_region():
    data = _data()
    sw.assign(
        data,
        "galleries[contosoImages].images[ubuntu-web].versions[1.0.0].regions[westeurope].replicas",
        7,
    )
    sw.assign(data, "workload.vms[north-wave].count", 3)
    sw.assign(data, "model.replica_concurrency", 9)
    version = data["galleries"][0]["images"][0]["versions"][0]
    assert version["regions"][0] == {"region": "westeurope", "replicas": 7}
    assert data["workload"]["vms"][1]["count"] == 3 and data["model"]["replica_concurrency"] == 9


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("galleries[5].name", "out of range"),
        ("galleries[nope].name", "no item named 'nope'"),
        ("galleries[0].name.x", "nothing to select"),
        ("galleries..name", "is not a field name"),
    ],
)
def test_assign_errors_name_the_path(path, fragment):
    with pytest.raises(sw.SweepError) as info:
        sw.assign(_data(), path, 1)
    assert fragment in str(info.value) and path.split(".")[0] in str(info.value)


def test_every_cell_is_validated_before_running():
    axes = [sw.parse_vary("galleries[0].images[0].versions[0].replicas=1,101")]
    with pytest.raises(sw.SweepError) as info:
        sw.grid(_data(), axes, "q.yaml")
    assert "cell 1" in str(info.value) and "out of range" in str(info.value)


def _rows(workers: int, scheduler: str | None = None) -> list[dict]:
    axes = [sw.parse_vary(v) for v in VARY]
    cells = sw.grid(_data(), axes, "q.yaml")
    rows = list(sw.execute(sw.tasks(cells, 2, set()), workers, scheduler))
    return sorted(rows, key=lambda r: (r["cell"], r["run"]))


def test_same_results_on_one_and_two_workers_and_dask():
    one = _rows(1)
    assert len(one) == 8 and not any(r["error"] for r in one)
    assert _rows(2) == one
    pytest.importorskip("distributed")
    assert _rows(2, "local") == one


def test_a_failing_cell_is_recorded_and_the_sweep_goes_on(monkeypatch):
    real = sw.simulate

    def flaky(scenario, run=None, **kw):
        if scenario.model.replica_concurrency == 5:
            raise RuntimeError("boom")
        return real(scenario, run=run, **kw)

    monkeypatch.setattr(sw, "simulate", flaky)
    rows = _rows(1)
    failed = [r for r in rows if r["error"]]
    assert len(failed) == 4 and all("boom" in r["error"] for r in failed)
    assert all(r["ttr_p95_s"] for r in rows if not r["error"])
    summary = sw.summary(rows, [sw.parse_vary(v) for v in VARY])
    assert [c["errors"] for c in summary] == [2, 2, 0, 0]


def test_resume_after_an_interruption_gives_the_same_table(tmp_path):
    runner = CliRunner()
    args = ["sweep", str(QUICK), "--vary", VARY[0], "--vary", VARY[1], "-k", "2", "--workers", "1"]
    full = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert full.exit_code == 0, full.output
    rows = (tmp_path / "a" / "rows.jsonl").read_text().splitlines()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "sweep.json").write_text((tmp_path / "a" / "sweep.json").read_text())
    (tmp_path / "b" / "rows.jsonl").write_text("\n".join(rows[:3]) + "\n" + rows[3][:20])
    again = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--resume"])
    assert again.exit_code == 0, again.output
    assert "5 to run, 3 already done" in again.output
    for name in ("rows.csv", "summary.csv"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    assert (tmp_path / "b" / "sweep-ttr_p95_s.png").exists()
    cells = sw.prepare(QUICK, VARY, 2)[1]
    assert len(sw.read_rows(tmp_path / "b" / "rows.jsonl", cells, 2)) == 8  # no row lost
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert len(summary) == 4 and all(c["runs"] == 2 for c in summary)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--vary", "galleries[9].name=x"], "out of range"),
        (["--vary", "model.replica_concurrency"], "write PATH=VALUES"),
        (["--vary", "model.replica_concurrency=0,5"], "cell 0"),
        (["--vary", "model.replica_concurrency=5", "--plot", "speed"], "--plot"),
    ],
)
def test_sweep_bad_input_exits_2(tmp_path, extra, fragment):
    result = CliRunner().invoke(app, ["sweep", str(QUICK), "--out", str(tmp_path / "o"), *extra])
    assert result.exit_code == 2 and fragment in result.output, result.output
    assert "Traceback" not in result.output


def test_an_existing_sweep_is_not_overwritten(tmp_path):
    args = [
        "sweep",
        str(QUICK),
        "--vary",
        "model.replica_concurrency=5",
        "-k",
        "1",
        "--workers",
        "1",
        "--out",
        str(tmp_path),
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "--resume" in again.output
    assert CliRunner().invoke(app, [*args, "--force"]).exit_code == 0


def test_resume_refuses_a_changed_scenario(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(QUICK.read_text())
    args = [
        "sweep",
        str(scenario),
        "--vary",
        "model.replica_concurrency=5",
        "-k",
        "1",
        "--workers",
        "1",
        "--out",
        str(tmp_path / "o"),
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    scenario.write_text(QUICK.read_text().replace("count: 40", "count: 30"))
    again = CliRunner().invoke(app, [*args, "--resume"])
    assert again.exit_code == 2 and "different sweep" in again.output


def test_plots_keep_the_order_values_were_given():
    from acgsim.reports.sweep import sweep_plot

    axis = sw.parse_vary("workload.vms[0].at=30m,1h,90m")
    summary = [
        {"cell": i, axis.path: v, "ttr_p95_s": 60.0 + i, "ttr_p95_s_ci": 1.0}
        for i, v in enumerate(axis.values)
    ]
    ax = sweep_plot(summary, [axis], "ttr_p95_s").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["30m", "1h", "90m"]
    numbers = sw.parse_vary("model.replica_concurrency=10,2,1")
    summary = [
        {"cell": i, numbers.path: v, "ttr_p95_s": float(v), "ttr_p95_s_ci": 0.0}
        for i, v in enumerate(numbers.values)
    ]
    line = sweep_plot(summary, [numbers], "ttr_p95_s").axes[0].lines[0]
    assert list(line.get_xdata()) == [1, 2, 10]


def test_a_sweep_past_its_ceiling_is_refused_before_it_runs():
    from acgsim.sim.footprint import Ceiling, RunTooLarge

    with pytest.raises(RunTooLarge, match=r"^this sweep \(2 cells x 1 run\) would simulate 120 "):
        sw.prepare(QUICK, ["model.replica_concurrency=5,20"], 1, ceiling=Ceiling(requests=100))
    _, cells, _ = sw.prepare(QUICK, ["seed=1,2"], 3, ceiling=Ceiling(requests=360))
    assert len(cells) == 2
