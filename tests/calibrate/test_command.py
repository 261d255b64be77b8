"""`acgsim calibrate` end to end: activity logs and samples in, a calibrated scenario out that
loads, runs and plans; provenance in the file; bad input exits 2 naming file, line and field."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from acgsim.cli import app
from acgsim.sim.loader import load
from acgsim.sim.service_params import Replication

from ..helpers import SCENARIOS
from . import synthetic

runner = CliRunner()
QUICKSTART = str(SCENARIOS / "quickstart.yaml")


def _files(tmp_path):
    log = tmp_path / "activity-log.json"
    log.write_text(json.dumps(synthetic.vm_creates(5, 150, 75.0, 0.4, 21.0), indent=2))
    samples = tmp_path / "replication.jsonl"
    docs = synthetic.replication_samples(
        5, 8, ["westeurope", "northeurope", "eastus"], 3, 30.0, Replication(wan_mb_per_s=10.0)
    )
    samples.write_text("\n".join(json.dumps(d) for d in docs))
    return log, samples


def test_calibrate_then_run_then_plan(tmp_path):
    log, samples = _files(tmp_path)
    out = tmp_path / "calibrated.yaml"
    result = runner.invoke(
        app, ["calibrate", str(log), str(samples), "-s", QUICKSTART, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "boot.mean" in result.output and "replication.wan_mb_per_s" in result.output
    assert "Left at their values:" in result.output and "disk.base" in result.output
    text = out.read_text()
    assert "# fitted from " in text and " VM creates, 2026-11-02..2026-11-" in text
    assert "regions of 8 versions, 2026-11-02..2026-11-09" in text
    calibrated, original = load(out), load(QUICKSTART)
    assert calibrated.model.boot.mean != original.model.boot.mean
    assert 5 < calibrated.model.replication.wan_mb_per_s < 20
    # everything but the model block is the user's scenario, unchanged
    assert calibrated.model_copy(update={"model": original.model}) == original
    ran = runner.invoke(app, ["run", str(out), "--json"])
    assert ran.exit_code == 0, ran.output
    summary = json.loads(ran.output)
    assert summary["scenario"] == "quickstart"
    planned = runner.invoke(app, ["plan", str(out)])
    assert planned.exit_code in (0, 4), planned.output  # 4: no plan meets the objectives


def test_the_written_values_are_the_reported_ones(tmp_path):
    log, _ = _files(tmp_path)
    out = tmp_path / "c.yaml"
    runner.invoke(app, ["calibrate", str(log), "-s", QUICKSTART, "-o", str(out)])
    model = yaml.safe_load(out.read_text())["model"]
    line = next(x for x in out.read_text().splitlines() if x.strip().startswith("mean:"))
    low, high = line.split("95% interval ")[1].split(" s;")[0].split("..")
    assert float(low) < float(model["boot"]["mean"].rstrip("s")) < float(high)


def test_existing_output_needs_force_and_a_report_is_written(tmp_path):
    log, _ = _files(tmp_path)
    out = tmp_path / "c.yaml"
    out.write_text("mine")
    refused = runner.invoke(app, ["calibrate", str(log), "-s", QUICKSTART, "-o", str(out)])
    assert refused.exit_code == 2 and out.read_text() == "mine"
    rep = tmp_path / "rep"
    ok = runner.invoke(
        app,
        ["calibrate", str(log), "-s", QUICKSTART, "-o", str(out), "--force", "--report", str(rep)],
    )
    assert ok.exit_code == 0, ok.output
    page = (rep / "calibration.html").read_text()
    assert "Fit check" in page and "data:image/png;base64," in page
    assert (rep / "calibration-fit.png").stat().st_size > 1000


def test_a_bad_row_exits_2_naming_file_line_and_field(tmp_path):
    log, _ = _files(tmp_path)
    events = json.loads(log.read_text())
    events[7]["eventTimestamp"] = "2026-13-45T99:00:00Z"
    log.write_text(json.dumps(events, indent=2))
    result = runner.invoke(app, ["calibrate", str(log), "-s", QUICKSTART])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{log}: line " in result.output and "(item 7): eventTimestamp:" in result.output


def test_a_misspecified_case_warns_on_stderr(tmp_path):
    log = tmp_path / "bimodal.json"
    log.write_text(json.dumps(synthetic.vm_creates(2, 300, 40.0, 0.3, 84.0, bimodal=True)))
    result = runner.invoke(app, ["calibrate", str(log), "-s", QUICKSTART])
    assert result.exit_code == 0
    assert "warning: the model cannot reproduce the VM creates" in result.output


def test_a_file_name_with_a_line_break_stays_in_its_comment(tmp_path):
    log, _ = _files(tmp_path)
    odd = tmp_path / "log\nmodel: broken.json"
    odd.write_bytes(log.read_bytes())
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["calibrate", str(odd), "-s", QUICKSTART, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load(out).model.boot.mean != load(QUICKSTART).model.boot.mean
    assert out.read_text().splitlines()[0].endswith("log\\nmodel: broken.json.")


def test_a_report_folder_with_files_needs_force(tmp_path):
    log, _ = _files(tmp_path)
    rep = tmp_path / "rep"
    rep.mkdir()
    (rep / "notes.txt").write_text("mine")
    refused = runner.invoke(app, ["calibrate", str(log), "-s", QUICKSTART, "--report", str(rep)])
    assert refused.exit_code == 2 and "holds files already" in refused.output
